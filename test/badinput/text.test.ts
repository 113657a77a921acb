// Every free-text field of every request body (found in the spec by its text pattern, so a new field is
// covered when it is added): control characters and unpaired surrogates are refused with 400 naming the
// field, one character over maxLength is refused, maxLength itself is taken. Markup and SQL are stored
// exactly as sent and come back exactly as sent, JSON-escaped (no raw <, > or &), as application/json
// with nosniff: the API never renders HTML, and no text reaches SQL other than as a bound value.
import assert from 'node:assert/strict';
import { loadSpec, specOperations, type JsonSchema, type SpecOperation } from '../../openapi/spec';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { call, roleTokens, type CallResult, type RoleTokens, type TestApi } from '../api/helpers';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { startApi, startEngine, type Engine } from '../security/support';

interface TextField {
  operationId: string;
  /** JSON Pointer of the field in the body; array items as /0. */
  pointer: string;
  maxLength: number;
}

/** The spec's mark of free text: the pattern that keeps control characters out. */
function isTextSchema(s: JsonSchema): boolean {
  const patterns = [s.pattern, ...((s.allOf as JsonSchema[] | undefined) ?? []).map((x) => x.pattern)];
  return patterns.some((p) => typeof p === 'string' && p.startsWith('^[^\\x00-'));
}

/** Every free-text field of every request body. */
function textFields(ops: SpecOperation[] = specOperations()): TextField[] {
  const schemas = loadSpec().components.schemas;
  const out: TextField[] = [];
  const walk = (schema: JsonSchema | undefined, pointer: string, op: string, depth: number): void => {
    if (!schema || depth > 12) return;
    if (typeof schema.$ref === 'string') return walk(schemas[schema.$ref.split('/').pop()!], pointer, op, depth + 1);
    if (isTextSchema(schema)) {
      out.push({ operationId: op, pointer, maxLength: Number(schema.maxLength) });
      return;
    }
    for (const [k, sub] of Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {})) walk(sub, `${pointer}/${k}`, op, depth + 1);
    if (schema.items) walk(schema.items as JsonSchema, `${pointer}/0`, op, depth + 1);
    for (const sub of [...((schema.oneOf as JsonSchema[]) ?? []), ...((schema.anyOf as JsonSchema[]) ?? [])]) walk(sub, pointer, op, depth + 1);
  };
  for (const op of ops) if (op.requestBody?.kind === 'structured') walk(op.requestBody.schema, '', op.operationId, 0);
  return out;
}

function setAt(body: unknown, pointer: string, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  const parts = pointer.split('/').slice(1);
  let node: Record<string, unknown> = copy;
  for (const [i, p] of parts.entries()) {
    if (i === parts.length - 1) node[p] = value;
    else {
      node[p] ??= /^\d+$/.test(parts[i + 1]) ? [] : {};
      node = node[p] as Record<string, unknown>;
    }
  }
  return copy;
}

/** Markup, script, SQL, quotes, backslashes, format strings, tabs and line breaks, non-Latin text. */
const hostile = (tag: string) =>
  `<script>alert("${tag}")</script><img src=x onerror=alert('${tag}')> & &amp; </textarea> '); DROP TABLE cases; -- ${tag}\t" OR 1=1; \\' $1 %s {{7*7}}\r\nЖалоба 🚀 ${tag}`;

function deepStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => deepStrings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => deepStrings(v, out));
  return out;
}

function assertSafeJson(r: CallResult, what: string): void {
  assert.match(r.headers.get('content-type') ?? '', /^application\/json; charset=utf-8$/, what);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', what);
  assert.ok(!/[<>&]/.test(r.text), `${what}: raw markup characters in the response`);
}

