// The notifications outbox as the processes run it: its back-off settings from the environment, and
// its dispatcher started with a send method for every channel (domain/outbound/).
import { envInteger, type Env } from '../api/env';
import { parseDuration } from '../api/webhooks/policy';
import type { Db } from '../db/connection';
import { DEFAULT_OUTBOX_BACKOFF, type BackoffPolicy } from '../domain/outbound/backoff';
import { smtpEmailMethod } from '../domain/outbound/email';
import { startOutboxDispatcher } from '../domain/outbound/outbox';
import { outboxChannels } from '../domain/outbound/registry';

/** The outbox's retry back-off from OTKLIK_OUTBOX_RETRY_INITIAL, _RETRY_MAX and _MAX_ATTEMPTS; bad values in `problems`. */
export function outboxBackoffFromEnv(env: Env, problems: string[]): BackoffPolicy {
  const duration = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const ms = parseDuration(raw);
    if (ms === null) problems.push(`${name}=${JSON.stringify(raw)}: expected a duration such as 1h, 90m, 30s or 500ms`);
    return ms ?? fallback;
  };
  const backoff: BackoffPolicy = {
    initialIntervalMs: duration('OTKLIK_OUTBOX_RETRY_INITIAL', DEFAULT_OUTBOX_BACKOFF.initialIntervalMs),
    maximumIntervalMs: duration('OTKLIK_OUTBOX_RETRY_MAX', DEFAULT_OUTBOX_BACKOFF.maximumIntervalMs),
    maximumAttempts: envInteger(env, 'OTKLIK_OUTBOX_MAX_ATTEMPTS', DEFAULT_OUTBOX_BACKOFF.maximumAttempts, { min: 0, max: 999_999, what: 'attempts (0 = no limit)' }, problems),
  };
  if (backoff.maximumIntervalMs < backoff.initialIntervalMs) {
    problems.push('OTKLIK_OUTBOX_RETRY_MAX: must not be shorter than OTKLIK_OUTBOX_RETRY_INITIAL');
  }
  return backoff;
}

/** Starts the outbox's dispatcher: email over SMTP_URL (skipped when there is none), on the configured back-off. */
export async function startOutbox(db: Db, config: { smtpUrl?: string; mailFrom: string; outboxBackoff: BackoffPolicy }): Promise<{ stop(): Promise<void> }> {
  const channels = outboxChannels([await smtpEmailMethod(config.smtpUrl, config.mailFrom)]);
  return startOutboxDispatcher(db, { channels, backoff: config.outboxBackoff });
}
