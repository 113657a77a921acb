// Scale: N open appeals waiting on their term timers on the embedded default (dev server on SQLite,
// embedded PostgreSQL). Measures the intake rate while they are loaded, the worker's memory once they
// wait (right after the load and again after a quiet minute), and how long a burst of terms takes to fire.
//
// The burst: seeded terms are 7 to 30 days away, so K of the loaded cases get a supervisor's term override
// (POST /cases/{id}/overrides/term) to one and the same instant T ahead, computed so that every override
// is in before T: from the rate of a sample of the K overridden first to a term a week away (overrides of
// cases long evicted from the worker's cache run at a fraction of the intake's rate). At T each of the K
// workflows' timers fires, the workflow marks the case overdue and projects it (case row overdue=true, an
// 'overdue' event, notifications). Measured: from T until all K read as overdue in the read model
// (domain/cases/overdue.ts: from the instant of the term, once the override is projected), and from T to
// each case's 'overdue' event (the timer firing, workflow time) and to its row update (the step
// projected), with the polling confirmation that all K rows are flagged overdue=true by their workflows.
import { closedLoop, latencyStats, request, round2, submitNext, type ClosedLoopResult, type LatencyStats, type Load } from './load';
import { cpuNow, cpuPercent, cpuUsed, rssMiB, workerHeapMiB, type CpuPercent, type Platform } from './platform';
import { overdueSql } from '../../domain/cases/overdue';
import { DEFAULT_WORKER_MAX_CACHED_WORKFLOWS } from '../../domain/config';

export interface ScaleSettings {
  appeals: number;
  concurrency: number;
  /** Stop loading after this long even if fewer than `appeals` are in (the run then reports how many are). */
  maxLoadSeconds?: number;
  /** Quiet time after the load, before the second memory sample. */
  waitSeconds: number;
  /** K: cases whose terms are made due together. */
  burstCases: number;
  /** T is at least this far after the overrides start. */
  burstMinLeadSeconds: number;
  /** Give up waiting for the burst after this long past T. */
  burstTimeoutSeconds: number;
  /** Length of the intake step taken with all N open (closed loop, the scale phase's concurrency). */
  intakeSeconds?: number;
}

/** The worker's workflow cache over the scale phase, from its Prometheus metrics (absent when unreadable). */
export interface CacheFigures {
  maxCachedWorkflows?: number;
  /** The worker's V8 heap limit, MiB (OTKLIK_WORKER_HEAP_MIB; 0: V8's own). */
  workerHeapMiB?: number;
  /** Workflow tasks served from the cache, and those that had to replay the history first (cache misses). */
  hits: number;
  misses: number;
  /** Replays' total time and count (workflow_task_replay_latency, which the SDK exports in milliseconds). */
  replayMs: number;
  replays: number;
}

export interface Snapshot {
  atSeconds: number;
  workerRssMiB?: number;
  apiRssMiB?: number;
  temporalServerRssMiB?: number;
  /** The Temporal server's store: the dev server's SQLite files, or the real server's databases. */
  temporalDbMiB: number;
  postgresDbMiB: number;
  openCasesInReadModel: number;
  runningAppealWorkflows?: number;
}

