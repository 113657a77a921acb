// The platform as `npm start` composes it, in-process, for end-to-end tests: the Temporal dev server, a
// fresh database with the regional seed data, a worker and the API over HTTP.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/connection';
import { loadSeeds } from '../../db/seed';
import { createWorker } from '../../ops/worker';
import { call, startTestApi, type TestApi } from '../api/helpers';
import type { ActivityOptions } from '../../activities';
import { freshDatabase } from './postgres';
import { devServerEnv, timeSkippingEnv, workflowBundle } from './temporal';

export interface SeededPlatform {
  env: TestWorkflowEnvironment;
  db: Db;
  api: TestApi;
  stop(): Promise<void>;
}

export interface WorkerAndApi {
  api: TestApi;
  stop(): Promise<void>;
}

/**
 * A worker and the API over a prepared database, on `env`'s Temporal server: the API answers once
 * registration is projected (waitMs), the worker runs the test bundle (and the given page connectors).
 */
export async function startWorkerAndApi(
  env: TestWorkflowEnvironment, db: Db, taskQueue: string,
  opts: { waitMs?: number; pageConnectors?: ActivityOptions['pageConnectors']; publicationDelivery?: NonNullable<Parameters<typeof startTestApi>[1]>['publicationDelivery'] } = {},
): Promise<WorkerAndApi> {
  const worker = await createWorker({ connection: env.nativeConnection, db, taskQueue, namespace: env.namespace ?? 'default', workflowBundle: await workflowBundle(), pageConnectors: opts.pageConnectors });
  const running = worker.run();
  const api = await startTestApi(db, { temporal: env.client, taskQueue, waitMs: opts.waitMs ?? 60_000, publicationDelivery: opts.publicationDelivery });
  return {
    api,
    async stop() {
      await api.close();
      worker.shutdown();
      await running;
    },
  };
}

let seededPlatforms = 0;

/** `prepare` runs after the seeds and before the worker starts: users, tokens, extra reference data. */
export async function startSeededPlatform(label: string, taskQueue: string, prepare: (db: Db) => Promise<void> = async () => undefined): Promise<SeededPlatform> {
  const env = await devServerEnv();
  const { db } = await freshDatabase(label);
  await loadSeeds(db);
  // Registration numbers are workflow ids, and test files share one dev server: each seeded platform
  // numbers its cases with prefixes of its own (22s1-2026-000001), so no two files start the same id.
  await db('regions').update({ number_prefix: db.raw(`number_prefix || 's' || ?::text`, [++seededPlatforms]) });
  await prepare(db);
  const { api, stop } = await startWorkerAndApi(env, db, taskQueue);
  return { env, db, api, stop };
}

export interface WorkflowHarness {
  env: TestWorkflowEnvironment;
  db: Db;
  stop(): Promise<void>;
}

/** A worker on the time-skipping test server over a fresh database; `prepare` fills the database first. */
export async function startWorkflowHarness(label: string, taskQueue: string, prepare: (db: Db) => Promise<void>): Promise<WorkflowHarness> {
  const env = await timeSkippingEnv();
  const { db } = await freshDatabase(label);
  await prepare(db);
  const worker = await createWorker({ connection: env.nativeConnection, db, taskQueue, workflowBundle: await workflowBundle() });
  const running = worker.run();
  return {
    env, db,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** Polls a GET until its answer satisfies `done` (timers fire on their own; the test waits for them). */
export async function pollUntil(api: TestApi, path: string, token: string, done: (body: any, status: number) => boolean, ms = 60_000): Promise<any> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await call(api, 'GET', path, { token });
    if (done(r.body, r.status)) return r.body;
    if (Date.now() > end) throw new Error(`${path} did not reach the expected state in ${ms} ms: ${r.text.slice(0, 500)}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}
