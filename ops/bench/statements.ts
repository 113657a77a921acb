// What one appeal costs PostgreSQL and the processes around Temporal: a probe, not a benchmark report.
// Starts the bench platform (ops/bench/platform.ts) with pg_stat_statements, submits appeals over HTTP
// with C clients, lets the outbox and the webhook fan-out settle, and prints every statement per appeal
// (calls and time, lock waits included), each process's CPU and the worker's threads' CPU.
//
//   npx tsx ops/bench/statements.ts [--appeals 600] [--concurrency 32] [--topology dev|server] [--profile DIR] [--compare]
//
// --profile DIR: V8 CPU profiles of the worker and the API (warm-up included) into DIR/<process>/, read by
// ops/bench/profile-summary.ts.
// --compare: first as many minimal and appeal-shaped workflows (the ceiling's, ops/bench/ceiling.ts, with
// its worker in this process), then the appeals, each with the CPU per item of every process: where an
// appeal's cost goes beyond Temporal's share of it.
//
// Figures compare only between runs back to back on the same machine (docs/benchmarks.md).
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from '@temporalio/worker';
import { connectTemporalWorker } from '../../domain/readiness';
import { ceilingBundle, minimalCall, shapedCall } from './ceiling';
import { closedLoop, prepareLoad, submitNext, type Submission } from './load';
import { cpuNow, cpuPercent, cpuUsed, startPlatform, threadCpuSeconds, type Platform, type Topology } from './platform';

/** A whole number ≥ 1 from an option, or a clear error. */
function count(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a whole number of at least 1, got ${value}`);
  return n;
}

/** n items by `concurrency` clients, and the CPU each process spent per item (ms); the worker's by thread. */
async function costPerItem(platform: Platform, label: string, concurrency: number, n: number, fire: () => Promise<Submission>): Promise<void> {
  const cpu0 = cpuNow(platform);
  const threads0 = threadCpuSeconds(platform.worker.pid);
  const t0 = Date.now();
  const run = await closedLoop(concurrency, { count: n }, fire);
  const seconds = (Date.now() - t0) / 1000;
  const used = Object.entries(cpuUsed(cpu0, cpuNow(platform)));
  const perItem = (cpuSeconds: number) => ((1000 * cpuSeconds) / run.ok).toFixed(1);
  const total = used.reduce((sum, [, v]) => sum + (v ?? 0), 0);
  const threads = [...threadCpuSeconds(platform.worker.pid)].map(([k, v]) => [k, v - (threads0.get(k) ?? 0)] as const).filter(([, v]) => v > 0.05);
  console.log(`${label}: ${run.ok} in ${seconds.toFixed(1)} s = ${(run.ok / seconds).toFixed(1)}/s, ${concurrency} clients (${run.errors} errors); load ${os.loadavg()[0].toFixed(2)}`);
  console.log(`  CPU ms per item: all ${perItem(total)}; ${used.map(([k, v]) => `${k} ${v === undefined ? '?' : perItem(v)}`).join(', ')}`);
  if (threads.length > 0) console.log(`  the worker's threads: ${threads.map(([k, v]) => `${k} ${perItem(v)}`).join(', ')}`);
}

/** --compare: minimal and appeal-shaped workflows, then as many appeals, CPU per item each ("bench" holds the first two's worker). */
async function compare(platform: Platform, concurrency: number, n: number, load: Awaited<ReturnType<typeof prepareLoad>>): Promise<void> {
  const taskQueue = `bench-statements-${process.pid}`;
  const connection = await connectTemporalWorker(platform.temporalAddress);
  try {
    const worker = await Worker.create({ connection, namespace: 'default', taskQueue, workflowBundle: await ceilingBundle() });
    await worker.runUntil(async () => {
      await closedLoop(16, { count: 100 }, minimalCall(platform, taskQueue)); // warm-up
      await closedLoop(16, { count: 100 }, shapedCall(platform, taskQueue));
      await costPerItem(platform, 'minimal workflows', 16, n, minimalCall(platform, taskQueue));
      await costPerItem(platform, 'appeal-shaped workflows', 16, n, shapedCall(platform, taskQueue));
    });
  } finally {
    await connection.close();
  }
  await costPerItem(platform, 'appeals (POST /appeals)', concurrency, n, () => submitNext(load));
}

async function main() {
  const { values } = parseArgs({ options: { appeals: { type: 'string' }, concurrency: { type: 'string' }, topology: { type: 'string' }, profile: { type: 'string' }, compare: { type: 'boolean' } } });
  const appeals = count(values.appeals, 600, '--appeals');
  const concurrency = count(values.concurrency, 32, '--concurrency');
  const topology = (values.topology ?? 'dev') as Topology;
  if (topology !== 'dev' && topology !== 'server') throw new Error(`--topology takes dev or server, got ${topology}`);
  const platform = await startPlatform({ dataDir: path.join(os.tmpdir(), 'otklik-statements'), topology, statementStatistics: true, log: (l) => console.log(l), profileDir: values.profile && path.resolve(values.profile) });
  try {
    await platform.db.raw('create extension if not exists pg_stat_statements');
    const load = await prepareLoad(platform.db, platform.apiUrl, { citizens: 20 });
    await closedLoop(4, { count: 20 }, () => submitNext(load)); // warm-up: bundles, caches, connections
    await new Promise((r) => setTimeout(r, 5000));
    if (values.compare) {
      await compare(platform, concurrency, appeals, load);
      await new Promise((r) => setTimeout(r, 5000));
    }
    await platform.db.raw('select pg_stat_statements_reset()');
    const cpu0 = cpuNow(platform);
    const threads0 = threadCpuSeconds(platform.worker.pid);
    const t0 = Date.now();
    const run = await closedLoop(concurrency, { count: appeals }, () => submitNext(load));
    const seconds = (Date.now() - t0) / 1000;
    const cpu = cpuPercent(cpu0, cpuNow(platform), seconds);
    const threads = threadCpuSeconds(platform.worker.pid);
    await new Promise((r) => setTimeout(r, 10_000)); // the outbox and the webhook fan-out catch up
    const { rows } = await platform.db.raw(`select calls, total_exec_time as ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) as query
      from pg_stat_statements where query not like '%pg_stat_statements%' and dbid = (select oid from pg_database where datname = current_database())
      order by calls desc, total_exec_time desc`);
    console.log(`\n${run.ok} appeals in ${seconds.toFixed(1)} s = ${(run.ok / seconds).toFixed(1)}/s with ${concurrency} clients (${run.errors} errors); load average ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
    console.log(`CPU, % of one core: ${Object.entries(cpu).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    const threadLine = [...threads].map(([k, v]) => [k, v - (threads0.get(k) ?? 0)] as const)
      .filter(([, v]) => v > 0.05).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${Math.round((100 * v) / seconds)}`);
    console.log(`worker threads, % of one core: ${threadLine.join(', ')}`);
    console.log('\ncalls/appeal  ms/appeal  statement');
    let calls = 0;
    let ms = 0;
    for (const r of rows as { calls: string; ms: number; query: string }[]) {
      calls += Number(r.calls);
      ms += Number(r.ms);
      console.log(`${(Number(r.calls) / run.ok).toFixed(2).padStart(12)} ${(Number(r.ms) / run.ok).toFixed(2).padStart(10)}  ${r.query}`);
    }
    console.log(`${(calls / run.ok).toFixed(1).padStart(12)} ${(ms / run.ok).toFixed(2).padStart(10)}  in all (foreign-key checks are statements of their own here)`);
  } finally {
    await platform.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