describe('bad input: every text field (control characters, lengths, markup, SQL)', function () {
  this.timeout(180_000);
  let db: Db;
  let api: TestApi;
  let engine: Engine;
  let t: RoleTokens;
  let transport: string;
  let n = 0;
  const key = () => `text-${process.pid}-${++n}-key`;
  const fields = textFields();

  const appeal = () => ({
    kind: 'appeal', regionId: TEST_REGION, subcategoryId: CAT.potholes, territoryId: TERRITORY.village, text: 'Pothole',
    address: 'Lenina 5', applicant: { name: 'Ivan Petrov', email: 'ivan@example.org', postalAddress: 'Lenina 1' },
  });
  /** A valid body and the token allowed to send it, per operation with text fields. */
  const valid: Record<string, { token: () => string; body: () => unknown; path?: string }> = {
    submitAppeal: { token: () => t.citizen, body: appeal },
    answerCase: { token: () => t.admin, body: () => ({ text: 'Answer' }) },
    redirectCase: { token: () => t.admin, body: () => ({ organisationId: ORG.transport, reason: 'r' }) },
    requestClarification: { token: () => t.admin, body: () => ({ question: 'q' }) },
    extendTerm: { token: () => t.admin, body: () => ({ days: 5, reason: 'r' }) },
    leaveWithoutAnswer: { token: () => t.admin, body: () => ({ ground: 'unreadable', comment: 'c' }) },
    replyToClarification: { token: () => t.citizen, body: () => ({ text: 't' }) },
    rateAnswer: { token: () => t.citizen, body: () => ({ rating: 5, comment: 'c' }) },
    reassignCase: { token: () => t.admin, body: () => ({ organisationId: ORG.transport, reason: 'r' }) },
    changeTerm: { token: () => t.admin, body: () => ({ answerDueAt: new Date(Date.now() + 9 * 86_400_000).toISOString(), reason: 'r' }) },
    closeCase: { token: () => t.admin, body: () => ({ reason: 'r' }) },
    reopenCase: { token: () => t.admin, body: () => ({ reason: 'r' }) },
    createOrganisation: { token: () => t.admin, body: () => ({ id: `testland.text.${++n}`, regionId: TEST_REGION, name: 'Body', kind: 'institution' }) },
    updateOrganisation: { token: () => t.admin, body: () => ({ name: 'Body' }), path: `/organisations/${ORG.school}` },
    createCategory: { token: () => t.admin, body: () => ({ id: `testland.c.text.${++n}`, regionId: TEST_REGION, name: 'Category' }) },
    updateCategory: { token: () => t.admin, body: () => ({ name: 'Category' }), path: `/categories/${CAT.roads}` },
    createRoutingRule: { token: () => t.admin, body: () => ({ regionId: TEST_REGION, target: 'organisation', organisationId: ORG.ministry, subcategoryId: CAT.ambulance, note: 'n' }) },
    replaceRoutingRule: { token: () => t.admin, body: () => ({ regionId: TEST_REGION, target: 'organisation', organisationId: ORG.government, note: 'n' }), path: '/routing-rules/3' },
  };
  // Operations without an entry above (added since) are sent {} with the field set, by a role they
  // allow: validation reports every failing field, so the text field is judged all the same.
  const pathOf = (op: SpecOperation) =>
    valid[op.operationId]?.path ?? op.path.replace('{caseId}', '99-2026-999999').replace(/\{[^}]+\}/g, 'unknown-1');
  const tokenOf = (op: SpecOperation) => {
    if (valid[op.operationId]) return valid[op.operationId].token();
    const byRole: Record<string, string> = { administrator: t.admin, operator: t.district, supervisor: t.supervisor, citizen: t.citizen };
    return byRole[['administrator', 'operator', 'supervisor', 'citizen'].find((r) => op.roles.includes(r))!];
  };
  const bodyOf = (op: SpecOperation) => valid[op.operationId]?.body() ?? {};

  before(async () => {
    ({ db } = await freshDatabase('bad_input_text'));
    await createTestRegion(db);
    // Registration numbers are workflow ids on the shared dev server: a prefix of this file's own.
    await db('regions').where({ id: TEST_REGION }).update({ number_prefix: '92' });
    t = await roleTokens(db);
    transport = (await createUserWithToken(db, { role: 'operator', name: 'Transport', organisationId: ORG.transport })).token;
    engine = await startEngine(db, 'bad-input-text');
    api = await startApi(db, { temporal: engine.client, taskQueue: engine.taskQueue, waitMs: 60_000 });
  });

  after(async () => {
    await api?.close();
    await engine?.stop();
  });

  afterEach(() => {
    assert.deepEqual(api.logs.filter((l) => l.level !== 'info'), [], 'a warning or an error was logged');
  });

  it('finds the text fields of the spec, and has a valid body for each operation that has them', () => {
    assert.ok(fields.length >= 25, `only ${fields.length} text fields found`);
    for (const p of ['/text', '/address', '/applicant/name', '/applicant/postalAddress']) {
      assert.ok(fields.some((f) => f.operationId === 'submitAppeal' && f.pointer === p), `submitAppeal ${p}`);
    }
    const ids = new Set(specOperations().map((o) => o.operationId));
    assert.deepEqual(Object.keys(valid).filter((id) => !ids.has(id)), [], 'bodies for operations the spec no longer has');
  });

  it('refuses control characters and unpaired surrogates in every text field with 400 naming it', async () => {
    const ops = new Map(specOperations().map((o) => [o.operationId, o]));
    const failures: string[] = [];
    for (const f of fields) {
      const op = ops.get(f.operationId)!;
      for (const bad of ['nul \u0000 byte', 'bell \u0007', 'escape \u001b[31m', 'delete \u007f', 'vertical\u000btab']) {
        const r = await call(api, op.method.toUpperCase(), pathOf(op), { token: tokenOf(op), headers: { 'idempotency-key': key() }, body: setAt(bodyOf(op), f.pointer, bad) });
        if (r.status !== 400 || !r.body.errors?.some((e: { path: string; message: string }) => e.path === f.pointer && /control characters/.test(e.message))) {
          failures.push(`${f.operationId} ${f.pointer} ${JSON.stringify(bad)}: ${r.status} ${r.text.slice(0, 200)}`);
        }
      }
      // A lone surrogate can only come as a JSON escape; it is not text PostgreSQL can store.
      const raw = JSON.stringify(setAt(bodyOf(op), f.pointer, 'SURROGATE')).replace('"SURROGATE"', '"half \\ud800 pair"');
      const r = await call(api, op.method.toUpperCase(), pathOf(op), { token: tokenOf(op), headers: { 'idempotency-key': key() }, raw });
      if (r.status !== 400 || !r.body.errors?.some((e: { path: string }) => e.path === f.pointer)) {
        failures.push(`${f.operationId} ${f.pointer} lone surrogate: ${r.status} ${r.text.slice(0, 200)}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.equal(Number((await db('case_intake').count('* as n'))[0].n), 0);
  });

  it('refuses one character over maxLength in every text field, naming it', async () => {
    const ops = new Map(specOperations().map((o) => [o.operationId, o]));
    const failures: string[] = [];
    for (const f of fields) {
      const op = ops.get(f.operationId)!;
      const r = await call(api, op.method.toUpperCase(), pathOf(op), {
        token: tokenOf(op), headers: { 'idempotency-key': key() }, body: setAt(bodyOf(op), f.pointer, 'я'.repeat(f.maxLength + 1)),
      });
      if (r.status !== 400 || !r.body.errors?.some((e: { path: string }) => e.path === f.pointer)) failures.push(`${f.operationId} ${f.pointer}: ${r.status}`);
    }
    assert.deepEqual(failures, []);
  });

  it('stores markup and SQL in the appeal and every case action exactly, and returns it JSON-escaped', async () => {
    const shown = new Map<string, string>(); // field → the hostile text it was given
    const give = (f: string) => {
      const v = hostile(f);
      shown.set(f, v);
      return v;
    };
    const act = async (token: string, caseId: string, action: string, body: unknown) => {
      const r = await call(api, 'POST', `/cases/${caseId}/${action}`, { token, body });
      assert.equal(r.status, 200, `${action}: ${r.text}`);
      assertSafeJson(r, action);
      return r;
    };

    // Every text field of the submission at its longest (text) or with the hostile text.
    const submission = {
      ...appeal(),
      text: give('submitAppeal/text'),
      address: give('submitAppeal/address'),
      applicant: { name: give('submitAppeal/applicant/name'), email: 'ivan@example.org', postalAddress: give('submitAppeal/applicant/postalAddress') },
    };
    const created = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: submission });
    assert.equal(created.status, 201, created.text);
    assertSafeJson(created, 'submitAppeal');
    const id = created.body.id;
    assert.equal(created.body.text, submission.text);
    assert.equal(created.body.address, submission.address);
    assert.deepEqual(created.body.applicant, { name: submission.applicant.name, email: 'ivan@example.org', postalAddress: submission.applicant.postalAddress });

    await act(t.district, id, 'take', undefined);
    await act(t.district, id, 'clarification-request', { question: give('requestClarification/question') });
    await act(t.citizen, id, 'clarification-reply', { text: give('replyToClarification/text') });
    await act(t.district, id, 'extension', { days: 3, reason: give('extendTerm/reason') });
    await act(t.district, id, 'answer', { text: give('answerCase/text') });
    await act(t.citizen, id, 'rating', { rating: 5, comment: give('rateAnswer/comment') });
    await engine.client.workflow.getHandle(id).result();
    await act(t.supervisor, id, 'overrides/reopen', { reason: give('reopenCase/reason') });
    await act(t.supervisor, id, 'overrides/reassign', { organisationId: ORG.transport, reason: give('reassignCase/reason') });
    await act(t.supervisor, id, 'overrides/term', { answerDueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), reason: give('changeTerm/reason') });
    await act(t.supervisor, id, 'overrides/close', { reason: give('closeCase/reason') });

    const other = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal() });
    assert.equal(other.status, 201);
    await act(t.district, other.body.id, 'redirect', { organisationId: ORG.transport, reason: give('redirectCase/reason') });
    await act(transport, other.body.id, 'leave-without-answer', { ground: 'unreadable', comment: give('leaveWithoutAnswer/comment') });

    // Read back as the administrator: every hostile text is there, unchanged, and nothing is raw markup.
    const strings: string[] = [];
    for (const caseId of [id, other.body.id]) {
      const r = await call(api, 'GET', `/cases/${caseId}`, { token: t.admin });
      assert.equal(r.status, 200);
      assertSafeJson(r, `GET /cases/${caseId}`);
      strings.push(...deepStrings(r.body));
    }
    const lost = [...shown].filter(([, v]) => !strings.includes(v)).map(([f]) => f);
    assert.deepEqual(lost, [], 'texts not returned exactly as sent');
    const covered = new Set(shown.keys());
    const casePaths = new Map(specOperations().map((o) => [o.operationId, o.path]));
    const caseFields = fields.filter((f) => /^\/(appeals|cases\/)/.test(casePaths.get(f.operationId) ?? ''));
    assert.deepEqual(caseFields.map((f) => `${f.operationId}${f.pointer}`).filter((k) => !covered.has(k)), [], 'case text fields this test does not send');

    // Nothing was executed: the tables are all there and hold what they should.
    for (const table of ['cases', 'case_events', 'users', 'api_tokens', 'case_intake', 'audit_log']) assert.ok(await db.schema.hasTable(table), table);
    assert.equal(Number((await db('cases').count('* as n'))[0].n), 2);
  });

  it('stores markup and SQL in reference names and notes exactly, and returns them JSON-escaped', async () => {
    const name = hostile('organisation');
    const org = await call(api, 'POST', '/organisations', { token: t.admin, body: { id: 'testland.hostile', regionId: TEST_REGION, name, kind: 'institution' } });
    assert.equal(org.status, 201, org.text);
    assertSafeJson(org, 'createOrganisation');
    assert.equal(org.body.name, name);
    const renamed = hostile('organisation renamed');
    assert.equal((await call(api, 'PATCH', '/organisations/testland.hostile', { token: t.admin, body: { name: renamed } })).body.name, renamed);
    const listed = await call(api, 'GET', '/organisations', { token: t.citizen });
    assertSafeJson(listed, 'listOrganisations');
    assert.ok(listed.body.items.some((o: { name: string }) => o.name === renamed));

    const cat = await call(api, 'POST', '/categories', { token: t.admin, body: { id: 'testland.c.hostile', regionId: TEST_REGION, name: hostile('category') } });
    assert.equal(cat.status, 201, cat.text);
    assert.equal(cat.body.name, hostile('category'));
    const catRenamed = await call(api, 'PATCH', '/categories/testland.c.hostile', { token: t.admin, body: { name: hostile('category renamed') } });
    assert.equal(catRenamed.body.name, hostile('category renamed'));
    const classifier = await call(api, 'GET', `/regions/${TEST_REGION}/classifier`, { token: t.citizen });
    assertSafeJson(classifier, 'getClassifier');
    assert.ok(deepStrings(classifier.body).includes(hostile('category renamed')));

    const rule = await call(api, 'POST', '/routing-rules', {
      token: t.admin, body: { regionId: TEST_REGION, target: 'organisation', organisationId: ORG.ministry, subcategoryId: CAT.ambulance, note: hostile('note') },
    });
    assert.equal(rule.status, 201, rule.text);
    const replaced = await call(api, 'PUT', `/routing-rules/${rule.body.id}`, {
      token: t.admin, body: { regionId: TEST_REGION, target: 'organisation', organisationId: ORG.ministry, subcategoryId: CAT.ambulance, note: hostile('note replaced') },
    });
    assert.equal(replaced.body.note, hostile('note replaced'));
    const rules = await call(api, 'GET', '/routing-rules', { token: t.citizen });
    assertSafeJson(rules, 'listRoutingRules');
    assert.ok(rules.body.items.some((r: { note: string | null }) => r.note === hostile('note replaced')));
    assert.equal(Number((await db('routing_rules').count('* as n'))[0].n), 4);
  });

  it('takes a text of exactly maxLength, with tabs and line breaks, and returns it whole', async () => {
    const max = fields.find((f) => f.operationId === 'submitAppeal' && f.pointer === '/text')!.maxLength;
    const text = ('Строка\tс табуляцией\r\n' + '<&>'.repeat(7)).repeat(Math.ceil(max / 40)).slice(0, max);
    assert.equal(text.length, max);
    const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: { ...appeal(), text } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.text, text);
    assertSafeJson(r, 'maxLength text');
  });
});
