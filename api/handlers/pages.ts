// Official pages: the organisation's registry of its pages, publications on them (each a workflow,
// workflows/publication/), and the region's table. See the `pages` tag in openapi/openapi.yaml.
import { DateTime } from 'luxon';
import { problems } from '../../domain/problem';
import { addPage, listPages, pagesOrganisation, updatePage } from '../../domain/pages/registry';
import { accessiblePublication, actOnPublication, draftPublication, listPublications } from '../../domain/pages/publications';
import { pagesReport } from '../../domain/pages/report';
import { pagesFromEnv } from '../../domain/pages/config';
import {
  approvePublicationUpdate, cancelPublicationUpdate, reschedulePublicationUpdate,
} from '../../workflows/publication/messages';
import type { Handlers } from '../routes';
import { temporalContext } from './cases';

/** The days of the table when the request names none. */
const DEFAULT_REPORT_DAYS = 30;

export const pagesHandlers = {
  async listOfficialPages({ deps, user, input }) {
    const org = await pagesOrganisation(deps.db, user, input.params.organisationId, 'read');
    return { status: 200, body: { items: await listPages(deps.db, org.organisationId) } };
  },

  async addOfficialPage({ deps, user, input }) {
    const org = await pagesOrganisation(deps.db, user, input.params.organisationId, 'manage');
    return { status: 201, body: await addPage(deps.db, org.organisationId, input.body, user.id) };
  },

  async updateOfficialPage({ deps, user, input }) {
    const org = await pagesOrganisation(deps.db, user, input.params.organisationId, 'manage');
    return { status: 200, body: await updatePage(deps.db, org.organisationId, input.params.pageId, input.body) };
  },

  async listPublications({ deps, user, input }) {
    const org = await pagesOrganisation(deps.db, user, input.params.organisationId, 'read');
    return { status: 200, body: { items: await listPublications(deps.db, org.organisationId, input.query.status) } };
  },

  async draftPublication({ deps, user, input }) {
    const org = await pagesOrganisation(deps.db, user, input.params.organisationId, 'manage');
    const delivery = deps.publicationDelivery ?? pagesFromEnv().delivery;
    return { status: 201, body: await draftPublication(temporalContext(deps), user, org, input.body, delivery) };
  },

  async getPublication({ deps, user, input }) {
    return { status: 200, body: await accessiblePublication(deps.db, user, input.params.publicationId, 'read') };
  },

  approvePublication: ({ deps, user, input }) =>
    actOnPublication(temporalContext(deps), user, input.params.publicationId, approvePublicationUpdate, (actor) => ({ actor }))
      .then((body) => ({ status: 200, body })),

  reschedulePublication: ({ deps, user, input }) =>
    actOnPublication(temporalContext(deps), user, input.params.publicationId, reschedulePublicationUpdate, (actor) => ({ actor, publishAt: input.body.publishAt }))
      .then((body) => ({ status: 200, body })),

  cancelPublication: ({ deps, user, input }) =>
    actOnPublication(temporalContext(deps), user, input.params.publicationId, cancelPublicationUpdate, (actor) => ({ actor, reason: input.body.reason }))
      .then((body) => ({ status: 200, body })),

  async getOfficialPagesReport({ deps, user, input }) {
    const regionId = input.params.regionId;
    if (user.role === 'supervisor' && user.regionId !== regionId) throw problems.forbidden('A supervisor sees the table of their own region.');
    const region = await deps.db('regions').where({ id: regionId }).first('time_zone');
    if (!region) throw problems.notFound(`There is no region ${regionId}.`);
    const today = DateTime.now().setZone(region.time_zone).toISODate()!;
    const to = input.query.to ?? today;
    const from = input.query.from ?? DateTime.fromISO(to).minus({ days: DEFAULT_REPORT_DAYS - 1 }).toISODate()!;
    return { status: 200, body: await pagesReport(deps.db, regionId, from, to) };
  },
} satisfies Partial<Handlers>;
