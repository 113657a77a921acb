// Reading cases from the read model: scoping by role, visibility (404 for others), the representation,
// filters, keyset pagination and the supervisors' lists. Rows are written directly, as the workflow's
// projection would write them.
import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { caseTimeline } from '../../domain/cases/read-model';
import { freshDatabase } from '../support/postgres';
import { call, roleTokens, startTestApi, type RoleTokens, type TestApi } from './helpers';

const DAY = 86_400_000;

describe('API case reads', () => {
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;
  let n = 0;

  async function insertCase(over: Record<string, unknown> = {}): Promise<string> {
    const id = `99-2026-${String(++n).padStart(6, '0')}`;
    const due = new Date(Date.now() + (10 + n) * DAY);
    await db('cases').insert({
      id, kind: 'appeal', region_id: TEST_REGION, applicant_user_id: t.citizenUser.id, applicant_name: 'Ivan Petrov',
      applicant_email: 'ivan@example.org', applicant_address: 'Testovoe, Lenina 1', category_id: CAT.roads, subcategory_id: CAT.potholes,
      territory_id: TERRITORY.village, text: `Pothole number ${n}`, organisation_id: ORG.district, status: 'registered',
      registered_at: new Date(Date.now() - (100 - n) * 60_000), answer_due_at: due, term_days: 30, last_seq: 1,
      state: JSON.stringify({ caseId: id, seq: 1, answer: null, clarification: null }),
      ...over,
    });
    await db('case_events').insert({
      case_id: id, seq: 1, type: 'registered', actor_role: 'system', actor_user_id: null, organisation_id: (over.organisation_id as string) ?? ORG.district,
      details: JSON.stringify({ routing: { step: 'category+territory' } }), occurred_at: new Date(),
    });
    return id;
  }

  let mine: string[];
  let others: string;
  let ministryCase: string;
  let closed: string;
  let overdue: string;
  let stuck: string;

  before(async () => {
    ({ db } = await freshDatabase('api_cases_read'));
    await createTestRegion(db);
    await db('regions').insert({ id: 'otherland', name: 'Other', time_zone: 'Asia/Vladivostok', number_prefix: '98' });
    t = await roleTokens(db, 'otherland');
    api = await startTestApi(db);
    mine = [await insertCase(), await insertCase(), await insertCase()];
    others = await insertCase({ applicant_user_id: t.otherCitizenUser.id, applicant_name: 'Olga Sidorova' });
    ministryCase = await insertCase({ organisation_id: ORG.ministry, category_id: CAT.medicine, subcategory_id: CAT.ambulance, accelerated: true, term_days: 10 });
    closed = await insertCase({
      status: 'closed', resolution: 'rated_positive', rating: 5, closed_at: new Date(), answer_text: 'Repaired.', answered_at: new Date(),
      state: JSON.stringify({ seq: 4, answer: { text: 'Repaired.', attachments: ['doc-1'], answeredAt: new Date().toISOString() }, clarification: null }),
    });
    overdue = await insertCase({ overdue: true, answer_due_at: new Date(Date.now() - DAY), applicant_user_id: t.otherCitizenUser.id });
    stuck = await insertCase({ last_action_at: new Date(Date.now() - 20 * DAY), registered_at: new Date(Date.now() - 21 * DAY), applicant_user_id: t.otherCitizenUser.id });
  });

  after(async () => {
    await api?.close();
  });

  const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((c) => c.id);

  it('scopes lists by role: own cases, the organisation queue, the region, everything', async () => {
    const citizen = await call(api, 'GET', '/cases', { token: t.citizen });
    assert.equal(citizen.status, 200);
    // citizens: newest first
    assert.deepEqual(ids(citizen), [ministryCase, closed, ...mine].sort().reverse());
    const district = await call(api, 'GET', '/cases', { token: t.district });
    assert.ok(ids(district).every((id) => id !== ministryCase));
    assert.equal(ids(district).length, 7);
    // queue: earliest term first
    assert.equal(ids(district)[0], overdue);
    const ministry = await call(api, 'GET', '/cases', { token: t.ministry });
    assert.deepEqual(ids(ministry), [ministryCase]);
    assert.equal(ids(await call(api, 'GET', '/cases', { token: t.supervisor })).length, 8);
    assert.equal(ids(await call(api, 'GET', '/cases', { token: t.otherSupervisor })).length, 0);
    assert.equal(ids(await call(api, 'GET', '/cases', { token: t.admin })).length, 8);
  });

  it('filters never widen the scope', async () => {
    const r = await call(api, 'GET', `/cases?organisationId=${ORG.ministry}`, { token: t.district });
    assert.deepEqual(ids(r), []);
    assert.deepEqual(ids(await call(api, 'GET', `/cases?organisationId=${ORG.ministry}`, { token: t.supervisor })), [ministryCase]);
    assert.deepEqual(ids(await call(api, 'GET', '/cases?status=closed', { token: t.admin })), [closed]);
    assert.deepEqual(ids(await call(api, 'GET', '/cases?overdue=true', { token: t.admin })), [overdue]);
    assert.equal(ids(await call(api, 'GET', '/cases?open=true', { token: t.admin })).length, 7);
    assert.deepEqual(ids(await call(api, 'GET', `/cases?subcategoryId=${CAT.ambulance}`, { token: t.admin })), [ministryCase]);
    const due = await call(api, 'GET', `/cases?dueTo=${encodeURIComponent(new Date().toISOString())}`, { token: t.admin });
    assert.deepEqual(ids(due), [overdue]);
  });

  it('pages with an opaque cursor, without gaps or repeats', async () => {
    for (const token of [t.admin, t.citizen]) {
      const all = ids(await call(api, 'GET', '/cases?limit=100', { token }));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = cursor ? `&cursor=${cursor}` : '';
        const page = await call(api, 'GET', `/cases?limit=3${q}`, { token });
        assert.equal(page.status, 200, JSON.stringify(page.body));
        assert.ok(page.body.items.length <= 3);
        seen.push(...ids(page));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      assert.deepEqual(seen, all);
    }
    // A citizen's cursor does not fit the queue order of another role.
    const p1 = await call(api, 'GET', '/cases?limit=1', { token: t.citizen });
    const wrong = await call(api, 'GET', `/cases?limit=1&cursor=${p1.body.nextCursor}`, { token: t.admin });
    assert.equal(wrong.status, 400);
  });

  it('shows the timeline read with the row in one statement as the events table reads it: order, instants to the millisecond, actors, details', async () => {
    const id = await insertCase();
    const base = Date.now();
    await db('case_events').insert([3, 2].map((seq) => ({
      case_id: id, seq, type: seq === 2 ? 'taken_into_work' : 'answered', actor_role: 'operator', actor_user_id: t.otherCitizenUser.id,
      organisation_id: ORG.district, details: JSON.stringify(seq === 3 ? { text: 'Ответ «с кавычками»' } : {}),
      // Microseconds: the JSON path must round them as the driver does.
      occurred_at: db.raw(`to_timestamp(?) + interval '123 microseconds'`, [(base + seq * 1000 + 0.456) / 1000]),
    })));
    for (const [token, user] of [[t.admin, { ...t.citizenUser, role: 'administrator' }], [t.citizen, t.citizenUser]] as const) {
      const r = await call(api, 'GET', `/cases/${id}`, { token });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.timeline.map((e: { seq: number }) => e.seq), [1, 2, 3]);
      assert.deepEqual(r.body.timeline, await caseTimeline(db, id, user));
    }
  });

  it('shows a case with its timeline to those who may see it, 404 to everyone else', async () => {
    const r = await call(api, 'GET', `/cases/${mine[0]}`, { token: t.citizen });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, mine[0]);
    assert.equal(r.body.status, 'registered');
    assert.deepEqual(r.body.applicant, { name: 'Ivan Petrov', email: 'ivan@example.org', postalAddress: 'Testovoe, Lenina 1' });
    assert.equal(r.body.answer, null);
    assert.equal(r.body.timeline.length, 1);
    assert.equal(r.body.timeline[0].type, 'registered');
    assert.deepEqual(r.body.timeline[0].actor, { role: 'system' }, 'citizens do not see user ids of actors');
    for (const token of [t.district, t.supervisor, t.admin]) {
      const x = await call(api, 'GET', `/cases/${mine[0]}`, { token });
      assert.equal(x.status, 200);
      assert.ok(x.body.applicant);
      assert.deepEqual(x.body.timeline[0].actor, { role: 'system', userId: null });
    }
    for (const token of [t.otherCitizen, t.ministry, t.otherSupervisor]) {
      const x = await call(api, 'GET', `/cases/${mine[0]}`, { token });
      assert.equal(x.status, 404);
      assert.equal(x.body.detail, `There is no case ${mine[0]}.`);
    }
    const missing = await call(api, 'GET', '/cases/99-2026-999999', { token: t.otherCitizen });
    assert.deepEqual({ ...missing.body, detail: undefined }, { ...(await call(api, 'GET', `/cases/${mine[0]}`, { token: t.otherCitizen })).body, detail: undefined, instance: '/cases/99-2026-999999' });
  });

  it('represents an answered, closed case', async () => {
    const r = await call(api, 'GET', `/cases/${closed}`, { token: t.citizen });
    assert.equal(r.body.status, 'closed');
    assert.equal(r.body.resolution, 'rated_positive');
    assert.equal(r.body.rating, 5);
    assert.equal(r.body.answer.text, 'Repaired.');
    assert.deepEqual(r.body.answer.attachments, ['doc-1']);
    assert.ok(r.body.closedAt);
  });

  it('does not let operators of other organisations act on a case (404), nor citizens on operator actions (403)', async () => {
    const r = await call(api, 'POST', `/cases/${mine[0]}/take`, { token: t.ministry });
    assert.equal(r.status, 404);
    const c = await call(api, 'POST', `/cases/${mine[0]}/take`, { token: t.citizen });
    assert.equal(c.status, 403);
    const other = await call(api, 'POST', `/cases/${mine[0]}/rating`, { token: t.otherCitizen, body: { rating: 5 } });
    assert.equal(other.status, 404);
    const history = await call(api, 'GET', `/cases/${mine[0]}/history`, { token: t.ministry });
    assert.equal(history.status, 404);
    assert.equal((await call(api, 'GET', `/cases/${mine[0]}/history`, { token: t.citizen })).status, 403);
  });

  it('lists overdue and stuck cases for supervisors of the region and administrators', async () => {
    const o = await call(api, 'GET', '/supervision/overdue', { token: t.supervisor });
    assert.equal(o.status, 200);
    assert.deepEqual(ids(o), [overdue]);
    assert.deepEqual(ids(await call(api, 'GET', '/supervision/overdue?advisory=true', { token: t.supervisor })), []);
    assert.deepEqual(ids(await call(api, 'GET', '/supervision/overdue', { token: t.otherSupervisor })), []);
    assert.equal((await call(api, 'GET', `/supervision/overdue?regionId=${TEST_REGION}`, { token: t.otherSupervisor })).status, 403);
    assert.deepEqual(ids(await call(api, 'GET', `/supervision/overdue?regionId=${TEST_REGION}`, { token: t.admin })), [overdue]);
    assert.equal((await call(api, 'GET', '/supervision/overdue', { token: t.district })).status, 403);

    const s = await call(api, 'GET', '/supervision/stuck?days=14', { token: t.supervisor });
    assert.deepEqual(ids(s), [stuck]);
    const s0 = await call(api, 'GET', '/supervision/stuck?days=1', { token: t.admin });
    assert.ok(ids(s0).includes(stuck));
    assert.ok(!ids(s0).includes(closed));
    assert.equal((await call(api, 'GET', '/supervision/stuck?days=0', { token: t.admin })).status, 400);
  });

  it('shows a case overdue from the instant its term passed, before its workflow flags it; an answered one not', async () => {
    const passed = await insertCase({ answer_due_at: new Date(Date.now() - 60_000), status: 'in_work' });
    const answered = await insertCase({ answer_due_at: new Date(Date.now() - 60_000), status: 'answered', answered_at: new Date(Date.now() - DAY) });
    try {
      assert.equal((await call(api, 'GET', `/cases/${passed}`, { token: t.admin })).body.overdue, true);
      assert.equal((await call(api, 'GET', `/cases/${answered}`, { token: t.admin })).body.overdue, false);
      assert.deepEqual(ids(await call(api, 'GET', '/cases?overdue=true', { token: t.admin })).sort(), [overdue, passed].sort());
      const notOverdue = ids(await call(api, 'GET', '/cases?overdue=false&limit=100', { token: t.admin }));
      assert.ok(notOverdue.includes(answered) && !notOverdue.includes(passed) && !notOverdue.includes(overdue));
      // The supervisors' list: the flagged case and the passed one, earliest term first; not the answered one.
      assert.deepEqual(ids(await call(api, 'GET', '/supervision/overdue', { token: t.supervisor })), [overdue, passed]);
    } finally {
      await db('case_events').whereIn('case_id', [passed, answered]).delete();
      await db('cases').whereIn('id', [passed, answered]).delete();
    }
  });
});
