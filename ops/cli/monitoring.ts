// `ops monitoring rebuild | check <regionId>`: the monitoring rollups recomputed from the read model (after
// a restore, a bug fix in the facts, or a migration that adds a measure), and a check that they agree
// with a full scan of a region's cases (domain/monitoring/facts.ts).
import type { Db } from '../../db/connection';
import { compareWithFullScan, rebuildRollups } from '../../domain/monitoring/facts';

export async function rebuildMonitoring(db: Db) {
  return rebuildRollups(db);
}

export function rebuildText(r: Awaited<ReturnType<typeof rebuildRollups>>): string {
  return `Monitoring rollups rebuilt in ${r.seconds.toFixed(1)} s: ${r.rollupRows} rollup row(s), ${r.answerDayRows} answer-day row(s).`;
}

/** The rollup rows that differ from a full scan (none when they agree). */
export async function checkMonitoring(db: Db, regionId: string) {
  const c = await compareWithFullScan(db, regionId);
  const differences = (a: Record<string, unknown>[], b: Record<string, unknown>[]) => {
    const text = (r: Record<string, unknown>) => JSON.stringify(r);
    const inB = new Set(b.map(text));
    const inA = new Set(a.map(text));
    return { onlyStored: a.filter((r) => !inB.has(text(r))), onlyScanned: b.filter((r) => !inA.has(text(r))) };
  };
  const rollup = differences(c.stored, c.scanned);
  const days = differences(c.storedAnswerDays, c.scannedAnswerDays);
  const agree = [rollup.onlyStored, rollup.onlyScanned, days.onlyStored, days.onlyScanned].every((x) => x.length === 0);
  return { regionId, agree, rollupRows: c.stored.length, answerDayRows: c.storedAnswerDays.length, rollup, answerDays: days };
}

export function checkText(r: Awaited<ReturnType<typeof checkMonitoring>>): string {
  if (r.agree) return `Monitoring rollups of ${r.regionId} agree with a full scan (${r.rollupRows} rollup row(s), ${r.answerDayRows} answer-day row(s)).`;
  const lines = [`Monitoring rollups of ${r.regionId} DIFFER from a full scan; run \`npm run ops -- monitoring rebuild\`.`];
  for (const x of r.rollup.onlyStored) lines.push(`  stored:  ${JSON.stringify(x)}`);
  for (const x of r.rollup.onlyScanned) lines.push(`  scanned: ${JSON.stringify(x)}`);
  lines.push(`  answer-day rows differing: ${r.answerDays.onlyStored.length + r.answerDays.onlyScanned.length}`);
  return lines.join('\n');
}
