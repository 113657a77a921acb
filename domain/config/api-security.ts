// The API's security settings from the environment, checked like domain/config/index.ts checks the rest: every
// bad value is reported with its variable name, all at once.
//
//   OTKLIK_RATE_LIMIT_PER_USER        submissions per user per window (default 20; 0 = no per-user limit)
//   OTKLIK_RATE_LIMIT_PER_IP          submissions per client address per window (default 300; 0 = none)
//   OTKLIK_RATE_LIMIT_WINDOW_SECONDS  the window (default 60)
//   OTKLIK_TRUST_PROXY                which X-Forwarded-For hops to believe for the client address:
//                                     false (default), true, a hop count, or a comma-separated list of
//                                     addresses / subnets / loopback, linklocal, uniquelocal
//   OTKLIK_HSTS                       send Strict-Transport-Security (default true)
import { envFlag } from './env';

export interface RateLimitOptions {
  /** Requests per user (bearer token's user) per window; 0 turns the per-user limit off. Default 20. */
  perUser?: number;
  /** Requests per client address per window, counted before authentication; 0 turns it off. Default 300. */
  perIp?: number;
  /** Window length in milliseconds. Default 60 000. */
  windowMs?: number;
}

export const RATE_LIMIT_DEFAULTS: Required<RateLimitOptions> = { perUser: 20, perIp: 300, windowMs: 60_000 };

/** Environment variables that configure the limits (read by rateLimitFromEnv). */
export const RATE_LIMIT_ENV = {
  perUser: 'OTKLIK_RATE_LIMIT_PER_USER',
  perIp: 'OTKLIK_RATE_LIMIT_PER_IP',
  windowSeconds: 'OTKLIK_RATE_LIMIT_WINDOW_SECONDS',
} as const;

/**
 * The limits from the environment: OTKLIK_RATE_LIMIT_PER_USER, OTKLIK_RATE_LIMIT_PER_IP (0 turns that
 * limit off), OTKLIK_RATE_LIMIT_WINDOW_SECONDS. Unset variables keep the defaults. Bad values are
 * returned in `problems`, one line each, for the caller's configuration report.
 */
export function rateLimitFromEnv(env: Record<string, string | undefined>): { options: RateLimitOptions; problems: string[] } {
  const problems: string[] = [];
  const options: RateLimitOptions = {};
  const int = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
      return undefined;
    }
    return n;
  };
  const perUser = int(RATE_LIMIT_ENV.perUser, 0, 1_000_000);
  const perIp = int(RATE_LIMIT_ENV.perIp, 0, 1_000_000);
  const windowSeconds = int(RATE_LIMIT_ENV.windowSeconds, 1, 86_400);
  if (perUser !== undefined) options.perUser = perUser;
  if (perIp !== undefined) options.perIp = perIp;
  if (windowSeconds !== undefined) options.windowMs = windowSeconds * 1000;
  return { options, problems };
}

/** What the API's security settings are: api/app.ts's AppOptions takes them as they are. */
export interface ApiSecurityOptions {
  rateLimit?: RateLimitOptions;
  trustProxy?: boolean | number | string;
  hsts?: boolean;
}

export const SECURITY_ENV = ['OTKLIK_RATE_LIMIT_PER_USER', 'OTKLIK_RATE_LIMIT_PER_IP', 'OTKLIK_RATE_LIMIT_WINDOW_SECONDS', 'OTKLIK_TRUST_PROXY', 'OTKLIK_HSTS'] as const;

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/;
const IPV6 = /^[0-9a-f:.]*:[0-9a-f:.]*(\/\d{1,3})?$/i;

export function apiSecurityFromEnv(env: Record<string, string | undefined>): {
  options: ApiSecurityOptions;
  problems: string[];
} {
  const { options: rateLimit, problems } = rateLimitFromEnv(env);
  const options: ApiSecurityOptions = { rateLimit };

  const proxy = env.OTKLIK_TRUST_PROXY?.trim();
  if (proxy) {
    if (/^(true|false)$/i.test(proxy)) options.trustProxy = proxy.toLowerCase() === 'true';
    else if (/^\d{1,2}$/.test(proxy)) options.trustProxy = Number(proxy);
    else {
      const entries = proxy.split(',').map((x) => x.trim());
      const bad = entries.filter((x) => !['loopback', 'linklocal', 'uniquelocal'].includes(x) && !IPV4.test(x) && !IPV6.test(x));
      if (bad.length > 0) problems.push(`OTKLIK_TRUST_PROXY=${JSON.stringify(proxy)}: expected true, false, a hop count, or addresses/subnets (not ${bad.join(', ')})`);
      else options.trustProxy = entries.join(', ');
    }
  }

  if (env.OTKLIK_HSTS?.trim()) options.hsts = envFlag(env, 'OTKLIK_HSTS', true, problems);
  return { options, problems };
}
