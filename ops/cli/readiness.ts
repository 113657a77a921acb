// `ops readiness-snapshot`: keeps this month's table of cabinet readiness by municipal district for every
// region (or one). Run it monthly (cron, or any scheduler); it is idempotent per region and month, so a
// second run in the month, a retry or a run on every node changes nothing (the first snapshot is kept).
import type { Db } from '../../db/connection';
import { takeReadinessSnapshot, takeReadinessSnapshots, type SnapshotTaken } from '../../domain/monitoring/cabinet-readiness';

export async function readinessSnapshot(db: Db, regionId: string | undefined, now = new Date()): Promise<SnapshotTaken[]> {
  return regionId ? [await takeReadinessSnapshot(db, regionId, now)] : takeReadinessSnapshots(db, now);
}

export function readinessSnapshotText(taken: SnapshotTaken[]): string {
  if (taken.length === 0) return 'No regions.';
  return taken
    .map((t) => `${t.regionId} ${t.month}: ${t.created ? `kept now (${t.takenAt})` : `already kept since ${t.takenAt}, left as it was`}`)
    .join('\n');
}
