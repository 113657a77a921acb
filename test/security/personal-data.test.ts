// The applicant's personal data (name, e-mail, postal address) is shown to the applicant, the operators
// of the organisation handling the case now, the supervisors of the case's region and administrators —
// to no one else — and each response that shows it to anyone but the applicant leaves a row in
// audit_log. If the audit cannot be written, the data is not shown. Rows are written straight into the
// read model, as the workflow's projection would.
import assert from 'node:assert/strict';
import { AUDIT_ACTION, casesWithApplicantData, recordAudit } from '../../domain/audit';
import type { Db } from '../../db/connection';
import { call, roleTokens, type CallResult, type RoleTokens, type TestApi } from '../api/helpers';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { startApi } from './support';

const APPLICANT = { name: 'Ivan Petrov', email: 'ivan@example.org', postalAddress: 'Testovoe, Lenina 1' };

describe('security: applicant personal data and the audit log', () => {
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;
  let n = 0;

  async function insertCase(over: Record<string, unknown> = {}): Promise<string> {
    const id = `99-2026-${String(++n).padStart(6, '0')}`;
    await db('cases').insert({
      id, kind: 'appeal', region_id: TEST_REGION, applicant_user_id: t.citizenUser.id, applicant_name: APPLICANT.name,
      applicant_email: APPLICANT.email, applicant_address: APPLICANT.postalAddress, category_id: CAT.roads, subcategory_id: CAT.potholes,
      territory_id: TERRITORY.village, text: `Pothole ${n}`, organisation_id: ORG.district, status: 'registered',
      registered_at: new Date(), answer_due_at: new Date(Date.now() + 86_400_000 * (5 + n)), term_days: 30, last_seq: 1,
      state: JSON.stringify({ caseId: id, seq: 1 }), ...over,
    });
    return id;
  }

  const audit = (where: Record<string, unknown> = {}) => db('audit_log').where(where).orderBy('id');
  const hasApplicant = (r: CallResult) => r.body?.applicant !== undefined;

  before(async () => {
    ({ db } = await freshDatabase('security_personal_data'));
    await createTestRegion(db);
    await db('regions').insert({ id: 'otherland', name: 'Other', time_zone: 'Asia/Vladivostok', number_prefix: '98' });
    t = await roleTokens(db, 'otherland');
    api = await startApi(db);
  });

  after(async () => {
    await api?.close();
  });

  it('shows the applicant to the applicant, the handling organisation, the region supervisor and administrators only', async () => {
    const id = await insertCase();
    for (const [who, token] of [['applicant', t.citizen], ['district operator', t.district], ['supervisor', t.supervisor], ['administrator', t.admin]]) {
      const r = await call(api, 'GET', `/cases/${id}`, { token });
      assert.equal(r.status, 200, who);
      assert.deepEqual(r.body.applicant, APPLICANT, who);
    }
    for (const [who, token] of [['ministry operator', t.ministry], ['other-region supervisor', t.otherSupervisor], ['another citizen', t.otherCitizen]]) {
      const r = await call(api, 'GET', `/cases/${id}`, { token });
      assert.equal(r.status, 404, who);
      assert.ok(!r.text.includes(APPLICANT.name) && !r.text.includes(APPLICANT.email), `${who} sees applicant data`);
      const list = await call(api, 'GET', '/cases?limit=100', { token });
      assert.ok(!list.text.includes(APPLICANT.email), `${who}'s list shows applicant data`);
    }
  });

  it('stops showing it to an organisation once the case has left it', async () => {
    const id = await insertCase();
    assert.ok(hasApplicant(await call(api, 'GET', `/cases/${id}`, { token: t.district })));
    await db('cases').where({ id }).update({ organisation_id: ORG.ministry }); // redirected, as the projection writes it
    assert.equal((await call(api, 'GET', `/cases/${id}`, { token: t.district })).status, 404);
    assert.deepEqual((await call(api, 'GET', `/cases/${id}`, { token: t.ministry })).body.applicant, APPLICANT);
  });

  it('records every read by someone other than the applicant, with actor, case and request id; not the applicant\'s own', async () => {
    const id = await insertCase();
    const before = (await audit()).length;

    const own = await call(api, 'GET', `/cases/${id}`, { token: t.citizen });
    assert.equal(own.status, 200);
    assert.equal((await audit()).length, before, "the applicant's own read is not audited");

    const requestId = `audit-check-${process.pid}`;
    const op = await call(api, 'GET', `/cases/${id}`, { token: t.district, headers: { 'x-request-id': requestId } });
    assert.equal(op.status, 200);
    const rows = await audit({ request_id: requestId });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].action, AUDIT_ACTION.readPersonalData);
    assert.equal(rows[0].case_id, id);
    assert.equal(rows[0].actor_role, 'operator');
    assert.ok(rows[0].actor_user_id > 0);
    assert.deepEqual(rows[0].details, { operationId: 'getCase', fields: ['name', 'email', 'postalAddress'] });
    assert.ok(Date.now() - new Date(rows[0].at).getTime() < 60_000);

    // A list: one row per case it shows with applicant data.
    const listId = `audit-list-${process.pid}`;
    const list = await call(api, 'GET', '/cases?limit=100', { token: t.supervisor, headers: { 'x-request-id': listId } });
    const shown = list.body.items.filter((c: { applicant?: unknown }) => c.applicant).map((c: { id: string }) => c.id).sort();
    assert.ok(shown.length >= 3);
    const listRows = await audit({ request_id: listId });
    assert.deepEqual(listRows.map((r) => r.case_id).sort(), shown);
    assert.ok(listRows.every((r) => r.actor_role === 'supervisor' && r.details.operationId === 'listCases'));

    // The supervisors' monitoring lists too.
    const overdue = await insertCase({ overdue: true, answer_due_at: new Date(Date.now() - 86_400_000) });
    const adminId = `audit-overdue-${process.pid}`;
    const o = await call(api, 'GET', '/supervision/overdue', { token: t.admin, headers: { 'x-request-id': adminId } });
    assert.ok(o.body.items.some((c: { id: string }) => c.id === overdue));
    assert.ok((await audit({ request_id: adminId })).some((r) => r.case_id === overdue && r.actor_role === 'administrator'));

    // Nothing shown, nothing recorded: a 404, a list of nothing, a case without applicant data.
    const quiet = `audit-none-${process.pid}`;
    assert.equal((await call(api, 'GET', `/cases/${id}`, { token: t.ministry, headers: { 'x-request-id': quiet } })).status, 404);
    await call(api, 'GET', '/cases', { token: t.otherSupervisor, headers: { 'x-request-id': quiet } });
    const anonymous = await insertCase({ applicant_name: null, applicant_email: null, applicant_address: null });
    await call(api, 'GET', `/cases/${anonymous}`, { token: t.admin, headers: { 'x-request-id': quiet } });
    assert.equal((await audit({ request_id: quiet })).length, 0);
  });

  it('keeps the audit log append-only', async () => {
    await recordAudit(db, { actor: { userId: null, role: 'system' }, action: 'test.append_only', details: { n: 1 } });
    await assert.rejects(db('audit_log').where({ action: 'test.append_only' }).update({ action: 'x' }), /append-only/);
    await assert.rejects(db('audit_log').where({ action: 'test.append_only' }).delete(), /append-only/);
    assert.equal((await audit({ action: 'test.append_only' })).length, 1);
  });

  it('shows no personal data when the audit cannot be written (fails closed)', async () => {
    const { db: broken } = await freshDatabase('security_audit_broken');
    await createTestRegion(broken);
    const tokens = await roleTokens(broken);
    const [row] = await broken('users').where({ id: tokens.citizenUser.id }).select('id');
    await broken('cases').insert({
      id: '99-2026-000001', kind: 'appeal', region_id: TEST_REGION, applicant_user_id: row.id, applicant_name: APPLICANT.name,
      applicant_email: APPLICANT.email, text: 'x', organisation_id: ORG.district, status: 'registered', registered_at: new Date(), state: '{}',
    });
    await broken.raw('alter table audit_log rename to audit_log_gone');
    const brokenApi = await startApi(broken);
    try {
      const r = await call(brokenApi, 'GET', '/cases/99-2026-000001', { token: tokens.admin });
      assert.equal(r.status, 500);
      assert.ok(!r.text.includes(APPLICANT.name) && !r.text.includes(APPLICANT.email));
      // The applicant's own read needs no audit and still works.
      const own = await call(brokenApi, 'GET', '/cases/99-2026-000001', { token: tokens.citizen });
      assert.equal(own.status, 200);
      assert.equal(own.body.applicant.name, APPLICANT.name);
    } finally {
      await brokenApi.close();
    }
  });

  it('finds the applicant data in any case-shaped body (casesWithApplicantData)', () => {
    assert.deepEqual(casesWithApplicantData({ id: 'a', applicant: { name: 'X', email: null, postalAddress: null } }), [{ caseId: 'a', fields: ['name'], regionId: null }]);
    assert.deepEqual(casesWithApplicantData({ items: [{ id: 'a' }, { id: 'b', applicant: { name: null, email: 'e@x', postalAddress: 'p' } }] }), [
      { caseId: 'b', fields: ['email', 'postalAddress'], regionId: null },
    ]);
    assert.deepEqual(casesWithApplicantData({ id: 'a', applicant: { name: null, email: null, postalAddress: null } }), []);
    assert.deepEqual(casesWithApplicantData({ items: [] }), []);
    assert.deepEqual(casesWithApplicantData(null), []);
  });
});
