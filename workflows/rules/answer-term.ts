// Answer terms (59-FZ art. 12 and the regional decrees): pure, deterministic date rules.
// Imported by workflow code, so: no node: imports, no clock, no randomness, no I/O. Luxon is used only
// for IANA time-zone arithmetic on explicit instants (never DateTime.now()).
import { DateTime, IANAZone } from 'luxon';

export type DayKind = 'calendar' | 'working';

/**
 * A region's production calendar, as ISO dates 'YYYY-MM-DD' in the region's local calendar.
 * holidays: non-working days (typically Mon–Fri holidays; listing a weekend day is harmless).
 * workingWeekends: days that are working although they fall on a weekend (transferred days). A date in
 * workingWeekends is always a working day, even if it is also listed in holidays.
 */
export interface WorkingCalendar {
  holidays: string[];
  workingWeekends: string[];
}

export interface TermRule {
  days: number;
  dayKind: DayKind;
  timeZone: string;
  calendar?: WorkingCalendar;
}

export interface TermProfile {
  defaultTermDays: number;
  dayKind: DayKind;
  municipalTermsAdvisory: boolean;
  timeZone: string;
  calendar?: WorkingCalendar;
}

export interface AcceleratedEntry {
  termDays: number;
}

export type OrganisationKind = 'executive_body' | 'municipality' | 'settlement' | 'institution';

export const MIN_TERM_DAYS = 1;
export const MAX_TERM_DAYS = 366;

const MS_PER_DAY = 24 * 60 * 60 * 1000;

// For error messages: NaN and Infinity would print as null through JSON.stringify, and BigInt would throw.
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value === 'object') {
    try { return JSON.stringify(value) ?? String(value); } catch { return Object.prototype.toString.call(value); }
  }
  return String(value);
}

// An instant must carry its offset: a bare local time would be read in the host's zone, which differs
// between the API, the worker and a developer's laptop.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// The form toIsoInstant writes, which is how every stored instant reads: parsed by the engine, without
// luxon (a case's workflow reads its term's instants on every wake). The round trip refuses what the
// engine would roll over (a 30 February); anything else takes luxon's path and its errors.
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Epoch milliseconds of an ISO instant with an explicit offset ('Z' or ±hh:mm) or a valid Date; throws otherwise. */
export function parseInstant(value: Date | string, what = 'instant'): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new Error(`Invalid ${what}: the Date is invalid`);
    return ms;
  }
  if (typeof value === 'string' && CANONICAL_INSTANT.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms) && new Date(ms).toISOString() === value) return ms;
  }
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) {
    throw new Error(`Invalid ${what}: expected an ISO 8601 instant with an offset (e.g. 2026-01-15T10:00:00Z), got ${show(value)}`);
  }
  const dt = DateTime.fromISO(value, { zone: 'utc' });
  if (!dt.isValid) throw new Error(`Invalid ${what}: ${show(value)} (${dt.invalidExplanation ?? dt.invalidReason})`);
  return dt.toMillis();
}

/** Canonical form of every instant the rules return: UTC, milliseconds, 'Z'. */
export function toIsoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

function assertTermDays(days: unknown, what = 'days'): asserts days is number {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < MIN_TERM_DAYS || days > MAX_TERM_DAYS) {
    throw new Error(`Invalid ${what}: expected an integer from ${MIN_TERM_DAYS} to ${MAX_TERM_DAYS}, got ${show(days)}`);
  }
}

/**
 * Zones found valid before. Luxon's check builds an Intl.DateTimeFormat each time (a profile of the worker
 * showed it among the costliest calls of registration); a zone's validity never changes within a
 * process, so remembering it keeps the rule deterministic.
 */
const validZones = new Set<string>();

function assertTimeZone(timeZone: unknown): asserts timeZone is string {
  if (typeof timeZone === 'string' && validZones.has(timeZone)) return;
  if (typeof timeZone !== 'string' || timeZone === '' || !IANAZone.isValidZone(timeZone)) {
    throw new Error(`Unknown time zone: expected an IANA name such as Asia/Barnaul, got ${show(timeZone)}`);
  }
  validZones.add(timeZone);
}

