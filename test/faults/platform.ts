// The whole platform for the fault tests, every part of it restartable: an embedded PostgreSQL and a
// Temporal server (the dev server on a SQLite file, or a real server on a PostgreSQL of its own in the
// production topology), both owned by this test run (they are stopped and started again),
// the worker and the API as child processes (killed with SIGKILL and started again), an SMTP sink
// that records every mail the outbox delivers, and an HTTP double of the social networks' APIs that the
// official pages' connectors post to (test/support/network-double.ts).
//
// One platform serves all files of test/faults (started by the first that needs it, stopped at the end
// of the run): starting PostgreSQL, Temporal and a worker that bundles the workflows takes a while, and
// each test only asserts on the cases it made itself, plus invariants that hold for every case.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { connectTemporalClient } from '../../domain/readiness';
import knexFactory from 'knex';
import { createUserWithToken } from '../../domain/identity/users';
import { migrateLatest, type Db } from '../../db/connection';
import {
  projectRoot, startEmbeddedPostgres, startTemporalDevServer, type EmbeddedPostgresService,
} from '../../ops/embedded';
import { pickServerPorts, startTemporalServer } from '../../ops/temporal-server';
import { testTopology } from '../support/temporal';
import { stateQuery, type AppealState } from '../../workflows/appeal/messages';
import { CAT, ORG, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freePort } from '../support/ports';
import { apiProcess, startApi, startWorker, workerProcess, type PlatformProcess } from '../support/processes';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import { doubleEnv, startNetworkDouble, type NetworkDouble } from '../support/network-double';

export interface Tokens {
  citizens: { token: string; email: string; name: string }[];
  operator: string;
  supervisor: string;
}

export interface FaultPlatform {
  dir: string;
  taskQueue: string;
  db: Db;
  client: Client;
  smtp: SmtpSink;
  networks: NetworkDouble;
  worker: PlatformProcess;
  api: PlatformProcess;
  apiUrl: string;
  tokens: Tokens;
  temporalAddress: string;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  /** Starts the worker (and waits for it to poll). */
  startWorker(): Promise<void>;
  startApi(): Promise<void>;
  /** Starts whatever an earlier test left stopped, so that each test begins with the whole platform up. */
  ensureRunning(): Promise<void>;
  close(): Promise<void>;
}

let shared: Promise<FaultPlatform> | undefined;

/** The platform of this run, started on first use, with every part running. */
/**
 * How the platform's Temporal server starts (and starts again after a fault): the dev server on a SQLite
 * file, or in the production topology (testTopology) a real server on a PostgreSQL of its own, apart
 * from the platform's database so that the PostgreSQL fault stays a fault of the read model.
 */
async function temporalStarter(dir: string, port: number, uiPort: number, cleanups: (() => Promise<void>)[]): Promise<() => Promise<{ address: string; stop(): Promise<void> }>> {
  if (testTopology() === 'dev') {
    return () => startTemporalDevServer({ dbFile: path.join(dir, 'temporal.db'), port, uiPort, logFile: path.join(dir, 'temporal.log') });
  }
  const serverPg = await startEmbeddedPostgres(path.join(dir, 'temporal-pg'), await freePort());
  cleanups.push(() => serverPg.stop());
  const ports = await pickServerPorts();
  return () => startTemporalServer({ postgresUrl: serverPg.url, databasePrefix: 'temporal', dir: path.join(dir, 'temporal-server'), ports });
}

export async function faultPlatform(): Promise<FaultPlatform> {
  shared ??= startPlatform();
  const p = await shared;
  await p.ensureRunning();
  return p;
}

// Stopped once every file of the run is done (a root-level hook, registered when a file imports this).
after(async function () {
  this.timeout(60_000);
  if (!shared) return;
  const p = shared;
  shared = undefined;
  await (await p.catch(() => undefined))?.close();
});

