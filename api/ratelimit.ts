// Rate limits of the operations marked `x-otklik-rate-limit: <bucket>` in the spec (POST /appeals):
// fixed windows counted in memory, per client address before authentication (bad tokens count too) and
// per user after it. Over the limit: 429 problem with Retry-After, before the body is read.
//
// The counters live in this process: with several API processes behind a balancer each one counts on
// its own, so the effective limit is the per-process limit times the number of processes.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthUser } from '../domain/identity/users';
import { RATE_LIMIT_DEFAULTS, type RateLimitOptions } from '../domain/config/api-security';
import { HttpProblem, PROBLEM } from '../domain/problem';

interface Window { count: number; resetAt: number }

/** Fixed-window counters: at most `limit` hits per key per window. */
export class FixedWindowCounter {
  private readonly windows = new Map<string, Window>();
  private nextSweep = 0;

  constructor(readonly limit: number, readonly windowMs: number, private readonly now: () => number = Date.now) {}

  /** Counts a hit; returns the seconds to wait when the key is over its limit, otherwise 0. */
  hit(key: string): number {
    const now = this.now();
    if (now >= this.nextSweep) {
      // Every window ends within windowMs, so one pass per window keeps the map to the keys seen lately.
      for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
      this.nextSweep = now + this.windowMs;
    }
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count > this.limit ? Math.max(1, Math.ceil((w.resetAt - now) / 1000)) : 0;
  }

  get size(): number {
    return this.windows.size;
  }
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
export function createRateLimiter(bucket: string, options: RateLimitOptions = {}): RateLimiter {
  const o = { ...RATE_LIMIT_DEFAULTS, ...options };
  const seconds = Math.round(o.windowMs / 1000);
  const perIp = o.perIp > 0 ? new FixedWindowCounter(o.perIp, o.windowMs) : null;
  const perUser = o.perUser > 0 ? new FixedWindowCounter(o.perUser, o.windowMs) : null;
  return {
    byAddress: (req: Request, _res: Response, next: NextFunction) => {
      if (!perIp) return next();
      const wait = perIp.hit(clientKey(req.ip ?? req.socket.remoteAddress));
      if (wait > 0) return next(tooMany(wait, `At most ${o.perIp} ${bucket} per ${seconds} s from one address. Retry in ${wait} s.`));
      next();
    },
    byUser: (_req: Request, res: Response, next: NextFunction) => {
      const user = res.locals.user as AuthUser | undefined;
      if (!perUser || !user) return next();
      const wait = perUser.hit(`user:${user.id}`);
      if (wait > 0) return next(tooMany(wait, `At most ${o.perUser} ${bucket} per ${seconds} s per user. Retry in ${wait} s.`));
      next();
    },
  };
}
