// The discussion workflow's messages and settings, shared by the workflow and every client (the events
// API core validates a discussion's settings with discussionSettingsProblems before starting it).
import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor';
import type { ParticipationInput, ParticipationState } from '../participation/messages';
import { draftProblems } from '../rules/discussion';

/** settings of an event of type 'discussion'. */
export type DiscussionSettings = {
  /** The draft document's full text; split into numbered points (workflows/rules/discussion.ts). */
  draftText: string;
  /** Calendar or working days (the region's day kind) the organisation has, after the discussion closes, to answer every approved proposal and publish the summary. */
  answerTermDays: number;
  /** Days before the answer term the organisation's operators are reminded; default: the region's reminder offsets. */
  reminderOffsetsDays?: number[];
};

export type DiscussionInput = ParticipationInput<DiscussionSettings>;

/** Phases after closing (ParticipationState.phase). */
export type DiscussionPhase = 'answering';

/** What the discussion keeps in ParticipationState.extra. */
export interface DiscussionExtra {
  /** The current version of the draft (1 at creation; each revision adds one). */
  draftVersion: number;
  pointCount: number;
  /** Answer term after closing (end of the local day in the region's time zone). */
  answerDueAt: string | null;
  reminderOffsetsDays: number[];
  remindersSent: string[];
  overdue: boolean;
  summaryPublishedAt: string | null;
}

export const MIN_ANSWER_TERM_DAYS = 1;
export const MAX_ANSWER_TERM_DAYS = 366;

/** Problems with a discussion's settings (empty when valid). */
export function discussionSettingsProblems(settings: unknown): string[] {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return ['settings must be an object'];
  const s = settings as Partial<DiscussionSettings>;
  const problems = draftProblems(s.draftText).map((p) => `settings.draftText: ${p}`);
  if (typeof s.answerTermDays !== 'number' || !Number.isInteger(s.answerTermDays)
    || s.answerTermDays < MIN_ANSWER_TERM_DAYS || s.answerTermDays > MAX_ANSWER_TERM_DAYS) {
    problems.push(`settings.answerTermDays must be an integer from ${MIN_ANSWER_TERM_DAYS} to ${MAX_ANSWER_TERM_DAYS}`);
  }
  if (s.reminderOffsetsDays !== undefined) {
    if (!Array.isArray(s.reminderOffsetsDays) || s.reminderOffsetsDays.length > 10
      || s.reminderOffsetsDays.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 366)) {
      problems.push('settings.reminderOffsetsDays must be a list of at most 10 integers from 1 to 366');
    }
  }
  const known = ['draftText', 'answerTermDays', 'reminderOffsetsDays'];
  for (const k of Object.keys(s)) if (!known.includes(k)) problems.push(`settings.${k} is not a discussion setting`);
  return problems;
}

export interface ReviseDraft { actor: Actor; text: string; note?: string }
export interface PublishSummary { actor: Actor; text: string }

/** The organiser publishes a new version of the draft (before the discussion closes). */
export const reviseDraftUpdate = defineUpdate<ParticipationState, [ReviseDraft]>('reviseDraft');
/** The organiser publishes the final summary: allowed once every proposal is moderated and every approved one answered. */
export const publishSummaryUpdate = defineUpdate<ParticipationState, [PublishSummary]>('publishSummary');
