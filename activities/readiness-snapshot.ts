// The activity of the monthly readiness snapshot (workflows/monitoring/readiness-snapshot.ts).
import type { Db } from '../db/connection';
import { takeReadinessSnapshot, type SnapshotTaken } from '../domain/monitoring/cabinet-readiness';

export function createReadinessSnapshotActivities(db: Db) {
  return {
    /** This month's snapshot of the region, in its time zone; idempotent per region and month. */
    takeRegionReadinessSnapshot: (regionId: string): Promise<SnapshotTaken> => takeReadinessSnapshot(db, regionId),
  };
}

export type ReadinessSnapshotActivities = ReturnType<typeof createReadinessSnapshotActivities>;
