// Reading settings from the environment: one spelling of yes/no for every switch, and bad values
// reported (collected into `problems`) instead of silently taken as a default.
export type Env = Record<string, string | undefined>;

const YES = /^(1|true|yes|on)$/i;
const NO = /^(0|false|no|off)$/i;

/** A yes/no setting: 1/true/yes/on or 0/false/no/off; unset or empty is `fallback`; anything else is a problem. */
export function envFlag(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (YES.test(raw)) return true;
  if (NO.test(raw)) return false;
  problems.push(`${name}=${JSON.stringify(env[name])}: expected true or false`);
  return fallback;
}

/**
 * A whole-number setting from `min` to `max`; unset or empty is `fallback`; anything else is a problem
 * (`what` says what the number means, e.g. "a TCP port").
 */
export function envInteger<F extends number | undefined>(env: Env, name: string, fallback: F, range: { min: number; max: number; what?: string }, problems: string[]): number | F {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || n < range.min || n > range.max) {
    problems.push(`${name}=${JSON.stringify(env[name])}: expected ${range.what ? `${range.what}, ` : ''}a whole number from ${range.min} to ${range.max}`);
    return fallback;
  }
  return n;
}

/** A TCP port setting. */
export function envPort(env: Env, name: string, fallback: number, problems: string[]): number {
  return envInteger(env, name, fallback, { min: 1, max: 65535, what: 'a TCP port' }, problems);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "24h", "90m", "30s", "500ms", "2d"; a bare number is seconds. */
export function parseDuration(raw: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(raw);
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 's'];
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : null;
}

/** A duration setting in milliseconds; unset or empty is `fallback`; anything else is a problem. */
export function envDuration(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const ms = parseDuration(raw);
  if (ms === null) problems.push(`${name}=${JSON.stringify(raw)}: expected a duration such as 24h, 90m, 30s or 500ms`);
  return ms ?? fallback;
}
