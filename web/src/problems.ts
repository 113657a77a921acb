// Problem documents (RFC 9457) of the API as Russian messages next to the fields they are about. The
// API names a field by a JSON Pointer (/applicant/name); the form names its fields by the same pointers.
import { ApiError } from './api';
import { T } from './text';

export type FieldErrors = Record<string, string>;
/** The key of errors that belong to no one field: shown above the form. */
export const FORM = '';

/** A Russian message for one field error of the API (ajv's wording, or the API's own). */
export function fieldMessage(message: string): string {
  const m = T.fieldErrors;
  const duration = /runs from (\d+) to (\d+) calendar days.*gives ([\d.]+)/.exec(message);
  if (duration) return m.eventDuration(duration[1], duration[2], duration[3]);
  if (/http\(s\) address/.test(message)) return m.webAddress;
  if (/required property|must NOT have fewer than 1|must match pattern "\\S"/.test(message)) return m.required;
  if (/fewer than/.test(message)) return m.tooShort;
  if (/more than/.test(message)) return m.tooLong;
  if (/format "email"/.test(message)) return m.email;
  if (/pattern/.test(message)) return m.badChars;
  if (/there is no|not in region|does not belong|unknown/i.test(message)) return m.unknownReference;
  return m.invalid;
}

/** The pointer a field error is about: "/applicant/name"; a missing property names its own field. */
function pointerOf(e: { path: string; message: string }): string {
  const missing = /required property '([^']+)'/.exec(e.message);
  const base = e.path === '/' ? '' : e.path;
  return missing ? `${base}/${missing[1]}` : base.replace(/\/\d+$/, '');
}

/** Field errors of a failed call, by pointer; everything else under FORM. */
export function errorsOf(e: unknown): FieldErrors {
  if (!(e instanceof ApiError)) return { [FORM]: T.unexpected };
  if (e.status === 0) return { [FORM]: T.offline };
  if (e.status === 401) return { [FORM]: T.sessionExpired };
  if (e.status === 429) return { [FORM]: T.tooMany };
  if (e.status === 503 || e.status === 502 || e.status === 504) return { [FORM]: T.unavailable };
  const out: FieldErrors = {};
  for (const fe of e.problem?.errors ?? []) {
    if (fe.in !== 'body') continue;
    const pointer = pointerOf(fe);
    out[pointer] ??= fieldMessage(fe.message);
  }
  if (Object.keys(out).length === 0) out[FORM] = T.unexpected;
  return out;
}
