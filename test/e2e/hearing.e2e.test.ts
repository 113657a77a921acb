// End to end on the seeded Altai krai: a public hearing of the municipalities' participant for the
// residents of Novoaltaysk, from the announcement to the conclusion, through HTTP (Temporal dev server,
// worker, embedded PostgreSQL). Created with the shared POST /events; timers run in real time.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { pollUntil, startSeededPlatform, type SeededPlatform } from '../support/platform';
import { call, type TestApi } from '../api/helpers';

function endOfLocalDay(from: string, days: number, offsetHours: number): string {
  const local = new Date(Date.parse(from) + offsetHours * 3600_000);
  const end = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, 23, 59, 59, 999) - offsetHours * 3600_000;
  return new Date(end).toISOString();
}

describe('end to end: a public hearing in Altai krai through HTTP', function () {
  this.timeout(180_000);
  let db: Db;
  let api: TestApi;
  let platform: SeededPlatform;
  const taskQueue = `e2e-hearing-${process.pid}`;
  const token: Record<string, string> = {};

  async function citizen(name: string, territoryId: string) {
    const c = await createUserWithToken(db, { role: 'citizen', name });
    await db('users').where({ id: c.user.id }).update({ territory_id: territoryId, birth_date: '1980-01-01' });
    token[name] = c.token;
  }

  before(async () => {
    platform = await startSeededPlatform('e2e_hearing', taskQueue, async (d) => {
      db = d;
      token.omsu = (await createUserWithToken(db, { role: 'operator', name: 'Оператор ОМСУ', organisationId: 'altai.omsu' })).token;
      token.supervisor = (await createUserWithToken(db, { role: 'supervisor', name: 'ЦУР', regionId: 'altai' })).token;
      await citizen('anna', 'altai.t.novoaltaysk');
      await citizen('olga', 'altai.t.slavgorod');
    });
    ({ api } = platform);
  });

  after(async () => {
    await platform?.stop();
  });

  const waitForHearing = (id: string, check: (h: Record<string, unknown>) => boolean, ms = 60_000) =>
    pollUntil(api, `/events/${id}/hearing`, token.anna, (h, status) => status === 200 && check(h), ms);

  const hearing = (now: number, over: Record<string, unknown> = {}) => ({
    type: 'hearing', organisationId: 'altai.omsu', title: 'Публичные слушания по проекту планировки квартала',
    schedule: { opensAt: new Date(now + 3000).toISOString(), closesAt: new Date(now + 10000).toISOString() },
    audience: { territoryIds: ['altai.t.novoaltaysk'] },
    settings: {
      hearingAt: new Date(now + 14000).toISOString(), place: 'Новоалтайск, ДК «Современник»', subject: 'Проект планировки квартала 12',
      announceDaysBefore: 0, protocolTermDays: 5, conclusionTermDays: 10, ...over,
    },
  });

  it('refuses a hearing that can no longer be announced in time, saying why', async () => {
    const now = Date.now();
    const r = await call(api, 'POST', '/events', {
      token: token.omsu, headers: { 'idempotency-key': 'e2e-hearing-late' },
      body: hearing(now, { hearingAt: new Date(now + 5 * 86_400_000).toISOString(), announceDaysBefore: 10 }),
    });
    assert.equal(r.status, 422, r.text);
    assert.match(r.body.detail, /at least 10 day\(s\) before it/);
  });

  it('announces, registers participants once, takes written proposals, holds the hearing, and publishes the protocol and the conclusion', async () => {
    const now = Date.now();
    const created = await call(api, 'POST', '/events', { token: token.omsu, headers: { 'idempotency-key': 'e2e-hearing-0001' }, body: hearing(now) });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    assert.equal((await call(api, 'POST', `/events/${id}/registrations`, { token: token.anna, body: { name: 'Анна' } })).status, 404, 'a draft is not visible to citizens');
    const published = await call(api, 'POST', `/events/${id}/publish`, { token: token.omsu });
    assert.equal(published.status, 200, published.text);
    assert.equal(published.body.timeline.at(-1).details.announcement.place, 'Новоалтайск, ДК «Современник»');

    const reg = await call(api, 'POST', `/events/${id}/registrations`, { token: token.anna, body: { name: 'Анна Смирнова', willSpeak: true } });
    assert.equal(reg.status, 201, reg.text);
    const again = await call(api, 'POST', `/events/${id}/registrations`, { token: token.anna, body: { name: 'Анна' } });
    assert.equal(again.status, 409);
    assert.match(again.body.detail, /already registered/);
    assert.equal((await call(api, 'POST', `/events/${id}/registrations`, { token: token.olga, body: { name: 'Ольга' } })).status, 403, 'another territory');

    await waitForHearing(id, (h) => h.status === 'open');
    const proposal = await call(api, 'POST', `/events/${id}/proposals`, { token: token.anna, body: { text: 'Сохранить сквер во дворе' } });
    assert.equal(proposal.status, 201, proposal.text);
    assert.equal(proposal.body.pointNumber, 0);
    const twice = await call(api, 'POST', `/events/${id}/proposals`, { token: token.anna, body: { text: 'Ещё одно' } });
    assert.equal(twice.status, 409);
    assert.equal(Number((await db('event_proposals').where({ event_id: id }).count('* as n'))[0].n), 1);
    assert.equal((await call(api, 'POST', `/events/${id}/proposals`, { token: token.anna, body: { pointNumber: 1, text: 'x' } })).status, 400);
    assert.equal((await call(api, 'POST', `/events/${id}/protocol`, { token: token.omsu, body: { text: 'Протокол' } })).status, 409, 'before the hearing');

    const held = await waitForHearing(id, (h) => h.hearingHeld === true);
    assert.equal(held.phase, 'protocol');
    const hearingAt = held.announcement as { hearingAt: string };
    assert.equal(held.protocolDueAt, endOfLocalDay(hearingAt.hearingAt, 5, 7));
    assert.equal(held.conclusionDueAt, endOfLocalDay(hearingAt.hearingAt, 10, 7));
    assert.equal(held.registrations, 1);
    assert.equal((await call(api, 'POST', `/events/${id}/registrations`, { token: token.anna, body: { name: 'Анна' } })).status, 409, 'the hearing has taken place');
    assert.equal((await call(api, 'POST', `/events/${id}/conclusion`, { token: token.omsu, body: { text: 'Заключение' } })).status, 409, 'after the protocol');

    const protocol = await call(api, 'POST', `/events/${id}/protocol`, { token: token.omsu, body: { text: 'Протокол публичных слушаний', attachments: ['https://example.org/protocol.pdf'] } });
    assert.equal(protocol.status, 200, protocol.text);
    assert.equal(protocol.body.phase, 'conclusion');
    assert.equal(protocol.body.protocol.attachments[0], 'https://example.org/protocol.pdf');
    const conclusion = await call(api, 'POST', `/events/${id}/conclusion`, { token: token.omsu, body: { text: 'Заключение: проект рекомендован к утверждению с учётом предложения о сквере' } });
    assert.equal(conclusion.status, 200, conclusion.text);
    assert.equal(conclusion.body.status, 'results_published');
    const event = await call(api, 'GET', `/events/${id}`, { token: token.olga });
    assert.equal(event.body.status, 'results_published');
    assert.match(event.body.results.conclusion.text, /рекомендован/);
    assert.equal(event.body.results.registrations, 1);
    const regs = await call(api, 'GET', `/events/${id}/registrations`, { token: token.supervisor });
    assert.equal(regs.status, 200);
    assert.deepEqual(regs.body.items.map((r: { name: string; willSpeak: boolean }) => [r.name, r.willSpeak]), [['Анна Смирнова', true]]);
    assert.equal((await call(api, 'GET', `/events/${id}/registrations`, { token: token.anna })).status, 403);
  });
});
