// The API's security settings from the environment, checked like ops/config.ts checks the rest: every
// bad value is reported with its variable name, all at once.
//
//   OTKLIK_RATE_LIMIT_PER_USER        submissions per user per window (default 20; 0 = no per-user limit)
//   OTKLIK_RATE_LIMIT_PER_IP          submissions per client address per window (default 300; 0 = none)
//   OTKLIK_RATE_LIMIT_WINDOW_SECONDS  the window (default 60)
//   OTKLIK_TRUST_PROXY                which X-Forwarded-For hops to believe for the client address:
//                                     false (default), true, a hop count, or a comma-separated list of
//                                     addresses / subnets / loopback, linklocal, uniquelocal
//   OTKLIK_HSTS                       send Strict-Transport-Security (default true)
import type { AppOptions } from '../../api/app';
import { rateLimitFromEnv } from '../../api/ratelimit';
import { envFlag } from './env';

export const SECURITY_ENV = ['OTKLIK_RATE_LIMIT_PER_USER', 'OTKLIK_RATE_LIMIT_PER_IP', 'OTKLIK_RATE_LIMIT_WINDOW_SECONDS', 'OTKLIK_TRUST_PROXY', 'OTKLIK_HSTS'] as const;

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/;
const IPV6 = /^[0-9a-f:.]*:[0-9a-f:.]*(\/\d{1,3})?$/i;

export function apiSecurityFromEnv(env: Record<string, string | undefined>): {
  options: Pick<AppOptions, 'rateLimit' | 'trustProxy' | 'hsts'>;
  problems: string[];
} {
  const { options: rateLimit, problems } = rateLimitFromEnv(env);
  const options: Pick<AppOptions, 'rateLimit' | 'trustProxy' | 'hsts'> = { rateLimit };

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
