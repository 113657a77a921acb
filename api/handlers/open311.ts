// Open311 GeoReport v2 endpoints (/open311/v2/…): discovery, services and their definitions, service
// requests (read anonymously, submitted with an integration client's API key) and tokens. The logic is
// in domain/integration/open311.ts; errors on these paths are GeoReport arrays (api/open311/errors.ts).
import { userForToken } from '../../domain/identity/authentication';
import {
  caseSubmissionOf,
  checkSubmitter,
  getRequest,
  listRequests,
  listServices,
  registrationNotice,
  requestOfToken,
  serviceDefinition,
  submissionFields,
  submissionToken,
} from '../../domain/integration/open311';
import { problems } from '../../domain/problem';
import type { Handlers } from '../routes';
import { submitAppeal } from '../../domain/cases/intake';
import { temporalContext } from './cases';

/** When this implementation of the GeoReport endpoints last changed (discovery's changeset). */
const CHANGESET = '2026-11-27T00:00:00Z';

/** The API key of a GeoReport POST: the api_key (form or query string), else the bearer token of the Authorization header. */
function apiKeyOf(field: string | undefined, authorization: string | undefined): string | undefined {
  if (field !== undefined && field !== '') return field;
  const m = authorization ? /^Bearer[ ]+(\S+)\s*$/i.exec(authorization) : null;
  return m?.[1];
}

export const open311Handlers = {
  async getOpen311Discovery({ req }) {
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}/open311/v2`;
    return {
      status: 200,
      body: {
        changeset: CHANGESET,
        contact: process.env.OTKLIK_OPEN311_CONTACT ?? 'Ask the operator of this platform (the region\'s digital development ministry) for help.',
        key_service: process.env.OTKLIK_OPEN311_KEY_SERVICE
          ?? 'API keys are issued by the platform\'s administrators: an integration client with the scope cases:submit (npm run users -- create --role integration).',
        endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: base, changeset: CHANGESET, type: 'production', formats: ['application/json'] }],
      },
    };
  },

  async listOpen311Services({ input, deps }) {
    return { status: 200, body: await listServices(deps.db, input.query.jurisdiction_id) };
  },

  async getOpen311ServiceDefinition({ input, deps }) {
    return { status: 200, body: await serviceDefinition(deps.db, input.params.service_code, input.query.jurisdiction_id) };
  },

  async listOpen311Requests({ input, deps }) {
    return { status: 200, body: await listRequests(deps.db, input.query) };
  },

  async getOpen311Request({ input, deps }) {
    return { status: 200, body: await getRequest(deps.db, input.params.service_request_id, input.query.jurisdiction_id) };
  },

  async getOpen311Token({ input, deps }) {
    return { status: 200, body: await requestOfToken(deps.db, input.params.token, input.query.jurisdiction_id) };
  },

  async createOpen311Request({ input, deps, req }) {
    const fields = submissionFields(input.body, input.query);
    const key = apiKeyOf(fields.api_key, req.headers.authorization);
    if (key === undefined) throw problems.unauthorized('An api_key is required (an integration client\'s API token with the scope cases:submit).', false);
    const user = checkSubmitter(await userForToken(deps.db, key));
    const submission = await caseSubmissionOf(deps.db, user, fields);
    const { token, idempotencyKey } = submissionToken(user, input.headers['Idempotency-Key']);
    const { row, replayed } = await submitAppeal(temporalContext(deps), user, idempotencyKey, submission, 'open311');
    const body = [{
      service_request_id: row.id,
      token,
      service_notice: await registrationNotice(deps.db, row.id),
      account_id: input.body.account_id ?? null,
    }];
    if (replayed) return { status: 200, body, headers: { 'Idempotent-Replayed': 'true' } };
    return { status: 201, body };
  },
} satisfies Partial<Handlers>;
