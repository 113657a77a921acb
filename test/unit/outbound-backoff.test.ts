import assert from 'node:assert/strict';
import { afterFailure, backoffDelayMs, DEFAULT_OUTBOX_BACKOFF, type BackoffPolicy } from '../../domain/outbound/backoff';
import { permanentSmtpFailure } from '../../domain/outbound/email';
import { outboxBackoffFromEnv } from '../../domain/config/outbox';

describe('outbound back-off (domain/outbound/backoff.ts)', () => {
  const policy: BackoffPolicy = { initialIntervalMs: 10_000, maximumIntervalMs: 3_600_000, maximumAttempts: 40 };

  it('doubles the wait after each failed attempt, up to the maximum', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n)), [10_000, 20_000, 40_000, 80_000, 160_000]);
    assert.equal(backoffDelayMs(policy, 9), 2_560_000);
    assert.equal(backoffDelayMs(policy, 10), 3_600_000, 'capped');
    assert.equal(backoffDelayMs(policy, 1000), 3_600_000, 'capped, however many attempts');
  });

  it('gives up on a permanent failure at once, and on a transient one when the attempts are used up', () => {
    assert.deepEqual(afterFailure(policy, 1, false), { retry: true, delayMs: 10_000 });
    assert.deepEqual(afterFailure(policy, 1, true), { retry: false });
    assert.deepEqual(afterFailure(policy, 39, false), { retry: true, delayMs: 3_600_000 });
    assert.deepEqual(afterFailure(policy, 40, false), { retry: false });
    assert.deepEqual(afterFailure({ ...policy, maximumAttempts: 0 }, 10_000, false), { retry: true, delayMs: 3_600_000 }, '0: no limit');
  });

  it('keeps mail through an outage of more than a day by default', () => {
    let waited = 0;
    for (let attempt = 1; afterFailure(DEFAULT_OUTBOX_BACKOFF, attempt, false).retry; attempt++) waited += backoffDelayMs(DEFAULT_OUTBOX_BACKOFF, attempt);
    assert.ok(waited > 24 * 3_600_000, `gives up after ${waited} ms`);
  });

  it('tells a refused message (SMTP 5xx) from a passing fault', () => {
    assert.equal(permanentSmtpFailure(Object.assign(new Error('550 no such user'), { code: 'EENVELOPE', responseCode: 550 })), true);
    assert.equal(permanentSmtpFailure(Object.assign(new Error('451 try later'), { code: 'EENVELOPE', responseCode: 451 })), false);
    assert.equal(permanentSmtpFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' })), false);
    assert.equal(permanentSmtpFailure(Object.assign(new Error('535 bad login'), { code: 'EAUTH', responseCode: 535 })), false, 'the platform configuration, not the message');
  });

  it('reads its settings from OTKLIK_OUTBOX_* and reports bad values', () => {
    const problems: string[] = [];
    assert.deepEqual(outboxBackoffFromEnv({}, problems), DEFAULT_OUTBOX_BACKOFF);
    assert.deepEqual(outboxBackoffFromEnv({ OTKLIK_OUTBOX_RETRY_INITIAL: '200ms', OTKLIK_OUTBOX_RETRY_MAX: '5s', OTKLIK_OUTBOX_MAX_ATTEMPTS: '0' }, problems),
      { initialIntervalMs: 200, maximumIntervalMs: 5000, maximumAttempts: 0 });
    assert.deepEqual(problems, []);
    outboxBackoffFromEnv({ OTKLIK_OUTBOX_RETRY_INITIAL: 'soon', OTKLIK_OUTBOX_MAX_ATTEMPTS: '-1' }, problems);
    outboxBackoffFromEnv({ OTKLIK_OUTBOX_RETRY_INITIAL: '2h' }, problems);
    assert.equal(problems.length, 3, problems.join('\n'));
  });
});
