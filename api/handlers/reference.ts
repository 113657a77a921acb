// Reference data: reads for every authenticated user, writes for administrators (the role gate is the
// operation's x-otklik-roles in the spec).
import { getRegion, getRegulationProfile, listRegions, listTerritories, putRegulationProfile } from '../../domain/reference/regions';
import { createOrganisation, getOrganisation, listOrganisations, updateOrganisation } from '../../domain/reference/organisations';
import { createCategory, deleteAccelerated, getClassifier, putAccelerated, updateCategory } from '../../domain/reference/classifier';
import { createRoutingRule, deleteRoutingRule, listRoutingRules, replaceRoutingRule } from '../../domain/reference/routing-rules';
import { previewRouting } from '../../domain/reference/routing';
import type { Handlers } from '../routes';

export const referenceHandlers = {
  listRegions: async ({ deps }) => ({ status: 200, body: { items: await listRegions(deps.db) } }),
  getRegion: async ({ deps, input }) => ({ status: 200, body: await getRegion(deps.db, input.params.regionId) }),
  getRegulationProfile: async ({ deps, input }) => ({ status: 200, body: await getRegulationProfile(deps.db, input.params.regionId) }),
  putRegulationProfile: async ({ deps, input }) => ({
    status: 200, body: await putRegulationProfile(deps.db, input.params.regionId, input.body),
  }),
  listTerritories: async ({ deps, input }) => ({ status: 200, body: { items: await listTerritories(deps.db, input.params.regionId) } }),
  getClassifier: async ({ deps, input }) => ({ status: 200, body: await getClassifier(deps.db, input.params.regionId) }),

  listOrganisations: async ({ deps, input }) => ({ status: 200, body: { items: await listOrganisations(deps.db, input.query) } }),
  getOrganisation: async ({ deps, input }) => ({ status: 200, body: await getOrganisation(deps.db, input.params.organisationId) }),
  createOrganisation: async ({ deps, input }) => {
    const body = await createOrganisation(deps.db, input.body);
    return { status: 201, body, headers: { Location: `/organisations/${encodeURIComponent(body.id)}` } };
  },
  updateOrganisation: async ({ deps, input }) => ({
    status: 200, body: await updateOrganisation(deps.db, input.params.organisationId, input.body),
  }),

  createCategory: async ({ deps, input }) => ({ status: 201, body: await createCategory(deps.db, input.body) }),
  updateCategory: async ({ deps, input }) => ({ status: 200, body: await updateCategory(deps.db, input.params.categoryId, input.body) }),
  putAccelerated: async ({ deps, input }) => ({ status: 200, body: await putAccelerated(deps.db, input.params.categoryId, input.body) }),
  deleteAccelerated: async ({ deps, input }) => {
    await deleteAccelerated(deps.db, input.params.categoryId);
    return { status: 204 };
  },

  listRoutingRules: async ({ deps, input }) => ({ status: 200, body: { items: await listRoutingRules(deps.db, input.query) } }),
  createRoutingRule: async ({ deps, input }) => ({ status: 201, body: await createRoutingRule(deps.db, input.body) }),
  replaceRoutingRule: async ({ deps, input }) => ({ status: 200, body: await replaceRoutingRule(deps.db, input.params.ruleId, input.body) }),
  deleteRoutingRule: async ({ deps, input }) => {
    await deleteRoutingRule(deps.db, input.params.ruleId);
    return { status: 204 };
  },
  previewRouting: async ({ deps, input }) => ({ status: 200, body: await previewRouting(deps.db, input.body) }),
} satisfies Partial<Handlers>;
