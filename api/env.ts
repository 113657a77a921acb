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
