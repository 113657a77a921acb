// API latency at half the peak intake rate: open loop, appeals arrive at a fixed rate whatever the
// answers do (a request is never held back because an earlier one is slow). Each latency is measured
// from the moment the request was due to be sent, so a stall in the sender counts against the figure
// rather than hiding it (no coordinated omission).
import { abort, latencyStats, readModelCheck, round2, submitNext, type LatencyStats, type Load } from './load';
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
  const interval = 1000 / settings.rate;
  log(`latency: ${total} appeals at ${round2(settings.rate)}/s (open loop, ${settings.seconds} s)`);
  const latencies: number[] = [];
  const caseIds: string[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total && !abort.requested; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    pending.push(submitNext(load).then((s) => {
      inFlight--;
      statuses[s.status] = (statuses[s.status] ?? 0) + 1;
      if (s.ok) {
        latencies.push(performance.now() - due);
        if (s.caseId) caseIds.push(s.caseId);
      } else {
        errors++;
      }
    }));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  const result: LatencyResult = {
    ...settings, rate: round2(settings.rate), sent: pending.length, ok: latencies.length, errors, statuses,
    achievedPerSecond: round2(latencies.length / seconds), maxInFlight, latency: latencyStats(latencies),
    readModel: await readModelCheck(platform.db, caseIds),
  };
  log(`latency: p50 ${result.latency.p50Ms} ms, p95 ${result.latency.p95Ms} ms, p99 ${result.latency.p99Ms} ms, errors ${errors}`);
  return result;
}
