// POST /appeals latency at half the peak intake rate, open loop (load.ts openLoop: appeals arrive at a
// fixed rate whatever the answers do, and no coordinated omission).
import { openLoop, readModelCheck, round2, submitNext, type Load, type OpenLoopResult } from './load';
import type { Platform } from './platform';

export interface LatencySettings {
  /** Arrivals per second. */
  rate: number;
  seconds: number;
}

/** The open loop's figures (its case ids aside) and the read model's check of the cases it made. */
export interface LatencyResult extends LatencySettings, Omit<OpenLoopResult, 'caseIds'> {
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