export interface ScaleResult extends ScaleSettings {
  load: {
    seconds: number;
    appeals: number;
    errors: number;
    retries: number;
    statuses: Record<string, number>;
    perSecond: number;
    latency: LatencyStats;
    /** The rate over each tenth of N (or each minute, if sooner): does intake slow down as open cases pile up? */
    progress: { upTo: number; atSeconds: number; perSecond: number; workerRssMiB?: number }[];
    /** Set when the time limit stopped the load before N: the time all N would take at the load's mean rate. */
    extrapolatedSecondsForAll?: number;
  };
  afterLoad: Snapshot;
  afterWait: Snapshot;
  /** Intake with all N open (closed loop), to compare with the empty server's peak. */
  intakeAtScale: { seconds: number; appeals: number; errors: number; perSecond: number; latency: LatencyStats };
  /** Store per open case, in KiB: how much Temporal's (SQLite files or the real server's databases) and PostgreSQL's grew over the load, per appeal loaded. */
  perCaseKiB: { temporal: number | null; postgres: number | null };
  cache?: CacheFigures;
  /** CPU used while loading and during the quiet wait, in % of one core (PostgreSQL: live backends only). */
  loadCpuPercent: CpuPercent;
  idleCpuPercent: CpuPercent;
  burst: {
    cases: number;
    /** T, the instant every term of the burst was moved to. */
    dueAt: string;
    overrides: { ok: number; errors: number; statuses: Record<string, number>; seconds: number; perSecond: number };
    leadSeconds: number;
    /** The overrides of a sample of the K to a term a week away, whose rate set the lead (older reports: absent). */
    sample?: { cases: number; perSecond: number };
    /** T - (the moment the last override was answered): must be positive. */
    slackSeconds: number;
    /** Of the K, those whose workflow took its overdue step (cases.overdue, projected), when the wait ended. */
    overdue: number;
    /** Of the K, those the read model shows overdue (domain/cases/overdue.ts, what every reader asks), when the wait ended. */
    shown: number;
    /**
     * From T until all K read as overdue in the read model (the case, the lists, monitoring: overdue from
     * the instant of the term once the override's new term is projected), polled every 100 ms.
     */
    allShownAfterSeconds: number | null;
    /** From T to the workflow's 'overdue' event (timer fired and the step ran), per case. */
    fired: LatencyStats;
    /** From T to the case row's update with overdue=true (the step projected), per case. */
    visible: LatencyStats;
    /** From T until the last of the K workflows' overdue steps was projected (cases.overdue=true), polled every 100 ms. */
    allFlaggedAfterSeconds: number | null;
    /** K / allFlaggedAfterSeconds: overdue steps per second while the burst drained through the workflows. */
    drainPerSecond: number | null;
    /** The worker's resident memory once the burst drained: its workflow cache full of the burst's cases. */
    workerRssAfterMiB?: number;
    /**
     * CPU milliseconds per overdue transition, by process, from the end of the overrides until all were
     * overdue: steadier than the drain rate on a shared machine. The platform's processes are next to
     * idle while they wait for T; PostgreSQL's and the bench's figures include the bench's own polling
     * (every 100 ms), so they grow with the drain's length.
     */
    cpuMsPerTransition?: Partial<Record<keyof CpuPercent, number>>;
  };
}

async function snapshot(platform: Platform, t0: number): Promise<Snapshot> {
  const [{ size }] = (await platform.db.raw('select pg_database_size(current_database())::bigint as size')).rows;
  const [{ open }] = await platform.db('cases').whereNot({ status: 'closed' }).select(platform.db.raw('count(*)::int as open'));
  let running: number | undefined;
  try {
    running = (await platform.temporal.workflow.count(`WorkflowType = 'appealWorkflow' AND ExecutionStatus = 'Running'`)).count;
  } catch {
    running = undefined;
  }
  const mib = (x: number | undefined) => (x === undefined ? undefined : round2(x));
  return {
    atSeconds: round2((performance.now() - t0) / 1000),
    workerRssMiB: mib(rssMiB(platform.worker.pid)),
    apiRssMiB: mib(rssMiB(platform.api.pid)),
    temporalServerRssMiB: mib(rssMiB(platform.temporalServer.process.pid)),
    temporalDbMiB: round2(await platform.temporalStoreMiB()),
    postgresDbMiB: round2(Number(size) / 1024 / 1024),
    openCasesInReadModel: open,
    runningAppealWorkflows: running,
  };
}

