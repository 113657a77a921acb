// Rate limits of the operations marked `x-otklik-rate-limit: <bucket>` in the spec (POST /appeals, Open311's
// POST requests.json): fixed windows per client address before authentication (bad tokens count too) and
// per user after it. Over the limit: 429 problem with Retry-After, before the body is read.
//
// The counters are rate-limiter-flexible's RateLimiterPostgres on the platform's own database (table
// rate_limit_counters): every API process behind a balancer counts in the same rows, one atomic upsert per
// hit, so a limit holds across processes and across restarts.
//
// When PostgreSQL does not answer within STORE_TIMEOUT_MS (down, or its pool exhausted), a process counts
// in its own memory with the same limits until it answers again: neither open (a flood would pass while the
// database struggles) nor closed (a slow database would turn every citizen away). Each process then
// enforces the limit on its own, so the effective limit is at most the limit times the number of API
// processes, as it was before the shared store. Nothing is lost by this: the limited operations are
// submissions, which write to the same PostgreSQL and answer 503 on their own when it is really down.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db } from '../db/connection';
import type { AuthUser } from '../domain/identity/users';
import { RATE_LIMIT_DEFAULTS, type RateLimitOptions } from '../domain/config/api-security';
import { HttpProblem, PROBLEM } from '../domain/problem';

/** The shared counters' table (db/migrations/20261207006001_rate_limit_counters.ts). */
export const RATE_LIMIT_TABLE = 'rate_limit_counters';

/** How long a hit waits for the shared store before this process counts it in memory. */
export const STORE_TIMEOUT_MS = 1000;

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

/**
 * Hits counted in PostgreSQL, shared by every process on the database, and in this process's memory while
 * the database does not answer. `hit` resolves to the seconds to wait when the key is over its limit,
 * otherwise 0.
 */
export class SharedWindowCounter {
  private readonly shared: RateLimiterPostgres;
  private readonly local: RateLimiterMemory;
  private warnedAt = -Infinity;

  constructor(db: Db, keyPrefix: string, readonly limit: number, windowMs: number, private readonly log: Log, private readonly timeoutMs = STORE_TIMEOUT_MS) {
    const opts = { keyPrefix, points: limit, duration: windowMs / 1000 };
    this.shared = new RateLimiterPostgres({ ...opts, storeClient: db, storeType: 'knex', tableName: RATE_LIMIT_TABLE, tableCreated: true });
    this.local = new RateLimiterMemory(opts);
  }

  async hit(key: string): Promise<number> {
    try {
      await withTimeout(this.shared.consume(key), this.timeoutMs);
      return 0;
    } catch (e) {
      if (e instanceof RateLimiterRes) return secondsToWait(e);
      this.warnStoreDown(e);
      return consumeOrWait(this.local, key);
    }
  }

  /** One warning a minute while the store is down, not one per request. */
  private warnStoreDown(e: unknown): void {
    const now = Date.now();
    if (now - this.warnedAt < 60_000) return;
    this.warnedAt = now;
    this.log('warn', 'rate limits counted in this process: the shared store (PostgreSQL) did not answer', {
      error: e instanceof Error ? e.message : String(e),
    });
  }
}

async function consumeOrWait(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (e) {
    if (e instanceof RateLimiterRes) return secondsToWait(e);
    throw e;
  }
}

function secondsToWait(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The key of a client address: IPv4 as is, IPv6 by its /64 prefix (one host usually holds a whole /64). */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head, tail = ''] = ip.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}

function tooMany(retryAfter: number, detail: string): HttpProblem {
  return new HttpProblem({
    status: 429, type: PROBLEM.rateLimited, title: 'Too many requests', detail,
    headers: { 'Retry-After': String(retryAfter) },
  });
}

export interface RateLimiter {
  /** Runs before authentication: counts per client address. */
  byAddress: RequestHandler;
  /** Runs after authentication: counts per user. */
  byUser: RequestHandler;
}

/** The limiter of one bucket (e.g. `submissions`); operations with the same bucket share its counters. */
export function createRateLimiter(db: Db, log: Log, bucket: string, options: RateLimitOptions = {}): RateLimiter {
  const o = { ...RATE_LIMIT_DEFAULTS, ...options };
  const seconds = Math.round(o.windowMs / 1000);
  const perIp = o.perIp > 0 ? new SharedWindowCounter(db, `${bucket}:address`, o.perIp, o.windowMs, log) : null;
  const perUser = o.perUser > 0 ? new SharedWindowCounter(db, `${bucket}:user`, o.perUser, o.windowMs, log) : null;
  return {
    byAddress: (req: Request, _res: Response, next: NextFunction) => {
      if (!perIp) return next();
      perIp.hit(clientKey(req.ip ?? req.socket.remoteAddress)).then((wait) => {
        if (wait > 0) return next(tooMany(wait, `At most ${o.perIp} ${bucket} per ${seconds} s from one address. Retry in ${wait} s.`));
        next();
      }, next);
    },
    byUser: (_req: Request, res: Response, next: NextFunction) => {
      const user = res.locals.user as AuthUser | undefined;
      if (!perUser || !user) return next();
      perUser.hit(String(user.id)).then((wait) => {
        if (wait > 0) return next(tooMany(wait, `At most ${o.perUser} ${bucket} per ${seconds} s per user. Retry in ${wait} s.`));
        next();
      }, next);
    },
  };
}
