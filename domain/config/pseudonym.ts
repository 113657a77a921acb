// The key of the applicants' pseudonyms in monitoring reports (domain/monitoring/pseudonym.ts):
//
//   OTKLIK_PSEUDONYM_SECRET   at least 32 characters of a random value (e.g. `openssl rand -hex 32`).
//                             Unset: a key generated on first use and kept in the database
//                             (platform_secrets), so `npm start` needs nothing. Changing it changes every
//                             pseudonym (reports before and after no longer match).
import type { Env } from './env';

export const PSEUDONYM_SECRET_ENV = 'OTKLIK_PSEUDONYM_SECRET';
const MIN_LENGTH = 32;

/** The configured key, or undefined when unset; a short one is a problem (it could be guessed). */
export function pseudonymSecretFromEnv(env: Env, problems: string[]): string | undefined {
  const raw = env[PSEUDONYM_SECRET_ENV];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < MIN_LENGTH) {
    problems.push(`${PSEUDONYM_SECRET_ENV}: expected at least ${MIN_LENGTH} characters of a random value (e.g. \`openssl rand -hex 32\`), got ${raw.length}`);
    return undefined;
  }
  return raw;
}
