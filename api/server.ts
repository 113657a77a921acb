// Runs the HTTP API: `npm run api` with DATABASE_URL and TEMPORAL_ADDRESS (see domain/config/index.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import { connect, type Db } from '../db/connection';
import { attachmentsOf, loadConfig } from '../domain/config';
import { connectTemporalClient, redactedDatabaseUrl, waitForDatabase, type WaitOptions } from '../domain/readiness';
import { createApp, stopLongPolls, type AppOptions } from './app';
import { PROBLEM } from '../domain/problem';
import { startPendingIntake } from '../domain/cases/intake';
import { startPendingIncidents } from '../domain/incident/ingest';
import { startPendingEventIntake } from '../domain/participation/intake';

export interface ApiServer {
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/** How often intake rows without a started workflow are looked for (and their minimum age). */
export const PENDING_INTAKE_INTERVAL_MS = 30_000;

/** Request line and headers together: more is answered 431 by Node before the app sees it. */
export const MAX_HEADER_BYTES = 16 * 1024;

export async function startApiServer(opts: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  port: number;
  host?: string;
  namespace?: string;
  waitMs?: number;
  log?: AppOptions['log'];
  /** Repair intakes whose workflow never started (default true). */
  recoverIntake?: boolean;
  rateLimit?: AppOptions['rateLimit'];
  trustProxy?: AppOptions['trustProxy'];
  hsts?: AppOptions['hsts'];
  /** Sign-in through an OpenID Connect provider (domain/config/index.ts: OIDC_*). */
  oidc?: AppOptions['oidc'];
  attachments?: AppOptions['attachments'];
  similarity?: AppOptions['similarity'];
  publicationDelivery?: AppOptions['publicationDelivery'];
  pseudonymSecret?: AppOptions['pseudonymSecret'];
}): Promise<ApiServer> {
  const app = createApp(opts);
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
  // Node refuses an oversized request line or headers before the app runs; answer that 431 as a problem
  // document like every other error, instead of Node's empty one.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code !== 'HPE_HEADER_OVERFLOW' || !socket.writable) return socket.destroy(err);
    const body = JSON.stringify({
      type: PROBLEM.headersTooLarge, title: 'Request header fields too large', status: 431,
      detail: `The request line and headers together exceed ${MAX_HEADER_BYTES / 1024} KiB.`,
    });
    socket.end(`HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  // Slow clients must not hold sockets forever; long enough for a registration wait.
  server.requestTimeout = 120_000;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const log = opts.log ?? ((level: string, message: string, fields?: Record<string, unknown>) =>
    console[level === 'error' ? 'error' : 'log'](JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields })));

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  if (opts.recoverIntake !== false) {
    const sweep = () => {
      if (running) return;
      // Appeals, participation events and incidents alike: an API crash between storing and starting loses none.
      running = Promise.all([
        startPendingIntake(opts.temporal, opts.db, opts.taskQueue),
        startPendingEventIntake(opts.temporal, opts.db, opts.taskQueue),
        startPendingIncidents(opts.temporal, opts.db, opts.taskQueue),
      ]).then(([a, b, c]) => a + b + c)
        .then((n) => { if (n > 0) log('info', 'started workflows of pending intakes', { count: n }); })
        .catch((e) => log('warn', 'pending intake sweep failed', { error: e instanceof Error ? e.message : String(e) }))
        .finally(() => { running = undefined; });
    };
    sweep();
    timer = setInterval(sweep, PENDING_INTAKE_INTERVAL_MS);
    timer.unref();
  }

  return {
    port: (server.address() as AddressInfo).port,
    server,
    async close() {
      if (timer) clearInterval(timer);
      stopLongPolls(app);
      await running;
      await new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporalAddress) {
    throw new Error('npm run api needs DATABASE_URL and TEMPORAL_ADDRESS (npm start runs everything embedded)');
  }
  const db = connect(config.databaseUrl);
  // A cluster or database that is briefly unavailable (restarting, still coming up) is waited for.
  const wait: WaitOptions = { waitSeconds: config.startupWaitSeconds };
  await waitForDatabase(db, redactedDatabaseUrl(config.databaseUrl), wait);
  const connection = await connectTemporalClient(config.temporalAddress, wait);
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const api = await startApiServer({
    db, temporal, taskQueue: config.taskQueue, port: config.apiPort, namespace: config.temporalNamespace, ...config.apiSecurity,
    attachments: attachmentsOf(config), oidc: config.oidc, similarity: config.similarity, publicationDelivery: config.pages.delivery, pseudonymSecret: config.pseudonymSecret,
  });
  console.log(JSON.stringify({ level: 'info', msg: 'API listening', port: api.port }));
  const stop = async () => {
    await api.close();
    await connection.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
