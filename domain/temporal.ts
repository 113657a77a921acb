// What domain operations need to talk to workflows: the Temporal client, the database, the task queue,
// and how long a request may wait for a workflow before it answers 503.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
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

/**
 * Starts a workflow's first run with this input; a run of this id that exists already (running or
 * finished) counts as started: never a second first run, so a repeated intake starts nothing. With
 * search attributes for a run that starts in a state ops look for (an appeal registered at intake).
 */
export async function startOnce(
  client: Client, workflowType: string, workflowId: string, taskQueue: string, input: unknown,
  options: Pick<WorkflowStartOptions, 'typedSearchAttributes'> = {},
): Promise<void> {
  try {
    await client.workflow.start(workflowType, { workflowId, taskQueue, args: [input], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE, ...options });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
}
