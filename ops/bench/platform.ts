// The platform as `npm start` composes it, on a throwaway data folder and free ports, for the benchmarks:
// embedded PostgreSQL (migrated, seeded), a Temporal server, the worker and the API as child processes
// (so their memory and CPU can be read from /proc), and a Temporal client and a database pool for the
// benchmark itself. Everything listens on 127.0.0.1 only. Two topologies: 'dev', the embedded default
// (the Temporal dev server on a SQLite file), and 'server', the production one (a real Temporal server,
// ops/temporal-server.ts, with its databases on the same PostgreSQL).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { connectTemporalClient } from '../../domain/readiness';
import { workerHeapMiB as workerHeapFromEnv } from '../../domain/config';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { connect, migrateLatest, type Db } from '../../db/connection';
import { loadSeeds } from '../../db/seed';
import { projectRoot, startEmbeddedPostgres, startTemporalDevServer, waitForPort, type EmbeddedPostgresService, type TemporalDevServer } from '../embedded';
import { ServiceStack } from '../service-stack';
import { pickServerPorts, startTemporalServer } from '../temporal-server';

export type Topology = 'dev' | 'server';

/** The Temporal database names of the 'server' topology, beside the platform's own on the same PostgreSQL. */
const SERVER_DATABASE_PREFIX = 'temporal';

export const APPEAL_TASK_QUEUE = 'otklik';

export interface ChildService {
  name: string;
  process: ChildProcess;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface Platform {
  dataDir: string;
  databaseUrl: string;
  temporalAddress: string;
  apiUrl: string;
  /** Pool of the benchmark process: users, tokens and read-model checks. */
  db: Db;
  /** Client of the benchmark process: the ceiling workflows, task-queue checks. */
  temporal: Client;
  worker: ChildService;
  api: ChildService;
  topology: Topology;
  temporalServer: { address: string; process: ChildProcess };
  /** Size of the Temporal server's store: the dev server's SQLite files, or the real server's two databases. */
  temporalStoreMiB(): Promise<number>;
  /** The worker's Prometheus metrics (OTKLIK_WORKER_METRICS_ADDRESS), as text; undefined when unreadable. */
  workerMetrics(): Promise<string | undefined>;
  /** The postmaster's pid (its children are the backends). */
  postgresPid(): number | undefined;
  /** Seconds each part took to start, for the report. */
  startup: Record<string, number>;
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The Temporal SDK runtime of this process logs warnings only; the test suite may have installed one already. */
export function quietTemporalRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
  } catch {
    // Installed before (e.g. by test/support/temporal.ts): keep that one.
  }
}

/** The worker's V8 heap limit as `npm run worker` sets it, read and checked by the config's own parser: the benchmark's worker runs with it too. */
export function workerHeapMiB(): number {
  const problems: string[] = [];
  const mib = workerHeapFromEnv(process.env, problems);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return mib;
}

/** Starts a TypeScript entry point as its own node process (no tsx wrapper process: the pid is the program). */
function spawnTs(name: string, entry: string, env: Record<string, string>, logFile: string, profileDir?: string, nodeFlags: string[] = []): ChildService {
  const out = fs.openSync(logFile, 'a');
  // --profile: V8 writes the process's CPU profile there when it exits (ops/bench/profile-summary.ts reads it).
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(profileDir, name)] : [];
  const child = spawn(process.execPath, [...profile, ...nodeFlags, '--import', 'tsx', entry], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  let exited = false;
  child.once('exit', () => { exited = true; });
  return {
    name,
    process: child,
    pid: child.pid!,
    logFile,
    stop: () => new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 15_000).unref();
    }),
  };
}

