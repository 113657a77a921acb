// End to end on the seeded Altai krai: a public discussion of a draft by the municipalities' participant,
// from draft to the published summary, through HTTP (Temporal dev server, worker, embedded PostgreSQL).
// The event is created with the shared POST /events; the timers run in real time, with short windows.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { pollUntil, startSeededPlatform, type SeededPlatform } from '../support/platform';
import { call, type TestApi } from '../api/helpers';

/** The end of the local day `days` days after `from`, at a fixed UTC offset: checked by hand, not by the rule. */
function endOfLocalDay(from: string, days: number, offsetHours: number): string {
  const local = new Date(Date.parse(from) + offsetHours * 3600_000);
  const end = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, 23, 59, 59, 999) - offsetHours * 3600_000;
  return new Date(end).toISOString();
}

const DRAFT = [
  'Правила благоустройства территории муниципального образования',
  '1. Правила устанавливают требования к содержанию территорий.',
  '2. Уборка дворов проводится ежедневно.',
  '3. Зимняя уборка включает вывоз снега.',
].join('\n');

describe('end to end: a discussion of a draft in Altai krai through HTTP', function () {
  this.timeout(180_000);
  let db: Db;
  let api: TestApi;
  let platform: SeededPlatform;
  const taskQueue = `e2e-discussion-${process.pid}`;
  const token: Record<string, string> = {};

  before(async () => {
    platform = await startSeededPlatform('e2e_discussion', taskQueue, async (d) => {
      db = d;
      token.omsu = (await createUserWithToken(db, { role: 'operator', name: 'Оператор ОМСУ', email: 'omsu@example.org', organisationId: 'altai.omsu' })).token;
      token.minzdrav = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минздрава', organisationId: 'altai.minzdrav' })).token;
      token.supervisor = (await createUserWithToken(db, { role: 'supervisor', name: 'ЦУР', regionId: 'altai' })).token;
      for (const name of ['anna', 'petr', 'olga']) token[name] = (await createUserWithToken(db, { role: 'citizen', name })).token;
    });
    ({ api } = platform);
  });

  after(async () => {
    await platform?.stop();
  });

  // A closed discussion is waited for once it is in its answering phase.
  const waitFor = (id: string, status: string, ms = 60_000) =>
    pollUntil(api, `/events/${id}`, token.anna, (e) => e?.status === status && (status !== 'closed' || e.phase === 'answering'), ms);

  it('runs a discussion from draft to summary: points, versions, one proposal per person per point, moderation, answers', async () => {
    const now = Date.now();
    const created = await call(api, 'POST', '/events', {
      token: token.omsu, headers: { 'idempotency-key': 'e2e-discussion-0001' },
      body: {
        type: 'discussion', organisationId: 'altai.omsu', title: 'Обсуждение проекта правил благоустройства',
        schedule: { opensAt: new Date(now + 4000).toISOString(), closesAt: new Date(now + 16000).toISOString() },
        settings: { draftText: DRAFT, answerTermDays: 10 },
      },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    assert.equal(created.body.status, 'draft');
    const bad = await call(api, 'POST', '/events', {
      token: token.omsu, headers: { 'idempotency-key': 'e2e-discussion-0002' },
      body: { type: 'discussion', organisationId: 'altai.omsu', title: 'Без срока', schedule: created.body.schedule, settings: { draftText: DRAFT } },
    });
    assert.equal(bad.status, 400, 'answerTermDays is required by the spec');

    let points = await call(api, 'GET', `/events/${id}/points`, { token: token.omsu });
    assert.equal(points.status, 200, points.text);
    assert.deepEqual(points.body.points.map((p: { number: number; label: string | null }) => [p.number, p.label]), [[1, null], [2, '1.'], [3, '2.'], [4, '3.']]);

    const published = await call(api, 'POST', `/events/${id}/publish`, { token: token.omsu });
    assert.equal(published.status, 200, published.text);
    const early = await call(api, 'POST', `/events/${id}/proposals`, { token: token.anna, body: { pointNumber: 3, text: 'Убирать дважды в день' } });
    assert.equal(early.status, 409, 'not open yet');

    const revised = await call(api, 'POST', `/events/${id}/draft`, {
      token: token.omsu, body: { text: DRAFT.replace('ежедневно', 'ежедневно, кроме праздников'), note: 'Уточнена периодичность уборки' },
    });
    assert.equal(revised.status, 200, revised.text);
    assert.equal(revised.body.currentVersion, 2);
    assert.deepEqual(revised.body.versions[1].changes.changed, [3]);
    const foreign = await call(api, 'POST', `/events/${id}/draft`, { token: token.minzdrav, body: { text: DRAFT } });
    assert.equal(foreign.status, 403);

    await waitFor(id, 'open');
    const first = await call(api, 'POST', `/events/${id}/proposals`, { token: token.anna, body: { pointNumber: 3, text: 'Убирать дважды в день' } });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.version, 2);
    assert.equal(first.body.status, 'pending');
    const count = async () => Number((await db('event_proposals').where({ event_id: id }).count('* as n'))[0].n);
    const before = await count();
    const second = await call(api, 'POST', `/events/${id}/proposals`, { token: token.anna, body: { pointNumber: 3, text: 'Другой текст' } });
    assert.equal(second.status, 409);
    assert.match(second.body.detail, /already sent a proposal to point 3/);
    assert.equal(await count(), before, 'a second proposal changes nothing');
    const comment = await call(api, 'POST', `/events/${id}/proposals`, { token: token.anna, body: { pointNumber: 3, kind: 'comment', text: 'Согласна с проектом' } });
    assert.equal(comment.status, 201);
    assert.equal((await call(api, 'POST', `/events/${id}/proposals`, { token: token.petr, body: { pointNumber: 99, text: 'Нет такого' } })).status, 422);
    assert.equal((await call(api, 'POST', `/events/${id}/proposals`, { token: token.petr, body: { text: 'Без пункта' } })).status, 400);
    const petr = await call(api, 'POST', `/events/${id}/proposals`, { token: token.petr, body: { pointNumber: 4, text: 'Вывозить снег ночью' } });
    assert.equal(petr.status, 201);

    let seen = await call(api, 'GET', `/events/${id}/proposals`, { token: token.petr });
    assert.deepEqual(seen.body.items.map((p: { id: number }) => p.id), [petr.body.id], 'the public sees approved proposals and their own');
    const all = await call(api, 'GET', `/events/${id}/proposals`, { token: token.omsu });
    assert.equal(all.body.items.length, 3);
    assert.equal(all.body.items[0].author.name, 'anna', 'the organiser sees who wrote it');

    assert.equal((await call(api, 'POST', `/events/${id}/proposals/${first.body.id}/moderation`, { token: token.minzdrav, body: { decision: 'approve' } })).status, 403);
    assert.equal((await call(api, 'POST', `/events/${id}/proposals/${first.body.id}/moderation`, { token: token.omsu, body: { decision: 'approve' } })).status, 200);
    assert.equal((await call(api, 'POST', `/events/${id}/proposals/${comment.body.id}/moderation`, { token: token.omsu, body: { decision: 'reject' } })).status, 400);
    const rejected = await call(api, 'POST', `/events/${id}/proposals/${comment.body.id}/moderation`, { token: token.omsu, body: { decision: 'reject', reason: 'Не содержит предложения' } });
    assert.equal(rejected.body.status, 'rejected');
    assert.equal((await call(api, 'POST', `/events/${id}/proposals/${comment.body.id}/moderation`, { token: token.omsu, body: { decision: 'approve' } })).status, 409);
    await call(api, 'POST', `/events/${id}/proposals/${petr.body.id}/moderation`, { token: token.omsu, body: { decision: 'approve' } });
    seen = await call(api, 'GET', `/events/${id}/proposals`, { token: token.olga });
    assert.equal(seen.body.items.length, 2);
    assert.ok(seen.body.items.every((p: Record<string, unknown>) => p.status === 'approved' && !('author' in p) && p.mine === false), 'approved only, author hidden');
    assert.equal((await call(api, 'POST', `/events/${id}/proposals/${first.body.id}/answer`, { token: token.omsu, body: { answer: 'accepted', reason: 'Учтено' } })).status, 409, 'answers come after the close');

    const closed = await waitFor(id, 'closed');
    const answering = closed.timeline.find((e: { type: string }) => e.type === 'answering_started');
    const closedAt = closed.timeline.find((e: { type: string }) => e.type === 'closed').at;
    assert.equal(answering.details.answerDueAt, endOfLocalDay(closedAt, 10, 7), 'the answer term: 10 days after the close, to the end of the day in Barnaul');
    const late = await call(api, 'POST', `/events/${id}/proposals`, { token: token.olga, body: { pointNumber: 2, text: 'Поздно' } });
    assert.equal(late.status, 409);

    let summary = await call(api, 'POST', `/events/${id}/summary`, { token: token.omsu, body: { text: 'Итоги обсуждения' } });
    assert.equal(summary.status, 409);
    assert.match(summary.body.detail, /2 approved proposal\(s\) have no answer/);
    assert.equal((await call(api, 'GET', `/events/${id}/summary`, { token: token.anna })).status, 409, 'not published yet');
    const answered = await call(api, 'POST', `/events/${id}/proposals/${first.body.id}/answer`, { token: token.omsu, body: { answer: 'accepted', reason: 'Пункт 2 дополнен' } });
    assert.equal(answered.status, 200, answered.text);
    assert.equal(answered.body.answer, 'accepted');
    assert.equal((await call(api, 'POST', `/events/${id}/proposals/${first.body.id}/answer`, { token: token.omsu, body: { answer: 'rejected', reason: 'Передумали' } })).status, 409);
    assert.equal((await call(api, 'POST', `/events/${id}/proposals/${comment.body.id}/answer`, { token: token.omsu, body: { answer: 'rejected', reason: 'Отклонено' } })).status, 409, 'only approved proposals are answered');
    await call(api, 'POST', `/events/${id}/proposals/${petr.body.id}/answer`, { token: token.omsu, body: { answer: 'partly', reason: 'Ночью — только на магистралях' } });

    summary = await call(api, 'POST', `/events/${id}/summary`, { token: token.omsu, body: { text: 'Итоговый документ: учтено одно предложение, одно — частично' } });
    assert.equal(summary.status, 200, summary.text);
    assert.equal(summary.body.onTime, true);
    assert.deepEqual([summary.body.proposals.approved, summary.body.proposals.accepted, summary.body.proposals.partly], [2, 1, 1]);
    const pub = await call(api, 'GET', `/events/${id}/summary`, { token: token.olga });
    assert.equal(pub.status, 200);
    assert.match(pub.body.summary, /Итоговый документ/);
    const event = await call(api, 'GET', `/events/${id}`, { token: token.olga });
    assert.equal(event.body.status, 'results_published');
    const public2 = await call(api, 'GET', `/events/${id}/proposals?answered=true`, { token: token.olga });
    assert.deepEqual(public2.body.items.map((p: { answer: string }) => p.answer), ['accepted', 'partly']);
    assert.equal((await call(api, 'POST', `/events/${id}/summary`, { token: token.omsu, body: { text: 'Ещё раз' } })).status, 409);
    points = await call(api, 'GET', `/events/${id}/points?version=1`, { token: token.anna });
    assert.equal(points.body.version, 1);
    assert.equal(points.body.currentVersion, 2);
    const notices = await db('notifications').where({ event_id: id });
    assert.ok(notices.some((n) => /завершено/.test(n.subject)), 'the organisation is told the answer term has started');
  });
});
