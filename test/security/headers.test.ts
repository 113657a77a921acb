// Security headers on every kind of response (success, problem, unknown route, body errors, crashes):
// a JSON API whose answers are never rendered, framed, sniffed, cached or sent with a referrer.
import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { createUserWithToken } from '../../domain/identity/users';
import { call, roleTokens, type CallResult, type RoleTokens, type TestApi } from '../api/helpers';
import { createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { startApi } from './support';

function assertSecurityHeaders(r: CallResult, what: string, hsts = true): void {
  const h = (name: string) => r.headers.get(name);
  assert.equal(h('x-content-type-options'), 'nosniff', what);
  assert.equal(h('x-frame-options'), 'DENY', what);
  assert.equal(h('referrer-policy'), 'no-referrer', what);
  assert.equal(h('content-security-policy'), "default-src 'none';frame-ancestors 'none'", what);
  assert.equal(h('cross-origin-resource-policy'), 'same-origin', what);
  assert.equal(h('cache-control'), 'no-store', what);
  assert.equal(h('x-powered-by'), null, what);
  if (hsts) assert.equal(h('strict-transport-security'), 'max-age=31536000; includeSubDomains', what);
  else assert.equal(h('strict-transport-security'), null, what);
  assert.equal(h('access-control-allow-origin'), null, `${what}: no CORS`);
  if (r.status !== 204 && r.status !== 431) assert.match(h('content-type') ?? '', /^application\/(problem\+)?json; charset=utf-8$/, what);
}

describe('security: response headers', () => {
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;

  before(async () => {
    ({ db } = await freshDatabase('security_headers'));
    await createTestRegion(db);
    t = await roleTokens(db);
    api = await startApi(db);
  });

  after(async () => {
    await api?.close();
  });

  it('sends them on successes, problems, unknown routes, body errors and method errors', async () => {
    const responses: [string, Promise<CallResult>][] = [
      ['GET /health', call(api, 'GET', '/health')],
      ['GET /openapi.json', call(api, 'GET', '/openapi.json')],
      ['GET /me', call(api, 'GET', '/me', { token: t.citizen })],
      ['GET /cases without a token', call(api, 'GET', '/cases')],
      ['GET /cases as citizen', call(api, 'GET', '/cases', { token: t.citizen })],
      ['403', call(api, 'POST', '/organisations', { token: t.citizen, body: {} })],
      ['404 route', call(api, 'GET', '/nowhere')],
      ['404 case', call(api, 'GET', '/cases/99-2026-999999', { token: t.admin })],
      ['405', call(api, 'DELETE', '/regions', { token: t.admin })],
      ['400 query', call(api, 'GET', '/cases?limit=0', { token: t.admin })],
      ['400 json', call(api, 'POST', '/routing/preview', { token: t.admin, raw: '{', contentType: 'application/json' })],
      ['415', call(api, 'POST', '/routing/preview', { token: t.admin, raw: 'a=b', contentType: 'application/x-www-form-urlencoded' })],
      ['413', call(api, 'POST', '/routing/preview', { token: t.admin, raw: JSON.stringify({ x: 'y'.repeat(1_100_000) }) })],
      ['204', call(api, 'DELETE', '/categories/testland.c.medicine.ambulance/accelerated', { token: t.admin })],
    ];
    for (const [what, p] of responses) {
      const r = await p;
      assert.ok(r.status < 500, `${what}: ${r.status}`);
      assertSecurityHeaders(r, what);
    }
  });

  it('sends them on a 500 too, and leaves HSTS out when told to', async () => {
    const { db: broken } = await freshDatabase('security_headers_broken');
    const { token } = await createUserWithToken(broken, { role: 'administrator', name: 'Admin' });
    await broken.schema.dropTable('routing_rules');
    const plain = await startApi(broken, { hsts: false });
    try {
      const r = await call(plain, 'GET', '/routing-rules', { token });
      assert.equal(r.status, 500);
      assertSecurityHeaders(r, '500 without HSTS', false);
    } finally {
      await plain.close();
    }
  });

  it('writes <, > and & in JSON as \\u escapes, in bodies and in problems', async () => {
    // A problem that quotes the request (the content type) and a body that contains markup.
    const r = await call(api, 'POST', '/routing/preview', { token: t.admin, raw: 'x', contentType: 'text/html; x="<script>"' });
    assert.equal(r.status, 415);
    assert.ok(!/[<>]/.test(r.text), r.text);
    assert.match(r.text, /\\u003cscript\\u003e/);
    assert.ok(r.body.detail.includes('<script>'), 'the parsed text is unchanged');
    const org = await call(api, 'POST', '/organisations', {
      token: t.admin, body: { id: 'testland.markup', regionId: 'testland', name: '<b>Bold</b> & <i>co</i>', kind: 'institution' },
    });
    assert.equal(org.status, 201, org.text);
    assert.ok(!/[<>&]/.test(org.text), org.text);
    assert.equal(org.body.name, '<b>Bold</b> & <i>co</i>');
  });

  it('answers headers beyond 16 KiB with 431 before the app runs', async () => {
    const r = await fetch(`${api.url}/health`, { headers: { 'x-padding': 'a'.repeat(20_000) } });
    assert.equal(r.status, 431);
    assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const problem = (await r.json()) as { status: number; type: string };
    assert.equal(problem.status, 431);
    assert.equal(problem.type, 'urn:otklik:problem:headers-too-large');
  });

  it('replaces an X-Request-Id it cannot use with its own', async () => {
    const given = await call(api, 'GET', '/health', { headers: { 'x-request-id': 'client-id-123' } });
    assert.equal(given.headers.get('x-request-id'), 'client-id-123');
    for (const bad of ['a b', 'x'.repeat(101), '<script>', 'a/b', '']) {
      const r = await call(api, 'GET', '/health', { headers: { 'x-request-id': bad } });
      assert.match(r.headers.get('x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, JSON.stringify(bad));
    }
  });
});
