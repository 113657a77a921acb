// Shared by test/security and test/badinput: the API with explicit security options, and the case
// engine (Temporal dev server + a worker on a queue of its own) for tests that need real cases.
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { AppOptions } from '../../api/app';
import { startApiServer } from '../../api/server';
import type { Db } from '../../db/connection';
import { createWorker } from '../../ops/worker';
import type { TestApi } from '../api/helpers';
import { offlineTemporal } from '../api/helpers';
import { devServerEnv, workflowBundle } from '../support/temporal';

export interface ApiOptions {
  temporal?: Client;
  taskQueue?: string;
  waitMs?: number;
  rateLimit?: AppOptions['rateLimit'];
  hsts?: boolean;
  trustProxy?: AppOptions['trustProxy'];
  /** Also receives every log line (they are always collected in api.logs). */
  log?: AppOptions['log'];
}

/** The API on 127.0.0.1 and a free port; rate limits off unless given (they have their own test). */
export async function startApi(db: Db, o: ApiOptions = {}): Promise<TestApi> {
  const logs: TestApi['logs'] = [];
  const server = await startApiServer({
    db,
    temporal: o.temporal ?? offlineTemporal(),
    taskQueue: o.taskQueue ?? 'security-test',
    port: 0,
    host: '127.0.0.1',
    waitMs: o.waitMs,
    recoverIntake: false,
    rateLimit: o.rateLimit ?? false,
    hsts: o.hsts,
    trustProxy: o.trustProxy,
    log: (level, message, fields) => {
      logs.push({ level, message, fields });
      o.log?.(level, message, fields);
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, server, logs, close: () => server.close() };
}

export interface Engine {
  client: Client;
  taskQueue: string;
  stop(): Promise<void>;
}

/** A worker for `db` on the shared Temporal dev server (started once per test run). */
export async function startEngine(db: Db, label: string): Promise<Engine> {
  const env = await devServerEnv();
  const taskQueue = `${label}-${process.pid}`;
  const worker: Worker = await createWorker({
    connection: env.nativeConnection, db, taskQueue, namespace: env.namespace ?? 'default', workflowBundle: await workflowBundle(),
  });
  const running = worker.run();
  // A worker that dies makes every case request time out with 503: say why, at once.
  running.catch((e) => console.error(`worker on ${taskQueue} stopped: ${e instanceof Error ? e.stack : String(e)}`));
  return {
    client: env.client,
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** Every log line as one string, to search for things that must never be there. */
export function allLogText(api: TestApi): string {
  return api.logs.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields ?? {})}`).join('\n');
}
