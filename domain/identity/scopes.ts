// What an integration client may be allowed to do. Each operation open to integration clients lists the
// scopes that admit it (x-otklik-scopes in openapi/openapi.yaml); a client holds a set of them, and acts
// only on cases of its organisation subtree (api/auth.ts).
export const INTEGRATION_SCOPES = {
  'cases:read': 'Read cases of the subtree, their history and attachments.',
  'cases:write': 'Act on cases of the subtree: acknowledge registration, take into work, answer, redirect, extend, ask for clarification.',
  'cases:submit': 'Submit appeals on behalf of applicants (Open311 POST requests, the appeals endpoint).',
  'incidents:submit': 'Report posts found in open sources (a monitoring system) and read the incidents reported.',
  'feed:read': 'Read the change feed of the subtree.',
  'webhooks:manage': 'Manage webhook subscriptions of the subtree and their deliveries.',
  'attachments:write': 'Upload attachments.',
} as const;

export type IntegrationScope = keyof typeof INTEGRATION_SCOPES;
