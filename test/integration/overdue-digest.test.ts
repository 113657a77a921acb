// A small burst of terms on the dev server: 30 appeals whose terms fall due at one instant go overdue,
// and the region's supervisors get one digest each (the Temporal schedule of
// workflows/appeal/overdue-digest.ts on a one-second interval), not a mail per case; another run of the
// composer afterwards sends nothing more.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { composeOverdueDigests } from '../../domain/cases/overdue-digest';
import { ensureOverdueDigestSchedule, overdueDigestScheduleId } from '../../ops/overdue-digest';
import { call, type TestApi } from '../api/helpers';
import { eventually } from '../faults/platform';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';

const BURST = 30;

describe('overdue digest: a burst of terms makes one mail per supervisor', function () {
  this.timeout(180_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let db: Db;
  const taskQueue = `overdue-digest-${process.pid}`;
  const citizens: string[] = [];
  let supervisor = '';

  before(async () => {
    platform = await startSeededPlatform('overdue_digest', taskQueue, async (d) => {
      db = d;
      // Three citizens, so that the default per-user rate limit (20 a minute) lets the burst in.
      for (let i = 0; i < 3; i++) citizens.push((await createUserWithToken(d, { role: 'citizen', name: `Заявитель ${i}`, email: `c${i}@example.org` })).token);
      supervisor = (await createUserWithToken(d, { role: 'supervisor', name: 'ЦУР', email: 'cur@example.org', regionId: 'altai' })).token;
      await createUserWithToken(d, { role: 'supervisor', name: 'Контроль', email: 'control@example.org', regionId: 'altai' });
    });
    ({ api } = platform);
    // Quiet for 3 s: the burst's notices come within a few seconds of each other, then one digest.
    await ensureOverdueDigestSchedule(platform.env.client, taskQueue, { everyMs: 1000, quietMs: 3000, maxDelayMs: 60_000 });
  });

  after(async () => {
    await platform?.env.client.schedule.getHandle(overdueDigestScheduleId(taskQueue)).delete().catch(() => undefined);
    await platform?.stop();
  });

  it('turns 30 overdue cases into one digest per supervisor, exactly once', async () => {
    const ids = await Promise.all(Array.from({ length: BURST }, async (_, i) => {
      const r = await call(api, 'POST', '/appeals', {
        token: citizens[i % citizens.length], headers: { 'idempotency-key': `overdue-digest-${i}-0001` },
        body: { kind: 'appeal', regionId: 'altai', subcategoryId: i % 2 ? 'altai.c.medicine.ambulance' : 'altai.c.roads.snow', text: `Обращение ${i}`, applicant: { name: `Заявитель ${i}` } },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    }));
    // Every term moved to one instant a few seconds ahead: the burst.
    const dueAt = new Date(Date.now() + 6000).toISOString();
    await Promise.all(ids.map(async (id) => {
      const r = await call(api, 'POST', `/cases/${id}/overrides/term`, { token: supervisor, body: { answerDueAt: dueAt, reason: 'Срок для проверки' } });
      assert.equal(r.status, 200, r.text);
    }));
    await eventually('every case overdue', async () => Number((await db('cases').whereIn('id', ids).where({ overdue: true }).count('* as n'))[0].n) === BURST, 60_000);
    await eventually('the digest', async () => Number((await db('overdue_notices').whereNull('digest_id').count('* as n'))[0].n) === 0 && (await db('overdue_digests')).length > 0, 30_000);

    const digests = await db('overdue_digests');
    assert.deepEqual(digests.map((d) => [d.region_id, d.cases]), [['altai', BURST]]);
    const mails = await db('notifications').where({ recipient_kind: 'supervisor' }).orderBy('recipient_address');
    assert.deepEqual(mails.map((m) => m.recipient_address), ['control@example.org', 'cur@example.org'], 'one mail per supervisor, none per case');
    assert.match(mails[0].subject, /^Просрочка: 30 обращений без ответа в срок$/);
    for (const id of ids.slice(0, 5)) assert.ok(mails[0].body.includes(`№ ${id}`), `${id} is listed`);
    assert.ok(mails[0].case_id === null);

    // Another composer run, and more ticks of the schedule, find nothing left to send.
    assert.equal(await composeOverdueDigests(db, { quietSeconds: 0, maxDelaySeconds: 0 }), 0);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await db('notifications').where({ recipient_kind: 'supervisor' })).length, 2);
    assert.equal((await db('overdue_notices')).length, BURST);
  });
});