/** Loads N appeals (or as many as maxLoadSeconds allows), noting the rate over each tenth of N. */
async function loadAppeals(
  platform: Platform, load: Load, settings: ScaleSettings, t0: number, log: (line: string) => void,
): Promise<{ load: ScaleResult['load']; caseIds: string[]; loadCpuPercent: CpuPercent }> {
  log(`scale: loading ${settings.appeals} appeals with ${settings.concurrency} concurrent clients${settings.maxLoadSeconds ? `, for at most ${settings.maxLoadSeconds} s` : ''}`);
  const progress: ScaleResult['load']['progress'] = [];
  const cpuBeforeLoad = cpuNow(platform);
  let mark = { done: 0, at: performance.now() };
  const step = Math.max(1, Math.ceil(settings.appeals / 10));
  const r = await closedLoop(settings.concurrency, { count: settings.appeals, seconds: settings.maxLoadSeconds }, () => submitNext(load, 5), (done) => {
    const now = performance.now();
    if (done - mark.done >= step || now - mark.at >= 60_000 || done === settings.appeals) {
      const perSecond = round2(((done - mark.done) * 1000) / (now - mark.at));
      const workerRssMiB = rssMiB(platform.worker.pid);
      progress.push({ upTo: done, atSeconds: round2((now - t0) / 1000), perSecond, workerRssMiB: workerRssMiB && round2(workerRssMiB) });
      mark = { done, at: now };
      log(`scale: ${done}/${settings.appeals} loaded, ${perSecond}/s since the previous mark, worker RSS ${workerRssMiB?.toFixed(0)} MiB`);
    }
  });
  return {
    load: {
      seconds: round2(r.seconds), appeals: r.ok, errors: r.errors, retries: r.retries, statuses: r.statuses,
      perSecond: round2(r.perSecond), latency: r.latency, progress,
      ...(r.ok + r.errors < settings.appeals && r.ok > 0 ? { extrapolatedSecondsForAll: Math.round(settings.appeals / r.perSecond) } : {}),
    },
    caseIds: r.caseIds,
    loadCpuPercent: cpuPercent(cpuBeforeLoad, cpuNow(platform), r.seconds),
  };
}

/**
 * Overrides the term of each case to dueAt, as the load's supervisor; the ids whose override was accepted.
 * `step` names the override in its Idempotency-Key, so that a case can be overridden once per step.
 */
async function overrideTerms(
  load: Load, concurrency: number, ids: string[], dueAt: string, step = 'term',
): Promise<{ okIds: string[]; result: ClosedLoopResult }> {
  let next = 0;
  const okIds: string[] = [];
  const result = await closedLoop(concurrency, { count: ids.length }, async () => {
    const id = ids[next++];
    const res = await request(load, 'POST', `/cases/${id}/overrides/term`, load.supervisor,
      { answerDueAt: dueAt, reason: 'Бенчмарк: сроки наступают одновременно' }, { 'idempotency-key': `bench-${step}-${load.runId}-${id}` })
      .catch(() => ({ status: 0, body: undefined, ms: 0 }));
    if (res.status === 200) okIds.push(id);
    return { ok: res.status === 200, status: res.status, ms: res.ms, attempts: 1 };
  });
  return { okIds, result };
}

interface OverdueWait { overdue: number; shown: number; allShownAfterSeconds: number | null; allFlaggedAfterSeconds: number | null }

/**
 * Polls the read model every 100 ms until every case's workflow has flagged it overdue or the deadline
 * passes; notes on the way when all of them first read as overdue (domain/cases/overdue.ts).
 */