async function startPlatform(): Promise<FaultPlatform> {
  const dir = path.join(projectRoot, '.test-data', `faults-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (e) {
        console.error(`faults platform: ${(e as Error).message}`);
      }
    }
    if (!process.env.KEEP_FAULT_DATA) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [pgPort, temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const pgDir = path.join(dir, 'pg');
    let pg: EmbeddedPostgresService | undefined = await startEmbeddedPostgres(pgDir, pgPort);
    cleanups.push(async () => { await pg?.stop(); pg = undefined; });
    const dbUrl = pg.url;
    // This process's own pool: the broken connections of a PostgreSQL restart are expected, not news.
    const db = knexFactory({
      client: 'pg', connection: dbUrl, pool: { min: 0, max: 5 },
      log: { warn: (m: string) => { if (!/^Connection Error/.test(String(m))) console.warn(m); } },
    });
    cleanups.push(() => db.destroy());
    await migrateLatest(db);
    await createTestRegion(db);
    const citizens = [];
    for (const [i, name] of ['Анна Смирнова', 'Иван Петров', 'Ольга Сидорова'].entries()) {
      const email = `citizen${i + 1}@example.org`;
      citizens.push({ token: (await createUserWithToken(db, { role: 'citizen', name, email })).token, email, name });
    }
    const tokens: Tokens = {
      citizens,
      operator: (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минздрава', email: 'operator@example.org', organisationId: ORG.ministry })).token,
      supervisor: (await createUserWithToken(db, { role: 'supervisor', name: 'ЦУР', email: 'cur@example.org', regionId: TEST_REGION })).token,
    };

    const startDevServer = await temporalStarter(dir, temporalPort, uiPort, cleanups);
    let temporal: { address: string; stop(): Promise<void> } | undefined = await startDevServer();
    cleanups.push(async () => { await temporal?.stop(); temporal = undefined; });
    const connection = await connectTemporalClient(temporal.address);
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });

    const smtp = await startSmtpSink();
    cleanups.push(() => smtp.close());
    const networks = await startNetworkDouble();
    cleanups.push(() => networks.close());

    const taskQueue = `faults-${process.pid}`;
    const env = {
      DATABASE_URL: dbUrl, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: taskQueue, TEMPORAL_NAMESPACE: 'default',
      SMTP_URL: smtp.url, LOG_LEVEL: 'warn',
      // The clients here repeat requests by design; the API's submission rate limits would refuse them.
      OTKLIK_RATE_LIMIT_PER_USER: '0', OTKLIK_RATE_LIMIT_PER_IP: '0',
      // Publications: the networks' double, and a short call timeout and back-off, so that a killed
      // worker's attempt is retried within seconds.
      ...doubleEnv(networks), OTKLIK_PAGES_TIMEOUT: '2s', OTKLIK_PAGES_RETRY_INITIAL: '300ms', OTKLIK_PAGES_RETRY_MAX: '1s',
    };
    const worker = workerProcess(env, path.join(dir, 'worker.log'));
    cleanups.push(() => worker.kill9());
    const api = apiProcess({ ...env, PORT: String(apiPort) }, path.join(dir, 'api.log'));
    cleanups.push(() => api.kill9());
    await startWorker(worker, client);
    await startApi(api);

    const platform: FaultPlatform = {
      dir, taskQueue, db, client, smtp, networks, worker, api, tokens,
      apiUrl: `http://127.0.0.1:${apiPort}`,
      temporalAddress: temporal.address,
      async stopPostgres() {
        await pg?.stop();
        pg = undefined;
      },
      async startPostgres() {
        if (!pg) pg = await startEmbeddedPostgres(pgDir, pgPort);
      },
      async stopTemporal() {
        await temporal?.stop();
        temporal = undefined;
      },
      async startTemporal() {
        if (!temporal) temporal = await startDevServer();
      },
      startWorker: () => startWorker(worker, client),
      startApi: () => startApi(api),
      async ensureRunning() {
        await platform.startPostgres();
        await platform.startTemporal();
        if (!worker.running) await platform.startWorker();
        if (!api.running) await platform.startApi();
      },
      close,
    };
    return platform;
  } catch (e) {
    await close();
    throw e;
  }
}

// ---- HTTP ------------------------------------------------------------------------------------------

export interface HttpResult {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export async function http(
  p: FaultPlatform,
  method: string,
  urlPath: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(p.apiUrl + urlPath, {
    method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 90_000),
  });
  const text = await res.text();
  const body = /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : undefined;
  return { status: res.status, body, text, headers: res.headers };
}

/** One attempt of a request as a client sees it: a response, or a broken connection. */
export type Attempt = { kind: 'response'; status: number; problemType?: string; contentType: string } | { kind: 'network'; error: string };

/**
 * Sends a request until it gets a final answer (2xx or 4xx), repeating it, with the same headers (so the
 * same Idempotency-Key), after a 5xx or a broken connection. Every attempt is recorded.
 */
