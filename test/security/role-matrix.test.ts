// Every operation of the spec × every role and no token, on the real case engine. The operations are
// read from openapi/openapi.yaml, so a new endpoint is covered the day it is added: without a token it
// must answer 401, to a role outside its x-otklik-roles 403 (before the body is even read), to the roles
// inside it anything but 401 / the role gate / a 5xx. Then the other side of the wall: another
// organisation's operator, another region's supervisor and another citizen against a case that is not
// theirs get 404 (or the role gate's 403) and change nothing.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import { loadSpec, specOperations, type SpecOperation } from '../../openapi/spec';
import type { Db } from '../../db/connection';
import { call, roleTokens, type CallResult, type RoleTokens, type TestApi } from '../api/helpers';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { startApi, startEngine, type Engine } from './support';

const ROLES = ['citizen', 'operator', 'supervisor', 'administrator'] as const;
type Role = (typeof ROLES)[number];
const ROLE_GATE = /^This operation is for: /;
/** Sign-in through OpenID Connect: 404 on an API without an identity provider, as here (test/integration/oidc.test.ts has one). */
const OIDC_SIGN_IN = new Set(['startOidcSignIn', 'finishOidcSignIn']);

describe('security: role × endpoint matrix (every operation of the spec)', function () {
  this.timeout(180_000);
  let db: Db;
  let api: TestApi;
  let engine: Engine;
  let t: RoleTokens;
  let token: Record<Role, string>;
  let caseA: string; // registered, handled by the district; never changed by the matrix
  let foreignCase: string; // a read-model row of another region
  let matrixRule: number;
  const MATRIX_ORG = 'testland.matrix';
  const MATRIX_SUB = 'testland.c.roads.matrix';
  let n = 0;
  const key = () => `matrix-key-${process.pid}-${++n}`;

  const appeal = () => ({
    kind: 'appeal', regionId: TEST_REGION, subcategoryId: CAT.potholes, territoryId: TERRITORY.village,
    text: 'A pothole for the role matrix.', applicant: { name: 'Ivan Petrov', email: 'ivan@example.org', postalAddress: 'Testovoe, Lenina 1' },
  });

  async function newCase(): Promise<string> {
    const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal() });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  }

  const due = () => new Date(Date.now() + 12 * 86_400_000).toISOString();
  /** Valid bodies of the case and reference operations. Operations without one get {} (and, inside the gate, a 400). */
  const bodies: Record<string, () => unknown> = {
      submitAppeal: appeal,
      answerCase: () => ({ text: 'Repaired.' }),
      acknowledgeRegistration: () => ({ externalNumber: 'СЭД-01/17', externalRegisteredAt: '2026-01-15' }),
      redirectCase: () => ({ organisationId: ORG.transport, reason: 'Roads are regional' }),
      requestClarification: () => ({ question: 'Which house?' }),
      extendTerm: () => ({ days: 5, reason: 'Site visit' }),
      leaveWithoutAnswer: () => ({ ground: 'unreadable', comment: 'Cannot read it' }),
      replyToClarification: () => ({ text: 'House 5' }),
      rateAnswer: () => ({ rating: 5 }),
      reassignCase: () => ({ organisationId: ORG.transport, reason: 'Roads are regional' }),
      changeTerm: () => ({ answerDueAt: due(), reason: 'Urgent' }),
      closeCase: () => ({ reason: 'Duplicate' }),
      reopenCase: () => ({ reason: 'Back again' }),
      putRegulationProfile: () => ({
        defaultTermDays: 30, dayKind: 'calendar', municipalTermsAdvisory: false, negativeRatingThreshold: 2, ratingWindowDays: 10,
        reminderOffsetsDays: [3, 1], extensionMaxDays: 30, calendar: { holidays: [], workingWeekends: [] },
      }),
      createOrganisation: () => ({ id: `testland.matrix.${++n}`, regionId: TEST_REGION, name: 'Matrix body', kind: 'institution' }),
      updateOrganisation: () => ({ name: 'Matrix body, renamed' }),
      createCategory: () => ({ id: `testland.c.matrix.${++n}`, regionId: TEST_REGION, name: 'Matrix category' }),
      updateCategory: () => ({ name: 'Matrix subcategory, renamed' }),
      putAccelerated: () => ({ termDays: 10, responsibleOrganisationIds: [ORG.ministry], responsibleMunicipality: false }),
      createRoutingRule: () => ({ regionId: TEST_REGION, subcategoryId: MATRIX_SUB, target: 'organisation', organisationId: ORG.ministry, priority: 7 }),
      replaceRoutingRule: () => ({ regionId: TEST_REGION, subcategoryId: MATRIX_SUB, target: 'organisation', organisationId: ORG.transport, priority: 5 }),
      previewRouting: () => ({ regionId: TEST_REGION, subcategoryId: CAT.potholes, territoryId: TERRITORY.village }),
  };

  function bodyFor(op: SpecOperation): unknown {
    return op.requestBody ? (bodies[op.operationId]?.() ?? {}) : undefined;
  }

  const PATH_VALUES = (caseId: string): Record<string, string> => ({
    caseId, regionId: TEST_REGION, organisationId: MATRIX_ORG, categoryId: MATRIX_SUB, ruleId: String(matrixRule), asset: 'swagger-ui.css',
  });
  /** Operations whose success is not JSON (the reference page and its assets): their 200 has the type the spec gives it. */
  const nonJsonSuccess = (op: SpecOperation) =>
    !Object.keys((loadSpec().paths[op.path][op.method] as { responses: Record<string, { content?: Record<string, unknown> }> }).responses['200']?.content ?? {}).some((t) => /json/.test(t));
  /** Path parameters this test has no real value for (endpoints added since): reads of them may be 404. */
  const unknownParams = (op: SpecOperation) => op.parameters.some((p) => p.in === 'path' && !(p.name in PATH_VALUES('')));

  function pathFor(op: SpecOperation, caseId: string): string {
    const values = PATH_VALUES(caseId);
    // A parameter without a real value gets one of its type, so that it passes validation and reaches the handler.
    const placeholder = (name: string) =>
      op.parameters.find((p) => p.in === 'path' && p.name === name)?.schema?.type === 'integer' ? '999999' : 'unknown-parameter';
    return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? placeholder(name)));
  }

  function send(op: SpecOperation, caseId: string, bearer?: string): Promise<CallResult> {
    const headers = op.method === 'post' ? { 'idempotency-key': key() } : undefined;
    return call(api, op.method.toUpperCase(), pathFor(op, caseId), { token: bearer, body: bodyFor(op), headers });
  }

  before(async () => {
    ({ db } = await freshDatabase('security_matrix'));
    await createTestRegion(db);
    // Registration numbers are workflow ids on the shared dev server: a prefix of this file's own.
    await db('regions').where({ id: TEST_REGION }).update({ number_prefix: '91' });
    await db('regions').insert({ id: 'otherland', name: 'Other', time_zone: 'Asia/Vladivostok', number_prefix: '98' });
    await db('organisations').insert({ id: MATRIX_ORG, region_id: TEST_REGION, parent_id: ORG.government, name: 'Matrix body', kind: 'institution', modules: ['appeals'] });
    await db('categories').insert({ id: MATRIX_SUB, region_id: TEST_REGION, parent_id: CAT.roads, name: 'Matrix subcategory' });
    [{ id: matrixRule }] = await db('routing_rules')
      .insert({ region_id: TEST_REGION, subcategory_id: MATRIX_SUB, target: 'organisation', organisation_id: ORG.ministry, priority: 5 })
      .returning('id');
    t = await roleTokens(db, 'otherland');
    token = { citizen: t.citizen, operator: t.district, supervisor: t.supervisor, administrator: t.admin };
    engine = await startEngine(db, 'security-matrix');
    api = await startApi(db, { temporal: engine.client, taskQueue: engine.taskQueue, waitMs: 60_000 });
    caseA = await newCase();
    foreignCase = '98-2026-000001';
    const other = await createUserWithToken(db, { role: 'citizen', name: 'Foreign applicant' });
    await db('cases').insert({
      id: foreignCase, kind: 'appeal', region_id: 'otherland', applicant_user_id: other.user.id, applicant_name: 'Foreign applicant',
      applicant_email: 'foreign@example.org', applicant_address: 'Vladivostok', text: 'Elsewhere', status: 'registered',
      registered_at: new Date(), last_seq: 1, state: JSON.stringify({}),
    });
  });

  after(async () => {
    await api?.close();
    await engine?.stop();
  });

  it('reads its operations from the spec, and knows the bodies it names', () => {
    const ops = specOperations();
    assert.ok(ops.length >= 39, `only ${ops.length} operations`);
    const ids = new Set(ops.map((o) => o.operationId));
    assert.deepEqual(Object.keys(bodies).filter((id) => !ids.has(id)), [], 'bodies for operations the spec no longer has');
    for (const id of Object.keys(bodies)) assert.ok(ops.find((o) => o.operationId === id)?.requestBody, `${id} takes no body`);
  });

  it('answers 401 without a token, 403 to roles outside x-otklik-roles, and never 401/403/5xx from the gate to roles inside', async () => {
    const table: string[] = [];
    const failures: string[] = [];
    for (const op of specOperations()) {
      const mutatesCase = op.path.includes('{caseId}') && op.method !== 'get';
      const caseId = mutatesCase ? await newCase() : caseA;
      const label = `${op.method.toUpperCase()} ${op.path} (${op.operationId})`;
      const row: string[] = [];

      const anonymous = await send(op, caseId);
      row.push(`none=${anonymous.status}`);
      if (op.secured) {
        if (anonymous.status !== 401) failures.push(`${label} without a token: ${anonymous.status}, expected 401`);
        else if (!/^Bearer realm="otklik"/.test(anonymous.headers.get('www-authenticate') ?? '')) failures.push(`${label}: 401 without WWW-Authenticate`);
      } else if (op.operationId === 'requestToken' || OIDC_SIGN_IN.has(op.operationId)) {
        // The token endpoint needs client credentials (an RFC 6749 error without them); sign-in needs an
        // identity provider, which this API has none of (404).
        if (anonymous.status < 400 || anonymous.status >= 500) failures.push(`${label} without credentials: ${anonymous.status}, expected a 4xx`);
      } else if (op.operationId === 'createOpen311Request') {
        // GeoReport sends its API key in the body, so the handler authenticates it: no key, no request.
        if (anonymous.status < 400 || anonymous.status >= 500) failures.push(`${label} without an API key: ${anonymous.status}, expected a 4xx`);
      } else if (anonymous.status !== 200 && !(unknownParams(op) && anonymous.status === 404)) {
        failures.push(`${label} (public) without a token: ${anonymous.status}, expected 200`);
      }

      for (const role of ROLES) {
        const r = await send(op, caseId, token[role]);
        row.push(`${role}=${r.status}`);
        const allowed = !op.secured || op.roles.includes(role);
        if (r.status >= 500) failures.push(`${label} as ${role}: ${r.status} ${r.text}`);
        if (!/^application\/(problem\+)?json/.test(r.headers.get('content-type') ?? '') && r.status !== 204 && !(r.status === 200 && nonJsonSuccess(op))) {
          failures.push(`${label} as ${role}: content type ${r.headers.get('content-type')}`);
        }
        if (!allowed) {
          if (r.status !== 403 || !ROLE_GATE.test(r.body?.detail ?? '')) failures.push(`${label} as ${role}: ${r.status}, expected the role gate's 403`);
        } else {
          if (r.status === 401) failures.push(`${label} as ${role}: 401 with a valid token`);
          if (r.status === 403 && ROLE_GATE.test(r.body?.detail ?? '')) failures.push(`${label} as ${role}: refused by the role gate, but the spec allows ${role}`);
          // Reads of what the caller may see succeed outright.
          if (op.method === 'get' && r.status !== 200 && !(unknownParams(op) && r.status === 404) && !OIDC_SIGN_IN.has(op.operationId)) failures.push(`${label} as ${role}: ${r.status} on a read it is allowed: ${r.text}`);
        }
      }
      table.push(`${label.padEnd(72)} ${row.join(' ')}`);
    }
    if (process.env.OTKLIK_PRINT_MATRIX) console.log(table.join('\n'));
    assert.deepEqual(failures, []);
  });

  it("keeps another organisation's operator, another region's supervisor and another citizen out of a case (404), changing nothing", async () => {
    const before = await db('cases').where({ id: caseA }).first();
    const outsiders: [string, Role, string][] = [
      ['ministry operator', 'operator', t.ministry],
      ['otherland supervisor', 'supervisor', t.otherSupervisor],
      ['another citizen', 'citizen', t.otherCitizen],
    ];
    const failures: string[] = [];
    for (const op of specOperations().filter((o) => o.path.includes('{caseId}'))) {
      for (const [who, role, bearer] of outsiders) {
        const r = await send(op, caseA, bearer);
        const expected = op.roles.includes(role) ? 404 : 403;
        if (r.status !== expected) failures.push(`${op.operationId} by ${who}: ${r.status}, expected ${expected}: ${r.text}`);
        if (r.text.includes('Ivan Petrov') || r.text.includes('ivan@example.org')) failures.push(`${op.operationId} by ${who}: applicant data in the answer`);
      }
    }
    assert.deepEqual(failures, []);
    const after = await db('cases').where({ id: caseA }).first();
    assert.equal(after.status, before.status);
    assert.equal(after.last_seq, before.last_seq);
    assert.equal(after.organisation_id, ORG.district);
  });

  it('scopes lists: filters never widen them, and supervisors stay in their region', async () => {
    const ids = (r: CallResult) => r.body.items.map((c: { id: string }) => c.id);
    const ministryList = await call(api, 'GET', '/cases?limit=100', { token: t.ministry });
    assert.equal(ministryList.status, 200);
    assert.ok(!ids(ministryList).includes(caseA));
    const widened = await call(api, 'GET', `/cases?limit=100&organisationId=${ORG.district}`, { token: t.ministry });
    assert.deepEqual(ids(widened), []);
    const otherCitizen = await call(api, 'GET', '/cases?limit=100', { token: t.otherCitizen });
    assert.deepEqual(ids(otherCitizen), []);

    const sup = await call(api, 'GET', '/cases?limit=100', { token: t.supervisor });
    assert.ok(ids(sup).includes(caseA));
    assert.ok(!ids(sup).includes(foreignCase));
    assert.deepEqual(ids(await call(api, 'GET', '/cases?limit=100&regionId=otherland', { token: t.supervisor })), []);
    assert.equal((await call(api, 'GET', `/cases/${foreignCase}`, { token: t.supervisor })).status, 404);
    assert.equal((await call(api, 'GET', '/supervision/overdue?regionId=otherland', { token: t.supervisor })).status, 403);
    assert.equal((await call(api, 'GET', '/supervision/stuck?regionId=otherland', { token: t.supervisor })).status, 403);

    const foreign = await call(api, 'GET', '/cases?limit=100', { token: t.otherSupervisor });
    assert.deepEqual(ids(foreign), [foreignCase]);
    assert.equal((await call(api, 'GET', `/cases/${caseA}`, { token: t.otherSupervisor })).status, 404);
    assert.equal((await call(api, 'GET', `/cases/${foreignCase}`, { token: t.otherSupervisor })).status, 200);

    const admin = await call(api, 'GET', '/cases?limit=100', { token: t.admin });
    // The Temporal history staff may read carries no applicant data (and so is not audited).
    const history = await call(api, 'GET', `/cases/${caseA}/history`, { token: t.supervisor });
    assert.equal(history.status, 200);
    assert.ok(!history.text.includes('Ivan Petrov') && !history.text.includes('ivan@example.org') && !history.text.includes('Lenina 1'));
    assert.ok(ids(admin).includes(caseA) && ids(admin).includes(foreignCase));
  });
});
