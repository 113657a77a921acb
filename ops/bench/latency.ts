// POST /appeals latency at half the peak intake rate, open loop (load.ts openLoop: appeals arrive at a
// fixed rate whatever the answers do, and no coordinated omission).
import { openLoop, readModelCheck, round2, submitNext, type LatencyStats, type Load } from './load';
import type { Platform } from './platform';

export interface LatencySettings {
  /** Arrivals per second. */
  rate: number;
  seconds: number;
}

export interface LatencyResult extends LatencySettings {
  sent: number;
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  /** Answers per second over the time from the first arrival to the last answer. */
  achievedPerSecond: number;
  maxInFlight: number;
  latency: LatencyStats;
  readModel: { submitted: number; present: number; routed: number; withTerm: number };
}

export async function measureLatency(platform: Platform, load: Load, settings: LatencySettings, log: (line: string) => void): Promise<LatencyResult> {
  const total = Math.max(1, Math.round(settings.rate * settings.seconds));
  log(`latency: ${total} appeals at ${round2(settings.rate)}/s (open loop, ${settings.seconds} s)`);
  const { caseIds, ...r } = await openLoop(settings.rate, total, () => submitNext(load));
  const result: LatencyResult = { ...settings, rate: round2(settings.rate), ...r, readModel: await readModelCheck(platform.db, caseIds) };
  log(`latency: p50 ${result.latency.p50Ms} ms, p95 ${result.latency.p95Ms} ms, p99 ${result.latency.p99Ms} ms, errors ${result.errors}`);
  return result;
}
