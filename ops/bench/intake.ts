// Intake end to end: appeals POSTed over HTTP by citizens, each with an Idempotency-Key of its own. A
// 201 means the API allocated the registration number, started the workflow, the workflow routed the
// case and computed its term (activities), and the case row is in the read model. Closed loop: C
// clients send the next appeal as soon as the previous one is answered; the peak over the concurrency
// steps is the saturation rate. Afterwards every case answered with 201 is looked up in Postgres.
import { closedLoop, readModelCheck, round2, submitNext, type LatencyStats, type Load } from './load';
import { cpuNow, cpuPercent, type CpuPercent, type Platform } from './platform';

export interface IntakeSettings {
  /** One closed-loop step per concurrency. */
  concurrencies: number[];
  /** Each step ends after this many seconds or `maxPerStep` appeals, whichever comes first. */
  secondsPerStep: number;
  maxPerStep?: number;
  warmup: number;
}

export interface IntakeStep {
  concurrency: number;
  seconds: number;
  appeals: number;
  errors: number;
  statuses: Record<string, number>;
  perSecond: number;
  latency: LatencyStats;
  /** Where the CPU went during the step, in % of one core. */
  cpuPercent: CpuPercent;
}

export interface IntakeResult extends IntakeSettings {
  steps: IntakeStep[];
  peakPerSecond: number;
  peakConcurrency: number;
  readModel: { submitted: number; present: number; routed: number; withTerm: number };
}

export async function measureIntake(platform: Platform, load: Load, settings: IntakeSettings, log: (line: string) => void): Promise<IntakeResult> {
  const caseIds: string[] = [];
  if (settings.warmup > 0) {
    const w = await closedLoop(Math.min(4, settings.warmup), { count: settings.warmup }, () => submitNext(load));
    caseIds.push(...w.caseIds);
  }
  const steps: IntakeStep[] = [];
  for (const concurrency of settings.concurrencies) {
    const cpuBefore = cpuNow(platform);
    const r = await closedLoop(concurrency, { seconds: settings.secondsPerStep, count: settings.maxPerStep }, () => submitNext(load));
    caseIds.push(...r.caseIds);
    const step: IntakeStep = {
      concurrency, seconds: round2(r.seconds), appeals: r.ok, errors: r.errors, statuses: r.statuses, perSecond: round2(r.perSecond), latency: r.latency,
      cpuPercent: cpuPercent(cpuBefore, cpuNow(platform), r.seconds),
    };
    steps.push(step);
    log(`intake: C=${concurrency}: ${step.appeals} appeals in ${step.seconds} s = ${step.perSecond}/s, p50 ${step.latency.p50Ms} ms, errors ${step.errors}`);
  }
  const peak = steps.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const readModel = await readModelCheck(platform.db, caseIds);
  return { ...settings, steps, peakPerSecond: peak.perSecond, peakConcurrency: peak.concurrency, readModel };
}