function assertDayKind(dayKind: unknown): asserts dayKind is DayKind {
  if (dayKind !== 'calendar' && dayKind !== 'working') {
    throw new Error(`Invalid dayKind: expected 'calendar' or 'working', got ${show(dayKind)}`);
  }
}

function dateSet(dates: unknown, what: string): Set<string> {
  if (dates === undefined) return new Set();
  if (!Array.isArray(dates)) throw new Error(`Invalid calendar.${what}: expected an array of 'YYYY-MM-DD' dates`);
  for (const d of dates) {
    if (typeof d !== 'string' || !ISO_DATE.test(d) || !DateTime.fromISO(d, { zone: 'utc' }).isValid) {
      throw new Error(`Invalid calendar.${what} entry: expected 'YYYY-MM-DD', got ${show(d)}`);
    }
  }
  return new Set(dates as string[]);
}

// Civil dates are handled as UTC-midnight DateTimes: plain day arithmetic with no zone transitions.
type CivilDate = DateTime;

function localDateOf(ms: number, timeZone: string): CivilDate {
  const local = DateTime.fromMillis(ms, { zone: timeZone });
  return DateTime.fromObject({ year: local.year, month: local.month, day: local.day }, { zone: 'utc' });
}

function endOfLocalDay(date: CivilDate, timeZone: string): string {
  const local = DateTime.fromObject({ year: date.year, month: date.month, day: date.day }, { zone: timeZone });
  return toIsoInstant(local.endOf('day').toMillis());
}

function addCalendarDays(start: CivilDate, days: number): CivilDate {
  return start.plus({ days });
}

// The registration day itself is not counted (59-FZ counts "from" registration): the term day is the
// days-th working day strictly after start.
function addWorkingDays(start: CivilDate, days: number, calendar: WorkingCalendar | undefined): CivilDate {
  const holidays = dateSet(calendar?.holidays, 'holidays');
  const workingWeekends = dateSet(calendar?.workingWeekends, 'workingWeekends');
  const isWorking = (d: CivilDate): boolean => {
    const iso = d.toISODate() as string;
    if (workingWeekends.has(iso)) return true;
    return d.weekday <= 5 && !holidays.has(iso); // luxon weekday: 1 = Monday … 7 = Sunday
  };
  let d = start;
  let counted = 0;
  // Terminates: the calendar lists finitely many holidays, so weekdays beyond them are working.
  while (counted < days) {
    d = d.plus({ days: 1 });
    if (isWorking(d)) counted++;
  }
  return d;
}

function validateRule(rule: TermRule, daysLabel = 'days'): void {
  if (rule === null || typeof rule !== 'object') throw new Error('Invalid term rule: expected an object');
  assertTermDays(rule.days, daysLabel);
  assertDayKind(rule.dayKind);
  assertTimeZone(rule.timeZone);
}

function termDayEnd(fromMs: number, rule: TermRule): string {
  const start = localDateOf(fromMs, rule.timeZone);
  const termDay = rule.dayKind === 'calendar'
    ? addCalendarDays(start, rule.days)
    : addWorkingDays(start, rule.days, rule.calendar);
  return endOfLocalDay(termDay, rule.timeZone);
}

/**
 * Answer due instant: the end (23:59:59.999 local) of the term day, as an ISO UTC instant.
 * The term day is the local date of `from` in rule.timeZone plus rule.days calendar days, or the
 * rule.days-th working day after that date (registration day not counted).
 */
export function answerTerm(from: Date | string, rule: TermRule): string {
  validateRule(rule);
  return termDayEnd(parseInstant(from, 'registration instant'), rule);
}

/**
 * Extended term (59-FZ art. 12 p.2: once, by up to 30 days; that cap is the caller's policy):
 * days added to the local date of the current due instant, same day-kind rules, end of local day.
 */
export function extendAnswerTerm(currentDue: string, days: number, rule: Omit<TermRule, 'days'>): string {
  const full: TermRule = { ...rule, days }; // days last: a full TermRule passed in must not win
  validateRule(full, 'extension days');
  return termDayEnd(parseInstant(currentDue, 'current due instant'), full);
}

