// Creating the platform's own Temporal schedules at start-up: every worker process (and `npm start`)
// calls this for each schedule, so it creates the schedule the first time and brings its timing and
// action up to date afterwards (a changed setting or time zone). A tick is skipped while the previous
// run is still going.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';

export async function ensureSchedule(
  temporal: Client, scheduleId: string, spec: ScheduleSpec, action: ScheduleOptionsAction, catchupWindow: string,
): Promise<void> {
  try {
    await temporal.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow } });
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
    await temporal.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
}
