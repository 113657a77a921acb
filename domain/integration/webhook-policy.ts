// How webhook deliveries are retried and when a failing subscription is paused, from the environment.
// The fan-out puts the policy into each delivery workflow's input, so a running delivery keeps the
// schedule it started with and tests can use seconds.
import { envDuration, envFlag, envInteger, type Env } from '../config/env';

export interface WebhookDeliveryPolicy {
  /** First retry after this long; each next one waits twice as long… */
  initialIntervalMs: number;
  /** …up to this interval. */
  maximumIntervalMs: number;
  /** Attempts of one delivery run before it is marked failed (0 = no limit). */
  maximumAttempts: number;
  /** A subscription whose deliveries have failed for this long without a success is paused. */
  pauseAfterMs: number;
  /** One HTTP attempt's timeout. */
  timeoutMs: number;
}

// 10 s doubling up to an hour reaches 24 h of failure at about the 30th attempt; 40 attempts leave the
// pause (which holds the delivery for a replay) to come first, and still end a delivery that fails on
// its own while the subscription's other deliveries succeed.
export const DEFAULT_WEBHOOK_POLICY: WebhookDeliveryPolicy = {
  initialIntervalMs: 10_000,
  maximumIntervalMs: 3_600_000,
  maximumAttempts: 40,
  pauseAfterMs: 24 * 3_600_000,
  timeoutMs: 10_000,
};


export interface WebhookConfig {
  policy: WebhookDeliveryPolicy;
  /** Accept http:// subscription URLs (OTKLIK_WEBHOOK_ALLOW_HTTP); otherwise https:// only. */
  allowHttp: boolean;
  /** How often the fan-out looks for new case events (OTKLIK_WEBHOOK_FANOUT_INTERVAL). */
  fanoutIntervalMs: number;
}

/** Webhook settings from OTKLIK_WEBHOOK_*; every bad value is reported in `problems`. */
export function webhookConfigFromEnv(env: Env = process.env): { config: WebhookConfig; problems: string[] } {
  const problems: string[] = [];
  const duration = (name: string, fallback: number): number => envDuration(env, name, fallback, problems);
  const allowHttp = envFlag(env, 'OTKLIK_WEBHOOK_ALLOW_HTTP', false, problems);
  const maximumAttempts = envInteger(env, 'OTKLIK_WEBHOOK_MAX_ATTEMPTS', DEFAULT_WEBHOOK_POLICY.maximumAttempts, { min: 0, max: 999_999, what: 'attempts (0 = no limit)' }, problems);
  const policy: WebhookDeliveryPolicy = {
    initialIntervalMs: duration('OTKLIK_WEBHOOK_RETRY_INITIAL', DEFAULT_WEBHOOK_POLICY.initialIntervalMs),
    maximumIntervalMs: duration('OTKLIK_WEBHOOK_RETRY_MAX', DEFAULT_WEBHOOK_POLICY.maximumIntervalMs),
    maximumAttempts,
    pauseAfterMs: duration('OTKLIK_WEBHOOK_PAUSE_AFTER', DEFAULT_WEBHOOK_POLICY.pauseAfterMs),
    timeoutMs: duration('OTKLIK_WEBHOOK_TIMEOUT', DEFAULT_WEBHOOK_POLICY.timeoutMs),
  };
  if (policy.maximumIntervalMs < policy.initialIntervalMs) {
    problems.push('OTKLIK_WEBHOOK_RETRY_MAX: must not be shorter than OTKLIK_WEBHOOK_RETRY_INITIAL');
  }
  return { config: { policy, allowHttp, fanoutIntervalMs: duration('OTKLIK_WEBHOOK_FANOUT_INTERVAL', 1000) }, problems };
}

/** Whether the API accepts http:// subscription URLs now (read per request: the embedded default sets it at start). */
export function webhookHttpAllowed(env: Env = process.env): boolean {
  return envFlag(env, 'OTKLIK_WEBHOOK_ALLOW_HTTP', false, []);
}