/** An advisory target beside the binding term: its days and the rule to count them. */
export interface AdvisoryTarget {
  days: number;
  rule: TermRule;
}

/** A case's binding term and, where the accelerated term only advises, that advisory target. */
export interface CaseTermRule {
  /** Days of the binding term (the one that makes a case overdue). */
  days: number;
  accelerated: boolean;
  /** The case has an advisory target beside its binding term. */
  advisory: boolean;
  /** The binding term's rule. */
  rule: TermRule;
  /** Present only when advisory. */
  advisoryTarget?: AdvisoryTarget;
}

/** A case's answer term at an organisation, as instants: the binding term, and the advisory target where there is one. */
export interface CaseTerm {
  /** End of the binding term: the one that makes a case overdue. */
  answerDueAt: string;
  termDays: number;
  accelerated: boolean;
  advisory: boolean;
  /** End of the advisory target (an accelerated term that only advises, e.g. Altai's municipalities); else null. */
  advisoryDueAt: string | null;
}

/**
 * The term for a case: accelerated subcategory term if listed, else the region's default.
 * Advisory: Altai's footnote to Appendix 2 of decree 262: accelerated terms are recommendations for
 * local self-government bodies; the 59-FZ default term stays binding for them. Such a case gets both:
 * the default term as its binding term and the accelerated one as its advisory target.
 * Pure and deterministic: the same profile, entry and kind always give the same term.
 */
export function termFor(profile: TermProfile, accelerated: AcceleratedEntry | null, organisationKind: OrganisationKind): CaseTermRule {
  const listedDays = accelerated?.termDays ?? profile.defaultTermDays;
  assertTermDays(listedDays, accelerated ? 'accelerated termDays' : 'defaultTermDays');
  const isLocalGovernment = organisationKind === 'municipality' || organisationKind === 'settlement';
  const advisory = profile.municipalTermsAdvisory && accelerated !== null && isLocalGovernment;
  const ruleOf = (days: number): TermRule => {
    const rule: TermRule = { days, dayKind: profile.dayKind, timeZone: profile.timeZone };
    if (profile.calendar) rule.calendar = profile.calendar;
    validateRule(rule); // fail at routing time, not when the timer is set
    return rule;
  };
  if (!advisory) return { days: listedDays, accelerated: accelerated !== null, advisory, rule: ruleOf(listedDays) };
  const days = profile.defaultTermDays;
  assertTermDays(days, 'defaultTermDays');
  return { days, accelerated: true, advisory, rule: ruleOf(days), advisoryTarget: { days: listedDays, rule: ruleOf(listedDays) } };
}

/** Overdue once now is strictly after the due instant (the last millisecond of the day is still on time). */
export function isOverdue(answerDueAt: string, nowIso: string): boolean {
  return parseInstant(nowIso, 'now') > parseInstant(answerDueAt, 'answer due instant');
}

/**
 * Reminder instants: due minus offset days (exact 24-hour multiples, so they keep the due time of day).
 * Sorted ascending by instant (largest offset first); duplicates and non-positive offsets are dropped,
 * since a reminder at or after the due instant is no reminder. Past instants are kept: the caller
 * decides what to do with them.
 */
export function remindersFor(answerDueAt: string, offsetsDays: number[]): { offsetDays: number; at: string }[] {
  const due = parseInstant(answerDueAt, 'answer due instant');
  if (!Array.isArray(offsetsDays)) throw new Error('Invalid reminder offsets: expected an array of days');
  for (const o of offsetsDays) {
    if (typeof o !== 'number' || !Number.isInteger(o)) {
      throw new Error(`Invalid reminder offset: expected an integer number of days, got ${show(o)}`);
    }
  }
  const offsets = [...new Set(offsetsDays.filter((o) => o > 0))].sort((a, b) => b - a);
  return offsets.map((offsetDays) => ({ offsetDays, at: toIsoInstant(due - offsetDays * MS_PER_DAY) }));
}
