// How near and how close in time two appeals must be to be proposed as one problem (domain/cases/similarity.ts).
import { DEFAULT_SIMILARITY_RULE, type SimilarityRule } from '../cases/similarity';
import { envInteger, type Env } from './env';

/** OTKLIK_DUPLICATE_DISTANCE_METRES (default 150) and OTKLIK_DUPLICATE_PERIOD_DAYS (default 30). */
export function similarityRuleFromEnv(env: Env, problems: string[]): SimilarityRule {
  return {
    distanceMetres: envInteger(env, 'OTKLIK_DUPLICATE_DISTANCE_METRES', DEFAULT_SIMILARITY_RULE.distanceMetres, { min: 1, max: 100_000, what: 'metres' }, problems),
    periodDays: envInteger(env, 'OTKLIK_DUPLICATE_PERIOD_DAYS', DEFAULT_SIMILARITY_RULE.periodDays, { min: 1, max: 366, what: 'days' }, problems),
  };
}
