// The lifecycle every participation event shares (poll, vote, discussion, hearing): draft → scheduled
// → open → closed → results published, driven by timers; an organisation may extend or cancel an open
// event with a reason. Pure rules: imported by the workflows and by the API.
import type { components } from '../../openapi/types';

/**
 * The types of participation events, as the spec enumerates them (components.schemas.ParticipationType).
 * Each type is one plug-in: its manifest (domain/participation/registry.ts), its workflow hooks
 * (workflows/participation/hooks.ts), its activities (activities/index.ts) and its handlers (api/app.ts)
 * are records over this union, so tsc refuses a type that lacks a part.
 */
export type ParticipationType = components['schemas']['ParticipationType'];

/** The workflow type of a participation type's events, as workflows/index.ts exports it: pollWorkflow, … */
export type EventWorkflowType<T extends ParticipationType = ParticipationType> = `${T}Workflow`;

export type EventStatus = 'draft' | 'scheduled' | 'open' | 'closed' | 'results_published' | 'cancelled';

/** When results become visible: after the event closes (default), or while it runs. */
export type ResultsVisibility = 'after_close' | 'live';

export interface EventSchedule {
  opensAt: string;
  closesAt: string;
  resultsVisibility: ResultsVisibility;
}

export interface Audience {
  /** Territories whose residents may take part (a territory includes its sub-territories); empty: all. */
  territoryIds: string[];
  /** Minimum age in full years on the day of participation; null: none. */
  minAge: number | null;
}

/** Durations of events, from the Khabarovsk order (003): 15–30 days; a region may go wider. */
export const MIN_EVENT_DAYS = 1;
export const MAX_EVENT_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

function instant(value: string, field: string, problems: string[]): number {
  const t = Date.parse(value);
  if (typeof value !== 'string' || Number.isNaN(t) || !/(Z|[+-]\d\d:\d\d)$/.test(value)) {
    problems.push(`${field} must be a date-time with an offset, e.g. 2026-12-01T00:00:00+07:00`);
  }
  return t;
}

/** Problems with a schedule (empty when valid); `now` is the moment it is published. */
export function scheduleProblems(s: EventSchedule, nowIso: string): string[] {
  const problems: string[] = [];
  const opens = instant(s.opensAt, 'opensAt', problems);
  const closes = instant(s.closesAt, 'closesAt', problems);
  if (problems.length > 0) return problems;
  if (closes <= opens) problems.push('closesAt must be after opensAt');
  const days = (closes - opens) / DAY_MS;
  if (days > MAX_EVENT_DAYS) problems.push(`an event may run at most ${MAX_EVENT_DAYS} days`);
  if (closes <= Date.parse(nowIso)) problems.push('closesAt must be in the future');
  if (s.resultsVisibility !== 'after_close' && s.resultsVisibility !== 'live') problems.push("resultsVisibility must be 'after_close' or 'live'");
  return problems;
}

/** The status the timers put a published event in at `now` (draft, cancelled and publication aside). */
export function timedStatus(s: EventSchedule, nowIso: string): 'scheduled' | 'open' | 'closed' {
  const now = Date.parse(nowIso);
  if (now < Date.parse(s.opensAt)) return 'scheduled';
  if (now < Date.parse(s.closesAt)) return 'open';
  return 'closed';
}

/** An extension moves closesAt later, never earlier, and only while the event has not closed. */
export function extensionProblems(status: EventStatus, s: EventSchedule, newClosesAt: string, nowIso: string): string[] {
  const problems: string[] = [];
  if (status !== 'scheduled' && status !== 'open') return [`cannot extend an event that is ${status}`];
  const closes = instant(newClosesAt, 'closesAt', problems);
  if (problems.length > 0) return problems;
  if (closes <= Date.parse(s.closesAt)) problems.push('the new closesAt must be later than the current one');
  if ((closes - Date.parse(s.opensAt)) / DAY_MS > MAX_EVENT_DAYS) problems.push(`an event may run at most ${MAX_EVENT_DAYS} days`);
  if (closes <= Date.parse(nowIso)) problems.push('the new closesAt must be in the future');
  return problems;
}

export function canCancel(status: EventStatus): boolean {
  return status === 'draft' || status === 'scheduled' || status === 'open';
}

/** Whether results may be shown to the public (the organisation sees aggregates at the same moments). */
export function resultsVisible(status: EventStatus, visibility: ResultsVisibility): boolean {
  if (status === 'closed' || status === 'results_published') return true;
  return visibility === 'live' && status === 'open';
}

export interface Person {
  /** The person's territory and its ancestors, nearest first (from the address). */
  territoryPath: string[];
  /** YYYY-MM-DD, or null when unknown. */
  birthDate: string | null;
}

/** Full years between a birth date and a moment (UTC calendar dates are precise enough for age limits). */
export function ageOn(birthDate: string, atIso: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const at = new Date(atIso);
  const [y, m, d] = [at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate()];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * Why a person is outside an event's audience, as a code a reader's language can word (the web app
 * says it in Russian), or null when they are inside. `territory_unknown`: the audience is limited by
 * territory and the person has not said where they live. Deterministic: the same inputs give the same answer.
 */
export type AudienceExclusion =
  | { reason: 'territory' | 'territory_unknown' }
  | { reason: 'age' | 'birth_date_unknown'; minAge: number };

export function audienceExclusion(audience: Audience, person: Person, atIso: string): AudienceExclusion | null {
  if (audience.territoryIds.length > 0 && !audience.territoryIds.some((t) => person.territoryPath.includes(t))) {
    return { reason: person.territoryPath.length === 0 ? 'territory_unknown' : 'territory' };
  }
  if (audience.minAge !== null) {
    if (!person.birthDate) return { reason: 'birth_date_unknown', minAge: audience.minAge };
    if (ageOn(person.birthDate, atIso) < audience.minAge) return { reason: 'age', minAge: audience.minAge };
  }
  return null;
}

/** Why a person may not take part, or null when they may (the API's English wording of audienceExclusion). */
export function ineligibility(audience: Audience, person: Person, atIso: string): string | null {
  const out = audienceExclusion(audience, person, atIso);
  if (!out) return null;
  switch (out.reason) {
    case 'territory':
    case 'territory_unknown':
      return 'the event is for residents of other territories';
    case 'birth_date_unknown':
      return `the event is for people aged ${out.minAge} or older, and your date of birth is unknown`;
    case 'age':
      return `the event is for people aged ${out.minAge} or older`;
  }
}
