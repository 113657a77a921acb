// Duplicate appeals through HTTP (issue 14): similar open cases, proposed groups from the read model with
// its index, a confirmed group answered once to every applicant through each case's own workflow, and a
// low rating from one applicant escalating that case alone.
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/connection';
import { similarCandidates } from '../../domain/cases/groups';
import { createUserWithToken } from '../../domain/identity/users';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { startWorkerAndApi, type WorkerAndApi } from '../support/platform';
import { devServerEnv } from '../support/temporal';
import { call, roleTokens, type RoleTokens, type TestApi } from './helpers';

describe('duplicate appeals: groups answered once (Temporal dev server)', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;
  let third: string;
  let platform: WorkerAndApi;
  const taskQueue = `case-groups-${process.pid}`;
  let n = 0;
  // Lenina 5 in the test village, and points north of it (0.0009° of latitude is about 100 m).
  const here = { latitude: 52.5, longitude: 85.2 };
  const north = (metres: number) => ({ latitude: here.latitude + metres / 111_195, longitude: here.longitude });
  const ids: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f', string> = { a: '', b: '', c: '', d: '', e: '', f: '' };

  async function submit(token: string, over: Record<string, unknown>): Promise<string> {
    const r = await call(api, 'POST', '/appeals', {
      token, headers: { 'idempotency-key': `case-groups-${process.pid}-${++n}` },
      body: { kind: 'appeal', regionId: TEST_REGION, subcategoryId: CAT.potholes, territoryId: TERRITORY.village, text: 'Яма на дороге у дома.', applicant: { name: `Заявитель ${n}`, email: `a${n}@example.org` }, ...over },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.organisationId, ORG.district);
    return r.body.id as string;
  }

  before(async () => {
    env = await devServerEnv();
    ({ db } = await freshDatabase('case_groups'));
    await createTestRegion(db);
    t = await roleTokens(db);
    third = (await createUserWithToken(db, { role: 'citizen', name: 'Пётр Иванов', email: 'petr@example.org' })).token;
    platform = await startWorkerAndApi(env, db, taskQueue);
    api = platform.api;
    ids.a = await submit(t.citizen, { address: 'с. Тестовое, ул. Ленина, д. 5', location: here });
    ids.b = await submit(t.otherCitizen, { address: 'Тестовое, Ленина 9', location: north(50) });
    ids.c = await submit(third, { address: 'Тестовое, Ленина 5' }); // no point: the same address
    ids.d = await submit(t.citizen, { address: 'Тестовое, Садовая 1', location: north(5000) }); // elsewhere
    ids.e = await submit(third, { location: north(120) });
    ids.f = await submit(t.otherCitizen, { location: north(30) });
  });

  after(() => platform?.stop());

  it('lists the similar open cases of a case and proposes the organisation\'s groups, with the configured distance', async () => {
    const similar = await call(api, 'GET', `/cases/${ids.a}/similar`, { token: t.district });
    assert.equal(similar.status, 200, JSON.stringify(similar.body));
    assert.deepEqual(similar.body.similar.map((c: { id: string }) => c.id), [ids.b, ids.c, ids.e, ids.f]);
    assert.equal(similar.body.group, null);
    assert.deepEqual(similar.body.rule, { distanceMetres: 150, periodDays: 30 });
    const near = await call(api, 'GET', `/cases/${ids.a}/similar?distanceMetres=10`, { token: t.district });
    assert.deepEqual(near.body.similar.map((c: { id: string }) => c.id), [ids.c], 'the same address still counts');
    const longer = await call(api, 'GET', `/cases/${ids.a}/similar?distanceMetres=6000`, { token: t.district });
    assert.ok(longer.body.similar.some((c: { id: string }) => c.id === ids.d));

    const groups = await call(api, 'GET', `/organisations/${ORG.district}/case-groups`, { token: t.district });
    assert.equal(groups.status, 200, JSON.stringify(groups.body));
    assert.deepEqual(groups.body.proposed.map((g: { cases: { id: string }[] }) => g.cases.map((c) => c.id)), [[ids.a, ids.b, ids.c, ids.e, ids.f]]);
    assert.deepEqual(groups.body.confirmed, []);
    // Other organisations' operators do not see them; the region's supervisor does.
    const foreign = await call(api, 'GET', `/organisations/${ORG.district}/case-groups`, { token: t.ministry });
    assert.deepEqual([foreign.status, foreign.body.proposed, foreign.body.confirmed], [200, [], []], 'scoped as GET /cases');
    assert.equal((await call(api, 'GET', `/cases/${ids.a}/similar`, { token: t.ministry })).status, 404);
    assert.equal((await call(api, 'GET', `/organisations/${ORG.district}/case-groups`, { token: t.supervisor })).status, 200);
  });

  it('finds the candidates through the partial index, not by scanning the cases', async () => {
    const target = await db('cases').where({ id: ids.a }).first();
    const plan = await db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const { sql, bindings } = similarCandidates(db, target, { distanceMetres: 150, periodDays: 30 }).select('cases.id').toSQL();
      return (await trx.raw(`explain ${sql}`, bindings)).rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
    });
    assert.match(plan, /cases_awaiting_answer_by_subcategory/, plan);
  });

  let group: number;

  it('confirms a group, idempotently; a case is in one group at most and leaves it on request', async () => {
    const all = [ids.a, ids.b, ids.c, ids.e, ids.f];
    const r = await call(api, 'POST', '/case-groups', { token: t.district, body: { caseIds: all } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    group = r.body.id;
    assert.equal(r.headers.get('location'), `/case-groups/${group}`);
    assert.deepEqual(r.body.cases.map((c: { id: string }) => c.id), all);
    const again = await call(api, 'POST', '/case-groups', { token: t.district, body: { caseIds: [...all].reverse() } });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, group);
    assert.equal((await call(api, 'POST', '/case-groups', { token: t.district, body: { caseIds: [ids.a, ids.d] } })).status, 409);
    assert.equal((await call(api, 'POST', '/case-groups', { token: t.ministry, body: { caseIds: [ids.a, ids.d] } })).status, 404);
    assert.equal((await call(api, 'GET', `/case-groups/${group}`, { token: t.ministry })).status, 404);

    const page = await call(api, 'GET', `/cases/${ids.b}/similar`, { token: t.district });
    assert.equal(page.body.group.id, group);
    assert.deepEqual(page.body.similar, [], 'the others are in the group already');
    const listed = await call(api, 'GET', `/organisations/${ORG.district}/case-groups`, { token: t.district });
    assert.deepEqual(listed.body.proposed, []);
    assert.deepEqual(listed.body.confirmed.map((g: { id: number }) => g.id), [group]);

    const out = await call(api, 'DELETE', `/case-groups/${group}/cases/${ids.e}`, { token: t.district });
    assert.equal(out.status, 200, JSON.stringify(out.body));
    assert.deepEqual(out.body.cases.map((c: { id: string }) => c.id), [ids.a, ids.b, ids.c, ids.f]);
    assert.equal((await call(api, 'DELETE', `/case-groups/${group}/cases/${ids.e}`, { token: t.district })).status, 404);
  });

  it('answers every applicant of the group once, through each case\'s workflow, and reports a case answered before', async () => {
    const own = await call(api, 'POST', `/cases/${ids.f}/answer`, { token: t.district, body: { text: 'Отдельный ответ.' } });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    await call(api, 'POST', `/cases/${ids.b}/take`, { token: t.district });

    const text = 'Яму на ул. Ленина заделаем до 15 декабря.';
    const answered = await call(api, 'POST', `/case-groups/${group}/answer`, { token: t.district, body: { text } });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    const outcome = (body: { results: { caseId: string; outcome: string; status: string | null }[] }) =>
      Object.fromEntries(body.results.map((x) => [x.caseId, `${x.outcome}:${x.status}`]));
    const expected = { [ids.a]: 'answered:answered', [ids.b]: 'answered:answered', [ids.c]: 'answered:answered', [ids.f]: 'refused:answered' };
    assert.deepEqual(outcome(answered.body), expected);
    const refusal = answered.body.results.find((x: { caseId: string }) => x.caseId === ids.f).problem;
    assert.equal(refusal.status, 409);

    // A retry answers nobody twice; another text is refused as a whole.
    const retry = await call(api, 'POST', `/case-groups/${group}/answer`, { token: t.district, body: { text } });
    assert.deepEqual(outcome(retry.body), expected);
    const other = await call(api, 'POST', `/case-groups/${group}/answer`, { token: t.district, body: { text: 'Другой ответ.' } });
    assert.equal(other.status, 409);

    for (const id of [ids.a, ids.b, ids.c]) {
      const c = await call(api, 'GET', `/cases/${id}`, { token: t.district });
      assert.equal(c.body.answer.text, text);
      assert.equal(c.body.timeline.filter((e: { type: string }) => e.type === 'answered').length, 1, `${id} answered once`);
      const mail = await db('notifications').where({ case_id: id, recipient_kind: 'applicant' }).where('subject', 'like', 'Получен ответ%');
      assert.equal(mail.length, 1, `${id}: one answer notification to the applicant`);
      assert.equal(mail[0].recipient_address, c.body.applicant.email);
      const audited = await db('audit_log').where({ case_id: id, action: 'answerCase' });
      assert.equal(audited.length, 1, `${id}: the answer is in the case's audit trail once`);
      assert.deepEqual([audited[0].before.status, audited[0].after.status], [id === ids.b ? 'in_work' : 'registered', 'answered']);
    }
    const g = await call(api, 'GET', `/case-groups/${group}`, { token: t.supervisor });
    assert.deepEqual(g.body.answeredCaseIds, [ids.a, ids.b, ids.c]);
    assert.equal(g.body.answer.text, text);
    assert.equal((await call(api, 'DELETE', `/case-groups/${group}/cases/${ids.a}`, { token: t.district })).status, 409);
  });

  it('a low rating from one applicant escalates that case only; the others keep their own course', async () => {
    const before = await call(api, 'GET', `/cases/${ids.b}`, { token: t.district });
    const low = await call(api, 'POST', `/cases/${ids.a}/rating`, { token: t.citizen, body: { rating: 1, comment: 'Ничего не сделано' } });
    assert.equal(low.status, 200, JSON.stringify(low.body));
    assert.equal(low.body.round, 2);
    assert.equal(low.body.organisationId, ORG.government);
    assert.notEqual(low.body.status, 'answered');
    const good = await call(api, 'POST', `/cases/${ids.b}/rating`, { token: t.otherCitizen, body: { rating: 5 } });
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.deepEqual([good.body.status, good.body.resolution, good.body.round, good.body.organisationId], ['closed', 'rated_positive', 1, ORG.district]);
    assert.equal(good.body.answerDueAt, before.body.answerDueAt, 'its own term, untouched');
    const c = await call(api, 'GET', `/cases/${ids.c}`, { token: t.district });
    assert.deepEqual([c.body.status, c.body.round, c.body.organisationId], ['answered', 1, ORG.district]);
  });
});
