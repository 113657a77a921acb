// Integration clients' credentials over HTTP: the administrators' API creates a client (API key and
// client secret shown once), the client-credentials grant issues short-lived access tokens that act for
// the client's organisation subtree within the scopes granted (narrowed by `scope`), and rotation keeps
// old and new credentials working until the old one is revoked. Also the command line (npm run users).
// Case rows are written directly, as the workflow's projection would; no case engine is needed.
import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { runUsersCommand } from '../../ops/users';
import { call, roleTokens, startTestApi, type CallResult, type RoleTokens, type TestApi } from '../api/helpers';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';

describe('integration clients: OAuth client credentials, API keys, scopes, rotation', () => {
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;
  let districtCase: string;
  let settlementCase: string;
  let ministryCase: string;
  let n = 0;

  async function insertCase(organisationId: string): Promise<string> {
    const id = `97-2026-${String(++n).padStart(6, '0')}`;
    await db('cases').insert({
      id, kind: 'appeal', region_id: TEST_REGION, applicant_user_id: t.citizenUser.id, applicant_name: 'Ivan Petrov', text: `Case ${n}`,
      category_id: CAT.roads, subcategory_id: CAT.potholes, territory_id: TERRITORY.village, organisation_id: organisationId, status: 'registered',
      registered_at: new Date(), answer_due_at: new Date(Date.now() + 30 * 86_400_000), term_days: 30, last_seq: 1, state: JSON.stringify({ seq: 1 }),
    });
    return id;
  }

  /** POST /oauth/token as a form; `basic` sends the client's credentials by HTTP Basic. */
  function token(form: Record<string, string>, basic?: { id: string; secret: string }): Promise<CallResult> {
    const headers: Record<string, string> = {};
    if (basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
    return call(api, 'POST', '/oauth/token', { raw: new URLSearchParams(form).toString(), contentType: 'application/x-www-form-urlencoded', headers });
  }

  async function accessToken(id: string, secret: string, scope?: string): Promise<string> {
    const r = await token({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }, { id, secret });
    assert.equal(r.status, 200, r.text);
    return r.body.access_token;
  }

  async function createClient(scopes: string[], organisationId: string = ORG.district) {
    const r = await call(api, 'POST', '/integration-clients', { token: t.admin, body: { name: `SED ${++n}`, organisationId, scopes } });
    assert.equal(r.status, 201, r.text);
    return r.body as { client: { clientId: string; userId: number; scopes: string[] }; clientSecret: string; secretId: number; apiKey: string; apiKeyId: number };
  }

  const caseIds = (r: CallResult) => r.body.items.map((c: { id: string }) => c.id).sort();

  before(async () => {
    ({ db } = await freshDatabase('identity'));
    await createTestRegion(db);
    t = await roleTokens(db);
    api = await startTestApi(db);
    districtCase = await insertCase(ORG.district);
    settlementCase = await insertCase(ORG.settlement);
    ministryCase = await insertCase(ORG.ministry);
  });

  after(async () => {
    await api?.close();
  });

  it('creates a client with a client_id, a secret and an API key shown once (administrators only)', async () => {
    const denied = await call(api, 'POST', '/integration-clients', { token: t.supervisor, body: { name: 'SED', organisationId: ORG.district, scopes: ['cases:read'] } });
    assert.equal(denied.status, 403);
    const made = await createClient(['cases:read']);
    assert.match(made.client.clientId, /^otkc_[0-9a-f]{32}$/);
    assert.match(made.clientSecret, /^otks_/);
    assert.match(made.apiKey, /^otk_/);
    const shown = await call(api, 'GET', `/integration-clients/${made.client.clientId}`, { token: t.admin });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.scopes, ['cases:read']);
    assert.equal(shown.body.secrets.length, 1);
    assert.equal(shown.body.apiKeys.length, 1);
    assert.ok(!shown.text.includes(made.clientSecret) && !shown.text.includes(made.apiKey), 'secrets are never shown again');
    // Neither is stored in the clear.
    assert.equal(await db('client_secrets').where({ secret_hash: made.clientSecret }).first(), undefined);
    const unknownOrg = await call(api, 'POST', '/integration-clients', { token: t.admin, body: { name: 'SED', organisationId: 'nowhere.org', scopes: ['cases:read'] } });
    assert.equal(unknownOrg.status, 422);
    const list = await call(api, 'GET', `/integration-clients?organisationId=${ORG.district}`, { token: t.admin });
    assert.ok(list.body.items.some((c: { clientId: string }) => c.clientId === made.client.clientId));
  });

  it('issues an access token (Basic or body) that sees only the cases of its subtree', async () => {
    const made = await createClient(['cases:read', 'cases:write']);
    const r = await token({ grant_type: 'client_credentials' }, { id: made.client.clientId, secret: made.clientSecret });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.token_type, 'Bearer');
    assert.equal(r.body.expires_in, 3600);
    assert.equal(r.body.scope, 'cases:read cases:write');
    assert.match(r.body.access_token, /^otkat_/);
    assert.equal(r.headers.get('cache-control'), 'no-store');

    const viaBody = await token({ grant_type: 'client_credentials', client_id: made.client.clientId, client_secret: made.clientSecret });
    assert.equal(viaBody.status, 200, viaBody.text);

    const cases = await call(api, 'GET', '/cases?limit=100', { token: r.body.access_token });
    assert.equal(cases.status, 200, cases.text);
    assert.deepEqual(caseIds(cases), [districtCase, settlementCase].sort());
    const outside = await call(api, 'GET', `/cases/${ministryCase}`, { token: r.body.access_token });
    assert.equal(outside.status, 404);
    const me = await call(api, 'GET', '/me', { token: viaBody.body.access_token });
    assert.equal(me.body.role, 'integration');
    assert.equal(me.body.organisationId, ORG.district);

    // Both grants are in the audit log, as the client's actions; a wrong secret is recorded as refused.
    const issued = await db('audit_log').where({ action: 'auth.token_issued', actor_user_id: made.client.userId }).select('details');
    assert.equal(issued.length, 2);
    assert.deepEqual(issued[0].details.scopes, ['cases:read', 'cases:write']);
    const refused = await token({ grant_type: 'client_credentials' }, { id: made.client.clientId, secret: `${made.clientSecret}x` });
    assert.equal(refused.status, 401);
    const refusal = await db('audit_log').where({ action: 'auth.token_refused' }).orderBy('id', 'desc').first();
    assert.equal(refusal.details.clientId, made.client.clientId);
    assert.equal(refusal.actor_user_id, null);
    assert.ok(!JSON.stringify(refusal).includes(made.clientSecret), 'the secret tried is not kept');
  });

  it('answers RFC 6749 errors: wrong secret / unknown client 401 invalid_client, bad grant or scope 400', async () => {
    const made = await createClient(['cases:read']);
    const failures: string[] = [];
    const expect = async (label: string, r: CallResult, status: number, error: string) => {
      if (r.status !== status || r.body?.error !== error) failures.push(`${label}: ${r.status} ${r.text}`);
      if (!/^application\/json/.test(r.headers.get('content-type') ?? '')) failures.push(`${label}: ${r.headers.get('content-type')}`);
      if (status === 401 && !/^Basic realm="otklik"/.test(r.headers.get('www-authenticate') ?? '')) failures.push(`${label}: no Basic challenge`);
    };
    const id = made.client.clientId;
    await expect('wrong secret', await token({ grant_type: 'client_credentials' }, { id, secret: made.clientSecret.slice(0, -2) + 'xx' }), 401, 'invalid_client');
    await expect('unknown client', await token({ grant_type: 'client_credentials' }, { id: 'otkc_nobody', secret: made.clientSecret }), 401, 'invalid_client');
    await expect('no client authentication', await token({ grant_type: 'client_credentials' }), 401, 'invalid_client');
    await expect('API key as a secret', await token({ grant_type: 'client_credentials' }, { id, secret: made.apiKey }), 401, 'invalid_client');
    await expect('no grant_type', await token({}, { id, secret: made.clientSecret }), 400, 'invalid_request');
    await expect('password grant', await token({ grant_type: 'password' }, { id, secret: made.clientSecret }), 400, 'unsupported_grant_type');
    await expect('scope not held', await token({ grant_type: 'client_credentials', scope: 'cases:read webhooks:manage' }, { id, secret: made.clientSecret }), 400, 'invalid_scope');
    await expect('both Basic and body', await token({ grant_type: 'client_credentials', client_id: id, client_secret: made.clientSecret }, { id, secret: made.clientSecret }), 400, 'invalid_request');
    assert.deepEqual(failures, []);
    assert.equal(Number((await db('oauth_access_tokens').where({ user_id: made.client.userId }).count('* as n'))[0].n), 0, 'no token for a failed request');
  });

  it('gates operations by scope (narrowed tokens included) and by role: 403', async () => {
    const made = await createClient(['cases:read', 'cases:write']);
    const narrowed = await accessToken(made.client.clientId, made.clientSecret, 'cases:read');
    const full = await accessToken(made.client.clientId, made.clientSecret);
    const take = (bearer: string, caseId: string) => call(api, 'POST', `/cases/${caseId}/take`, { token: bearer, headers: { 'idempotency-key': `identity-take-${++n}` } });

    const refused = await take(narrowed, districtCase);
    assert.equal(refused.status, 403);
    assert.match(refused.body.detail, /needs the scope cases:write/);
    // The full token passes the scope gate: a case outside the subtree is then simply not there.
    assert.equal((await take(full, ministryCase)).status, 404);

    const readOnly = await createClient(['cases:read']);
    const r = await take(readOnly.apiKey, districtCase);
    assert.equal(r.status, 403, 'a client without cases:write (API key)');
    assert.equal((await take(await accessToken(readOnly.client.clientId, readOnly.clientSecret), districtCase)).status, 403);

    // Operations not open to integration clients: the role gate.
    for (const [method, path] of [['GET', '/integration-clients'], ['GET', '/supervision/overdue'], ['PATCH', '/me']] as const) {
      const x = await call(api, method, path, { token: full, body: method === 'PATCH' ? { birthDate: null } : undefined });
      assert.equal(x.status, 403, `${method} ${path}: ${x.text}`);
      assert.match(x.body.detail, /^This operation is for: /);
    }

    // Scopes taken from the client apply at once to its live tokens.
    const patched = await call(api, 'PATCH', `/integration-clients/${made.client.clientId}`, { token: t.admin, body: { scopes: ['feed:read'] } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.scopes, ['feed:read']);
    assert.equal((await call(api, 'GET', '/cases', { token: full })).status, 403);
  });

  it('refuses expired access tokens and expired secrets (401)', async () => {
    const made = await createClient(['cases:read']);
    const bearer = await accessToken(made.client.clientId, made.clientSecret);
    assert.equal((await call(api, 'GET', '/cases', { token: bearer })).status, 200);
    await db('oauth_access_tokens').where({ user_id: made.client.userId }).update({ expires_at: new Date(Date.now() - 1000) });
    const expired = await call(api, 'GET', '/cases', { token: bearer });
    assert.equal(expired.status, 401);
    assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token"/);

    const past = await call(api, 'POST', `/integration-clients/${made.client.clientId}/secrets`, { token: t.admin, body: { expiresAt: new Date(Date.now() - 60_000).toISOString() } });
    assert.equal(past.status, 422);
    const soon = await call(api, 'POST', `/integration-clients/${made.client.clientId}/secrets`, { token: t.admin, body: { label: 'short-lived', expiresAt: new Date(Date.now() + 60_000).toISOString() } });
    assert.equal(soon.status, 201, soon.text);
    await accessToken(made.client.clientId, soon.body.clientSecret);
    await db('client_secrets').where({ id: soon.body.credential.id }).update({ expires_at: new Date(Date.now() - 1000) });
    assert.equal((await token({ grant_type: 'client_credentials' }, { id: made.client.clientId, secret: soon.body.clientSecret })).status, 401);
  });

  it('rotates secrets and API keys without downtime: old and new both work until the old is revoked', async () => {
    const made = await createClient(['cases:read']);
    const id = made.client.clientId;
    const oldToken = await accessToken(id, made.clientSecret);
    const issued = await call(api, 'POST', `/integration-clients/${id}/secrets`, { token: t.admin, body: { label: 'rotation 2026-11' } });
    assert.equal(issued.status, 201, issued.text);
    const newSecret = issued.body.clientSecret;
    assert.equal(issued.body.credential.label, 'rotation 2026-11');
    await accessToken(id, made.clientSecret); // the old one still works
    const newToken = await accessToken(id, newSecret);

    const revoke = await call(api, 'DELETE', `/integration-clients/${id}/secrets/${made.secretId}`, { token: t.admin });
    assert.equal(revoke.status, 204);
    assert.equal((await call(api, 'DELETE', `/integration-clients/${id}/secrets/${made.secretId}`, { token: t.admin })).status, 409);
    assert.equal((await token({ grant_type: 'client_credentials' }, { id, secret: made.clientSecret })).status, 401, 'the revoked secret');
    assert.equal((await call(api, 'GET', '/cases', { token: oldToken })).status, 401, 'tokens of the revoked secret');
    assert.equal((await call(api, 'GET', '/cases', { token: newToken })).status, 200, 'tokens of the new secret');
    await accessToken(id, newSecret);

    // API keys alike.
    const key2 = await call(api, 'POST', `/integration-clients/${id}/api-keys`, { token: t.admin, body: { label: 'second key' } });
    assert.equal(key2.status, 201, key2.text);
    assert.equal((await call(api, 'GET', '/cases', { token: made.apiKey })).status, 200);
    assert.equal((await call(api, 'GET', '/cases', { token: key2.body.apiKey })).status, 200);
    assert.equal((await call(api, 'DELETE', `/integration-clients/${id}/api-keys/${made.apiKeyId}`, { token: t.admin })).status, 204);
    assert.equal((await call(api, 'GET', '/cases', { token: made.apiKey })).status, 401);
    assert.equal((await call(api, 'GET', '/cases', { token: key2.body.apiKey })).status, 200);
    // Another client's credential ids are not this client's.
    const other = await createClient(['cases:read']);
    assert.equal((await call(api, 'DELETE', `/integration-clients/${id}/api-keys/${other.apiKeyId}`, { token: t.admin })).status, 404);
    assert.equal((await call(api, 'GET', '/cases', { token: other.apiKey })).status, 200);
  });

  it('does the same from the command line: create with scopes, another secret, revoke, link a person', async () => {
    const created = await runUsersCommand(db, ['create', '--role', 'integration', '--organisation', ORG.district, '--name', 'СЭД района', '--scopes', 'cases:read,feed:read']);
    const clientId = /client_id: (otkc_\w+)/.exec(created)?.[1];
    const secret = /client_secret: (otks_[\w-]+)/.exec(created)?.[1];
    const apiKey = /API key \d+[^\n]*:\n(otk_[\w-]+)/.exec(created)?.[1];
    assert.ok(clientId && secret && apiKey, created);
    const userId = Number(/Created user (\d+)/.exec(created)![1]);
    const r = await token({ grant_type: 'client_credentials', scope: 'feed:read' }, { id: clientId, secret });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.scope, 'feed:read');
    assert.equal((await call(api, 'GET', '/cases', { token: apiKey })).status, 200);

    const second = await runUsersCommand(db, ['secret', '--user', String(userId), '--label', 'rotation']);
    const secret2 = /(otks_[\w-]+)/.exec(second)![1];
    const secretId = Number(/Secret (\d+)/.exec(created)![1]);
    await accessToken(clientId, secret2);
    assert.match(await runUsersCommand(db, ['revoke-secret', '--secret-id', String(secretId)]), /Revoked client secret/);
    assert.equal((await token({ grant_type: 'client_credentials' }, { id: clientId, secret })).status, 401);
    await accessToken(clientId, secret2);
    await assert.rejects(runUsersCommand(db, ['create', '--role', 'integration', '--organisation', ORG.district, '--name', 'X', '--scopes', 'cases:everything']), /Unknown scopes cases:everything/);
    await assert.rejects(runUsersCommand(db, ['secret', '--user', String(t.citizenUser.id)]), /not an integration client/);

    // A person's identity at a provider, linked by an administrator to an existing user.
    const linked = await runUsersCommand(db, ['link', '--user', String(t.citizenUser.id), '--issuer', 'https://id.example.org/realms/altai', '--subject', 'abc-123']);
    assert.match(linked, /Linked/);
    const row = await db('user_identities').where({ issuer: 'https://id.example.org/realms/altai', subject: 'abc-123' }).first();
    assert.equal(row.user_id, t.citizenUser.id);
    await assert.rejects(runUsersCommand(db, ['link', '--user', String(t.citizenUser.id), '--issuer', 'https://id.example.org/realms/altai', '--subject', 'abc-123']), /already linked/);
  });
});
