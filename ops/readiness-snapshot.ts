// The Temporal schedules of the monthly readiness snapshot (workflows/monitoring/readiness-snapshot.ts):
// one per region, firing at 00:00 on the 1st of each month in the region's own time zone, so that a
// region's month begins and is kept by its local calendar. Created by every worker process and by
// `npm start` at start-up, or brought up to date (a changed time zone) when they exist; a region added
// later gets its schedule at the next start, and `npm run ops -- readiness-snapshot` keeps any month by
// hand. The snapshot is idempotent per region and month, so several deployments sharing a schedule, a
// catch-up after an outage and a manual run never keep a month twice.
import type { Client, ScheduleOptionsAction, ScheduleSpec } from '@temporalio/client';
import { ensureSchedule } from './schedules';
import type { Db } from '../db/connection';

/** The schedule's id for the region `regionId` on the task queue `taskQueue`. */
export function readinessSnapshotScheduleId(taskQueue: string, regionId: string): string {
  return `readiness-snapshot-${taskQueue}-${regionId}`;
}

/**
 * A late run (the cluster was down at the turn of the month) still keeps the month when it comes within
 * the first days; later, the month's snapshot is left to a manual run rather than taken mid-month.
 */
const CATCHUP_WINDOW = '3 days';

export async function ensureReadinessSnapshotSchedule(temporal: Client, taskQueue: string, region: { id: string; timeZone: string }): Promise<string> {
  const scheduleId = readinessSnapshotScheduleId(taskQueue, region.id);
  const spec: ScheduleSpec = { calendars: [{ dayOfMonth: 1, hour: 0, minute: 0 }], timezone: region.timeZone };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow', workflowType: 'readinessSnapshotWorkflow', workflowId: scheduleId, taskQueue, args: [region.id],
  };
  await ensureSchedule(temporal, scheduleId, spec, action, CATCHUP_WINDOW);
  return scheduleId;
}

/** Every region's schedule; returns their ids. */
export async function ensureReadinessSnapshotSchedules(temporal: Client, db: Db, taskQueue: string): Promise<string[]> {
  const regions: { id: string; time_zone: string }[] = await db('regions').orderBy('id').select('id', 'time_zone');
  const ids: string[] = [];
  for (const r of regions) ids.push(await ensureReadinessSnapshotSchedule(temporal, taskQueue, { id: r.id, timeZone: r.time_zone }));
  return ids;
}
