// What one appeal costs PostgreSQL and the processes around Temporal: a probe, not a benchmark report.
// Starts the bench platform (ops/bench/platform.ts) with pg_stat_statements, submits appeals over HTTP
// with C clients, lets the outbox and the webhook fan-out settle, and prints every statement per appeal
// (calls and time, lock waits included), each process's CPU and the worker's threads' CPU.
//
//   npx tsx ops/bench/statements.ts [--appeals 600] [--concurrency 32] [--topology dev|server]
//
// Figures compare only between runs back to back on the same machine (docs/benchmarks.md).
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { closedLoop, prepareLoad, submitNext } from './load';
import { cpuNow, cpuPercent, startPlatform, threadCpuSeconds, type Topology } from './platform';

/** A whole number ≥ 1 from an option, or a clear error. */
function count(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a whole number of at least 1, got ${value}`);
  return n;
}

async function main() {
  const { values } = parseArgs({ options: { appeals: { type: 'string' }, concurrency: { type: 'string' }, topology: { type: 'string' } } });
  const appeals = count(values.appeals, 600, '--appeals');
  const concurrency = count(values.concurrency, 32, '--concurrency');
  const topology = (values.topology ?? 'dev') as Topology;
  if (topology !== 'dev' && topology !== 'server') throw new Error(`--topology takes dev or server, got ${topology}`);
  const platform = await startPlatform({ dataDir: path.join(os.tmpdir(), 'otklik-statements'), topology, statementStatistics: true, log: (l) => console.log(l) });
  try {
    await platform.db.raw('create extension if not exists pg_stat_statements');
    const load = await prepareLoad(platform.db, platform.apiUrl, { citizens: 20 });
    await closedLoop(4, { count: 20 }, () => submitNext(load)); // warm-up: bundles, caches, connections
    await new Promise((r) => setTimeout(r, 5000));
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
