// Waiting for the platform's services at start-up. A Temporal server opens its port before its frontend
// is healthy ("Frontend is not healthy yet"), a cluster may be restarting while the worker or the API
// starts, and PostgreSQL refuses connections while it recovers: a process that gives up on the first
// refusal fails one start in several. Every process that connects (npm start, the worker, the API, the
// ops tools, the test platform) waits here: retries with exponential back-off up to a stated limit, says
// once what it waits for, then fails with a message that names the address.
import { backOff } from 'exponential-backoff';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Db } from '../db/connection';

/** How long a process waits for a service at start-up by default (OTKLIK_STARTUP_WAIT_SECONDS). */
export const DEFAULT_STARTUP_WAIT_SECONDS = 60;

export interface WaitOptions {
  /** Give up after this many seconds. */
  waitSeconds?: number;
  /** Where the one "waiting for …" line goes; a JSON log line on stderr by default. */
  log?: (message: string) => void;
}

export class ServiceUnavailableError extends Error {}

const jsonLog = (message: string) => console.error(JSON.stringify({ level: 'warn', msg: message }));

/**
 * Runs `attempt` until it succeeds or `waitSeconds` pass. The first failure is logged once, with what is
 * awaited; the last one is named in the error thrown at the limit.
 */
export async function untilAvailable<T>(what: string, attempt: () => Promise<T>, opts: WaitOptions = {}): Promise<T> {
  const waitSeconds = opts.waitSeconds ?? DEFAULT_STARTUP_WAIT_SECONDS;
  const log = opts.log ?? jsonLog;
  const deadline = Date.now() + waitSeconds * 1000;
  let lastError: unknown;
  try {
    return await backOff(attempt, {
      numOfAttempts: Number.MAX_SAFE_INTEGER,
      startingDelay: 100,
      timeMultiple: 1.6,
      maxDelay: 2_000,
      retry: (e, attemptNumber) => {
        lastError = e;
        if (attemptNumber === 1) log(`waiting for ${what} (up to ${waitSeconds} s): ${reasonOf(e)}`);
        return Date.now() < deadline;
      },
    });
  } catch (e) {
    throw new ServiceUnavailableError(`${what} did not become available within ${waitSeconds} s: ${reasonOf(lastError ?? e)}`);
  }
}

/** The error's message with its causes ("Failed to connect to Temporal server: 14 UNAVAILABLE: …"). */
function reasonOf(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return reasonOf(e.errors[0]);
  if (!(e instanceof Error)) return String(e);
  return e.cause !== undefined && e.cause !== e ? `${e.message}: ${reasonOf(e.cause)}` : e.message;
}

/** A client connection to a healthy Temporal frontend (its GetSystemInfo answered). */
export function connectTemporalClient(address: string, opts: WaitOptions = {}): Promise<Connection> {
  return untilAvailable(`Temporal at ${address}`, () => Connection.connect({ address, connectTimeout: 5_000 }), opts);
}

/** The worker's native connection to a healthy Temporal frontend. */
export function connectTemporalWorker(address: string, opts: WaitOptions = {}): Promise<NativeConnection> {
  return untilAvailable(`Temporal at ${address}`, () => NativeConnection.connect({ address }), opts);
}

/** Waits until the database answers a query; `where` names it in messages (no password). */
export async function waitForDatabase(db: Db, where: string, opts: WaitOptions = {}): Promise<void> {
  await untilAvailable(`PostgreSQL at ${where}`, () => db.raw('select 1'), opts);
}

/** A database URL without its password, for messages. */
export function redactedDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*)(:[^@/]*)?@/, '//$1@');
}
