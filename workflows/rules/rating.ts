// The applicant's rating of an answer (1–5) and what it does to the case. Pure and deterministic:
// imported by workflow code (no node: imports, no clock, no I/O).
import { parseInstant, show, toIsoInstant } from './answer-term';

export const MIN_RATING = 1;
export const MAX_RATING = 5;
/** Default profile threshold: ratings 1–2 are negative (configurable per region). */
export const DEFAULT_NEGATIVE_RATING_THRESHOLD = 2;

const MS_PER_DAY = 24 * 60 * 60 * 1000;


export type RatingOutcome =
  | { kind: 'close'; resolution: 'rated_positive' }
  | { kind: 'escalate'; toOrganisationId: string }
  | { kind: 'close'; resolution: 'negative_at_top' };

/** An integer 1..5 (a number, not a numeric string: the API must not coerce). */
export function assertValidRating(rating: unknown): asserts rating is number {
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < MIN_RATING || rating > MAX_RATING) {
    throw new Error(`Invalid rating: expected an integer from ${MIN_RATING} to ${MAX_RATING}, got ${show(rating)}`);
  }
}

// 0 makes no rating negative, 5 makes every rating negative: both are legitimate region choices.
function assertValidThreshold(threshold: unknown): asserts threshold is number {
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 0 || threshold > MAX_RATING) {
    throw new Error(`Invalid negative-rating threshold: expected an integer from 0 to ${MAX_RATING}, got ${show(threshold)}`);
  }
}

/** Negative when rating <= threshold (the threshold is the highest negative rating). */
export function isNegativeRating(rating: number, threshold: number = DEFAULT_NEGATIVE_RATING_THRESHOLD): boolean {
  assertValidRating(rating);
  assertValidThreshold(threshold);
  return rating <= threshold;
}

/**
 * Positive: close. Negative: repeat processing by the higher-level participant (Astrakhan order 472-Пр),
 * or, when there is none above, close with 'negative_at_top' so the case does not loop.
 */
export function ratingOutcome(rating: number, threshold: number, parentOrganisationId: string | null): RatingOutcome {
  if (!isNegativeRating(rating, threshold)) return { kind: 'close', resolution: 'rated_positive' };
  if (parentOrganisationId) return { kind: 'escalate', toOrganisationId: parentOrganisationId };
  return { kind: 'close', resolution: 'negative_at_top' };
}

/** End of the rating window: answeredAt + windowDays × 24 h (an exact duration, not a local day end). */
export function ratingDueAt(answeredAt: string, windowDays: number): string {
  if (typeof windowDays !== 'number' || !Number.isInteger(windowDays) || windowDays < 1 || windowDays > 366) {
    throw new Error(`Invalid rating window: expected an integer number of days from 1 to 366, got ${show(windowDays)}`);
  }
  return toIsoInstant(parseInstant(answeredAt, 'answeredAt') + windowDays * MS_PER_DAY);
}
