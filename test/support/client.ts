// A typed HTTP client of the Otklik API generated from the spec: openapi-fetch over the types that
// `npm run openapi:types` generates from openapi/openapi.yaml. Paths, parameters, bodies and responses
// are checked by the compiler, so a test written with it proves the spec alone is enough to integrate.
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../../openapi/types';

export type OtklikClient = Client<paths>;
export type Schemas = components['schemas'];

/** A client that sends `Authorization: Bearer <token>` with every request (an integration client's API key, or any user's token). */
export function integrationClient(baseUrl: string, token: string): OtklikClient {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

/** A problem document's status and detail, for assertion messages. */
export function describeError(error: unknown): string {
  if (!error || typeof error !== 'object') return String(error);
  const p = error as { status?: number; title?: string; detail?: string };
  return `${p.status ?? '?'} ${p.title ?? ''}: ${p.detail ?? JSON.stringify(error)}`;
}
