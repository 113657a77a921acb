import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import { revokeToken } from '../../domain/identity/tokens';
import type { Db } from '../../db/connection';
import { CAT, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { call, roleTokens, startTestApi, type RoleTokens, type TestApi } from './helpers';

const PROBLEM_JSON = /^application\/problem\+json/;

function validAppeal(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'appeal',
    regionId: TEST_REGION,
    subcategoryId: CAT.potholes,
    territoryId: TERRITORY.village,
    text: 'A pothole on Lenina street has been there since spring.',
    applicant: { name: 'Ivan Petrov', email: 'ivan@example.org', postalAddress: 'Testovoe, Lenina 1' },
    ...overrides,
  };
}

async function nothingStored(db: Db): Promise<void> {
  assert.equal(Number((await db('case_intake').count('* as n'))[0].n), 0, 'an intake row was stored');
  assert.equal(Number((await db('registration_counters').count('* as n'))[0].n), 0, 'a registration number was allocated');
  assert.equal(Number((await db('cases').count('* as n'))[0].n), 0, 'a case was stored');
}

describe('API request validation and authentication', () => {
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;

  before(async () => {
    ({ db } = await freshDatabase('api_validation'));
    await createTestRegion(db);
    // A second region, to submit a subcategory / territory of the wrong region.
    await db('regions').insert({ id: 'otherland', name: 'Other', time_zone: 'Asia/Vladivostok', number_prefix: '98' });
    await db('territories').insert({ id: 'otherland.t', region_id: 'otherland', parent_id: null, name: 'Other', kind: 'region' });
    await db('categories').insert([
      { id: 'otherland.c', region_id: 'otherland', parent_id: null, name: 'Other category' },
      { id: 'otherland.c.sub', region_id: 'otherland', parent_id: 'otherland.c', name: 'Other subcategory' },
    ]);
    t = await roleTokens(db);
    api = await startTestApi(db);
  });

  after(async () => {
    await api?.close();
  });

  describe('authentication', () => {
    it('answers 401 with WWW-Authenticate and a problem when there is no token', async () => {
      const r = await call(api, 'GET', '/cases');
      assert.equal(r.status, 401);
      assert.match(r.headers.get('content-type')!, PROBLEM_JSON);
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="otklik"');
      assert.equal(r.body.status, 401);
      assert.equal(r.body.title, 'Authentication required');
      assert.equal(r.body.instance, '/cases');
    });

    it('answers 401 with error="invalid_token" for an unknown, malformed or revoked token', async () => {
      for (const token of ['otk_' + 'A'.repeat(43), 'not-a-token']) {
        const r = await call(api, 'GET', '/me', { token });
        assert.equal(r.status, 401);
        assert.match(r.headers.get('www-authenticate')!, /error="invalid_token"/);
      }
      const basic = await call(api, 'GET', '/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      assert.equal(basic.status, 401);
      const { token, tokenId } = await createUserWithToken(db, { role: 'citizen', name: 'Short-lived' });
      assert.equal((await call(api, 'GET', '/me', { token })).status, 200);
      await revokeToken(db, tokenId);
      assert.equal((await call(api, 'GET', '/me', { token })).status, 401);
    });

    it('stores tokens hashed, never in clear', async () => {
      const { token } = await createUserWithToken(db, { role: 'citizen', name: 'Hash check' });
      assert.match(token, /^otk_[A-Za-z0-9_-]{43}$/);
      const rows = await db('api_tokens').select('token_hash');
      assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash) && r.token_hash !== token));
    });

    it('serves /health and /openapi.json without a token, and /me with one', async () => {
      const h = await call(api, 'GET', '/health');
      assert.equal(h.status, 200);
      assert.deepEqual(h.body, { status: 'ok', database: 'ok' });
      const spec = await call(api, 'GET', '/openapi.json');
      assert.equal(spec.status, 200);
      assert.equal(spec.body.openapi, '3.1.0');
      assert.ok(spec.body.paths['/appeals'].post);
      const me = await call(api, 'GET', '/me', { token: t.citizen });
      assert.equal(me.status, 200);
      assert.deepEqual(me.body, { id: t.citizenUser.id, role: 'citizen', name: 'Ivan Petrov', email: 'ivan@example.org', organisationId: null, regionId: null, territoryId: null, birthDate: null });
    });
  });

  describe('bodies', () => {
    const key = { 'idempotency-key': 'test-key-0001' };

    it('rejects a body with missing and malformed fields: 400, every failing field listed, nothing stored', async () => {
      const r = await call(api, 'POST', '/appeals', {
        token: t.citizen, headers: key,
        body: { kind: 'complaint', regionId: TEST_REGION, subcategoryId: CAT.potholes, applicant: { email: 'not-an-email' }, attachments: 'x' },
      });
      assert.equal(r.status, 400);
      assert.match(r.headers.get('content-type')!, PROBLEM_JSON);
      assert.equal(r.body.type, 'urn:otklik:problem:validation');
      assert.equal(r.body.instance, '/appeals');
      const paths = r.body.errors.map((e: { path: string }) => e.path).sort();
      assert.deepEqual(paths, ['/applicant/email', '/applicant/name', '/attachments', '/kind', '/text']);
      assert.ok(r.body.errors.every((e: { in: string; message: string }) => e.in === 'body' && e.message.length > 0));
      await nothingStored(db);
    });

    it('rejects text that is too long or blank', async () => {
      const long = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key, body: validAppeal({ text: 'x'.repeat(10_001) }) });
      assert.equal(long.status, 400);
      assert.deepEqual(long.body.errors.map((e: { path: string }) => e.path), ['/text']);
      const blank = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key, body: validAppeal({ text: '   ' }) });
      assert.equal(blank.status, 400);
      await nothingStored(db);
    });

    it('rejects unknown fields, also nested ones', async () => {
      const r = await call(api, 'POST', '/appeals', {
        token: t.citizen, headers: key, body: validAppeal({ priority: 'high', applicant: { name: 'Ivan', userId: 1 } }),
      });
      assert.equal(r.status, 400);
      assert.deepEqual(
        r.body.errors.map((e: { path: string }) => e.path).sort(),
        ['/applicant/userId', '/priority'],
      );
      assert.match(r.body.errors[0].message, /not an allowed field/);
      await nothingStored(db);
    });

    it('answers broken JSON with 400, a wrong content type with 415, an oversized body with 413', async () => {
      const broken = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key, raw: '{"kind": "appeal",' });
      assert.equal(broken.status, 400);
      assert.match(broken.headers.get('content-type')!, PROBLEM_JSON);
      assert.equal(broken.body.type, 'urn:otklik:problem:malformed-json');
      const text = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key, raw: 'kind=appeal', contentType: 'text/plain' });
      assert.equal(text.status, 415);
      assert.match(text.headers.get('content-type')!, PROBLEM_JSON);
      const form = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key, raw: 'kind=appeal', contentType: 'application/x-www-form-urlencoded' });
      assert.equal(form.status, 415);
      const big = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key, body: validAppeal({ text: 'x'.repeat(1_100_000) }) });
      assert.equal(big.status, 413);
      assert.match(big.headers.get('content-type')!, PROBLEM_JSON);
      const empty = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key });
      assert.equal(empty.status, 400);
      assert.deepEqual(empty.body.errors, [{ in: 'body', path: '', message: 'a request body is required (application/json)' }]);
      await nothingStored(db);
    });

    it('requires an Idempotency-Key of 8–200 visible characters on submissions', async () => {
      const none = await call(api, 'POST', '/appeals', { token: t.citizen, body: validAppeal() });
      assert.equal(none.status, 400);
      assert.deepEqual(none.body.errors, [{ in: 'header', path: 'Idempotency-Key', message: 'is required' }]);
      const short = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': 'abc' }, body: validAppeal() });
      assert.equal(short.status, 400);
      assert.equal(short.body.errors[0].path, 'Idempotency-Key');
      await nothingStored(db);
    });

    it('checks that the subcategory and the territory belong to the region, naming the field, storing nothing', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ subcategoryId: 'otherland.c.sub' }, '/subcategoryId'],
        [{ subcategoryId: CAT.roads }, '/subcategoryId'],
        [{ subcategoryId: 'no.such.subcategory' }, '/subcategoryId'],
        [{ territoryId: 'otherland.t' }, '/territoryId'],
        [{ regionId: 'nowhere' }, '/regionId'],
      ];
      for (const [patch, path] of cases) {
        const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key, body: validAppeal(patch) });
        assert.equal(r.status, 400, JSON.stringify(patch));
        assert.equal(r.body.errors.length, 1);
        assert.equal(r.body.errors[0].path, path, JSON.stringify(r.body));
      }
      await nothingStored(db);
    });

    it('checks roles before reading the body: an operator cannot submit, a citizen cannot act as an operator', async () => {
      const op = await call(api, 'POST', '/appeals', { token: t.ministry, headers: key, body: validAppeal() });
      assert.equal(op.status, 403);
      assert.match(op.headers.get('content-type')!, PROBLEM_JSON);
      const take = await call(api, 'POST', '/cases/99-2026-000001/answer', { token: t.citizen, raw: '{broken' });
      assert.equal(take.status, 403);
      await nothingStored(db);
    });
  });

  describe('parameters', () => {
    it('coerces and checks query parameters, rejecting unknown ones', async () => {
      assert.equal((await call(api, 'GET', '/cases?limit=5&overdue=true&open=false', { token: t.admin })).status, 200);
      const bad = await call(api, 'GET', '/cases?limit=abc&overdue=maybe&status=lost', { token: t.admin });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.errors.map((e: { in: string; path: string }) => `${e.in}:${e.path}`).sort(), ['query:limit', 'query:overdue', 'query:status']);
      const big = await call(api, 'GET', '/cases?limit=101', { token: t.admin });
      assert.equal(big.status, 400);
      const unknown = await call(api, 'GET', '/cases?statuss=closed', { token: t.admin });
      assert.equal(unknown.status, 400);
      assert.deepEqual(unknown.body.errors, [{ in: 'query', path: 'statuss', message: 'is not a known query parameter' }]);
      const cursor = await call(api, 'GET', '/cases?cursor=bm9wZQ', { token: t.admin });
      assert.equal(cursor.status, 400);
      assert.equal(cursor.body.errors[0].path, 'cursor');
    });

    it('checks path parameters', async () => {
      const r = await call(api, 'GET', '/cases/bad%20id', { token: t.admin });
      assert.equal(r.status, 400);
      assert.deepEqual(r.body.errors.map((e: { in: string; path: string }) => `${e.in}:${e.path}`), ['path:caseId']);
      const rule = await call(api, 'DELETE', '/routing-rules/abc', { token: t.admin });
      assert.equal(rule.status, 400);
    });
  });

  describe('unknown routes and unexpected errors', () => {
    it('answers an unknown route with a 404 problem and a wrong method with 405', async () => {
      const r = await call(api, 'GET', '/nothing/here', { token: t.admin });
      assert.equal(r.status, 404);
      assert.match(r.headers.get('content-type')!, PROBLEM_JSON);
      assert.equal(r.body.instance, '/nothing/here');
      const m = await call(api, 'DELETE', '/regions', { token: t.admin });
      assert.equal(m.status, 405);
      assert.equal(m.headers.get('allow'), 'GET, HEAD');
    });

    it('answers an unexpected error with a 500 problem that reveals no internals, and logs it', async () => {
      const { db: broken } = await freshDatabase('api_broken');
      const { token } = await createUserWithToken(broken, { role: 'administrator', name: 'Admin' });
      await broken.schema.dropTable('routing_rules');
      const brokenApi = await startTestApi(broken);
      try {
        const r = await call(brokenApi, 'GET', '/routing-rules', { token });
        assert.equal(r.status, 500);
        assert.match(r.headers.get('content-type')!, PROBLEM_JSON);
        assert.equal(r.body.title, 'Internal server error');
        assert.doesNotMatch(r.text, /routing_rules|relation|select|stack|at /i);
        const ref = r.headers.get('x-request-id')!;
        assert.ok(r.body.detail.includes(ref));
        assert.ok(brokenApi.logs.some((l) => l.level === 'error' && String(l.fields?.error).includes('routing_rules')));
      } finally {
        await brokenApi.close();
      }
    });
  });
});
