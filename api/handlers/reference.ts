// Reference data: reads for every authenticated user, writes for administrators (the role gate is the
// operation's x-otklik-roles in the spec).
import * as ref from '../../domain/reference/reference';
import type { Handlers } from '../routes';

export const referenceHandlers = {
  listRegions: async ({ deps }) => ({ status: 200, body: { items: await ref.listRegions(deps.db) } }),
  getRegion: async ({ deps, input }) => ({ status: 200, body: await ref.getRegion(deps.db, input.params.regionId) }),
  getRegulationProfile: async ({ deps, input }) => ({ status: 200, body: await ref.getRegulationProfile(deps.db, input.params.regionId) }),
  putRegulationProfile: async ({ deps, input }) => ({
    status: 200, body: await ref.putRegulationProfile(deps.db, input.params.regionId, input.body),
  }),
  listTerritories: async ({ deps, input }) => ({ status: 200, body: { items: await ref.listTerritories(deps.db, input.params.regionId) } }),
  getClassifier: async ({ deps, input }) => ({ status: 200, body: await ref.getClassifier(deps.db, input.params.regionId) }),

  listOrganisations: async ({ deps, input }) => ({ status: 200, body: { items: await ref.listOrganisations(deps.db, input.query) } }),
  getOrganisation: async ({ deps, input }) => ({ status: 200, body: await ref.getOrganisation(deps.db, input.params.organisationId) }),
  createOrganisation: async ({ deps, input }) => {
    const body = await ref.createOrganisation(deps.db, input.body);
    return { status: 201, body, headers: { Location: `/organisations/${encodeURIComponent(body.id)}` } };
  },
  updateOrganisation: async ({ deps, input }) => ({
    status: 200, body: await ref.updateOrganisation(deps.db, input.params.organisationId, input.body),
  }),

  createCategory: async ({ deps, input }) => ({ status: 201, body: await ref.createCategory(deps.db, input.body) }),
  updateCategory: async ({ deps, input }) => ({ status: 200, body: await ref.updateCategory(deps.db, input.params.categoryId, input.body) }),
  putAccelerated: async ({ deps, input }) => ({ status: 200, body: await ref.putAccelerated(deps.db, input.params.categoryId, input.body) }),
  deleteAccelerated: async ({ deps, input }) => {
    await ref.deleteAccelerated(deps.db, input.params.categoryId);
    return { status: 204 };
  },

  listRoutingRules: async ({ deps, input }) => ({ status: 200, body: { items: await ref.listRoutingRules(deps.db, input.query) } }),
  createRoutingRule: async ({ deps, input }) => ({ status: 201, body: await ref.createRoutingRule(deps.db, input.body) }),
  replaceRoutingRule: async ({ deps, input }) => ({ status: 200, body: await ref.replaceRoutingRule(deps.db, input.params.ruleId, input.body) }),
  deleteRoutingRule: async ({ deps, input }) => {
    await ref.deleteRoutingRule(deps.db, input.params.ruleId);
    return { status: 204 };
  },
  previewRouting: async ({ deps, input }) => ({ status: 200, body: await ref.previewRouting(deps.db, input.body) }),
} satisfies Partial<Handlers>;
