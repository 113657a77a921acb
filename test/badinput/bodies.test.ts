// Bad input at the transport level: bodies too large (also chunked, also compressed), of the wrong type
// or charset, broken or hostile JSON (syntax, nesting, key floods, prototype keys), odd query strings,
// headers and URLs. Every answer is a problem document with the right status, never a 5xx, and nothing
// is stored. No case engine: all of this is refused before it.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { Db } from '../../db/connection';
import { createUserWithToken } from '../../domain/identity/users';
import { MAX_FIELD_ERRORS } from '../../api/validation';
import { call, roleTokens, type CallResult, type RoleTokens, type TestApi } from '../api/helpers';
import { CAT, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { startApi } from '../security/support';

const PROBLEM = /^application\/problem\+json; charset=utf-8$/;

function assertProblem(r: CallResult, status: number, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.status} ${r.text.slice(0, 300)}`);
  assert.match(r.headers.get('content-type') ?? '', PROBLEM, what);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(r.body.status, status, what);
}

describe('bad input: bodies, content types, JSON, query strings, headers', () => {
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;
  let n = 0;
  const key = () => ({ 'idempotency-key': `bad-input-${process.pid}-${++n}` });
  const appeal = (over: Record<string, unknown> = {}) => ({
    kind: 'appeal', regionId: TEST_REGION, subcategoryId: CAT.potholes, territoryId: TERRITORY.village, text: 'x', applicant: { name: 'X' }, ...over,
  });

  async function nothingStored(): Promise<void> {
    for (const table of ['case_intake', 'cases', 'registration_counters']) {
      assert.equal(Number((await db(table).count('* as n'))[0].n), 0, `${table} has rows`);
    }
  }

  before(async () => {
    ({ db } = await freshDatabase('bad_input_bodies'));
    await createTestRegion(db);
    t = await roleTokens(db);
    api = await startApi(db);
  });

  after(async () => {
    await api?.close();
  });

  afterEach(async () => {
    assert.deepEqual(api.logs.filter((l) => l.level === 'error'), [], 'an unexpected error was logged');
  });

  describe('size', () => {
    it('answers 413 to a body over 1 MB, whether its length is declared, chunked or hidden by gzip', async () => {
      const big = JSON.stringify(appeal({ text: 'x'.repeat(1_100_000) }));
      assertProblem(await call(api, 'POST', '/appeals', { token: t.citizen, headers: key(), raw: big }), 413, 'declared length');

      const chunked = await fetch(`${api.url}/appeals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.citizen}`, 'content-type': 'application/json', ...key() },
        body: new ReadableStream({
          start(c) {
            for (let i = 0; i < 12; i++) c.enqueue(new TextEncoder().encode(i === 0 ? '{"text":"' : 'y'.repeat(100_000)));
            c.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      assert.equal(chunked.status, 413);
      await chunked.arrayBuffer();

      // 5 MB of JSON that compresses to a few kilobytes: the limit applies to what it inflates to.
      const bomb = gzipSync(Buffer.from(JSON.stringify(appeal({ text: ' '.repeat(5_000_000) }))));
      assert.ok(bomb.length < 50_000);
      const inflated = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { ...key(), 'content-encoding': 'gzip' }, raw: bomb });
      assertProblem(inflated, 413, 'gzip bomb');
      await nothingStored();
    });

    it('accepts a body just under the limit and judges it by the schema (400, not 413)', async () => {
      const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key(), body: appeal({ text: 'x'.repeat(1_000_000) }) });
      assertProblem(r, 400, 'large but under 1 MB');
      assert.deepEqual(r.body.errors.map((e: { path: string }) => e.path), ['/text']);
    });

    it('answers 431 to a URL or headers over 16 KiB', async () => {
      const longUrl = await fetch(`${api.url}/cases?cursor=${'a'.repeat(20_000)}`, { headers: { authorization: `Bearer ${t.admin}` } });
      assert.equal(longUrl.status, 431);
      await longUrl.arrayBuffer();
      const r = await call(api, 'GET', `/cases?cursor=${'a'.repeat(5000)}`, { token: t.admin });
      assertProblem(r, 400, 'cursor longer than its maxLength');
    });
  });

  describe('content types', () => {
    it('answers 415 to anything but JSON in UTF-8, naming what it got', async () => {
      const cases: [string, string | Buffer, Record<string, string>?][] = [
        ['text/plain', JSON.stringify(appeal())],
        ['application/x-www-form-urlencoded', 'kind=appeal&text=x'],
        ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\nappeal\r\n--x--'],
        ['application/xml', '<appeal/>'],
        ['text/html', '<script>alert(1)</script>'],
        ['application/json-patch+json', '[]'],
        ['application/json; charset=latin1', JSON.stringify(appeal())],
        ['application/json; charset=utf-16', JSON.stringify(appeal())],
        ['application/json', JSON.stringify(appeal()), { 'content-encoding': 'x-unknown' }],
      ];
      for (const [contentType, raw, headers] of cases) {
        const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { ...key(), ...headers }, raw, contentType });
        assertProblem(r, 415, `${contentType} ${JSON.stringify(headers ?? {})}`);
        assert.equal(r.body.type, 'urn:otklik:problem:unsupported-media-type');
      }
      // A content coding it knows (brotli) that the bytes are not: the body cannot be read.
      const notBrotli = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { ...key(), 'content-encoding': 'br' }, raw: JSON.stringify(appeal()) });
      assertProblem(notBrotli, 400, 'br');
      // Without a Content-Type at all.
      const untyped = await fetch(`${api.url}/appeals`, {
        method: 'POST', headers: { authorization: `Bearer ${t.citizen}`, ...key() }, body: Buffer.from(JSON.stringify(appeal())),
      });
      assert.equal(untyped.status, 415);
      await untyped.arrayBuffer();
      await nothingStored();
    });

    it('accepts application/json with the UTF-8 charset in any spelling, and gzip', async () => {
      for (const contentType of ['application/json; charset=utf-8', 'Application/JSON; Charset=UTF-8', 'application/json;charset="utf-8"']) {
        const r = await call(api, 'POST', '/routing/preview', { token: t.admin, raw: JSON.stringify({ regionId: TEST_REGION, subcategoryId: CAT.potholes, territoryId: TERRITORY.village }), contentType });
        assert.equal(r.status, 200, `${contentType}: ${r.text}`);
      }
      const zipped = await call(api, 'POST', '/routing/preview', {
        token: t.admin, headers: { 'content-encoding': 'gzip' }, raw: gzipSync(JSON.stringify({ regionId: TEST_REGION, subcategoryId: CAT.potholes, territoryId: TERRITORY.village })),
      });
      assert.equal(zipped.status, 200, zipped.text);
    });
  });

  describe('JSON', () => {
    it('answers 400 malformed-json to broken syntax and to scalars at the top', async () => {
      const broken = ['{', '{"kind": "appeal",}', "{'kind': 'appeal'}", '{"kind": appeal}', 'NaN', '"appeal"', 'null', 'true', '42',
        '{} trailing', '{"a":1}{"b":2}', '\u0000', '{"kind": "\\x41"}', '{"kind": "\\ud83d"'];
      for (const raw of broken) {
        const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key(), raw });
        assertProblem(r, 400, JSON.stringify(raw));
        assert.equal(r.body.type, 'urn:otklik:problem:malformed-json', JSON.stringify(raw));
      }
      // Valid JSON of the wrong shape is a validation problem.
      for (const raw of ['[]', '[{"kind":"appeal"}]', '{}']) {
        const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key(), raw });
        assertProblem(r, 400, raw);
        assert.equal(r.body.type, 'urn:otklik:problem:validation', raw);
      }
      // An empty body where one is required.
      const empty = await call(api, 'POST', '/appeals', { token: t.citizen, headers: key(), raw: '' });
      assertProblem(empty, 400, 'empty');
      await nothingStored();
    });

    it('survives deep nesting', async () => {
      const depth = 200_000;
      const arrays = '['.repeat(depth) + ']'.repeat(depth);
      assertProblem(await call(api, 'POST', '/routing/preview', { token: t.admin, raw: arrays }), 400, 'nested arrays');
      const inField = `{"regionId":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)},"subcategoryId":"x"}`;
      assertProblem(await call(api, 'POST', '/routing/preview', { token: t.admin, raw: inField }), 400, 'nested objects in a field');
      const inList = `{"text":"x","attachments":[${'['.repeat(50_000)}${']'.repeat(50_000)}]}`;
      assertProblem(await call(api, 'POST', '/cases/99-2026-000001/answer', { token: t.admin, raw: inList }), 400, 'nested arrays in a list');
    });

    it(`lists at most ${MAX_FIELD_ERRORS} failing fields, however many there are, and answers quickly`, async () => {
      const flood: Record<string, number> = {};
      for (let i = 0; i < 60_000; i++) flood[`f${i}`] = i;
      const started = Date.now();
      const r = await call(api, 'POST', '/routing/preview', { token: t.admin, body: flood });
      assertProblem(r, 400, 'key flood');
      assert.equal(r.body.errors.length, MAX_FIELD_ERRORS);
      assert.match(r.body.detail, /and \d+ more$/);
      assert.ok(r.text.length < 50_000, `${r.text.length} bytes of problem`);
      assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
      const many = await call(api, 'POST', '/cases/99-2026-000001/answer', { token: t.admin, body: { text: 'x', attachments: Array(25_000).fill('0b6c6ae2-4a4c-4d43-9d6b-3f5f0c3e6a11') } });
      assertProblem(many, 400, 'huge list');
      assert.deepEqual(many.body.errors.map((e: { path: string }) => e.path), ['/attachments']);
    });

    it('refuses prototype keys as unknown fields and pollutes nothing', async () => {
      for (const raw of [
        '{"__proto__":{"polluted":true},"regionId":"testland","subcategoryId":"testland.c.roads.potholes"}',
        '{"constructor":{"prototype":{"polluted":true}},"regionId":"testland","subcategoryId":"testland.c.roads.potholes"}',
      ]) {
        const r = await call(api, 'POST', '/routing/preview', { token: t.admin, raw });
        assertProblem(r, 400, raw);
        assert.match(r.body.errors[0].path, /^\/(__proto__|constructor)$/);
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it('refuses numbers out of range or not integers', async () => {
      for (const days of ['1e400', '-1e400', '5.5', '1e2', '-0', '31', '9007199254740993', '"5"', 'null']) {
        const r = await call(api, 'POST', '/cases/99-2026-000001/extension', { token: t.admin, raw: `{"days":${days},"reason":"x"}` });
        assertProblem(r, 400, `days ${days}`);
      }
      const ok = await call(api, 'POST', '/cases/99-2026-000001/extension', { token: t.admin, raw: '{"days":5.0,"reason":"x"}' });
      assert.equal(ok.status, 404, '5.0 is the integer 5: validation passes, the case does not exist');
    });
  });

  describe('the database as the last line', () => {
    it('answers a PostgreSQL data exception with 400, and logs it as a gap in validation', async () => {
      // A schema where a text id meets an integer column: the database refuses the value (SQLSTATE 22P02).
      const { db: odd } = await freshDatabase('bad_input_data_exception');
      const { token } = await createUserWithToken(odd, { role: 'citizen', name: 'Citizen' });
      await odd.raw('alter table regions drop constraint if exists regions_pkey cascade');
      await odd.raw('alter table regions alter column id type integer using 0');
      const oddApi = await startApi(odd);
      try {
        const r = await call(oddApi, 'GET', '/regions/testland', { token });
        assertProblem(r, 400, 'data exception');
        assert.equal(r.body.type, 'urn:otklik:problem:validation');
        assert.ok(oddApi.logs.some((l) => l.level === 'warn' && l.message === 'data exception from the database'));
        assert.ok(!oddApi.logs.some((l) => l.level === 'error'));
      } finally {
        await oddApi.close();
      }
    });
  });

  describe('query strings, paths and headers', () => {
    it('answers 400, never 5xx, to odd query strings', async () => {
      const queries = ['limit=1&limit=2', 'status[]=closed', 'status[0]=closed', 'regionId=%00', 'regionId=%E0%A4%A', 'limit=%',
        'dueFrom=0000-01-01T00:00:00Z', 'dueFrom=2026-02-30T00:00:00Z', 'limit=1e1', 'limit=0x10', 'overdue=1', 'cursor=' + 'A'.repeat(600),
        'a'.repeat(2000) + '=1', '=1', '&&&', 'limit'];
      for (const q of queries) {
        const r = await call(api, 'GET', `/cases?${q}`, { token: t.admin });
        assert.ok(r.status === 400 || r.status === 200, `${q}: ${r.status} ${r.text}`);
        assert.match(r.headers.get('content-type') ?? '', /^application\/(problem\+)?json/);
      }
    });

    it('refuses a term that a time-zone offset carries past the year 9999', async () => {
      const r = await call(api, 'POST', '/cases/99-2026-999999/overrides/term', {
        token: t.admin, body: { answerDueAt: '9999-12-31T23:59:59-12:00', reason: 'Far away' },
      });
      assertProblem(r, 400, 'year 10000');
      assert.deepEqual(r.body.errors.map((e: { path: string }) => e.path), ['/answerDueAt']);
    });

    it('answers 400 to forged cursors that PostgreSQL could not read', async () => {
      const cursor = (c: unknown) => Buffer.from(JSON.stringify(c)).toString('base64url');
      for (const v of ['2026-02-31 00:00:00+00', '2026-13-01 00:00:00+00', '2026-01-01 24:00:00+00', '2026-01-01 00:00:00+99',
        '0000-01-01 00:00:00+00', '2026-01-01 00:00:00+15:60', "2026-01-01'; drop table cases; --", 'now', '-infinity']) {
        const r = await call(api, 'GET', `/cases?cursor=${cursor({ o: 'due', v, id: '99-2026-000001' })}`, { token: t.admin });
        assertProblem(r, 400, v);
        assert.equal(r.body.errors[0].path, 'cursor');
      }
      const fine = await call(api, 'GET', `/cases?cursor=${cursor({ o: 'due', v: '2026-01-01 00:00:00.123456+05:30', id: 'x' })}`, { token: t.admin });
      assert.equal(fine.status, 200);
    });

    it('answers 400, 404 or 405, never 5xx, to odd paths', async () => {
      const paths = ['/cases/%00', '/cases/..%2F..%2Fetc%2Fpasswd', '/cases/%E0%A4%A', '/cases/' + 'a'.repeat(5000), '/cases/a%20b',
        '/regions/%2e%2e', '/organisations/%C0%AE', '/routing-rules/99999999999999999999', '/routing-rules/-1', '/routing-rules/1.5',
        '//cases', '/cases//history', '/cases/99-2026-000001/history/'];
      for (const p of paths) {
        const r = await call(api, 'GET', p, { token: t.admin });
        assert.ok([400, 404, 405].includes(r.status), `${p}: ${r.status} ${r.text}`);
        assert.match(r.headers.get('content-type') ?? '', PROBLEM, p);
      }
    });

    it('checks the Idempotency-Key header', async () => {
      for (const value of ['short', 'x'.repeat(201), 'has space in it', 'tab\there-and-more', 'caf\u00e9-key-0001']) {
        const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': value }, body: appeal() });
        assertProblem(r, 400, JSON.stringify(value));
        assert.equal(r.body.errors[0].path, 'Idempotency-Key');
      }
      await nothingStored();
    });

    it('answers 405 with Allow to methods a path does not have', async () => {
      for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        const r = await call(api, method, '/appeals', { token: t.citizen });
        assertProblem(r, 405, method);
        assert.equal(r.headers.get('allow'), 'POST');
      }
    });
  });
});
