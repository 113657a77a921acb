// Event terms per region through the API, on the seeded regions: Khabarovsk's order 232-рп lets
// discussions, votes and polls run 15–30 calendar days; Altai's documents set nothing, so nothing is
// enforced there beyond the platform's own bounds.
import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { createUserWithToken } from '../../domain/identity/users';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';
import { call, type TestApi } from './helpers';

const DAY = 86_400_000;

describe('event terms per region (seeded regions, Temporal dev server)', function () {
  this.timeout(180_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let db: Db;
  const token: Record<string, string> = {};
  let n = 0;

  before(async () => {
    platform = await startSeededPlatform('api_event_terms', `event-terms-${process.pid}`, async (d) => {
      db = d;
      token.omsu = (await createUserWithToken(db, { role: 'operator', name: 'ОМСУ края', organisationId: 'khabarovsk.omsu' })).token;
      token.minsport = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минспорта', organisationId: 'altai.minsport' })).token;
    });
    ({ api } = platform);
  });

  after(async () => {
    await platform?.stop();
  });

  const poll = (organisationId: string, days: number) => {
    const opens = Date.now() + DAY;
    return {
      type: 'poll', organisationId, title: 'Благоустройство двора',
      schedule: { opensAt: new Date(opens).toISOString(), closesAt: new Date(opens + days * DAY).toISOString() },
      settings: { questions: [{ id: 'q', kind: 'single', text: 'Что сделать?', options: [{ id: 'a', text: 'Лавочки' }, { id: 'b', text: 'Качели' }] }] },
    };
  };
  const create = (who: string, body: unknown) => call(api, 'POST', '/events', { token: token[who], headers: { 'idempotency-key': `event-terms-${process.pid}-${++n}` }, body });

  it('serves the profile\'s ranges', async () => {
    const profile = await call(api, 'GET', '/regions/khabarovsk/profile', { token: token.omsu });
    assert.deepEqual(profile.body.eventDurations.poll, { minDays: 15, maxDays: 30 });
    assert.equal(profile.body.eventDurations.hearing, undefined);
    assert.deepEqual((await call(api, 'GET', '/regions/altai/profile', { token: token.omsu })).body.eventDurations, {});
  });

  it('refuses a Khabarovsk poll of 10 days with a 422 naming the schedule, and accepts one of 20 days', async () => {
    const before = Number((await db('participation_events').count('* as n'))[0].n);
    const short = await create('omsu', poll('khabarovsk.omsu', 10));
    assert.equal(short.status, 422, short.text);
    assert.match(short.body.detail, /from 15 to 30 calendar days/);
    assert.deepEqual(short.body.errors, [{ in: 'body', path: '/schedule/closesAt', message: short.body.errors[0].message }]);
    assert.match(short.body.errors[0].message, /gives 10/);
    assert.equal(Number((await db('participation_events').count('* as n'))[0].n), before, 'nothing stored');

    const ok = await create('omsu', poll('khabarovsk.omsu', 20));
    assert.equal(ok.status, 201, ok.text);
    // Extending it past 30 days is refused the same way.
    const tooLong = new Date(Date.parse(ok.body.schedule.opensAt) + 31 * DAY).toISOString();
    const extended = await call(api, 'POST', `/events/${ok.body.id}/extend`, { token: token.omsu, body: { closesAt: tooLong, reason: 'Мало ответов' } });
    assert.equal(extended.status, 422, extended.text);
    assert.equal(extended.body.errors[0].path, '/closesAt');
  });

  it('enforces nothing where the seeds set nothing (Altai)', async () => {
    const r = await create('minsport', poll('altai.minsport', 3));
    assert.equal(r.status, 201, r.text);
  });
});
