// A public hearing: the lifecycle every participation event shares (runner), where publishing is the
// announcement (refused when it comes later than announceDaysBefore days before the hearing) and the
// open window takes written proposals; registrations of participants go to Postgres. At the hearing
// date a timer marks it held and sets the terms of the protocol and the conclusion, each with reminders
// and an overdue flag (as appeals' terms); publishing the conclusion publishes the results.
import { condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { DiscussionActivities } from '../../activities/discussion';
import type { HearingActivities } from '../../activities/hearing';
import { FAILURE } from '../shared/failures';
import { type Actor, SYSTEM } from '../shared/actor';
import type { ParticipationState } from '../participation/messages';
import { fail, requireOrganiser, type EventContext, type EventPlugin } from '../participation/runner';
import { answerDueKey, overdueKey } from '../search-attributes';
import { watchTerm } from '../shared/deadlines';
import {
  announcementProblem, hearingSettingsProblems, publishConclusionUpdate, publishProtocolUpdate,
  type HearingDocument, type HearingExtra, type HearingInput, type PublishHearingDocument,
} from './messages';

const activities = proxyActivities<DiscussionActivities & HearingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const MAX_DOCUMENT = 100_000;

/** The steps a hearing records besides the lifecycle's. */
const HEARING_EVENT_KINDS = ['hearing_held', 'protocol_published', 'reminder', 'overdue'] as const;
type HearingContext = EventContext<HearingInput, (typeof HEARING_EVENT_KINDS)[number]>;
type HearingTerm = 'protocol' | 'conclusion';

function hearingExtra(state: ParticipationState): HearingExtra {
  return state.extra as unknown as HearingExtra;
}

/** What the announcement says (recorded with the publication and published with the results). */
function announcementOf(input: HearingInput) {
  const s = input.settings;
  return { hearingAt: new Date(s.hearingAt).toISOString(), place: s.place, subject: s.subject };
}

function validDocument({ text, attachments }: PublishHearingDocument): void {
  if (typeof text !== 'string' || text.trim() === '') fail(FAILURE.invalidInput, 'text must not be empty');
  if (text.length > MAX_DOCUMENT) fail(FAILURE.invalidInput, `text is longer than ${MAX_DOCUMENT} characters`);
  if (attachments !== undefined && (!Array.isArray(attachments) || attachments.length > 20
    || attachments.some((a) => typeof a !== 'string' || a.length === 0 || a.length > 2000))) {
    fail(FAILURE.invalidInput, 'attachments must be a list of at most 20 non-empty references');
  }
}

function document(a: PublishHearingDocument, at: string): HearingDocument {
  return { text: a.text, attachments: a.attachments ?? [], publishedAt: at, by: a.actor.userId };
}

async function notice(ctx: HearingContext, kind: 'hearing_held' | 'reminder' | 'overdue', term: HearingTerm | 'protocol_and_conclusion', offsetDays?: number) {
  const { input } = ctx;
  const extra = hearingExtra(ctx.state);
  await activities.queueEventNotices({
    eventId: input.eventId, seq: ctx.state.seq, regionId: input.regionId, organisationId: input.organisationId, title: input.title,
    kind, term, dueAt: term === 'conclusion' ? extra.conclusionDueAt! : extra.protocolDueAt!,
    ...(term === 'protocol_and_conclusion' ? { conclusionDueAt: extra.conclusionDueAt! } : {}),
    ...(offsetDays !== undefined ? { offsetDays } : {}),
  });
}

/** At the hearing date: the hearing is held, and the terms of the protocol and the conclusion start. */
async function holdHearing(ctx: HearingContext): Promise<void> {
  const { input, state } = ctx;
  const s = input.settings;
  const extra = hearingExtra(state);
  const { hearingAt } = announcementOf(input);
  await ctx.exclusive(async () => {
    if (state.status === 'cancelled' || extra.hearingHeld) return;
    const [protocol, conclusion] = await Promise.all([
      activities.eventTerm({ regionId: input.regionId, from: hearingAt, days: s.protocolTermDays }),
      activities.eventTerm({ regionId: input.regionId, from: hearingAt, days: s.conclusionTermDays }),
    ]);
    extra.hearingHeld = true;
    extra.heldAt = ctx.now();
    extra.protocolDueAt = protocol.dueAt;
    extra.conclusionDueAt = conclusion.dueAt;
    extra.reminderOffsetsDays = s.reminderOffsetsDays ?? protocol.reminderOffsetsDays;
    state.phase = 'protocol';
    await ctx.record('hearing_held', SYSTEM, { hearingAt, protocolDueAt: protocol.dueAt, conclusionDueAt: conclusion.dueAt });
    upsertSearchAttributes([{ key: answerDueKey, value: new Date(protocol.dueAt) }, { key: overdueKey, value: false }]);
    await notice(ctx, 'hearing_held', 'protocol_and_conclusion');
  });
}

/** The term of the protocol or of the conclusion: reminders before it, the overdue flag after it. */
function watchDocument(ctx: HearingContext, term: HearingTerm): Promise<void> {
  const { state } = ctx;
  const extra = hearingExtra(state);
  const dueAt = () => (term === 'protocol' ? extra.protocolDueAt! : extra.conclusionDueAt!);
  return watchTerm(ctx, {
    name: term,
    dueAt,
    since: announcementOf(ctx.input).hearingAt,
    offsetsDays: extra.reminderOffsetsDays,
    sent: extra.remindersSent,
    overdue: () => (term === 'protocol' ? extra.protocolOverdue : extra.conclusionOverdue),
    done: () => (term === 'protocol' ? extra.protocol !== null : extra.conclusion !== null) || state.status === 'cancelled',
    remind: async (offsetDays) => {
      await ctx.record('reminder', SYSTEM, { term, offsetDays, dueAt: dueAt() });
      await notice(ctx, 'reminder', term, offsetDays);
    },
    markOverdue: async () => {
      if (term === 'protocol') extra.protocolOverdue = true;
      else extra.conclusionOverdue = true;
      await ctx.record('overdue', SYSTEM, { term, dueAt: dueAt() });
      upsertSearchAttributes([{ key: overdueKey, value: true }]);
      await notice(ctx, 'overdue', term);
    },
  });
}

/** The hearing date, then the two publication terms; runs beside the lifecycle (the hearing may fall inside the window). */
async function afterHearing(ctx: HearingContext): Promise<void> {
  const { state } = ctx;
  const extra = hearingExtra(state);
  const cancelled = () => state.status === 'cancelled';
  await condition(() => state.status !== 'draft');
  if (cancelled()) return;
  if (!extra.hearingHeld) {
    await condition(cancelled, Math.max(1, Date.parse(ctx.input.settings.hearingAt) - Date.now()));
    if (cancelled()) return;
    await holdHearing(ctx);
    if (!extra.hearingHeld) return;
  }
  await Promise.all([watchDocument(ctx, 'protocol'), watchDocument(ctx, 'conclusion')]);
}

/** The organiser publishes the protocol, after the hearing, once. */
function handleProtocol(ctx: HearingContext): void {
  const { input, state } = ctx;
  const extra = hearingExtra(state);
  const validate = (a: PublishHearingDocument) => {
    requireOrganiser(input, a.actor);
    if (state.status === 'cancelled') fail(FAILURE.invalidTransition, 'the hearing was cancelled');
    if (!extra.hearingHeld) fail(FAILURE.invalidTransition, `the protocol is published after the hearing (${announcementOf(input).hearingAt})`);
    if (extra.protocol) fail(FAILURE.invalidTransition, 'the protocol has already been published');
    validDocument(a);
  };
  setHandler(publishProtocolUpdate, (a) => ctx.exclusive(async () => {
    validate(a);
    extra.protocol = document(a, ctx.now());
    state.phase = 'conclusion';
    await ctx.record('protocol_published', a.actor, { onTime: !extra.protocolOverdue, protocolDueAt: extra.protocolDueAt, attachments: extra.protocol.attachments });
    upsertSearchAttributes([{ key: answerDueKey, value: new Date(extra.conclusionDueAt!) }]);
    return state;
  }), { validator: validate });
}

/** The organiser publishes the conclusion (the results), after the protocol and the window's close. */
function handleConclusion(ctx: HearingContext): void {
  const { input, state } = ctx;
  const extra = hearingExtra(state);
  const validate = (a: PublishHearingDocument) => {
    requireOrganiser(input, a.actor);
    if (state.status === 'results_published') fail(FAILURE.invalidTransition, 'the conclusion has already been published');
    if (!extra.protocol) fail(FAILURE.invalidTransition, 'the conclusion is published after the protocol');
    if (state.status !== 'closed') fail(FAILURE.invalidTransition, `the conclusion is published once the window for written proposals has closed (${state.schedule.closesAt})`);
    validDocument(a);
  };
  setHandler(publishConclusionUpdate, (a) => ctx.exclusive(async () => {
    validate(a);
    extra.conclusion = document(a, ctx.now());
    state.status = 'results_published';
    state.phase = null;
    const figures = await activities.hearingFigures({ eventId: input.eventId });
    await ctx.record('results_published', a.actor, { onTime: !extra.conclusionOverdue, conclusionDueAt: extra.conclusionDueAt }, {
      announcement: announcementOf(input), heldAt: extra.heldAt, protocol: extra.protocol, conclusion: extra.conclusion,
      onTime: { protocol: !extra.protocolOverdue, conclusion: !extra.conclusionOverdue }, ...figures,
    });
    return state;
  }), { validator: validate });
}

export const hearingHooks: EventPlugin<HearingInput, (typeof HEARING_EVENT_KINDS)[number]> = {
  eventKinds: HEARING_EVENT_KINDS,
  async hooks(input) {
    if (!input.carried) {
      const problems = hearingSettingsProblems(input.settings, input.schedule);
      if (problems.length > 0) fail(FAILURE.invalidInput, problems.join('; '));
    }
    return {
      // Publishing a hearing publishes its announcement: refused once its own term has passed.
      publishProblems(ctx) {
        const late = announcementProblem(input.settings, ctx.now());
        return late ? [late] : [];
      },
      publishDetails: () => ({ announcement: announcementOf(input) }),
      setup(ctx) {
        if (ctx.state.extra.hearingHeld === undefined) {
          const initial: HearingExtra = {
            hearingHeld: false, heldAt: null, protocolDueAt: null, conclusionDueAt: null, reminderOffsetsDays: [], remindersSent: [],
            protocolOverdue: false, conclusionOverdue: false, protocol: null, conclusion: null,
          };
          Object.assign(ctx.state.extra, initial);
        }
        handleProtocol(ctx);
        handleConclusion(ctx);
        // The hearing date and the publication terms run beside the lifecycle's own timers.
        void afterHearing(ctx);
      },
      async afterClose(ctx) {
        await condition(() => ctx.state.status === 'results_published');
      },
    };
  },
};
