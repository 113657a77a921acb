// End to end on the seeded regions, as `npm start` runs them: Temporal dev server, embedded PostgreSQL
// migrated and seeded from db/seeds/, the worker, and the API over HTTP.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';
import { call, type TestApi } from '../api/helpers';

/** The end of the local day `days` days after `from`, in a fixed UTC offset: checked by hand, not by the rule under test. */
function endOfLocalDay(from: string, days: number, offsetHours: number): string {
  const local = new Date(Date.parse(from) + offsetHours * 3600_000);
  const end = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, 23, 59, 59, 999) - offsetHours * 3600_000;
  return new Date(end).toISOString();
}

describe('end to end: seeded Altai krai through HTTP', function () {
  this.timeout(180_000);
  let db: Db;
  let api: TestApi;
  let platform: SeededPlatform;
  const taskQueue = `e2e-${process.pid}`;
  const token: Record<string, string> = {};

  before(async () => {
    platform = await startSeededPlatform('e2e', taskQueue, async (d) => {
      db = d;
      token.citizen = (await createUserWithToken(db, { role: 'citizen', name: 'Анна Смирнова', email: 'anna@example.org' })).token;
      token.minzdrav = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минздрава', organisationId: 'altai.minzdrav' })).token;
      token.government = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Правительства', organisationId: 'altai.government' })).token;
      token.mintrans = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минтранса', organisationId: 'altai.mintrans' })).token;
    });
    ({ api } = platform);
  });

  after(async () => {
    await platform?.stop();
  });

  const ambulance = {
    kind: 'appeal', regionId: 'altai', subcategoryId: 'altai.c.medicine.ambulance',
    text: 'Скорая помощь ехала к пожилому соседу больше двух часов.',
    applicant: { name: 'Анна Смирнова', email: 'anna@example.org', postalAddress: 'г. Барнаул, ул. Ленина, 1' },
  };
  let caseId: string;

  it('routes a submission to the responsible body with the accelerated term, answers, and escalates a rating of 1 to the parent', async () => {
    const submitted = await call(api, 'POST', '/appeals', { token: token.citizen, body: ambulance, headers: { 'idempotency-key': 'e2e-ambulance-0001' } });
    assert.equal(submitted.status, 201, submitted.text);
    caseId = submitted.body.id;
    assert.match(caseId, /^22s\d+-\d{4}-\d{6}$/);
    assert.equal(submitted.body.organisationId, 'altai.minzdrav', 'Appendix 2: ambulance calls go to the Ministry of Health');
    assert.equal(submitted.body.termDays, 10);
    assert.equal(submitted.body.answerDueAt, endOfLocalDay(submitted.body.registeredAt, 10, 7), '10 days, to the end of the day in Barnaul (UTC+7)');

    const answered = await call(api, 'POST', `/cases/${caseId}/answer`, { token: token.minzdrav, body: { text: 'Проведена проверка, водитель наказан.' } });
    assert.equal(answered.status, 200, answered.text);
    assert.equal(answered.body.status, 'answered');

    const rated = await call(api, 'POST', `/cases/${caseId}/rating`, { token: token.citizen, body: { rating: 1, comment: 'Отписка' } });
    assert.equal(rated.status, 200, rated.text);
    assert.equal(rated.body.organisationId, 'altai.government');
    assert.equal(rated.body.round, 2);
    const detail = await call(api, 'GET', `/cases/${caseId}`, { token: token.government });
    const escalated = detail.body.timeline.find((e: { type: string }) => e.type === 'escalated');
    assert.equal(escalated.details.from, 'altai.minzdrav');
    assert.equal(rated.body.answerDueAt, endOfLocalDay(escalated.at, 10, 7), 'repeat processing: a new term counted from the escalation');

    const parentQueue = await call(api, 'GET', '/cases', { token: token.government });
    assert.equal(parentQueue.status, 200);
    assert.deepEqual(parentQueue.body.items.map((c: { id: string }) => c.id), [caseId]);
    const formerQueue = await call(api, 'GET', '/cases', { token: token.minzdrav });
    assert.deepEqual(formerQueue.body.items, []);
  });

  it('refuses bad input with 400 and stores nothing', async () => {
    const before = await db('cases').count<{ count: string }[]>('* as count');
    const intakeBefore = await db('case_intake').count<{ count: string }[]>('* as count');
    for (const body of [
      { ...ambulance, text: '' },
      { ...ambulance, subcategoryId: 'khabarovsk.c.nonexistent' },
      { ...ambulance, regionId: 'atlantis' },
      { ...ambulance, kind: 'complaint' },
      { ...ambulance, applicant: {} },
    ]) {
      const r = await call(api, 'POST', '/appeals', { token: token.citizen, body, headers: { 'idempotency-key': `e2e-bad-${Math.random()}` } });
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status} ${r.text}`);
      assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.ok(Array.isArray(r.body.errors) && r.body.errors.length > 0, 'the failing fields are listed');
    }
    assert.deepEqual(await db('cases').count('* as count'), before);
    assert.deepEqual(await db('case_intake').count('* as count'), intakeBefore);
  });

  it('makes one case of the same Idempotency-Key sent twice', async () => {
    const headers = { 'idempotency-key': 'e2e-twice-0001' };
    const [a, b] = await Promise.all([
      call(api, 'POST', '/appeals', { token: token.citizen, body: ambulance, headers }),
      call(api, 'POST', '/appeals', { token: token.citizen, body: ambulance, headers }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 201]);
    assert.equal(a.body.id, b.body.id);
    const c = await call(api, 'POST', '/appeals', { token: token.citizen, body: ambulance, headers });
    assert.equal(c.status, 200);
    assert.equal(c.headers.get('idempotent-replayed'), 'true');
    assert.equal(c.body.id, a.body.id);
    assert.equal(Number((await db('cases').where({ id: a.body.id }).count('* as n'))[0].n), 1);
    assert.equal(Number((await db('case_intake').where({ idempotency_key: 'e2e-twice-0001' }).count('* as n'))[0].n), 1);
  });

  it("keeps another organisation's operator out of a case", async () => {
    const read = await call(api, 'GET', `/cases/${caseId}`, { token: token.mintrans });
    assert.equal(read.status, 404);
    const act = await call(api, 'POST', `/cases/${caseId}/answer`, { token: token.mintrans, body: { text: 'Не наш вопрос' } });
    assert.ok([403, 404].includes(act.status), `got ${act.status}`);
    const state = await call(api, 'GET', `/cases/${caseId}`, { token: token.government });
    assert.equal(state.body.status, 'registered', 'the case is unchanged');
    assert.equal(state.body.answer, null);
  });
});
