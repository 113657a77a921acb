// `npm run bench -- [--scale small|full] [options]`: the benchmarks of the platform as `npm start` runs
// it, on a throwaway data folder (.test-data/bench-<pid>-<topology>) and free ports on 127.0.0.1. In one run:
//   1. the ceiling: minimal workflows per second on the same Temporal server (ceiling.ts);
//   2. intake end to end at saturation, closed loop (intake.ts), and the API latency at half that rate,
//      open loop (latency.ts);
//   3. the case actions after intake: take, answer and rate, each at its peak and at half (actions.ts);
//   4. scale: N open appeals waiting on their terms, intake with them open, the worker's memory and its
//      workflow cache, the stores per case, a burst of terms (scale.ts).
//   5. term burst: N more appeals all due at one instant, until all are overdue, and the supervisors'
//      mails for them (term-burst.ts; not in the smoke preset: the digest waits for a quiet minute).
// All of it twice, side by side: on the embedded default (the Temporal dev server on SQLite) and on the
// production topology (a real Temporal server on PostgreSQL), unless --topology names one. Then, on the
// embedded default's platform (the read model is the same PostgreSQL whatever the Temporal server):
//   6. analytics: N cases generated into the read model, indicators and ratings asked (monitoring.ts);
//      `--only analytics` runs this phase alone.
// Writes ops/bench/results/<timestamp>.json and .md; with --write-docs also the figures section of
// docs/benchmarks.md. A report, never a test: nothing here passes or fails on a number.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../embedded';
import { measureActions } from './actions';
import { ceilingBundle, measureCeiling } from './ceiling';
import { measureIntake } from './intake';
import { measureLatency } from './latency';
import { abort, prepareLoad } from './load';
import { diskSyncLatency, startPlatform, type Platform, type Topology } from './platform';
import { machine, temporalServerVersion, uptime, updateDocs, versions, writeReport, type BenchReport, type BenchSettings, type TopologyResults } from './report';
import { measureScale } from './scale';
import { measureTermBurst } from './term-burst';
import { measureAnalytics } from './monitoring';
import type { Load } from './load';

export const RESULTS_DIR = path.join(projectRoot, 'ops', 'bench', 'results');

export const PRESETS: Record<'smoke' | 'small' | 'full', Omit<BenchSettings, 'topologies'>> = {
  // For test/bench/smoke.test.ts: every code path, tiny numbers.
  smoke: {
    scale: 'smoke',
    citizens: 3,
    ceiling: { workflows: 20, concurrency: 5, warmup: 0 },
    intake: { concurrencies: [4], secondsPerStep: 30, maxPerStep: 20, warmup: 0 },
    latency: { seconds: 2, rateFraction: 0.5 },
    actions: { seconds: 2 },
    scaleTest: { appeals: 20, waitSeconds: 1, burstCases: 5, burstMinLeadSeconds: 2, burstTimeoutSeconds: 30, intakeSeconds: 2 },
    analytics: { cases: 2000, rounds: 2 },
  },
  small: {
    scale: 'small',
    citizens: 20,
    ceiling: { workflows: 300, concurrency: 16, warmup: 30 },
    intake: { concurrencies: [4, 16, 32], secondsPerStep: 15, warmup: 20 },
    latency: { seconds: 20, rateFraction: 0.5 },
    actions: { seconds: 15 },
    scaleTest: { appeals: 1000, waitSeconds: 60, burstCases: 100, burstMinLeadSeconds: 5, burstTimeoutSeconds: 120, intakeSeconds: 15 },
    termBurst: { appeals: 1000, timeoutSeconds: 300, digestTimeoutSeconds: 240 },
    analytics: { cases: 50_000, rounds: 20 },
  },
  full: {
    scale: 'full',
    citizens: 100,
    ceiling: { workflows: 1000, concurrency: 32, warmup: 100 },
    intake: { concurrencies: [4, 8, 16, 32, 64], secondsPerStep: 30, warmup: 50 },
    latency: { seconds: 60, rateFraction: 0.5 },
    actions: { seconds: 30 },
    scaleTest: { appeals: 100_000, waitSeconds: 60, burstCases: 1000, burstMinLeadSeconds: 10, burstTimeoutSeconds: 300, intakeSeconds: 30 },
    termBurst: { appeals: 10_000, timeoutSeconds: 600, digestTimeoutSeconds: 300 },
    analytics: { cases: 1_000_000, rounds: 30 },
  },
};

export interface RunOptions {
  resultsDir?: string;
  dataDir?: string;
  keepData?: boolean;
  /** CPU profiles of the worker and the API, per topology, in this folder (--profile). */
  profileDir?: string;
  writeDocs?: boolean;
  command?: string;
  notes?: string[];
  log?: (line: string) => void;
}