export async function untilAnswered(
  p: FaultPlatform,
  method: string,
  urlPath: string,
  opts: { token: string; body?: unknown; headers?: Record<string, string>; deadline: number; pauseMs?: number },
): Promise<{ result: HttpResult; attempts: Attempt[] }> {
  const attempts: Attempt[] = [];
  for (;;) {
    try {
      const r = await http(p, method, urlPath, { ...opts, timeoutMs: Math.max(1000, opts.deadline - Date.now()) });
      attempts.push({ kind: 'response', status: r.status, problemType: r.body?.type, contentType: r.headers.get('content-type') ?? '' });
      if (r.status < 500) return { result: r, attempts };
    } catch (e) {
      attempts.push({ kind: 'network', error: String((e as Error).cause ?? (e as Error).message) });
    }
    if (Date.now() > opts.deadline) {
      throw new Error(`${method} ${urlPath}: no final answer before the deadline; attempts: ${JSON.stringify(attempts)}`);
    }
    await sleep(opts.pauseMs ?? 500);
  }
}

// ---- cases -----------------------------------------------------------------------------------------

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A submission routed to the ministry (accelerated, 10 days) from one of the test citizens. */
export function appealBody(citizen: Tokens['citizens'][number], text: string) {
  return {
    kind: 'appeal', regionId: TEST_REGION, subcategoryId: CAT.ambulance, text,
    applicant: { name: citizen.name, email: citizen.email, postalAddress: 'Село Тестовое, ул. Ленина, 1' },
  };
}

/**
 * Polls `check` until it returns true, or fails with `what` and what `describe` gives. When `work` (the
 * load the test is running) fails meanwhile, fails at once with its error.
 */
export async function eventually(
  what: string, check: () => Promise<boolean>, timeoutMs: number, describe?: () => Promise<unknown>, work?: Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let failed: { error: unknown } | undefined;
  work?.catch((error) => { failed = { error }; });
  let lastError: unknown;
  for (;;) {
    if (failed) throw failed.error;
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const detail = describe ? await describe().catch((e) => `(describe failed: ${e})`) : lastError;
      throw new Error(`${what}: not reached within ${timeoutMs} ms; ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
    }
    await sleep(300);
  }
}

export async function workflowState(p: FaultPlatform, caseId: string): Promise<AppealState> {
  return p.client.workflow.getHandle(caseId).query(stateQuery);
}

/**
 * The invariants of the read model for these cases, checked against each workflow: the read model has
 * caught up (cases.last_seq = the workflow's seq, the status matches), the events are exactly 1..seq
 * with one 'registered' event, and the outbox holds one notification per applicant-facing transition.
 */
export async function readModelMismatches(p: FaultPlatform, caseIds: string[]): Promise<string[]> {
  const problems: string[] = [];
  const rows = await p.db('cases').whereIn('id', caseIds).select('id', 'last_seq', 'status', 'overdue');
  const byId = new Map(rows.map((r) => [r.id as string, r]));
  const events = await p.db('case_events').whereIn('case_id', caseIds).orderBy(['case_id', 'seq']).select('case_id', 'seq', 'type');
  for (const id of caseIds) {
    const state = await workflowState(p, id);
    const row = byId.get(id);
    if (!row) { problems.push(`${id}: no row in cases`); continue; }
    if (row.last_seq !== state.seq) problems.push(`${id}: cases.last_seq ${row.last_seq}, workflow seq ${state.seq}`);
    if (row.status !== state.status) problems.push(`${id}: cases.status ${row.status}, workflow ${state.status}`);
    if (row.overdue !== state.overdue) problems.push(`${id}: cases.overdue ${row.overdue}, workflow ${state.overdue}`);
    const mine = events.filter((e) => e.case_id === id);
    const seqs = mine.map((e) => e.seq).join(',');
    const expected = Array.from({ length: state.seq }, (_, i) => i + 1).join(',');
    if (seqs !== expected) problems.push(`${id}: event seqs [${seqs}], expected [${expected}]`);
    const registered = mine.filter((e) => e.type === 'registered').length;
    if (registered !== 1) problems.push(`${id}: ${registered} 'registered' events`);
  }
  return problems;
}

/** Applicant notifications queued more than once for the same case and subject (one transition each). */
export async function duplicateApplicantNotifications(p: FaultPlatform, caseIds: string[]): Promise<unknown[]> {
  return p.db('notifications')
    .whereIn('case_id', caseIds)
    .where({ recipient_kind: 'applicant' })
    .groupBy('case_id', 'subject')
    .havingRaw('count(*) > 1')
    .select('case_id', 'subject', p.db.raw('count(*)::int as n'));
}
