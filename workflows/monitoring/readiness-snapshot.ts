// The monthly snapshot of cabinet readiness by municipal district (domain/monitoring/cabinet-readiness.ts):
// one run per region at the start of each month in the region's time zone, started by the region's
// Temporal schedule (ops/readiness-snapshot.ts). The activity is idempotent per region and month (the
// first snapshot of a month is kept), so a retry, a catch-up run or a manual `ops readiness-snapshot`
// in the same month changes nothing.
import { proxyActivities } from '@temporalio/workflow';
import type { ReadinessSnapshotActivities } from '../../activities/readiness-snapshot';

const { takeRegionReadinessSnapshot } = proxyActivities<ReadinessSnapshotActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes', backoffCoefficient: 2 },
});

/** Keeps this month's table of the region; returns the month and whether this run kept it (false: kept before). */
export async function readinessSnapshotWorkflow(regionId: string): Promise<{ month: string; created: boolean }> {
  const { month, created } = await takeRegionReadinessSnapshot(regionId);
  return { month, created };
}
