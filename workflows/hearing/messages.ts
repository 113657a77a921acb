// The public hearing workflow's messages and settings, shared by the workflow and every client (the
// events API core validates a hearing's settings with hearingSettingsProblems before starting it).
import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor';
import type { EventSchedule } from '../participation/lifecycle';
import type { ParticipationInput, ParticipationState } from '../participation/messages';

/**
 * settings of an event of type 'hearing'. The event's schedule (opensAt..closesAt) is the window for
 * written proposals; publishing the event publishes the announcement.
 */
export type HearingSettings = {
  /** When the hearing (the meeting of participants) takes place: a date-time with an offset. */
  hearingAt: string;
  place: string;
  subject: string;
  /** The announcement must be published at least this many days before the hearing. */
  announceDaysBefore: number;
  /** Days after the hearing (calendar or working: the region's day kind) to publish the protocol. */
  protocolTermDays: number;
  /** Days after the hearing to publish the conclusion (at least protocolTermDays). */
  conclusionTermDays: number;
  /** Days before a term the organisation's operators are reminded; default: the region's reminder offsets. */
  reminderOffsetsDays?: number[];
};

export type HearingInput = ParticipationInput<HearingSettings>;

/** Phases after the hearing (ParticipationState.phase). */
export type HearingPhase = 'protocol' | 'conclusion';

export interface HearingDocument { text: string; attachments: string[]; publishedAt: string; by: number | null }

/** What the hearing keeps in ParticipationState.extra. */
export interface HearingExtra {
  hearingHeld: boolean;
  heldAt: string | null;
  protocolDueAt: string | null;
  conclusionDueAt: string | null;
  reminderOffsetsDays: number[];
  remindersSent: string[];
  protocolOverdue: boolean;
  conclusionOverdue: boolean;
  protocol: HearingDocument | null;
  conclusion: HearingDocument | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const OFFSET_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function days(value: unknown, field: string, min: number, max: number, problems: string[]): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`settings.${field} must be an integer from ${min} to ${max}`);
  }
}

/** Problems with a hearing's settings against its schedule (empty when valid). */
export function hearingSettingsProblems(settings: unknown, schedule?: Pick<EventSchedule, 'opensAt' | 'closesAt'>): string[] {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return ['settings must be an object'];
  const s = settings as Partial<HearingSettings>;
  const problems: string[] = [];
  if (typeof s.hearingAt !== 'string' || !OFFSET_INSTANT.test(s.hearingAt) || Number.isNaN(Date.parse(s.hearingAt))) {
    problems.push('settings.hearingAt must be a date-time with an offset, e.g. 2026-12-20T15:00:00+07:00');
  }
  for (const f of ['place', 'subject'] as const) {
    const v = s[f];
    if (typeof v !== 'string' || v.trim() === '') problems.push(`settings.${f} must not be empty`);
    else if (v.length > 2000) problems.push(`settings.${f} is longer than 2000 characters`);
  }
  days(s.announceDaysBefore, 'announceDaysBefore', 0, 366, problems);
  days(s.protocolTermDays, 'protocolTermDays', 1, 366, problems);
  days(s.conclusionTermDays, 'conclusionTermDays', 1, 366, problems);
  if (problems.length === 0 && s.conclusionTermDays! < s.protocolTermDays!) {
    problems.push('settings.conclusionTermDays must not be shorter than protocolTermDays: the conclusion follows the protocol');
  }
  if (s.reminderOffsetsDays !== undefined) {
    if (!Array.isArray(s.reminderOffsetsDays) || s.reminderOffsetsDays.length > 10
      || s.reminderOffsetsDays.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 366)) {
      problems.push('settings.reminderOffsetsDays must be a list of at most 10 integers from 1 to 366');
    }
  }
  if (problems.length === 0 && schedule && !Number.isNaN(Date.parse(schedule.opensAt))) {
    if (Date.parse(s.hearingAt!) <= Date.parse(schedule.opensAt)) {
      problems.push('settings.hearingAt must be after opensAt: written proposals are taken before the hearing');
    }
  }
  const known = ['hearingAt', 'place', 'subject', 'announceDaysBefore', 'protocolTermDays', 'conclusionTermDays', 'reminderOffsetsDays'];
  for (const k of Object.keys(s)) if (!known.includes(k)) problems.push(`settings.${k} is not a hearing setting`);
  return problems;
}

/** The latest moment the announcement may be published: announceDaysBefore days before the hearing. */
export function latestAnnouncement(settings: Pick<HearingSettings, 'hearingAt' | 'announceDaysBefore'>): string {
  return new Date(Date.parse(settings.hearingAt) - settings.announceDaysBefore * DAY_MS).toISOString();
}

/** Why the announcement may not be published at `nowIso`, or null. */
export function announcementProblem(settings: Pick<HearingSettings, 'hearingAt' | 'announceDaysBefore'>, nowIso: string): string | null {
  const latest = latestAnnouncement(settings);
  if (Date.parse(nowIso) > Date.parse(latest)) {
    return `the announcement of a hearing must be published at least ${settings.announceDaysBefore} day(s) before it `
      + `(hearing at ${new Date(settings.hearingAt).toISOString()}, so by ${latest}); it is too late to publish it now: move the hearing date`;
  }
  return null;
}

export interface PublishHearingDocument { actor: Actor; text: string; attachments?: string[] }

/** The organiser publishes the protocol (after the hearing). */
export const publishProtocolUpdate = defineUpdate<ParticipationState, [PublishHearingDocument]>('publishProtocol');
/** The organiser publishes the conclusion (after the protocol, once the proposal window has closed): results published. */
export const publishConclusionUpdate = defineUpdate<ParticipationState, [PublishHearingDocument]>('publishConclusion');
