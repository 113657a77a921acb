// The short answer term of an incident found in open sources (a post in a social network): hours, not
// days, from the region's profile, with one reminder before it ends. Also what counts as the public
// reply's address. Pure and deterministic: imported by workflow code (no clock, no I/O).

const HOUR_MS = 60 * 60 * 1000;

/** Platform defaults when a region's profile says nothing: a day to answer, a reminder 2 hours before. */
export const DEFAULT_INCIDENT_TERM_HOURS = 24;
export const DEFAULT_INCIDENT_REMINDER_HOURS = 2;

export interface IncidentTerm {
  /** When the public reply is due. */
  answerDueAt: string;
  termHours: number;
  /** When the handling organisation is reminded; null when no reminder fits before the term. */
  remindAt: string | null;
}

/**
 * The term of an incident registered at `registeredAt`: `termHours` later, a reminder `reminderHours`
 * before it (none when 0 or when it would fall at or before the registration).
 */
export function incidentTerm(registeredAt: string, termHours: number, reminderHours: number): IncidentTerm {
  if (!Number.isInteger(termHours) || termHours < 1) throw new Error(`incident term must be a whole number of hours ≥ 1, got ${termHours}`);
  const start = Date.parse(registeredAt);
  if (Number.isNaN(start)) throw new Error(`not an instant: ${registeredAt}`);
  const due = start + termHours * HOUR_MS;
  const remind = reminderHours > 0 ? due - reminderHours * HOUR_MS : null;
  return {
    answerDueAt: new Date(due).toISOString(),
    termHours,
    remindAt: remind !== null && remind > start ? new Date(remind).toISOString() : null,
  };
}

/** A public reply's address: an absolute http(s) URL with a host, at most 2000 characters. */
export function isReplyUrl(value: unknown): value is string {
  // A host of letters (.рф included), digits, dots and hyphens, an optional port; no credentials, no spaces.
  return typeof value === 'string' && value.length <= 2000 && /^https?:\/\/[\p{L}\p{N}.-]+(:\d{1,5})?([/?#]\S*)?$/iu.test(value);
}

/**
 * The key that makes two reports of one post the same: the URL without scheme, "www.", fragment,
 * tracking parameters (utm_*) and trailing slash, lower-cased host. Deterministic.
 */
export function postUrlKey(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)([^?#]*)(\?[^#]*)?/i.exec(url.trim());
  if (!m) return url.trim();
  const host = m[1].toLowerCase().replace(/^www\./, '').replace(/^m\./, '');
  const path = m[2].replace(/\/+$/, '');
  const query = (m[3] ?? '').slice(1).split('&').filter((p) => p && !/^utm_/i.test(p)).sort().join('&');
  return `${host}${path}${query ? `?${query}` : ''}`;
}

/** The same text by the same author: the handle without "@" and case, the text's words joined by single spaces, lower-cased. */
export function authorTextKey(network: string, authorHandle: string, text: string): string {
  const author = authorHandle.trim().replace(/^@/, '').toLowerCase();
  const words = text.normalize('NFC').toLowerCase().split(/\s+/).filter(Boolean).join(' ');
  return `${network.trim().toLowerCase()}\u0000${author}\u0000${words}`;
}
