// A real Temporal server (the production topology) on PostgreSQL, for the tests and the benchmark:
// the binaries built by ops/install-temporal-server.sh, its two databases (history and visibility) set
// up with its own SQL tool and schemas, a generated configuration with ports of our choosing, and the
// namespace and the platform's search attributes registered. The platform talks to it as to any
// cluster, through TEMPORAL_ADDRESS: nothing of the platform knows which server it has.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { msToTs } from '@temporalio/common/lib/time';
import { connectTemporalClient, untilAvailable } from '../domain/readiness';
import { SEARCH_ATTRIBUTES, INDEXED_VALUE_TYPE } from '../workflows/search-attributes';
import { projectRoot } from './embedded';
import { TASK_DISPATCH_SETTINGS } from './temporal-dispatch';

export const temporalServerDir = path.join(projectRoot, '.tools', 'temporal-server');
const serverBin = path.join(temporalServerDir, 'bin', 'temporal-server');
const sqlTool = path.join(temporalServerDir, 'bin', 'temporal-sql-tool');

/** Builds the pinned server and SQL tool when they are absent (ops/install-temporal-server.sh). */
export function ensureTemporalServerBinaries(): void {
  execFileSync('bash', [path.join(projectRoot, 'ops', 'install-temporal-server.sh')], { stdio: 'inherit' });
}

export interface TemporalServerOptions {
  /** A PostgreSQL URL whose user may create databases; the server's databases are made beside its own. */
  postgresUrl: string;
  /** Prefix of the server's two databases (`<prefix>` and `<prefix>_visibility`); a restart reuses them. */
  databasePrefix: string;
  /** Where the generated configuration and the log go. */
  dir: string;
  /** Ports: the frontend's gRPC port and 9 more for the other services (pickServerPorts). */
  ports: { frontend: number; others: number[] };
  /** History shards: fixed when the databases are made (4 for tests, more in production). */
  historyShards?: number;
  namespace?: string;
}

export interface TemporalServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

