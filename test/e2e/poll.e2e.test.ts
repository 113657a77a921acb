// End to end on the seeded Altai krai, as `npm start` runs it: a poll of the Ministry of Sport for the
// residents of Novoaltaysk, from draft to published results, through HTTP (Temporal dev server, worker,
// embedded PostgreSQL).
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { pollUntil, startSeededPlatform, type SeededPlatform } from '../support/platform';
import { call, type TestApi } from '../api/helpers';

describe('end to end: a poll in Altai krai through HTTP', function () {
  this.timeout(180_000);
  let db: Db;
  let api: TestApi;
  let platform: SeededPlatform;
  const taskQueue = `e2e-poll-${process.pid}`;
  const token: Record<string, string> = {};
  const userId: Record<string, number> = {};

  async function citizen(name: string, territoryId: string, birthDate: string) {
    const c = await createUserWithToken(db, { role: 'citizen', name });
    await db('users').where({ id: c.user.id }).update({ territory_id: territoryId, birth_date: birthDate });
    token[name] = c.token;
    userId[name] = c.user.id;
  }

  before(async () => {
    platform = await startSeededPlatform('e2e_poll', taskQueue, async (d) => {
      db = d;
      token.minsport = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минспорта', organisationId: 'altai.minsport' })).token;
      await citizen('anna', 'altai.t.novoaltaysk', '1985-03-12');
      await citizen('petr', 'altai.t.novoaltaysk', '1999-11-30');
      await citizen('olga', 'altai.t.slavgorod', '1970-07-07');
    });
    ({ api } = platform);
  });

  after(async () => {
    await platform?.stop();
  });

  const waitFor = (id: string, status: string, ms = 60_000) => pollUntil(api, `/events/${id}`, token.anna, (e) => e?.status === status, ms);

  it('runs an anonymous poll from draft to results: one answer per person, audience by territory', async () => {
    const now = Date.now();
    const created = await call(api, 'POST', '/events', {
      token: token.minsport, headers: { 'idempotency-key': 'e2e-poll-0001' },
      body: {
        type: 'poll', organisationId: 'altai.minsport', title: 'Какую спортивную площадку построить в Новоалтайске?',
        schedule: { opensAt: new Date(now + 5000).toISOString(), closesAt: new Date(now + 16000).toISOString() },
        audience: { territoryIds: ['altai.t.novoaltaysk'], minAge: 14 }, anonymous: true,
        settings: {
          questions: [
            { id: 'ground', kind: 'single', text: 'Площадка', options: [{ id: 'football', text: 'Футбольное поле' }, { id: 'workout', text: 'Воркаут' }] },
            { id: 'extras', kind: 'multiple', text: 'Что ещё', maxChoices: 2, options: [{ id: 'light', text: 'Освещение' }, { id: 'benches', text: 'Скамейки' }, { id: 'fence', text: 'Ограждение' }] },
            { id: 'need', kind: 'scale', text: 'Насколько нужна площадка', scaleMin: 1, scaleMax: 10 },
            { id: 'ideas', kind: 'text', text: 'Ваши идеи', required: false },
          ],
        },
      },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    assert.match(id, /^poll-22s\d+-\d{4}-\d{6}$/, 'the region\'s prefix 22 (made unique per test platform)');
    assert.equal(created.body.status, 'draft');

    const published = await call(api, 'POST', `/events/${id}/publish`, { token: token.minsport });
    assert.equal(published.status, 200, published.text);
    assert.equal(published.body.status, 'scheduled');
    const early = await call(api, 'POST', `/events/${id}/responses`, { token: token.anna, body: { answers: { ground: 'football', extras: ['light'], need: 8 } } });
    assert.equal(early.status, 409, 'not open yet');

    await waitFor(id, 'open');
    const a = await call(api, 'POST', `/events/${id}/responses`, { token: token.anna, body: { answers: { ground: 'football', extras: ['light', 'benches'], need: 9, ideas: 'Трибуны' } } });
    assert.equal(a.status, 201, a.text);
    const p = await call(api, 'POST', `/events/${id}/responses`, { token: token.petr, body: { answers: { ground: 'workout', extras: ['light'], need: 6 } } });
    assert.equal(p.status, 201, p.text);
    const twice = await call(api, 'POST', `/events/${id}/responses`, { token: token.anna, body: { answers: { ground: 'workout', extras: [], need: 1 } } });
    assert.equal(twice.status, 409);
    assert.match(twice.body.detail, /already taken part/);
    const slavgorod = await call(api, 'POST', `/events/${id}/responses`, { token: token.olga, body: { answers: { ground: 'workout', extras: [], need: 1 } } });
    assert.equal(slavgorod.status, 403);
    assert.match(slavgorod.body.detail, /other territories/);

    const stored = await db('participation_responses').where({ event_id: id });
    assert.equal(stored.length, 2);
    for (const r of stored) for (const u of Object.values(userId)) assert.notEqual(r.participant_key, String(u), 'anonymous: no user id stored');
    assert.equal((await call(api, 'GET', `/events/${id}/results`, { token: token.minsport })).status, 409, 'no results before the close, for organisers too');

    const done = await waitFor(id, 'results_published');
    assert.deepEqual(done.timeline.map((e: { type: string }) => e.type), ['created', 'published', 'opened', 'closed', 'results_published']);
    const results = (await call(api, 'GET', `/events/${id}/results`, { token: token.olga })).body.results;
    assert.deepEqual(results.respondents, { online: 2, offline: 0, total: 2 });
    const ground = results.questions.find((q: { id: string }) => q.id === 'ground');
    assert.deepEqual(ground.options.map((o: { id: string; total: number; share: number }) => [o.id, o.total, o.share]), [['football', 1, 0.5], ['workout', 1, 0.5]]);
    const extras = results.questions.find((q: { id: string }) => q.id === 'extras');
    assert.deepEqual(extras.options.map((o: { id: string; total: number }) => [o.id, o.total]), [['light', 2], ['benches', 1], ['fence', 0]]);
    assert.equal(results.questions.find((q: { id: string }) => q.id === 'need').scale.average, 7.5);
    assert.deepEqual(results.questions.find((q: { id: string }) => q.id === 'ideas').texts.items, ['Трибуны']);
  });
});
