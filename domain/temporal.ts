// What domain operations need to talk to workflows: the Temporal client, the database, the task queue,
// and how long a request may wait for a workflow before it answers 503.
import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';

export interface TemporalContext {
  client: Client;
  db: Db;
  taskQueue: string;
  /** How long a request waits for the workflow (registration, an update) before answering 503. */
  waitMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export const DEFAULT_WAIT_MS = 30_000;

/** Runs `fn` (a workflow start, update or query) under the context's deadline. */
export async function withWait<T>(ctx: TemporalContext, fn: () => Promise<T>): Promise<T> {
  return ctx.client.withDeadline(Date.now() + (ctx.waitMs ?? DEFAULT_WAIT_MS), fn);
}
