// The monthly readiness snapshot taken by the platform itself: a Temporal schedule per region (ops/
// readiness-snapshot.ts) created once however many processes start, firing at the start of the month in
// the region's time zone; triggering it keeps the month's snapshot, and a second trigger keeps nothing more.
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Db } from '../../db/connection';
import { ensureReadinessSnapshotSchedules, readinessSnapshotScheduleId } from '../../ops/readiness-snapshot';
import { monthOf } from '../../domain/monitoring/cabinet-readiness';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';

describe('readiness snapshot: a schedule per region takes the month once', function () {
  this.timeout(120_000);
  let platform: SeededPlatform;
  let db: Db;
  const taskQueue = `readiness-schedule-${process.pid}`;
  let scheduleIds: string[] = [];

  before(async () => {
    platform = await startSeededPlatform('readiness_schedule', taskQueue);
    ({ db } = platform);
  });

  after(async () => {
    for (const id of scheduleIds) await platform?.env.client.schedule.getHandle(id).delete().catch(() => undefined);
    await platform?.stop();
  });

  /** Triggers the schedule and waits for the run it started; returns the run's result. */
  async function triggerAndWait(scheduleId: string, runsBefore: number): Promise<{ month: string; created: boolean }> {
    const handle = platform.env.client.schedule.getHandle(scheduleId);
    await handle.trigger();
    for (const end = Date.now() + 30_000; ;) {
      const { info } = await handle.describe();
      if (info.numActionsTaken > runsBefore) {
        const started = info.recentActions[info.recentActions.length - 1].action.workflow.workflowId;
        return platform.env.client.workflow.getHandle(started).result();
      }
      if (Date.now() > end) throw new Error(`${scheduleId} started no run`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('creates one schedule per region at the start of its local month, and a trigger keeps the month once', async () => {
    const regions: { id: string; time_zone: string }[] = await db('regions').orderBy('id').select('id', 'time_zone');
    scheduleIds = await ensureReadinessSnapshotSchedules(platform.env.client, db, taskQueue);
    // A second start (another worker, `npm start` again) updates the same schedules, creating none.
    assert.deepEqual(await ensureReadinessSnapshotSchedules(platform.env.client, db, taskQueue), scheduleIds);
    assert.deepEqual(scheduleIds, regions.map((r) => readinessSnapshotScheduleId(taskQueue, r.id)));
    const ours: string[] = [];
    for await (const s of platform.env.client.schedule.list()) if (s.scheduleId.startsWith(`readiness-snapshot-${taskQueue}-`)) ours.push(s.scheduleId);
    assert.deepEqual(ours.sort(), [...scheduleIds].sort());

    const altai = regions.find((r) => r.id === 'altai')!;
    const handle = platform.env.client.schedule.getHandle(readinessSnapshotScheduleId(taskQueue, 'altai'));
    const { spec, info } = await handle.describe();
    assert.equal(spec.timezone, altai.time_zone);
    const nextLocalMonth = DateTime.now().setZone(altai.time_zone).startOf('month').plus({ months: 1 });
    assert.equal(info.nextActionTimes[0].toISOString(), nextLocalMonth.toUTC().toISO(), 'the next run is at 00:00 on the 1st, local time');
    assert.equal(info.numActionsTaken, 0);

    const first = await triggerAndWait(handle.scheduleId, 0);
    assert.deepEqual(first, { month: monthOf(new Date(), altai.time_zone), created: true });
    const kept = await db('cabinet_readiness_snapshots').where({ region_id: 'altai' });
    assert.equal(kept.length, 1);
    assert.ok(Number((await db('cabinet_readiness_snapshot_rows').where({ region_id: 'altai' }).count('* as n'))[0].n) > 0, 'the table is kept');

    // The schedule fires again in the same month (a catch-up, a manual trigger): the first snapshot stays.
    const second = await triggerAndWait(handle.scheduleId, 1);
    assert.deepEqual(second, { month: first.month, created: false });
    const after = await db('cabinet_readiness_snapshots').where({ region_id: 'altai' });
    assert.deepEqual(after.map((r) => new Date(r.taken_at).toISOString()), kept.map((r) => new Date(r.taken_at).toISOString()));
    assert.equal((await db('cabinet_readiness_snapshots').whereNot({ region_id: 'altai' })).length, 0, 'other regions wait for their own schedules');
  });
});
