// The notifications outbox's retry back-off from the environment (OTKLIK_OUTBOX_RETRY_INITIAL,
// _RETRY_MAX, _MAX_ATTEMPTS); the policy itself is domain/outbound/backoff.ts.
import { DEFAULT_OUTBOX_BACKOFF, type BackoffPolicy } from '../outbound/backoff';
import { envDuration, envInteger, type Env } from './env';

/** The outbox's back-off; bad values are reported in `problems`. */
export function outboxBackoffFromEnv(env: Env, problems: string[]): BackoffPolicy {
  const backoff: BackoffPolicy = {
    initialIntervalMs: envDuration(env, 'OTKLIK_OUTBOX_RETRY_INITIAL', DEFAULT_OUTBOX_BACKOFF.initialIntervalMs, problems),
    maximumIntervalMs: envDuration(env, 'OTKLIK_OUTBOX_RETRY_MAX', DEFAULT_OUTBOX_BACKOFF.maximumIntervalMs, problems),
    maximumAttempts: envInteger(env, 'OTKLIK_OUTBOX_MAX_ATTEMPTS', DEFAULT_OUTBOX_BACKOFF.maximumAttempts, { min: 0, max: 999_999, what: 'attempts (0 = no limit)' }, problems),
  };
  if (backoff.maximumIntervalMs < backoff.initialIntervalMs) {
    problems.push('OTKLIK_OUTBOX_RETRY_MAX: must not be shorter than OTKLIK_OUTBOX_RETRY_INITIAL');
  }
  return backoff;
}

/** The supervisors' overdue digest (workflows/appeal/overdue-digest.ts): how often it looks, and when a region's notices make one. */
export interface OverdueDigestConfig {
  everyMs: number;
  quietMs: number;
  maxDelayMs: number;
}

export const DEFAULT_OVERDUE_DIGEST: OverdueDigestConfig = { everyMs: 30_000, quietMs: 60_000, maxDelayMs: 15 * 60_000 };

/** OTKLIK_OVERDUE_DIGEST_EVERY, _QUIET and _MAX_DELAY; bad values are reported in `problems`. */
export function overdueDigestFromEnv(env: Env, problems: string[]): OverdueDigestConfig {
  const d = DEFAULT_OVERDUE_DIGEST;
  const config: OverdueDigestConfig = {
    everyMs: envDuration(env, 'OTKLIK_OVERDUE_DIGEST_EVERY', d.everyMs, problems),
    quietMs: envDuration(env, 'OTKLIK_OVERDUE_DIGEST_QUIET', d.quietMs, problems),
    maxDelayMs: envDuration(env, 'OTKLIK_OVERDUE_DIGEST_MAX_DELAY', d.maxDelayMs, problems),
  };
  if (config.everyMs < 1000) problems.push('OTKLIK_OVERDUE_DIGEST_EVERY: at least 1s (a Temporal schedule\'s finest interval)');
  if (config.maxDelayMs < config.quietMs) problems.push('OTKLIK_OVERDUE_DIGEST_MAX_DELAY: must not be shorter than OTKLIK_OVERDUE_DIGEST_QUIET');
  return config;
}
