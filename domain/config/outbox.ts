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