/** Every measurement on one topology's platform, into `out` as it goes (a failure keeps what was taken). */
async function measureTopology(
  topology: Topology, settings: BenchSettings, dataDir: string, opts: RunOptions, out: TopologyResults, log: (line: string) => void,
  bundle: ReturnType<typeof ceilingBundle> | undefined, report: BenchReport,
): Promise<void> {
  let platform: Platform | undefined;
  try {
    out.loadAverageAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
    platform = await startPlatform({ dataDir, topology, log, profileDir: opts.profileDir && path.join(opts.profileDir, topology) });
    out.startupSeconds = platform.startup;
    const load = await prepareLoad(platform.db, platform.apiUrl, { citizens: settings.citizens });
    out.versions = await versions(platform.db);
    if (topology === 'server') out.versions.temporalServer = temporalServerVersion();
    if (bundle) await measureCaseEngine(platform, load, settings, out, log, bundle);
    // Analytics read the read model only: measured once, on the embedded default's platform.
    if (topology === 'dev' && !abort.requested) report.results.analytics = await measureAnalytics(platform, settings.analytics, log);
  } finally {
    out.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
    await platform?.stop();
    // A platform that did not start keeps its folder: the logs there say why.
    if (platform && !opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Phases 1–5 on one topology: ceiling, intake, latency, case actions, scale, term burst. */
async function measureCaseEngine(
  platform: Platform, load: Load, settings: BenchSettings, out: TopologyResults, log: (line: string) => void, bundle: ReturnType<typeof ceilingBundle>,
): Promise<void> {
  out.ceiling = await measureCeiling(platform, settings.ceiling, log, bundle);
  log(`ceiling: ${out.ceiling.perSecond} workflows/s`);

  const intake = await measureIntake(platform, load, settings.intake, log);
  out.intake = { ...intake, ratioToCeiling: Math.round((intake.peakPerSecond / out.ceiling.perSecond) * 1000) / 1000 };

  const rate = Math.max(0.5, intake.peakPerSecond * settings.latency.rateFraction);
  out.latency = await measureLatency(platform, load, { rate, seconds: settings.latency.seconds }, log);
  out.actions = await measureActions(platform, load, { seconds: settings.actions.seconds, rateFraction: settings.latency.rateFraction, concurrency: intake.peakConcurrency }, log);

  out.scale = await measureScale(platform, load, {
    ...settings.scaleTest, concurrency: settings.scaleTest.concurrency ?? intake.peakConcurrency,
  }, intake.peakPerSecond, log);

  if (settings.termBurst && !abort.requested) {
    out.termBurst = await measureTermBurst(platform, load, {
      ...settings.termBurst, concurrency: settings.scaleTest.concurrency ?? intake.peakConcurrency,
    }, intake.peakPerSecond, log);
  }
}

export async function runBench(settings: BenchSettings, opts: RunOptions = {}): Promise<{ report: BenchReport; files: { json: string; md: string } }> {
  const t0 = Date.now();
  const log = opts.log ?? ((line: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${line}`));
  const dataDir = opts.dataDir ?? path.join(projectRoot, '.test-data', `bench-${process.pid}`);
  const report: BenchReport = {
    startedAt: new Date(t0).toISOString(),
    command: opts.command ?? 'runBench()',
    machine: { ...machine(), uptimeBefore: uptime() },
    versions: {},
    settings,
    startupSeconds: {},
    results: { analytics: { measured: false, reason: 'not measured: the run stopped before the analytics phase' } },
    notes: [...(opts.notes ?? []), ...(opts.profileDir ? ['The worker and the API ran under the V8 CPU profiler (--profile): slower than without it.'] : [])],
  };
  report.machine.diskSync = diskSyncLatency(path.dirname(dataDir));
  log(`load average ${report.machine.loadAverageAtStart.join(' ')}; fsync p50 ${report.machine.diskSync.p50Ms} ms; data in ${path.relative(projectRoot, dataDir)}`);
  // The machine is shared: the 1-minute load average every 15 s, to show how busy it was meanwhile.
  const loadSamples: number[] = [];
  const sampler = setInterval(() => loadSamples.push(os.loadavg()[0]), 15_000);
  sampler.unref();
  const bundle = settings.only === 'analytics' ? undefined : ceilingBundle();
  bundle?.catch(() => undefined); // awaited by measureCeiling; a failure there is reported there
  let failure: unknown;
  // --only analytics: the embedded default's platform alone, for its read model.
  for (const topology of settings.only === 'analytics' ? ['dev' as const] : settings.topologies) {
    if (abort.requested) break;
    // The embedded default's figures are the report's `results`; the real server's go beside them.
    const out: TopologyResults = topology === 'dev' ? report.results : (report.server = { topology, startupSeconds: {}, versions: {} });
    out.topology = topology;
    log(`=== topology: ${topology === 'dev' ? 'the embedded default (Temporal dev server on SQLite)' : 'a real Temporal server on PostgreSQL'} ===`);
    try {
      await measureTopology(topology, settings, `${dataDir}-${topology}`, opts, out, log, bundle, report);
      if (topology === 'dev') {
        report.startupSeconds = out.startupSeconds ?? {};
        report.versions = out.versions ?? {};
      }
    } catch (e) {
      failure ??= e;
      report.notes.push(`The ${topology} run failed: ${e instanceof Error ? e.message : String(e)}. Its figures above were taken before it.`);
    }
  }
  if (abort.requested) report.notes.push('Interrupted (Ctrl-C): the figures after the interruption are partial.');
  clearInterval(sampler);
  report.finishedAt = new Date().toISOString();
  report.durationSeconds = Math.round((Date.now() - t0) / 1000);
  report.machine.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  report.machine.uptimeAfter = uptime();
  if (loadSamples.length) {
    const r2 = (x: number) => Math.round(x * 100) / 100;
    report.machine.loadAverageDuring = {
      samples: loadSamples.length, min: r2(Math.min(...loadSamples)), mean: r2(loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length), max: r2(Math.max(...loadSamples)),
    };
  }
  const files = writeReport(report, opts.resultsDir ?? RESULTS_DIR);
  log(`report: ${path.relative(projectRoot, files.md)} and .json`);
  if (failure) throw failure;
  if (opts.writeDocs) {
    updateDocs(report);
    log('docs/benchmarks.md: figures section updated');
  }
  return { report, files };
}

const USAGE = `Usage: npm run bench -- [--scale small|full] [options]
  --scale small|full        presets: small = 1,000 open appeals (a few minutes), full = 100,000 (default small)
  --topology dev,server     which Temporal servers, side by side (default both): dev = the embedded default
                            (dev server on SQLite), server = a real Temporal server on PostgreSQL
  --action-seconds S        length of each case action's peak and of its run at half the peak
  --appeals N               open appeals of the scale phase
  --burst K                 cases whose terms are made due together (scale phase)
  --term-burst N            appeals of the term-burst phase, all due at one instant
  --term-burst-timeout S    how long after their instant to wait for all their workflows' overdue steps
                            (small 300, full 600)
  --concurrency 4,16,32     closed-loop concurrencies of the intake phase
  --scale-concurrency C     clients loading the scale phase (default: the intake peak's)
  --intake-seconds S        length of each intake step
  --latency-seconds S       length of the open-loop latency phase
  --max-load-minutes M      stop loading the scale phase after M minutes (reports how many got in)
  --wait-seconds S          quiet time before the second memory sample
  --ceiling-workflows N     minimal workflows of the ceiling
  --ceiling-concurrency C   their concurrent clients
  --citizens N              citizen accounts submitting
  --analytics-cases N       cases generated for the analytics phase (small 50,000, full 1,000,000)
  --only analytics          run the analytics phase alone
  --note TEXT               a note for the report (repeatable)
  --write-docs              put this run's figures into docs/benchmarks.md
  --keep-data               keep .test-data/bench-<pid>-<topology> afterwards
  --profile DIR             CPU profiles of the worker and the API into DIR/<topology>/<process>/ (they
                            slow them down: figures of such a run are not comparable); read them with
                            npx tsx ops/bench/profile-summary.ts DIR/dev/worker/*.cpuprofile
  --results-dir DIR         where the reports go (default ops/bench/results)`;

/** An argument as a shell takes it back: quoted when it has spaces or quotes (a --note, say). */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (!Number.isFinite(x) || x <= 0) throw new Error(`${flag} expects a positive number, got ${JSON.stringify(value)}`);
  return x;
}

export function settingsFromArgs(argv: string[]): { settings: BenchSettings; opts: RunOptions } {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: 'small' },
      topology: { type: 'string', default: 'dev,server' },
      'action-seconds': { type: 'string' },
      appeals: { type: 'string' },
      burst: { type: 'string' },
      'term-burst': { type: 'string' },
      'term-burst-timeout': { type: 'string' },
      concurrency: { type: 'string' },
      'scale-concurrency': { type: 'string' },
      'intake-seconds': { type: 'string' },
      'latency-seconds': { type: 'string' },
      'wait-seconds': { type: 'string' },
      'max-load-minutes': { type: 'string' },
      'ceiling-workflows': { type: 'string' },
      'ceiling-concurrency': { type: 'string' },
      citizens: { type: 'string' },
      'analytics-cases': { type: 'string' },
      only: { type: 'string' },
      note: { type: 'string', multiple: true },
      'write-docs': { type: 'boolean', default: false },
      'keep-data': { type: 'boolean', default: false },
      profile: { type: 'string' },
      'results-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!['small', 'full', 'smoke'].includes(values.scale!)) throw new Error(`--scale must be small or full, got ${values.scale}`);
  const topologies = values.topology!.split(',').map((t) => t.trim());
  if (topologies.length === 0 || topologies.some((t) => t !== 'dev' && t !== 'server')) throw new Error(`--topology expects dev, server or both, got ${values.topology}`);
  const s: BenchSettings = { ...structuredClone(PRESETS[values.scale as keyof typeof PRESETS]), topologies: topologies as Topology[] };
  const int = (v: string | undefined, flag: string) => {
    const x = positive(v, flag);
    return x === undefined ? undefined : Math.round(x);
  };
  s.scaleTest.appeals = int(values.appeals, '--appeals') ?? s.scaleTest.appeals;
  s.scaleTest.burstCases = int(values.burst, '--burst') ?? s.scaleTest.burstCases;
  const termBurst = int(values['term-burst'], '--term-burst');
  if (termBurst !== undefined) s.termBurst = { ...(s.termBurst ?? PRESETS.small.termBurst!), appeals: termBurst };
  const termBurstTimeout = int(values['term-burst-timeout'], '--term-burst-timeout');
  if (termBurstTimeout !== undefined && s.termBurst) s.termBurst.timeoutSeconds = termBurstTimeout;
  s.scaleTest.concurrency = int(values['scale-concurrency'], '--scale-concurrency') ?? s.scaleTest.concurrency;
  s.scaleTest.waitSeconds = positive(values['wait-seconds'], '--wait-seconds') ?? s.scaleTest.waitSeconds;
  const maxMinutes = positive(values['max-load-minutes'], '--max-load-minutes');
  if (maxMinutes !== undefined) s.scaleTest.maxLoadSeconds = Math.round(maxMinutes * 60);
  if (values.concurrency) s.intake.concurrencies = values.concurrency.split(',').map((c) => int(c, '--concurrency')!);
  s.intake.secondsPerStep = positive(values['intake-seconds'], '--intake-seconds') ?? s.intake.secondsPerStep;
  s.latency.seconds = positive(values['latency-seconds'], '--latency-seconds') ?? s.latency.seconds;
  s.actions.seconds = positive(values['action-seconds'], '--action-seconds') ?? s.actions.seconds;
  s.ceiling.workflows = int(values['ceiling-workflows'], '--ceiling-workflows') ?? s.ceiling.workflows;
  s.ceiling.concurrency = int(values['ceiling-concurrency'], '--ceiling-concurrency') ?? s.ceiling.concurrency;
  s.citizens = int(values.citizens, '--citizens') ?? s.citizens;
  s.analytics.cases = int(values['analytics-cases'], '--analytics-cases') ?? s.analytics.cases;
  if (values.only !== undefined && values.only !== 'analytics') throw new Error(`--only takes analytics, got ${values.only}`);
  if (values.only === 'analytics') s.only = 'analytics';
  return {
    settings: s,
    opts: {
      writeDocs: values['write-docs'],
      keepData: values['keep-data'],
      profileDir: values.profile ? path.resolve(values.profile) : undefined,
      resultsDir: values['results-dir'] ? path.resolve(values['results-dir']) : undefined,
      notes: values.note ?? [],
      command: ['npm run bench --', ...argv.map(shellWord)].join(' ').replace(/ --$/, ''),
    },
  };
}

if (require.main === module) {
  let parsed: ReturnType<typeof settingsFromArgs>;
  try {
    parsed = settingsFromArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const { settings, opts } = parsed;
  // Ctrl-C: the finally block of runBench stops the platform and removes the data folder.
  process.once('SIGINT', () => {
    console.error('interrupted: stopping the platform…');
    abort.requested = true;
  });
  // @temporalio/client's gRPC retries wait on timers that Connection.close() does not clear: a retry due
  // after a connection closed (a call in flight when the run was interrupted) throws from its timer, which
  // ended a run interrupted during the ceiling before it wrote its report. Only a closed channel can say so.
  process.on('uncaughtException', (e) => {
    if (e.message === 'Channel has been shut down') {
      console.error('a gRPC retry after its connection closed, ignored');
      return;
    }
    console.error(e.stack ?? e);
    process.exit(1);
  });
  runBench(settings, opts).then(
    () => process.exit(0),
    (e) => {
      console.error(e instanceof Error ? e.stack ?? e.message : e);
      process.exit(1);
    },
  );
}