async function waitForOverdue(platform: Platform, ids: string[], dueAtMs: number, deadline: number): Promise<OverdueWait> {
  const out: OverdueWait = { overdue: 0, shown: 0, allShownAfterSeconds: null, allFlaggedAfterSeconds: null };
  const db = platform.db;
  while (ids.length > 0) {
    const [row] = await db('cases').whereIn('id', ids)
      .select(db.raw('count(*) filter (where overdue)::int as flagged'), db.raw(`count(*) filter (where ${overdueSql()})::int as shown`));
    const after = round2((Date.now() - dueAtMs) / 1000);
    [out.overdue, out.shown] = [row.flagged, row.shown];
    if (out.shown >= ids.length && out.allShownAfterSeconds === null) out.allShownAfterSeconds = after;
    if (out.overdue >= ids.length) return { ...out, allFlaggedAfterSeconds: after };
    if (Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  return out;
}

/**
 * Overrides per second for these cases at this concurrency, from a sample of them (a twentieth, 20 at
 * least) overridden to a term a week away. The burst's lead is set from it: the intake's rate, used
 * before, is two to three times the rate of overrides of cases long evicted from the worker's cache,
 * and a lead too short lets overrides arrive after T (refused) and the first poll start late.
 */
async function sampleOverrideRate(load: Load, concurrency: number, ids: string[]): Promise<{ cases: number; perSecond: number }> {
  const sample = ids.slice(0, Math.min(ids.length, Math.max(20, Math.ceil(ids.length / 20))));
  const weekAway = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const { result } = await overrideTerms(load, concurrency, sample, weekAway, 'term-sample');
  return { cases: sample.length, perSecond: round2(result.ok / Math.max(result.seconds, 0.001)) };
}

/** The burst (see the header): K cases' terms made due at one instant T, and how fast they turn overdue. */
export async function termBurst(
  platform: Platform, load: Load, settings: ScaleSettings, loaded: string[], intakeRate: number, log: (line: string) => void,
): Promise<ScaleResult['burst']> {
  const k = Math.min(settings.burstCases, loaded.length);
  // Spread over the whole load, so cases long evicted from the worker's cache are among them.
  const burstIds = Array.from({ length: k }, (_, i) => loaded[Math.floor((i * loaded.length) / k)]);
  // Enough time for every override to be in before T: 1.5 × K / the sample's rate + 5 s (the report
  // shows the slack left; an override that arrives after T is refused by the workflow and counted).
  // The intake's rate stands in only when no override of the sample was accepted.
  const sample = await sampleOverrideRate(load, settings.concurrency, burstIds);
  const overrideRate = sample.perSecond > 0 ? sample.perSecond : intakeRate;
  const leadSeconds = Math.max(settings.burstMinLeadSeconds, Math.ceil((1.5 * k) / Math.max(0.5, overrideRate)) + 5);
  const overridesStart = performance.now();
  const dueAtMs = Date.now() + leadSeconds * 1000;
  const dueAt = new Date(dueAtMs).toISOString();
  log(`scale: burst: overriding the term of ${k} cases to ${dueAt} (${leadSeconds} s ahead: a sample of ${sample.cases} went at ${sample.perSecond}/s)`);
  const { okIds, result: ov } = await overrideTerms(load, settings.concurrency, burstIds, dueAt);
  const overridesDone = Date.now();
  const overridesSeconds = (performance.now() - overridesStart) / 1000;

  const cpuBefore = cpuNow(platform);
  const { overdue, shown, allShownAfterSeconds, allFlaggedAfterSeconds } = await waitForOverdue(platform, okIds, dueAtMs, dueAtMs + settings.burstTimeoutSeconds * 1000);
  const cpuMsPerTransition = Object.fromEntries(Object.entries(cpuUsed(cpuBefore, cpuNow(platform)))
    .filter(([, used]) => used !== undefined).map(([k, used]) => [k, round2((used! * 1000) / Math.max(overdue, 1))]));
  const events = okIds.length
    ? await platform.db('case_events as e').join('cases as c', 'c.id', 'e.case_id')
      .whereIn('e.case_id', okIds).where('e.type', 'overdue')
      .select('e.occurred_at', 'c.updated_at')
    : [];
  const fired = latencyStats(events.map((e: { occurred_at: Date }) => new Date(e.occurred_at).getTime() - dueAtMs));
  const visible = latencyStats(events.map((e: { updated_at: Date }) => new Date(e.updated_at).getTime() - dueAtMs));
  const workerRss = rssMiB(platform.worker.pid);
  log(`scale: burst: all ${shown}/${okIds.length} shown overdue ${allShownAfterSeconds ?? 'not'} s after T; ${overdue} flagged by their workflows, all ${allFlaggedAfterSeconds ?? 'not'} s after T; fired p50 ${fired.p50Ms} ms, max ${fired.maxMs} ms; worker RSS ${workerRss?.toFixed(0)} MiB; CPU ms per transition ${JSON.stringify(cpuMsPerTransition)}`);
  return {
    cases: k,
    dueAt,
    overrides: { ok: ov.ok, errors: ov.errors, statuses: ov.statuses, seconds: round2(overridesSeconds), perSecond: round2(ov.ok / overridesSeconds) },
    leadSeconds,
    sample,
    slackSeconds: round2((dueAtMs - overridesDone) / 1000),
    overdue,
    shown,
    allShownAfterSeconds,
    fired,
    visible,
    allFlaggedAfterSeconds,
    drainPerSecond: allFlaggedAfterSeconds ? round2(overdue / allFlaggedAfterSeconds) : null,
    ...(workerRss !== undefined ? { workerRssAfterMiB: round2(workerRss) } : {}),
    ...(overdue > 0 ? { cpuMsPerTransition } : {}),
  };
}

/** Sum of a Prometheus metric's samples (every label set), from the text format. */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

type CacheCounters = Omit<CacheFigures, 'maxCachedWorkflows' | 'workerHeapMiB'>;

async function cacheCounters(platform: Platform): Promise<CacheCounters | undefined> {
  const text = await platform.workerMetrics();
  if (!text) return undefined;
  return {
    hits: metricSum(text, 'temporal_sticky_cache_hit'),
    misses: metricSum(text, 'temporal_sticky_cache_miss'),
    replayMs: metricSum(text, 'temporal_workflow_task_replay_latency_sum'),
    replays: metricSum(text, 'temporal_workflow_task_replay_latency_count'),
  };
}

function cacheDelta(before: CacheCounters | undefined, after: CacheCounters | undefined): CacheFigures | undefined {
  if (!before || !after) return undefined;
  // The worker runs with the bench's environment: its cache size is this one (domain/config).
  return {
    maxCachedWorkflows: Number(process.env.OTKLIK_WORKER_MAX_CACHED_WORKFLOWS) || DEFAULT_WORKER_MAX_CACHED_WORKFLOWS,
    workerHeapMiB: workerHeapMiB(),
    hits: after.hits - before.hits, misses: after.misses - before.misses,
    replayMs: round2(after.replayMs - before.replayMs), replays: after.replays - before.replays,
  };
}

/** Intake with N open: one closed-loop step, to set against the empty server's peak. */
async function intakeAtScale(load: Load, settings: ScaleSettings, log: (line: string) => void): Promise<ScaleResult['intakeAtScale']> {
  const r = await closedLoop(settings.concurrency, { seconds: settings.intakeSeconds ?? 30 }, () => submitNext(load));
  log(`scale: intake with them open: ${round2(r.perSecond)}/s, p99 ${r.latency.p99Ms} ms`);
  return { seconds: round2(r.seconds), appeals: r.ok, errors: r.errors, perSecond: round2(r.perSecond), latency: r.latency };
}

export async function measureScale(
  platform: Platform, load: Load, settings: ScaleSettings, intakeRate: number, log: (line: string) => void,
): Promise<ScaleResult> {
  const t0 = performance.now();
  const cacheBefore = await cacheCounters(platform);
  const before = await snapshot(platform, t0);
  const loaded = await loadAppeals(platform, load, settings, t0, log);
  const afterLoad = await snapshot(platform, t0);
  log(`scale: after load: worker RSS ${afterLoad.workerRssMiB} MiB, ${afterLoad.openCasesInReadModel} open cases`);
  // What the N loaded cases added, per case: the stores' growth over the load (not their fixed part).
  const perCase = (grownMiB: number) => (loaded.load.appeals > 0 ? round2((grownMiB * 1024) / loaded.load.appeals) : null);
  const perCaseKiB = {
    temporal: perCase(afterLoad.temporalDbMiB - before.temporalDbMiB),
    postgres: perCase(afterLoad.postgresDbMiB - before.postgresDbMiB),
  };
  const atScale = await intakeAtScale(load, settings, log);

  // The quiet wait: the worker's memory and the platform's CPU with N appeals waiting on their timers.
  const cpuBeforeWait = cpuNow(platform);
  const waitStart = performance.now();
  await new Promise((res) => setTimeout(res, settings.waitSeconds * 1000));
  const idleCpuPercent = cpuPercent(cpuBeforeWait, cpuNow(platform), (performance.now() - waitStart) / 1000);
  const afterWait = await snapshot(platform, t0);
  log(`scale: after ${settings.waitSeconds} s quiet: worker RSS ${afterWait.workerRssMiB} MiB`);

  const burst = await termBurst(platform, load, settings, loaded.caseIds, intakeRate, log);
  const cache = cacheDelta(cacheBefore, await cacheCounters(platform));
  return {
    ...settings, load: loaded.load, afterLoad, afterWait, intakeAtScale: atScale, perCaseKiB, ...(cache ? { cache } : {}),
    loadCpuPercent: loaded.loadCpuPercent, idleCpuPercent, burst,
  };
}
