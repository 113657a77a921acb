// When a failed outbound message is tried again, for every method: the outbox dispatcher's retries of
// mail and the webhook delivery activity's log of Temporal's retries follow this one schedule.
// Pure and deterministic: the same policy and attempt number always give the same answer.

export interface BackoffPolicy {
  /** The wait after the first failed attempt; each next one waits twice as long… */
  initialIntervalMs: number;
  /** …up to this interval. */
  maximumIntervalMs: number;
  /** Attempts before the message is given up (0 = no limit). */
  maximumAttempts: number;
}

/**
 * The outbox's default: 10 s doubling up to an hour, given up after 40 attempts (about a day and a
 * half of failures), the webhooks' schedule, so one SMTP outage of a night loses no mail.
 */
export const DEFAULT_OUTBOX_BACKOFF: BackoffPolicy = {
  initialIntervalMs: 10_000,
  maximumIntervalMs: 3_600_000,
  maximumAttempts: 40,
};

/** Each wait is this many times the previous one (Temporal's backoffCoefficient in workflows/webhook). */
export const BACKOFF_COEFFICIENT = 2;

/** The wait after the `attempt`-th failed attempt (1, 2, …): exponential, capped at the maximum. */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.initialIntervalMs * BACKOFF_COEFFICIENT ** exponent, policy.maximumIntervalMs);
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * After the `attempt`-th failed attempt: retry after the back-off, or give up when the failure is
 * permanent or the attempts are used up. The permanent-failure rule of every outbound method.
 */
export function afterFailure(policy: BackoffPolicy, attempt: number, permanent: boolean): RetryDecision {
  if (permanent) return { retry: false };
  if (policy.maximumAttempts > 0 && attempt >= policy.maximumAttempts) return { retry: false };
  return { retry: true, delayMs: backoffDelayMs(policy, attempt) };
}
