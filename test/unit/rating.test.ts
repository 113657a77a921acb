import assert from 'node:assert/strict';
import {
  DEFAULT_NEGATIVE_RATING_THRESHOLD,
  assertValidRating,
  isNegativeRating,
  ratingDueAt,
  ratingOutcome,
} from '../../workflows/rules/rating';

describe('assertValidRating', () => {
  it('accepts the integers 1 to 5', () => {
    for (const r of [1, 2, 3, 4, 5]) assert.doesNotThrow(() => assertValidRating(r));
  });

  it('rejects out-of-range, fractional, non-number and missing ratings with a clear message', () => {
    for (const r of [0, 6, -1, 2.5, NaN, Infinity, '3', null, undefined, {}, [4], true]) {
      assert.throws(() => assertValidRating(r), /^Error: Invalid rating: expected an integer from 1 to 5, got /, String(r));
    }
    assert.throws(() => assertValidRating('3'), /got "3"/);
    assert.throws(() => assertValidRating(2.5), /got 2\.5/);
    assert.throws(() => assertValidRating(NaN), /got NaN/);
    assert.throws(() => assertValidRating(null), /got null/);
  });

  it('narrows unknown to number', () => {
    const input: unknown = 4;
    assertValidRating(input);
    const n: number = input; // compiles only because of the assertion signature
    assert.equal(n, 4);
  });
});

describe('isNegativeRating', () => {
  it('default threshold 2: ratings 1–2 are negative, 3–5 are not', () => {
    assert.equal(DEFAULT_NEGATIVE_RATING_THRESHOLD, 2);
    assert.deepEqual([1, 2, 3, 4, 5].map((r) => isNegativeRating(r, 2)), [true, true, false, false, false]);
    assert.deepEqual([1, 2, 3, 4, 5].map((r) => isNegativeRating(r)), [true, true, false, false, false]);
  });

  it('threshold is configurable: 3 makes 3 negative, 1 makes only 1 negative', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((r) => isNegativeRating(r, 3)), [true, true, true, false, false]);
    assert.deepEqual([1, 2, 3, 4, 5].map((r) => isNegativeRating(r, 1)), [true, false, false, false, false]);
  });

  it('threshold 0 disables negative ratings, 5 makes every rating negative', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((r) => isNegativeRating(r, 0)), [false, false, false, false, false]);
    assert.deepEqual([1, 2, 3, 4, 5].map((r) => isNegativeRating(r, 5)), [true, true, true, true, true]);
  });

  it('rejects invalid ratings and thresholds', () => {
    assert.throws(() => isNegativeRating(0, 2), /Invalid rating/);
    assert.throws(() => isNegativeRating(3, 6), /Invalid negative-rating threshold/);
    assert.throws(() => isNegativeRating(3, -1), /Invalid negative-rating threshold/);
    assert.throws(() => isNegativeRating(3, 2.5), /Invalid negative-rating threshold/);
  });
});

describe('ratingOutcome', () => {
  it('a positive rating closes the case', () => {
    assert.deepEqual(ratingOutcome(3, 2, 'gov'), { kind: 'close', resolution: 'rated_positive' });
    assert.deepEqual(ratingOutcome(5, 2, null), { kind: 'close', resolution: 'rated_positive' });
  });

  it('a negative rating escalates to the higher-level participant', () => {
    assert.deepEqual(ratingOutcome(1, 2, 'adm-biysk'), { kind: 'escalate', toOrganisationId: 'adm-biysk' });
    assert.deepEqual(ratingOutcome(2, 2, 'gov'), { kind: 'escalate', toOrganisationId: 'gov' });
  });

  it('a negative rating at the top closes the case as negative_at_top', () => {
    assert.deepEqual(ratingOutcome(1, 2, null), { kind: 'close', resolution: 'negative_at_top' });
  });

  it('follows the configured threshold', () => {
    assert.deepEqual(ratingOutcome(3, 3, 'gov'), { kind: 'escalate', toOrganisationId: 'gov' });
    assert.deepEqual(ratingOutcome(3, 2, 'gov'), { kind: 'close', resolution: 'rated_positive' });
  });

  it('rejects an invalid rating', () => {
    assert.throws(() => ratingOutcome(6, 2, 'gov'), /Invalid rating/);
    assert.throws(() => ratingOutcome('1' as unknown as number, 2, 'gov'), /Invalid rating/);
  });
});

describe('ratingDueAt', () => {
  it('adds whole 24-hour days to the answer instant', () => {
    assert.equal(ratingDueAt('2026-02-10T05:30:00Z', 10), '2026-02-20T05:30:00.000Z');
    assert.equal(ratingDueAt('2026-02-25T12:00:00.250Z', 5), '2026-03-02T12:00:00.250Z');
    assert.equal(ratingDueAt('2026-02-10T12:30:00+07:00', 1), '2026-02-11T05:30:00.000Z');
  });

  it('rejects a malformed answer instant and an invalid window', () => {
    assert.throws(() => ratingDueAt('yesterday', 10), /Invalid answeredAt/);
    for (const w of [0, -1, 1.5, NaN, 367]) {
      assert.throws(() => ratingDueAt('2026-02-10T05:30:00Z', w), /Invalid rating window/, String(w));
    }
  });
});
