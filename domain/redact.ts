// Secrets never reach the logs: every log line the API writes passes through redact(), which masks API
// tokens, Authorization header values, passwords in connection URLs, and fields whose name says they
// hold a secret. Applied to the message and to every field, however deep.

const TOKEN = /otk_[A-Za-z0-9_-]{8,}/g;
/** An Authorization value: the scheme, then a credential of 8 or more token68 characters. */
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
/** scheme://user:password@host — keeps the user, masks the password. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi;
/** password=…, token=…, secret=… in query strings and key=value texts. */
const KEY_VALUE = /\b(password|passwd|pwd|token|secret|api[_-]?key|access[_-]?token)=([^&\s"']+)/gi;
const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|token|api[_-]?key|access[_-]?token|database_?url|smtp_?url)$/i;

export const REDACTED = '[redacted]';

export function redactText(text: string): string {
  return text
    .replace(URL_PASSWORD, `$1:${REDACTED}@`)
    .replace(AUTH_SCHEME, `$1$2${REDACTED}`)
    .replace(TOKEN, `otk_${REDACTED}`)
    .replace(KEY_VALUE, `$1=${REDACTED}`);
}

/** A copy of `value` with every secret masked. Cycles and depth are bounded. */
export function redact<T>(value: T, depth = 0, seen: WeakSet<object> = new WeakSet()): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (value instanceof Error) return redactText(value.stack ?? value.message) as T;
  if (!value || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]' as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redact(v, depth + 1, seen);
  }
  return out as T;
}

export type LogFn = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

/** Wraps a log function so that nothing it is given reaches it unredacted. */
export function redactingLog(log: LogFn): LogFn {
  return (level, message, fields) => log(level, redactText(message), fields === undefined ? undefined : redact(fields));
}
