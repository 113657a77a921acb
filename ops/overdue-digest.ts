// The Temporal schedule of the supervisors' overdue digest (workflows/appeal/overdue-digest.ts): created
// by every worker process at start, or brought up to date with the configured interval and settings
// when it exists. One schedule per task queue, so several workers of one deployment share it; its
// overlap policy skips a tick while the previous run is still composing.
import type { Client, ScheduleOptionsAction, ScheduleSpec } from '@temporalio/client';
import { ensureSchedule } from './schedules';
import type { OverdueDigestConfig } from '../domain/config/outbox';
import type { OverdueDigestSettings } from '../workflows/appeal/messages';

/** The schedule's id on the task queue `taskQueue`. */
export function overdueDigestScheduleId(taskQueue: string): string {
  return `overdue-digest-${taskQueue}`;
}

export async function ensureOverdueDigestSchedule(temporal: Client, taskQueue: string, config: OverdueDigestConfig): Promise<void> {
  const scheduleId = overdueDigestScheduleId(taskQueue);
  const settings: OverdueDigestSettings = { quietSeconds: config.quietMs / 1000, maxDelaySeconds: config.maxDelayMs / 1000 };
  const spec: ScheduleSpec = { intervals: [{ every: config.everyMs }] };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow', workflowType: 'overdueDigestWorkflow', workflowId: scheduleId, taskQueue, args: [settings],
  };
  await ensureSchedule(temporal, scheduleId, spec, action, '1 minute');
}
