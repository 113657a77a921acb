// Rate limits of public submissions (operations marked x-otklik-rate-limit: POST /appeals, Open311's
// POST requests.json): per user and per client address, 429 problem+json with Retry-After, a fresh window
// later, configurable through AppOptions.rateLimit and the OTKLIK_RATE_LIMIT_* variables; counted in
// PostgreSQL so that they hold across API processes, in memory while PostgreSQL does not answer. The case
// engine is not needed: the limit is applied before the body is read, and the bodies here are refused
// (400) before the engine.
import assert from 'node:assert/strict';
import { loadSpec, specOperations } from '../../openapi/spec';
import { clientKey, RATE_LIMIT_TABLE, SharedWindowCounter } from '../../api/ratelimit';
import { createUserWithToken } from '../../domain/identity/users';
import { apiSecurityFromEnv, RATE_LIMIT_DEFAULTS, rateLimitFromEnv } from '../../domain/config/api-security';
import { connect, type Db } from '../../db/connection';
import { call, roleTokens, type RoleTokens, type TestApi } from '../api/helpers';
import { createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { startApi } from './support';

describe('security: rate limits on submissions', () => {
  let db: Db;
  let url: string;
  let t: RoleTokens;
  let n = 0;
  // Valid JSON that names a region that does not exist: 400 after the limiters, nothing stored.
  const submit = (api: TestApi, token?: string, headers: Record<string, string> = {}) =>
    call(api, 'POST', '/appeals', {
      token, headers: { 'idempotency-key': `rate-limit-${++n}-key`, ...headers },
      body: { kind: 'appeal', regionId: 'nowhere', subcategoryId: 'nowhere.sub', text: 'x', applicant: { name: 'X' } },
    });

  before(async () => {
    ({ db, url } = await freshDatabase('security_rate_limit'));
    await createTestRegion(db);
    t = await roleTokens(db);
  });

  // The counters outlive an API process (that is the point of sharing them): each test starts afresh.
  beforeEach(() => db(RATE_LIMIT_TABLE).del());

  it('marks POST /appeals in the spec, with 429 documented', () => {
    const limited = specOperations().filter((o) => o.rateLimit);
    assert.ok(limited.some((o) => o.operationId === 'submitAppeal'));
    for (const o of limited) {
      const responses = (loadSpec().paths[o.path][o.method] as { responses: Record<string, unknown> }).responses;
      assert.ok(responses['429'], `${o.operationId} is rate-limited but does not document 429`);
    }
  });

  it('answers the request over the per-user limit with a 429 problem and Retry-After; other users go on', async () => {
    const api = await startApi(db, { rateLimit: { perUser: 3, perIp: 0, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await submit(api, t.citizen)).status, 400);
      const over = await submit(api, t.citizen);
      assert.equal(over.status, 429);
      assert.match(over.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(over.body.type, 'urn:otklik:problem:rate-limited');
      assert.equal(over.body.status, 429);
      const retry = Number(over.headers.get('retry-after'));
      assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After ${over.headers.get('retry-after')}`);
      assert.equal((await submit(api, t.otherCitizen)).status, 400, 'another user has a window of their own');
      // Reads are not limited.
      for (let i = 0; i < 5; i++) assert.equal((await call(api, 'GET', '/cases', { token: t.citizen })).status, 200);
      assert.equal(Number((await db('case_intake').count('* as n'))[0].n), 0);
    } finally {
      await api.close();
    }
  });

  it('counts per client address before authentication, so bad tokens count too', async () => {
    const api = await startApi(db, { rateLimit: { perUser: 0, perIp: 4, windowMs: 60_000 } });
    try {
      assert.equal((await submit(api)).status, 401);
      assert.equal((await submit(api, 'otk_' + 'x'.repeat(43))).status, 401);
      assert.equal((await submit(api, t.citizen)).status, 400);
      assert.equal((await submit(api, t.otherCitizen)).status, 400);
      const over = await submit(api, t.citizen);
      assert.equal(over.status, 429);
      assert.ok(Number(over.headers.get('retry-after')) >= 1);
    } finally {
      await api.close();
    }
  });

  it('counts Open311 submissions in the same per-address window, answered in GeoReport\'s error format', async () => {
    const api = await startApi(db, { rateLimit: { perUser: 0, perIp: 2, windowMs: 60_000 } });
    try {
      const post = () => fetch(`${api.url}/open311/v2/requests.json`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'service_code=nowhere.sub&lat=53.3&long=83.7',
      });
      assert.equal((await submit(api, t.citizen)).status, 400);
      const first = await post();
      assert.notEqual(first.status, 429, 'the second submission from this address');
      const over = await post();
      assert.equal(over.status, 429);
      const body = (await over.json()) as { code: number; description: string }[];
      assert.ok(Array.isArray(body) && body[0].code === 429 && body[0].description.length > 0, JSON.stringify(body));
      assert.ok(Number(over.headers.get('retry-after')) >= 1);
      assert.equal(Number((await db('case_intake').count('* as n'))[0].n), 0);
    } finally {
      await api.close();
    }
  });

  it('takes the address from X-Forwarded-For only when trustProxy says so', async () => {
    const direct = await startApi(db, { rateLimit: { perUser: 0, perIp: 1, windowMs: 60_000 } });
    try {
      assert.equal((await submit(direct, t.citizen, { 'x-forwarded-for': '203.0.113.1' })).status, 400);
      assert.equal((await submit(direct, t.citizen, { 'x-forwarded-for': '203.0.113.2' })).status, 429, 'a spoofed header does not reset the count');
    } finally {
      await direct.close();
    }
    const proxied = await startApi(db, { rateLimit: { perUser: 0, perIp: 1, windowMs: 60_000 }, trustProxy: 'loopback' });
    try {
      assert.equal((await submit(proxied, t.citizen, { 'x-forwarded-for': '203.0.113.1' })).status, 400);
      assert.equal((await submit(proxied, t.citizen, { 'x-forwarded-for': '203.0.113.2' })).status, 400);
      assert.equal((await submit(proxied, t.citizen, { 'x-forwarded-for': '203.0.113.1' })).status, 429);
    } finally {
      await proxied.close();
    }
  });

  it('opens a new window when the old one ends', async () => {
    const api = await startApi(db, { rateLimit: { perUser: 1, perIp: 0, windowMs: 1000 } });
    try {
      assert.equal((await submit(api, t.citizen)).status, 400);
      assert.equal((await submit(api, t.citizen)).status, 429);
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal((await submit(api, t.citizen)).status, 400);
    } finally {
      await api.close();
    }
  });

  it('lets everything through with rateLimit: false, and limits by default', async () => {
    const off = await startApi(db, { rateLimit: false });
    try {
      for (let i = 0; i < RATE_LIMIT_DEFAULTS.perUser + 2; i++) assert.equal((await submit(off, t.citizen)).status, 400);
    } finally {
      await off.close();
    }
    const { token } = await createUserWithToken(db, { role: 'citizen', name: 'Busy' });
    const defaults = await startApi(db, { rateLimit: {} });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < RATE_LIMIT_DEFAULTS.perUser + 1; i++) statuses.push((await submit(defaults, token)).status);
      assert.deepEqual(statuses.slice(-2), [400, 429]);
    } finally {
      await defaults.close();
    }
  });

  it('reads OTKLIK_RATE_LIMIT_*, OTKLIK_TRUST_PROXY and OTKLIK_HSTS, and reports bad values', () => {
    assert.deepEqual(rateLimitFromEnv({}), { options: {}, problems: [] });
    assert.deepEqual(
      rateLimitFromEnv({ OTKLIK_RATE_LIMIT_PER_USER: '5', OTKLIK_RATE_LIMIT_PER_IP: '0', OTKLIK_RATE_LIMIT_WINDOW_SECONDS: '30' }),
      { options: { perUser: 5, perIp: 0, windowMs: 30_000 }, problems: [] },
    );
    const bad = rateLimitFromEnv({ OTKLIK_RATE_LIMIT_PER_USER: 'many', OTKLIK_RATE_LIMIT_PER_IP: '-1', OTKLIK_RATE_LIMIT_WINDOW_SECONDS: '0' });
    assert.deepEqual(bad.options, {});
    assert.equal(bad.problems.length, 3);
    assert.match(bad.problems[0], /^OTKLIK_RATE_LIMIT_PER_USER="many": expected an integer/);

    // With the other security settings of the API process (api/server.ts until domain/config/index.ts has them).
    assert.deepEqual(apiSecurityFromEnv({}), { options: { rateLimit: {} }, problems: [] });
    assert.deepEqual(
      apiSecurityFromEnv({ OTKLIK_RATE_LIMIT_PER_IP: '50', OTKLIK_TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8', OTKLIK_HSTS: 'off' }).options,
      { rateLimit: { perIp: 50 }, trustProxy: 'loopback, 10.0.0.0/8, fd00::/8', hsts: false },
    );
    assert.equal(apiSecurityFromEnv({ OTKLIK_TRUST_PROXY: '1' }).options.trustProxy, 1);
    assert.equal(apiSecurityFromEnv({ OTKLIK_TRUST_PROXY: 'true' }).options.trustProxy, true);
    const wrong = apiSecurityFromEnv({ OTKLIK_TRUST_PROXY: 'my proxy', OTKLIK_HSTS: 'maybe', OTKLIK_RATE_LIMIT_WINDOW_SECONDS: 'x' });
    assert.equal(wrong.problems.length, 3);
    assert.ok(wrong.problems.some((p) => p.startsWith('OTKLIK_TRUST_PROXY=')) && wrong.problems.some((p) => p.startsWith('OTKLIK_HSTS=')));
  });

  it('holds the limits across two API processes on one PostgreSQL, and across a restart', async () => {
    const otherPool = connect(url, { max: 2 });
    const a = await startApi(db, { rateLimit: { perUser: 4, perIp: 7, windowMs: 60_000 } });
    let b = await startApi(otherPool, { rateLimit: { perUser: 4, perIp: 7, windowMs: 60_000 } });
    try {
      const byUser = [];
      for (const api of [a, b, a, b, a, b]) byUser.push((await submit(api, t.citizen)).status);
      assert.deepEqual(byUser, [400, 400, 400, 400, 429, 429], 'four per user in all, not four per process');
      await b.close();
      b = await startApi(otherPool, { rateLimit: { perUser: 4, perIp: 7, windowMs: 60_000 } });
      assert.equal((await submit(b, t.citizen)).status, 429, 'a restarted process keeps counting');
      // The address has made 7 submissions through both: the next one from it is refused by either.
      assert.equal((await submit(a, t.otherCitizen)).status, 429);
      assert.match((await submit(b, t.otherCitizen)).body.detail, /At most 7 submissions per 60 s from one address/);
    } finally {
      await a.close();
      await b.close();
      await otherPool.destroy();
    }
  });

  it('counts in this process\'s memory, with the same limit, while PostgreSQL does not answer', async () => {
    const u = new URL(url);
    u.port = '1';
    const unreachable = connect(u.toString(), { max: 1 });
    const logs: string[] = [];
    try {
      const counter = new SharedWindowCounter(unreachable, 'test:address', 2, 60_000, (level, message) => logs.push(`${level} ${message}`), 300);
      const waits = [await counter.hit('203.0.113.9'), await counter.hit('203.0.113.9'), await counter.hit('203.0.113.9')];
      assert.deepEqual(waits.slice(0, 2), [0, 0]);
      assert.ok(waits[2] >= 59 && waits[2] <= 60, `over the limit: wait ${waits[2]} s`);
      assert.equal(await counter.hit('198.51.100.1'), 0, 'other addresses have their own windows');
      assert.equal(logs.length, 1, logs.join('\n'));
      assert.match(logs[0], /^warn rate limits counted in this process/);
    } finally {
      await unreachable.destroy();
    }
  });

  it('takes an IPv6 client by its /64 (clientKey)', () => {
    assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
    assert.equal(clientKey(undefined), 'unknown');
  });
});