function sql(opts: TemporalServerOptions, database: string, ...args: string[]): void {
  const u = new URL(opts.postgresUrl);
  execFileSync(sqlTool, [
    '--plugin', 'postgres12', '--ep', u.hostname, '-p', u.port || '5432', '-u', decodeURIComponent(u.username),
    '-pw', decodeURIComponent(u.password), '--db', database, ...args,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates and migrates the server's databases; safe to repeat (update-schema applies only what is new). */
function setUpSchemas(opts: TemporalServerOptions): void {
  const schemaRoot = path.join(temporalServerDir, 'schema', 'postgresql', 'v12');
  for (const [database, schema] of [[opts.databasePrefix, 'temporal'], [`${opts.databasePrefix}_visibility`, 'visibility']]) {
    let created = true;
    try {
      sql(opts, database, 'create-database');
    } catch (e) {
      if (!/already exists/.test(String((e as { stderr?: Buffer }).stderr ?? e))) throw e;
      created = false;
    }
    if (created) sql(opts, database, 'setup-schema', '-v', '0.0');
    sql(opts, database, 'update-schema', '-d', path.join(schemaRoot, schema, 'versioned'));
  }
}

/** The server's configuration: PostgreSQL stores, every service on 127.0.0.1 at the given ports. */
function configuration(opts: TemporalServerOptions, dynamicConfigFile: string): Record<string, unknown> {
  const u = new URL(opts.postgresUrl);
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12', databaseName, connectAddr: `${u.hostname}:${u.port || '5432'}`, connectProtocol: 'tcp',
      user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), maxConns, maxIdleConns: maxConns, maxConnLifetime: '1h',
    },
  });
  const [history, matching, worker, fm, hm, mm, wm, http, pprof] = opts.ports.others;
  const service = (grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default', visibilityStore: 'visibility', numHistoryShards: opts.historyShards ?? 4,
      datastores: { default: store(opts.databasePrefix, 20), visibility: store(`${opts.databasePrefix}_visibility`, 4) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' }, pprof: { port: pprof } },
    services: {
      frontend: service(opts.ports.frontend, fm, { httpPort: http }),
      history: service(history, hm),
      matching: service(matching, mm),
      worker: service(worker, wm),
    },
    clusterMetadata: {
      enableGlobalNamespace: false, failoverVersionIncrement: 10, masterClusterName: 'active', currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${opts.ports.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Dynamic settings: search attributes added at start are seen at once (the platform adds its own), the
 * multi-operation API (update-with-start) is on, and tasks reach the workers without waiting for a poll
 * slot (ops/temporal-dispatch.ts).
 */
const DYNAMIC_CONFIG = {
  'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true }],
  'frontend.enableUpdateWorkflowExecution': [{ value: true }],
  'frontend.enableExecuteMultiOperation': [{ value: true }],
  ...Object.fromEntries(Object.entries(TASK_DISPATCH_SETTINGS).map(([key, value]) => [key, [{ value }]])),
};

/** Registers the namespace (one day of retention) and the platform's search attributes, when missing. */
async function registerNamespace(address: string, namespace: string): Promise<void> {
  const connection = await connectTemporalClient(address, { waitSeconds: 120 });
  try {
    const known = await connection.workflowService.describeNamespace({ namespace }).then(() => true, () => false);
    if (!known) {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    }
    // A new namespace reaches the frontend's cache some seconds after it is registered.
    const existing = await untilAvailable(`namespace ${namespace} on ${address}`,
      () => connection.operatorService.listSearchAttributes({ namespace }), { waitSeconds: 60, log: () => undefined });
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !(name in (existing.customAttributes ?? {})));
    if (missing.length > 0) {
      await connection.operatorService.addSearchAttributes({
        namespace, searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_VALUE_TYPE[type]])),
      });
    }
  } finally {
    await connection.close();
  }
}

/** Sets up (or reuses) the server's databases, starts it, and resolves once its namespace is ready. */
export async function startTemporalServer(opts: TemporalServerOptions): Promise<TemporalServer> {
  ensureTemporalServerBinaries();
  fs.mkdirSync(path.join(opts.dir, 'config'), { recursive: true });
  setUpSchemas(opts);
  const { stringify } = await import('yaml');
  const dynamicConfigFile = path.join(opts.dir, 'dynamicconfig.yaml');
  fs.writeFileSync(dynamicConfigFile, stringify(DYNAMIC_CONFIG));
  fs.writeFileSync(path.join(opts.dir, 'config', 'otklik.yaml'), stringify(configuration(opts, dynamicConfigFile)));
  const log = fs.openSync(path.join(opts.dir, 'temporal-server.log'), 'a');
  const child = spawn(serverBin, ['--root', opts.dir, '--config', 'config', '--env', 'otklik', '--allow-no-auth', 'start'], {
    cwd: opts.dir, stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let exited = false;
  // However this process ends (but SIGKILL), the server must not outlive it holding its ports.
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.on('exit', killOnExit);
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; process.off('exit', killOnExit); resolve(); }));
  const address = `127.0.0.1:${opts.ports.frontend}`;
  try {
    await Promise.race([
      registerNamespace(address, opts.namespace ?? 'default'),
      exit.then(() => { throw new Error(`the Temporal server exited while starting; see ${path.join(opts.dir, 'temporal-server.log')}`); }),
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    address,
    process: child,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * Ten free ports for one server. The server stores membership ports in a smallint column, so all are
 * taken below 32768 (the kernel's own choice of a free port is above it).
 */
export async function pickServerPorts(): Promise<TemporalServerOptions['ports']> {
  const ports: number[] = [];
  while (ports.length < 10) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!ports.includes(port) && (await portIsFree(port))) ports.push(port);
  }
  return { frontend: ports[0], others: ports.slice(1) };
}
