// The rating's scoring and ranking rules. Pure and deterministic: the same subjects and configuration
// always give the same scores and ranks (no clock, no I/O, ties broken by id), so that a published
// snapshot can be recomputed and checked.
import type { components } from '../../openapi/types';

export type RatingIndicator = components['schemas']['RatingIndicator'];
export type RatingConfigIndicator = components['schemas']['RatingConfigIndicator'];
export type RatingRow = components['schemas']['RatingRow'];

/** Which way is better for each indicator the rating can weigh. */
export const BETTER: Record<RatingIndicator, 'higher' | 'lower'> = {
  answeredOnTimePercent: 'higher',
  averageAnswerDays: 'lower',
  medianAnswerDays: 'lower',
  ratingHighPercent: 'higher',
  sentToRepeatPercent: 'lower',
  overdueNowPercent: 'lower',
  redirectPercent: 'lower',
};

/**
 * The regulations' thresholds as the default configuration: an average answer time of at most 8 days,
 * at least 60 % of ratings 4–5 (the federal rating of regions), every answer within the binding term
 * (59-FZ art. 12), equal weights.
 */
export const DEFAULT_RATING_INDICATORS: readonly RatingConfigIndicator[] = [
  { indicator: 'averageAnswerDays', weight: 1, target: 8, better: 'lower' },
  { indicator: 'ratingHighPercent', weight: 1, target: 60, better: 'higher' },
  { indicator: 'answeredOnTimePercent', weight: 1, target: 100, better: 'higher' },
];
export const DEFAULT_MIN_CASES = 1;

export const SCORING_TEXT =
  'Each configured indicator scores from 0 to 1: 1 when it meets its target; below that, value / target where higher is '
  + 'better and target / value where lower is better. The score is 100 × the weighted mean of the scores of the '
  + 'indicators that can be computed (an indicator without data, e.g. no ratings, is left out of the mean). Ranked by '
  + 'score, then by thresholds met, then by cases received; subjects equal in all three share a rank.';

/** One indicator's score, 0..1. */
export function indicatorScore(value: number, target: number, better: 'higher' | 'lower'): number {
  if (better === 'higher') return target <= 0 || value >= target ? 1 : Math.max(0, value / target);
  return value <= target ? 1 : value <= 0 ? 1 : target / value;
}

export function meetsTarget(value: number, target: number, better: 'higher' | 'lower'): boolean {
  return better === 'higher' ? value >= target : value <= target;
}

export type SubjectValues = Pick<RatingRow, 'subjectKind' | 'subjectId' | 'subjectName' | 'received' | 'answered' | 'rated' | RatingIndicator>;

/** A subject's score and thresholds under the configuration (rank is set by rankRows). */
export function scoreSubject(v: SubjectValues, config: readonly RatingConfigIndicator[]): RatingRow {
  let weighted = 0;
  let weights = 0;
  let met = 0;
  const unmet: string[] = [];
  for (const c of config) {
    const value = v[c.indicator];
    if (value === null) continue;
    weighted += c.weight * indicatorScore(value, c.target, c.better);
    weights += c.weight;
    if (meetsTarget(value, c.target, c.better)) met++;
    else unmet.push(c.indicator);
  }
  return {
    ...v, rank: null, score: weights > 0 ? Math.round((1000 * weighted) / weights) / 10 : null,
    thresholdsMet: met, thresholdsTotal: config.length, unmet: unmet.join(','),
  };
}

/** Orders the rows best first and ranks those with a score and at least minCases received; the rest unranked at the end. */
export function rankRows(rows: readonly RatingRow[], minCases: number): RatingRow[] {
  const eligible = (r: RatingRow) => r.score !== null && r.received >= minCases;
  const sorted = [...rows].sort((a, b) =>
    Number(eligible(b)) - Number(eligible(a))
    || (b.score ?? -1) - (a.score ?? -1)
    || b.thresholdsMet - a.thresholdsMet
    || b.received - a.received
    || (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
  let rank = 0;
  return sorted.map((r, i) => {
    if (!eligible(r)) return { ...r, rank: null };
    const prev = sorted[i - 1];
    const tied = prev && eligible(prev) && prev.score === r.score && prev.thresholdsMet === r.thresholdsMet && prev.received === r.received;
    rank = tied ? rank : i + 1;
    return { ...r, rank };
  });
}
