// A simulated document-management system (СЭД) of the Ministry of Health of Altai krai, on the seeded
// platform (Temporal dev server, worker, API over HTTP), talking to the API only through the typed client
// generated from the spec: it long-polls the change feed, registers the ministry's cases under its own
// numbers, takes them into work, answers, and follows them until they close or leave its subtree.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { integrationClient, type OtklikClient, type Schemas } from '../support/client';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';
import { SimulatedSed, type FeedEvent } from '../support/sed';

const MINZDRAV = 'altai.minzdrav';
const MED_ORGS = 'altai.med_orgs'; // under the ministry: the same СЭД's subtree
const MINTRANS = 'altai.mintrans'; // outside it

describe('simulated СЭД: change feed and commands through the typed client', function () {
  this.timeout(240_000);
  let platform: SeededPlatform;
  let db: Db;
  const token: Record<string, string> = {};
  const client: Record<string, OtklikClient> = {};
  let sed: SimulatedSed;
  const cases: Record<'a' | 'b' | 'c' | 'outside', string> = { a: '', b: '', c: '', outside: '' };

  before(async () => {
    platform = await startSeededPlatform('sed', `sed-${process.pid}`, async (d) => {
      db = d;
      token.citizen = (await createUserWithToken(db, { role: 'citizen', name: 'Анна Смирнова', email: 'anna@example.org' })).token;
      token.sed = (await createUserWithToken(db, { role: 'integration', name: 'СЭД Минздрава', organisationId: MINZDRAV, scopes: ['feed:read', 'cases:read', 'cases:write'] })).token;
      token.noFeed = (await createUserWithToken(db, { role: 'integration', name: 'Справочная Минздрава', organisationId: MINZDRAV, scopes: ['cases:read'] })).token;
      token.mintrans = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минтранса', organisationId: MINTRANS })).token;
      token.supervisor = (await createUserWithToken(db, { role: 'supervisor', name: 'ЦУР', regionId: 'altai' })).token;
      token.admin = (await createUserWithToken(db, { role: 'administrator', name: 'Администратор' })).token;
    });
    for (const [who, t] of Object.entries(token)) client[who] = integrationClient(platform.api.url, t);
    sed = new SimulatedSed(client.sed, { numberPrefix: 'МЗ-01-27', organisations: [MINZDRAV, MED_ORGS] });
  });

  after(async () => {
    await platform?.stop();
  });

  async function submit(subcategoryId: string, text: string, key: string): Promise<string> {
    const { data, error } = await client.citizen.POST('/appeals', {
      params: { header: { 'Idempotency-Key': key } },
      body: { kind: 'appeal', regionId: 'altai', subcategoryId, text, applicant: { name: 'Анна Смирнова', email: 'anna@example.org' } },
    });
    assert.ok(data, JSON.stringify(error));
    return data.id;
  }

  async function readCase(who: string, caseId: string) {
    return client[who].GET('/cases/{caseId}', { params: { path: { caseId } } });
  }

  const eventsOf = (caseId: string, type: string) => db('case_events').where({ case_id: caseId, type }).count<{ n: string }[]>('* as n').then((r) => Number(r[0].n));
  const line = (e: FeedEvent) => `${e.caseId} ${e.type}`;

  it('long-polls the feed, registers each new case of its subtree under its own number and takes it into work', async () => {
    assert.deepEqual(await sed.pull(0), [], 'a fresh platform has no events');
    const asked = Date.now();
    const waiting = sed.pull(25);
    await new Promise((r) => setTimeout(r, 300));
    cases.a = await submit('altai.c.medicine.ambulance', 'Скорая ехала два часа.', 'sed-case-a-0001');
    const first = await waiting;
    assert.ok(first.length >= 1, 'the long-poll answers with the new event');
    assert.ok(Date.now() - asked < 20_000, `the long-poll answered when the event came, not at the end of the wait (${Date.now() - asked} ms)`);
    assert.equal(line(first[0]), `${cases.a} case.registered`);

    cases.b = await submit('altai.c.medicine.doctor_queue', 'Очередь к терапевту на месяц вперёд.', 'sed-case-b-0001');
    cases.c = await submit('altai.c.medicine.ambulance', 'Диспетчер не взял трубку.', 'sed-case-c-0001');
    cases.outside = await submit('altai.c.roads.snow', 'Дорогу не чистят неделю.', 'sed-outside-0001');
    const mine = [cases.a, cases.b, cases.c];
    await sed.pullUntil((done) => mine.every((id) => done.some((e) => line(e) === `${id} case.taken_into_work`)));

    for (const id of mine) {
      const reg = sed.registrations.get(id)!;
      assert.match(reg.externalNumber, /^МЗ-01-27-\d{5}$/);
      const { data } = await readCase('sed', id);
      assert.ok(data);
      assert.equal(data.status, 'in_work');
      assert.equal(data.externalNumber, reg.externalNumber, 'the case carries the СЭД number');
      assert.equal(data.externalRegisteredAt, reg.externalRegisteredAt);
      const ack = sed.processed.find((e) => line(e) === `${id} case.acknowledged`)!;
      assert.equal(ack.data.externalNumber, reg.externalNumber);
      assert.equal(ack.actor.role, 'integration');
    }
    assert.equal(new Set(mine.map((id) => sed.registrations.get(id)!.externalNumber)).size, 3, 'one number per case');
    assert.deepEqual(sed.processed.filter((e) => e.caseId === cases.outside), [], 'nothing from outside the subtree');
    assert.equal((await readCase('sed', cases.outside)).response.status, 404);
    // The outside case exists and has events: the administrator's feed shows them.
    const all = await client.admin.GET('/integration/feed', { params: { query: { types: 'case.registered' } } });
    assert.ok(all.data?.events.some((e) => e.caseId === cases.outside));
  });

  it('applies a repeated command once, refuses another number, and requires an Idempotency-Key', async () => {
    const reg = sed.registrations.get(cases.a)!;
    const registeredEvent = sed.processed.find((e) => line(e) === `${cases.a} case.registered`)!;
    // The same request again (a retry after a lost response): same result, no new event.
    const again = await sed.acknowledge(cases.a, reg.externalNumber, reg.externalRegisteredAt, `ack:${registeredEvent.eventId}`);
    assert.equal(again.externalNumber, reg.externalNumber);
    // The same acknowledgement under a new key: still once.
    await sed.acknowledge(cases.a, reg.externalNumber, reg.externalRegisteredAt, 'ack-retyped-0001');
    assert.equal(await eventsOf(cases.a, 'acknowledged'), 1);
    const retake = await sed.command('take', cases.a, `take:${registeredEvent.eventId}`);
    assert.equal(retake.status, 'in_work');
    assert.equal(await eventsOf(cases.a, 'taken_into_work'), 1);

    const other = await client.sed.POST('/cases/{caseId}/acknowledgement', {
      params: { path: { caseId: cases.a }, header: { 'Idempotency-Key': 'ack-other-number-0001' } },
      body: { externalNumber: 'МЗ-99-99999', externalRegisteredAt: reg.externalRegisteredAt },
    });
    assert.equal(other.response.status, 409, JSON.stringify(other.error));
    const badDate = await client.sed.POST('/cases/{caseId}/acknowledgement', {
      params: { path: { caseId: cases.b }, header: { 'Idempotency-Key': 'ack-bad-date-0001' } },
      body: { externalNumber: 'МЗ-99-99998', externalRegisteredAt: '2031-02-30' },
    });
    assert.equal(badDate.response.status, 400, 'not a calendar date');

    const noKeyAck = await client.sed.POST('/cases/{caseId}/acknowledgement', {
      params: { path: { caseId: cases.a } }, body: { externalNumber: reg.externalNumber, externalRegisteredAt: reg.externalRegisteredAt },
    });
    assert.equal(noKeyAck.response.status, 400);
    assert.match(JSON.stringify(noKeyAck.error), /Idempotency-Key/);
    const noKeyAnswer = await client.sed.POST('/cases/{caseId}/answer', { params: { path: { caseId: cases.a } }, body: { text: 'Ответ без ключа' } });
    assert.equal(noKeyAnswer.response.status, 400);
    const { data } = await readCase('sed', cases.a);
    assert.equal(data?.status, 'in_work', 'the refused command changed nothing');
    assert.equal(await eventsOf(cases.a, 'answered'), 0);
  });

  it('answers from the СЭД once, then receives the rating and the close', async () => {
    const answered = await sed.answer(cases.a, 'Проведена служебная проверка, бригада скорой помощи доукомплектована.', 'ИСХ-01-27/501');
    assert.equal(answered.status, 'answered');
    const repeated = await sed.answer(cases.a, 'Проведена служебная проверка, бригада скорой помощи доукомплектована.', 'ИСХ-01-27/501');
    assert.deepEqual(repeated.answer, answered.answer);
    assert.equal(await eventsOf(cases.a, 'answered'), 1);

    const rated = await client.citizen.POST('/cases/{caseId}/rating', { params: { path: { caseId: cases.a } }, body: { rating: 5 } });
    assert.equal(rated.response.status, 200, JSON.stringify(rated.error));
    const closed = await client.supervisor.POST('/cases/{caseId}/overrides/close', { params: { path: { caseId: cases.c } }, body: { reason: 'Дубликат обращения' } });
    assert.equal(closed.response.status, 200, JSON.stringify(closed.error));

    await sed.pullUntil((done) => done.some((e) => line(e) === `${cases.a} case.rated`) && done.some((e) => line(e) === `${cases.c} case.closed`));
    const answerEvent = sed.processed.find((e) => line(e) === `${cases.a} case.answered`)!;
    assert.equal(answerEvent.data.text, answered.answer?.text);
    assert.equal(answerEvent.data.externalNumber, sed.registrations.get(cases.a)!.externalNumber);
    const ratedEvent = sed.processed.find((e) => line(e) === `${cases.a} case.rated`)!;
    assert.deepEqual([ratedEvent.data.rating, ratedEvent.data.status, ratedEvent.actor.role], [5, 'closed', 'citizen']);
    const closedEvent = sed.processed.find((e) => line(e) === `${cases.c} case.closed`)!;
    assert.deepEqual([closedEvent.data.resolution, closedEvent.actor.role], ['closed_by_supervisor', 'supervisor']);
    assert.equal(sed.registrations.get(cases.a)!.state, 'closed');
    assert.equal(sed.registrations.get(cases.c)!.state, 'closed');
  });

  it('registers anew after a redirect inside its subtree; after a redirect out, the case vanishes after case.routed', async () => {
    const firstNumber = sed.registrations.get(cases.b)!.externalNumber;
    await sed.redirect(cases.b, MED_ORGS, 'Вопрос записи к врачу решает медицинская организация');
    await sed.pullUntil((done) => done.some((e) => line(e) === `${cases.b} case.routed`) && sed.registrations.get(cases.b)!.organisationId === MED_ORGS);
    const inner = sed.registrations.get(cases.b)!;
    assert.notEqual(inner.externalNumber, firstNumber, 'the subordinate organisation registers it under a number of its own');
    const { data: atMedOrgs } = await readCase('sed', cases.b);
    assert.deepEqual([atMedOrgs?.organisationId, atMedOrgs?.externalNumber, atMedOrgs?.status], [MED_ORGS, inner.externalNumber, 'in_work']);

    await sed.redirect(cases.b, MINTRANS, 'Не относится к здравоохранению');
    await sed.pullUntil((done) => done.some((e) => line(e) === `${cases.b} case.routed` && e.organisationId === MINTRANS));
    const out = sed.processed.find((e) => line(e) === `${cases.b} case.routed` && e.organisationId === MINTRANS)!;
    assert.deepEqual([out.data.from, out.data.to, out.data.externalNumber], [MED_ORGS, MINTRANS, null]);
    assert.equal(sed.registrations.get(cases.b)!.state, 'gone');
    assert.equal((await readCase('sed', cases.b)).response.status, 404, 'the case left the subtree');
    const take = await client.sed.POST('/cases/{caseId}/take', { params: { path: { caseId: cases.b }, header: { 'Idempotency-Key': 'take-after-leaving-0001' } } });
    assert.equal(take.response.status, 404);

    // The new organisation works on it; the СЭД hears nothing more of it.
    const taken = await client.mintrans.POST('/cases/{caseId}/take', { params: { path: { caseId: cases.b } } });
    assert.equal(taken.response.status, 200, JSON.stringify(taken.error));
    const adminView = await client.admin.GET('/integration/feed', { params: { query: { after: out.id } } });
    assert.ok(adminView.data?.events.some((e) => line(e) === `${cases.b} case.taken_into_work` && e.organisationId === MINTRANS), 'the take is in the feed');
    const later = await sed.pull(1);
    assert.deepEqual(later.filter((e) => e.caseId === cases.b), []);
  });

  it('delivers at least once: a reader restarted from an older cursor gets the same events with the same ids', async () => {
    const seen = sed.processed.map((e) => [e.id, e.eventId, e.type, e.caseId]);
    // A reader that lost its cursor and starts from the beginning, in small pages.
    const replayed: FeedEvent[] = [];
    let after: string | undefined;
    for (;;) {
      const { data, error } = await client.sed.GET('/integration/feed', { params: { query: { ...(after ? { after } : {}), limit: 3 } } });
      assert.ok(data, JSON.stringify(error));
      if (data.events.length === 0) break;
      replayed.push(...data.events);
      after = data.nextCursor;
    }
    assert.deepEqual(replayed.map((e) => [e.id, e.eventId, e.type, e.caseId]), seen);
    assert.deepEqual(replayed.map((e) => e.data), sed.processed.map((e) => e.data), 'the same content, not today\'s case');

    // The СЭД itself resumed from an older checkpoint: it is delivered the events again and skips them by eventId.
    const deliveredBefore = sed.delivered.length;
    sed.cursor = sed.processed[2].id;
    const fresh = await sed.pull(0, 500);
    assert.deepEqual(fresh, []);
    assert.equal(sed.delivered.length - deliveredBefore, sed.processed.length - 3);
    assert.equal(sed.cursor, seen.at(-1)![0]);
  });

  it('refuses the feed without feed:read and rejects unknown event types', async () => {
    const denied = await client.noFeed.GET('/integration/feed', { params: { query: {} } });
    assert.equal(denied.response.status, 403);
    const citizen = await client.citizen.GET('/integration/feed', { params: { query: {} } });
    assert.equal(citizen.response.status, 403);
    const unknown = await client.sed.GET('/integration/feed', { params: { query: { types: 'case.registered,case.reminder' } } });
    assert.equal(unknown.response.status, 400);
    const problem = unknown.error as Schemas['Problem'];
    assert.match(problem.detail ?? '', /case\.reminder/);
  });
});