/** Fails fast with the child's log when it dies during start. */
function failOnExit(child: ChildService): Promise<never> {
  return new Promise((_, reject) => {
    child.process.once('exit', (code, signal) => {
      const tail = fs.existsSync(child.logFile) ? fs.readFileSync(child.logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
      reject(new Error(`${child.name} exited during start (${signal ?? code}); ${child.logFile}:\n${tail}`));
    });
  });
}

/** Waits until workflow and activity pollers of the worker are on the task queue. */
export async function waitForPollers(temporal: Client, taskQueue: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // 1 = TASK_QUEUE_TYPE_WORKFLOW, 2 = TASK_QUEUE_TYPE_ACTIVITY (temporal.api.enums.v1.TaskQueueType)
  for (;;) {
    const counts = await Promise.all([1, 2].map(async (taskQueueType) => {
      const r = await temporal.workflowService.describeTaskQueue({ namespace: temporal.options.namespace, taskQueue: { name: taskQueue }, taskQueueType });
      return r.pollers?.length ?? 0;
    }));
    if (counts.every((n) => n > 0)) return;
    if (Date.now() > deadline) throw new Error(`no worker polls task queue ${taskQueue} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Seconds each part took to start, and the function that measures one part into it. */
type Timed = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

function timerInto(startup: Record<string, number>): Timed {
  return async (name, fn) => {
    const t0 = Date.now();
    const result = await fn();
    startup[name] = (Date.now() - t0) / 1000;
    return result;
  };
}

type PgOptions = Parameters<typeof startEmbeddedPostgres>[2];

/** Embedded PostgreSQL, then a real Temporal server with its databases on it; stopped in reverse order. */
async function startWithRealServer(
  dataDir: string,
  ports: { pg: number },
  stops: ServiceStack,
  timed: Timed,
  pgOptions: PgOptions,
): Promise<{ pg: EmbeddedPostgresService; temporalServer: { address: string; process: ChildProcess } }> {
  const pg = await timed('postgres', () => startEmbeddedPostgres(path.join(dataDir, 'pg'), ports.pg, pgOptions));
  stops.push('PostgreSQL', () => pg.stop());
  const temporalServer = await timed('temporalServer', async () => startTemporalServer({
    postgresUrl: pg.url, databasePrefix: SERVER_DATABASE_PREFIX, dir: path.join(dataDir, 'temporal-server'), ports: await pickServerPorts(),
  }));
  stops.push('the Temporal server', () => temporalServer.stop());
  return { pg, temporalServer };
}

/** Embedded PostgreSQL and the Temporal dev server, started side by side; both stopped together. */
async function startServers(
  dataDir: string,
  ports: { pg: number; temporal: number; ui: number },
  stops: ServiceStack,
  timed: Timed,
  pgOptions: PgOptions,
): Promise<{ pg: EmbeddedPostgresService; temporalServer: TemporalDevServer }> {
  const [pgStart, temporalStart] = await Promise.allSettled([
    timed('postgres', () => startEmbeddedPostgres(path.join(dataDir, 'pg'), ports.pg, pgOptions)),
    timed('temporalServer', () => startTemporalDevServer({
      dbFile: path.join(dataDir, 'temporal.db'), port: ports.temporal, uiPort: ports.ui, logFile: path.join(dataDir, 'temporal.log'),
    })),
  ]);
  stops.push('PostgreSQL and the Temporal dev server', async () => {
    await Promise.all([pgStart, temporalStart].map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
  });
  if (pgStart.status === 'rejected') throw pgStart.reason;
  if (temporalStart.status === 'rejected') throw temporalStart.reason;
  return { pg: pgStart.value, temporalServer: temporalStart.value };
}

/** The worker and the API as child processes, once the worker polls and the API listens. */
async function startChildren(
  dataDir: string,
  env: Record<string, string>,
  apiPort: number,
  temporal: Client,
  stops: ServiceStack,
  timed: Timed,
  profileDir?: string,
): Promise<{ worker: ChildService; api: ChildService }> {
  const worker = spawnTs('worker', 'ops/worker.ts', env, path.join(dataDir, 'worker.log'), profileDir, [`--max-old-space-size=${workerHeapMiB()}`]);
  const api = spawnTs('api', 'ops/bench/api-server.ts', { ...env, PORT: String(apiPort) }, path.join(dataDir, 'api.log'), profileDir);
  stops.push('worker and API', async () => { await Promise.all([api.stop(), worker.stop()]); });
  await Promise.race([
    Promise.all([
      timed('worker', () => waitForPollers(temporal, APPEAL_TASK_QUEUE)),
      timed('api', () => waitForPort(apiPort, '127.0.0.1', 120_000)),
    ]),
    failOnExit(worker),
    failOnExit(api),
  ]);
  return { worker, api };
}

/** The postmaster's pid, read from its pid file when asked (undefined once it is gone). */
function postmasterPid(dataDir: string): () => number | undefined {
  const postmasterPidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  return () => {
    try {
      return Number(fs.readFileSync(postmasterPidFile, 'utf8').split('\n')[0]) || undefined;
    } catch {
      return undefined;
    }
  };
}

/** The Temporal store's size: SQLite files of the dev server, or the real server's databases. */
function temporalStore(topology: Topology, dataDir: string, db: Db): () => Promise<number> {
  if (topology === 'dev') return async () => filesMiB(path.join(dataDir, 'temporal.db'));
  return async () => {
    const { rows } = await db.raw('select coalesce(sum(pg_database_size(datname)), 0)::bigint as size from pg_database where datname in (?, ?)',
      [SERVER_DATABASE_PREFIX, `${SERVER_DATABASE_PREFIX}_visibility`]);
    return Number(rows[0].size) / 1024 / 1024;
  };
}

/** Reads the worker's Prometheus endpoint. */
function metricsReader(address: string): () => Promise<string | undefined> {
  return async () => {
    try {
      const res = await fetch(`http://${address}/metrics`);
      return res.ok ? await res.text() : undefined;
    } catch {
      return undefined;
    }
  };
}

export async function startPlatform(opts: {
  dataDir: string; topology?: Topology; log?: (line: string) => void;
  /** Where the worker's and the API's CPU profiles go (a folder each), when profiling. */
  profileDir?: string;
  /** PostgreSQL with pg_stat_statements (ops/bench/statements.ts). */
  statementStatistics?: boolean;
}): Promise<Platform> {
  const topology = opts.topology ?? 'dev';
  const log = opts.log ?? (() => undefined);
  const dataDir = path.resolve(opts.dataDir);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const startup: Record<string, number> = {};
  const timed = timerInto(startup);
  const stops = new ServiceStack(log);
  try {
    quietTemporalRuntime();
    const [pgPort, temporalPort, uiPort, apiPort, metricsPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    log(`starting PostgreSQL (:${pgPort}) and ${topology === 'dev' ? `the Temporal dev server (:${temporalPort})` : 'a real Temporal server on it'} in ${path.relative(projectRoot, dataDir)}`);
    const pgOptions = { statementStatistics: opts.statementStatistics };
    const { pg, temporalServer } = topology === 'dev'
      ? await startServers(dataDir, { pg: pgPort, temporal: temporalPort, ui: uiPort }, stops, timed, pgOptions)
      : await startWithRealServer(dataDir, { pg: pgPort }, stops, timed, pgOptions);

    const db = connect(pg.localUrl);
    stops.push('database pool', () => db.destroy());
    await timed('migrateAndSeed', async () => {
      await migrateLatest(db);
      await loadSeeds(db);
    });

    const connection = await connectTemporalClient(temporalServer.address);
    stops.push('Temporal client', () => connection.close());
    const temporal = new Client({ connection, namespace: 'default' });

    const metricsAddress = `127.0.0.1:${metricsPort}`;
    // The worker runs with the defaults of `npm run worker` (its workflow cache too), plus its metrics.
    const env = {
      DATABASE_URL: pg.localUrl, TEMPORAL_ADDRESS: temporalServer.address, TEMPORAL_TASK_QUEUE: APPEAL_TASK_QUEUE, LOG_LEVEL: 'warn',
      OTKLIK_WORKER_METRICS_ADDRESS: metricsAddress,
    };
    log('starting the worker (ops/worker.ts) and the API as child processes');
    const { worker, api } = await startChildren(dataDir, env, apiPort, temporal, stops, timed, opts.profileDir);
    return {
      dataDir,
      databaseUrl: pg.localUrl,
      temporalAddress: temporalServer.address,
      apiUrl: `http://127.0.0.1:${apiPort}`,
      db,
      temporal,
      worker,
      api,
      topology,
      temporalServer,
      temporalStoreMiB: temporalStore(topology, dataDir, db),
      workerMetrics: metricsReader(metricsAddress),
      postgresPid: postmasterPid(dataDir),
      startup,
      stop: () => stops.stopAll(),
    };
  } catch (e) {
    await stops.stopAll();
    throw e;
  }
}

/**
 * Latency of a 4 KiB write followed by fsync in `dir`, the cost every commit of PostgreSQL and of the
 * Temporal dev server's SQLite file pays: on the embedded default it bounds the rates measured here.
 */
export function diskSyncLatency(dir: string, writes = 100): { writes: number; p50Ms: number; p99Ms: number } {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `fsync-probe-${process.pid}`);
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const samples: number[] = [];
  try {
    for (let i = 0; i < writes; i++) {
      const t0 = performance.now();
      fs.writeSync(fd, block, 0, block.length, i * block.length);
      fs.fsyncSync(fd);
      samples.push(performance.now() - t0);
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) => Math.round(samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)] * 100) / 100;
  return { writes, p50Ms: at(50), p99Ms: at(99) };
}

