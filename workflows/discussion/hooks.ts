// A public discussion of a draft document: the lifecycle every participation event shares (runner),
// plus the draft's versions split into numbered points, and after the close the organisation's term to
// answer every approved proposal, with reminders before it and overdue escalation after it (as appeals'
// terms), ended by the final summary the organiser publishes. Proposals, their moderation and answers
// live in Postgres (mass input), never in this workflow's history.
import { proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { DiscussionActivities } from '../../activities/discussion';
import { FAILURE } from '../shared/failures';
import { type Actor, SYSTEM } from '../shared/actor';
import type { ParticipationState } from '../participation/messages';
import { fail, requireOrganiser, type EventContext, type EventPlugin } from '../participation/runner';
import { draftProblems, summaryBlocker } from '../rules/discussion';
import { answerDueKey, overdueKey } from '../search-attributes';
import { watchTerm } from '../shared/deadlines';
import {
  discussionSettingsProblems, publishSummaryUpdate, reviseDraftUpdate,
  type DiscussionExtra, type DiscussionInput, type PublishSummary, type ReviseDraft,
} from './messages';

const activities = proxyActivities<DiscussionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const MAX_SUMMARY = 100_000;

/** The steps a discussion records besides the lifecycle's. */
const DISCUSSION_EVENT_KINDS = ['draft_revised', 'answering_started', 'reminder', 'overdue'] as const;
type DiscussionContext = EventContext<DiscussionInput, (typeof DISCUSSION_EVENT_KINDS)[number]>;

function discussionExtra(state: ParticipationState): DiscussionExtra {
  return state.extra as unknown as DiscussionExtra;
}

function requireText(value: unknown, field: string, max: number): void {
  if (typeof value !== 'string' || value.trim() === '') fail(FAILURE.invalidInput, `${field} must not be empty`);
  if (value.length > max) fail(FAILURE.invalidInput, `${field} is longer than ${max} characters`);
}

async function notice(ctx: DiscussionContext, kind: 'answering_started' | 'reminder' | 'overdue', offsetDays?: number): Promise<void> {
  const { input } = ctx;
  await activities.queueEventNotices({
    eventId: input.eventId, seq: ctx.state.seq, regionId: input.regionId, organisationId: input.organisationId, title: input.title,
    kind, term: 'answers', dueAt: discussionExtra(ctx.state).answerDueAt!, ...(offsetDays !== undefined ? { offsetDays } : {}),
  });
}

/** The organiser publishes a new version of the draft, before the discussion closes. */
function handleRevision(ctx: DiscussionContext): void {
  const { input, state } = ctx;
  const extra = discussionExtra(state);
  const validate = ({ actor, text, note }: ReviseDraft) => {
    requireOrganiser(input, actor);
    if (!['draft', 'scheduled', 'open'].includes(state.status)) {
      fail(FAILURE.invalidTransition, `cannot revise the draft of a discussion that is ${state.status}`);
    }
    const problems = draftProblems(text);
    if (problems.length > 0) fail(FAILURE.invalidInput, problems.join('; '));
    if (note !== undefined && note !== null) requireText(note, 'note', 2000);
  };
  setHandler(reviseDraftUpdate, (a) => ctx.exclusive(async () => {
    validate(a);
    const version = extra.draftVersion + 1;
    const stored = await activities.storeDraftVersion({ eventId: input.eventId, version, text: a.text, note: a.note ?? null });
    extra.draftVersion = version;
    extra.pointCount = stored.pointCount;
    await ctx.record('draft_revised', a.actor, { version, pointCount: stored.pointCount, note: a.note ?? null, changes: stored.changes });
    return state;
  }), { validator: validate });
}

/** The organiser publishes the final summary (the results) once every proposal is moderated and every approved one answered. */
function handleSummary(ctx: DiscussionContext): void {
  const { input, state } = ctx;
  const extra = discussionExtra(state);
  const validate = ({ actor, text }: PublishSummary) => {
    requireOrganiser(input, actor);
    if (state.status !== 'closed' || state.phase !== 'answering') {
      fail(FAILURE.invalidTransition, state.status === 'results_published'
        ? 'the summary has already been published'
        : `the summary is published after the discussion closes; it is ${state.status}`);
    }
    requireText(text, 'text', MAX_SUMMARY);
  };
  setHandler(publishSummaryUpdate, (a) => ctx.exclusive(async () => {
    validate(a);
    const counts = await activities.eventProposalCounts({ eventId: input.eventId });
    const blocker = summaryBlocker(counts);
    if (blocker) fail(FAILURE.invalidTransition, `the summary cannot be published yet: ${blocker}`);
    const publishedAt = ctx.now();
    extra.summaryPublishedAt = publishedAt;
    state.status = 'results_published';
    state.phase = null;
    const onTime = !extra.overdue;
    await ctx.record('results_published', a.actor, { onTime, answerDueAt: extra.answerDueAt }, {
      summary: a.text, publishedAt, answerDueAt: extra.answerDueAt, onTime, draftVersion: extra.draftVersion, proposals: counts,
    });
    return state;
  }), { validator: validate });
}

/** At the close: the organisation's term to answer the proposals starts. */
async function startAnswering(ctx: DiscussionContext): Promise<void> {
  const { input, state } = ctx;
  const extra = discussionExtra(state);
  await ctx.exclusive(async () => {
    const term = await activities.eventTerm({ regionId: input.regionId, from: ctx.now(), days: input.settings.answerTermDays });
    extra.answerDueAt = term.dueAt;
    extra.reminderOffsetsDays = input.settings.reminderOffsetsDays ?? term.reminderOffsetsDays;
    state.phase = 'answering';
    await ctx.record('answering_started', SYSTEM, { answerDueAt: term.dueAt, answerTermDays: input.settings.answerTermDays });
    upsertSearchAttributes([{ key: answerDueKey, value: new Date(term.dueAt) }, { key: overdueKey, value: false }]);
    await notice(ctx, 'answering_started');
  });
}

/** The answer term, with reminders before it and the overdue flag after it, until the summary is published. */
async function watchAnswers(ctx: DiscussionContext): Promise<void> {
  const { input, state } = ctx;
  const extra = discussionExtra(state);
  await watchTerm(ctx, {
    name: 'answers',
    dueAt: () => extra.answerDueAt!,
    since: state.schedule.closesAt,
    offsetsDays: extra.reminderOffsetsDays,
    sent: extra.remindersSent,
    overdue: () => extra.overdue,
    done: () => state.status === 'results_published',
    remind: async (offsetDays) => {
      await ctx.record('reminder', SYSTEM, { term: 'answers', offsetDays, answerDueAt: extra.answerDueAt });
      await notice(ctx, 'reminder', offsetDays);
    },
    markOverdue: async () => {
      extra.overdue = true;
      const counts = await activities.eventProposalCounts({ eventId: input.eventId });
      await ctx.record('overdue', SYSTEM, { term: 'answers', answerDueAt: extra.answerDueAt, unanswered: counts.approved - counts.answered, pending: counts.pending });
      upsertSearchAttributes([{ key: overdueKey, value: true }]);
      await notice(ctx, 'overdue');
    },
  });
}

/** Checks the settings and stores the draft's first version before the event's first step, so its points are there as soon as it is. */
async function firstPointCount(input: DiscussionInput): Promise<number> {
  if (input.carried) return 0;
  const problems = discussionSettingsProblems(input.settings);
  if (problems.length > 0) fail(FAILURE.invalidInput, problems.join('; '));
  return (await activities.storeDraftVersion({ eventId: input.eventId, version: 1, text: input.settings.draftText, note: null })).pointCount;
}

export const discussionHooks: EventPlugin<DiscussionInput, (typeof DISCUSSION_EVENT_KINDS)[number]> = {
  eventKinds: DISCUSSION_EVENT_KINDS,
  async hooks(input) {
    const pointCount = await firstPointCount(input);
    return {
      setup(ctx) {
        if (ctx.state.extra.draftVersion === undefined) {
          const initial: DiscussionExtra = {
            draftVersion: 1, pointCount, answerDueAt: null, reminderOffsetsDays: [], remindersSent: [], overdue: false, summaryPublishedAt: null,
          };
          Object.assign(ctx.state.extra, initial);
        }
        handleRevision(ctx);
        handleSummary(ctx);
      },
      async afterClose(ctx) {
        if (ctx.state.phase !== 'answering' && ctx.state.status === 'closed') await startAnswering(ctx);
        await watchAnswers(ctx);
      },
    };
  },
};