// ---- process figures from /proc (Linux) ----

function procStatus(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Resident set size of one process, in MiB (VmRSS). */
export function rssMiB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  const m = /^VmRSS:\s+(\d+) kB/m.exec(procStatus(pid) ?? '');
  return m ? Number(m[1]) / 1024 : undefined;
}

/** CPU seconds (user + system, and with `reapedChildren` its waited-for children's) from a /proc stat line. */
function statCpuSeconds(stat: string, reapedChildren = false): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  // after "pid (comm) ": state is field 3; utime 14, stime 15, cutime 16, cstime 17 → indexes 11 to 14
  const ticks = fields[11] + fields[12] + (reapedChildren ? fields[13] + fields[14] : 0);
  return ticks / 100; // USER_HZ is 100 on Linux
}

/**
 * CPU seconds (user + system) a process has used so far; with `reapedChildren`, plus those of its
 * children that have exited and been waited for (a PostgreSQL backend's time moves there when it ends).
 */
export function cpuSeconds(pid: number | undefined, reapedChildren = false): number | undefined {
  if (!pid) return undefined;
  try {
    return statCpuSeconds(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'), reapedChildren);
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds so far of each thread of a process, by thread name (several of a name summed; Node names
 * its own threads "node", so the main thread is told apart as "node (main)").
 */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const key = tid === String(pid) ? `${name} (main)` : name;
      byName.set(key, (byName.get(key) ?? 0) + statCpuSeconds(stat));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byName;
}

/** A process and its direct children (PostgreSQL: the postmaster and its backends). */
export function processTree(pid: number | undefined): number[] {
  if (!pid) return [];
  const pids = [pid];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Total size of the files whose names start with `base` (SQLite: the database, its -wal and -shm). */
export function filesMiB(base: string): number {
  const dir = path.dirname(base);
  const prefix = path.basename(base);
  let bytes = 0;
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (f.startsWith(prefix)) bytes += fs.statSync(path.join(dir, f)).size;
  }
  return bytes / 1024 / 1024;
}

export type CpuPercent = { worker?: number; temporalServer?: number; api?: number; postgres?: number; bench?: number };

/** CPU seconds used so far by each part (PostgreSQL: the postmaster, its live and its ended backends). */
export function cpuNow(platform: Platform): Record<keyof CpuPercent, number | undefined> {
  const postmaster = platform.postgresPid();
  const backends = processTree(postmaster).filter((pid) => pid !== postmaster).map((pid) => cpuSeconds(pid) ?? 0);
  const pgOwn = cpuSeconds(postmaster, true);
  return {
    worker: cpuSeconds(platform.worker.pid),
    temporalServer: cpuSeconds(platform.temporalServer.process.pid),
    api: cpuSeconds(platform.api.pid),
    postgres: pgOwn === undefined ? undefined : backends.reduce((a, b) => a + b, pgOwn),
    bench: cpuSeconds(process.pid),
  };
}

/** CPU seconds each part used between two readings (undefined: not read both times). */
export function cpuUsed(before: ReturnType<typeof cpuNow>, after: ReturnType<typeof cpuNow>): Partial<Record<keyof CpuPercent, number>> {
  return Object.fromEntries(Object.keys(before).map((k) => {
    const a = before[k as keyof CpuPercent];
    const b = after[k as keyof CpuPercent];
    return [k, a === undefined || b === undefined ? undefined : b - a];
  }));
}

/** CPU used between two readings, in % of one core. */
export function cpuPercent(before: ReturnType<typeof cpuNow>, after: ReturnType<typeof cpuNow>, seconds: number): CpuPercent {
  return Object.fromEntries(Object.entries(cpuUsed(before, after))
    .map(([k, used]) => [k, used === undefined ? undefined : Math.round((used / seconds) * 10000) / 100]));
}
