// A public hearing: the lifecycle every participation event shares (runner), where publishing is the
// announcement (refused when it comes later than announceDaysBefore days before the hearing) and the
// open window takes written proposals; registrations of participants go to Postgres. At the hearing
// date a timer marks it held and sets the terms of the protocol and the conclusion, each with reminders
// and an overdue flag (as appeals' terms); publishing the conclusion publishes the results.
import {
  ApplicationFailure, condition, continueAsNew, proxyActivities, setHandler, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { DiscussionActivities } from '../../activities/discussion';
import type { HearingActivities } from '../../activities/hearing';
import { FAILURE } from '../shared/failures';
import type { Actor } from '../shared/actor';
import type { ParticipationState } from '../participation/messages';
import { fail, requireOrganiser, runParticipationEvent, type EventContext, type EventHooks } from '../participation/runner';
import { answerDueKey, overdueKey } from '../search-attributes';
import { watchTerm } from '../shared/deadlines';
import {
  announcementProblem, hearingSettingsProblems, publishConclusionUpdate, publishProtocolUpdate,
  type HearingDocument, type HearingExtra, type HearingInput,
} from './messages';

const activities = proxyActivities<DiscussionActivities & HearingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const SYSTEM: Actor = { userId: null, role: 'system' };
const MAX_DOCUMENT = 100_000;

export function hearingExtra(state: ParticipationState): HearingExtra {
  return state.extra as unknown as HearingExtra;
}

function validDocument({ text, attachments }: { text: string; attachments?: string[] }): void {
  if (typeof text !== 'string' || text.trim() === '') fail(FAILURE.invalidInput, 'text must not be empty');
  if (text.length > MAX_DOCUMENT) fail(FAILURE.invalidInput, `text is longer than ${MAX_DOCUMENT} characters`);
  if (attachments !== undefined && (!Array.isArray(attachments) || attachments.length > 20
    || attachments.some((a) => typeof a !== 'string' || a.length === 0 || a.length > 2000))) {
    fail(FAILURE.invalidInput, 'attachments must be a list of at most 20 non-empty references');
  }
}

function hooks(input: HearingInput): EventHooks<HearingInput> {
  const s = input.settings;
  const announcement = { hearingAt: new Date(s.hearingAt).toISOString(), place: s.place, subject: s.subject };

  async function notice(ctx: EventContext<HearingInput>, kind: 'hearing_held' | 'reminder' | 'overdue', term: 'protocol' | 'conclusion' | 'protocol_and_conclusion', offsetDays?: number) {
    const extra = hearingExtra(ctx.state);
    await activities.queueEventNotices({
      eventId: input.eventId, seq: ctx.state.seq, regionId: input.regionId, organisationId: input.organisationId, title: input.title,
      kind, term, dueAt: term === 'conclusion' ? extra.conclusionDueAt! : extra.protocolDueAt!,
      ...(term === 'protocol_and_conclusion' ? { conclusionDueAt: extra.conclusionDueAt! } : {}),
      ...(offsetDays !== undefined ? { offsetDays } : {}),
    });
  }

  /** The hearing date, then the two publication terms; runs beside the lifecycle (the hearing may fall inside the window). */
  async function afterHearing(ctx: EventContext<HearingInput>): Promise<void> {
    const { state } = ctx;
    const extra = hearingExtra(state);
    const cancelled = () => state.status === 'cancelled';
    await condition(() => state.status !== 'draft');
    if (cancelled()) return;
    if (!extra.hearingHeld) {
      const at = Date.parse(s.hearingAt);
      await condition(cancelled, Math.max(1, at - Date.now()));
      if (cancelled()) return;
      await ctx.exclusive(async () => {
        if (cancelled() || extra.hearingHeld) return;
        const [protocol, conclusion] = await Promise.all([
          activities.eventTerm({ regionId: input.regionId, from: announcement.hearingAt, days: s.protocolTermDays }),
          activities.eventTerm({ regionId: input.regionId, from: announcement.hearingAt, days: s.conclusionTermDays }),
        ]);
        extra.hearingHeld = true;
        extra.heldAt = ctx.now();
        extra.protocolDueAt = protocol.dueAt;
        extra.conclusionDueAt = conclusion.dueAt;
        extra.reminderOffsetsDays = s.reminderOffsetsDays ?? protocol.reminderOffsetsDays;
        state.phase = 'protocol';
        await ctx.record('hearing_held', SYSTEM, { hearingAt: announcement.hearingAt, protocolDueAt: protocol.dueAt, conclusionDueAt: conclusion.dueAt });
        upsertSearchAttributes([{ key: answerDueKey, value: new Date(protocol.dueAt) }, { key: overdueKey, value: false }]);
        await notice(ctx, 'hearing_held', 'protocol_and_conclusion');
      });
      if (!extra.hearingHeld) return;
    }
    const watch = (term: 'protocol' | 'conclusion') => watchTerm(ctx, {
      name: term,
      dueAt: () => (term === 'protocol' ? extra.protocolDueAt! : extra.conclusionDueAt!),
      since: announcement.hearingAt,
      offsetsDays: extra.reminderOffsetsDays,
      sent: extra.remindersSent,
      overdue: () => (term === 'protocol' ? extra.protocolOverdue : extra.conclusionOverdue),
      done: () => (term === 'protocol' ? extra.protocol !== null : extra.conclusion !== null) || state.status === 'cancelled',
      remind: async (offsetDays) => {
        await ctx.record('reminder', SYSTEM, { term, offsetDays, dueAt: term === 'protocol' ? extra.protocolDueAt : extra.conclusionDueAt });
        await notice(ctx, 'reminder', term, offsetDays);
      },
      markOverdue: async () => {
        if (term === 'protocol') extra.protocolOverdue = true;
        else extra.conclusionOverdue = true;
        await ctx.record('overdue', SYSTEM, { term, dueAt: term === 'protocol' ? extra.protocolDueAt : extra.conclusionDueAt });
        upsertSearchAttributes([{ key: overdueKey, value: true }]);
        await notice(ctx, 'overdue', term);
      },
    });
    await Promise.all([watch('protocol'), watch('conclusion')]);
  }

  return {
    // Publishing a hearing publishes its announcement: refused once its own term has passed.
    publishProblems(ctx) {
      const late = announcementProblem(s, ctx.now());
      return late ? [late] : [];
    },
    publishDetails: () => ({ announcement }),
    setup(ctx) {
      const { state } = ctx;
      if (state.extra.hearingHeld === undefined) {
        const initial: HearingExtra = {
          hearingHeld: false, heldAt: null, protocolDueAt: null, conclusionDueAt: null, reminderOffsetsDays: [], remindersSent: [],
          protocolOverdue: false, conclusionOverdue: false, protocol: null, conclusion: null,
        };
        Object.assign(state.extra, initial);
      }
      const extra = hearingExtra(state);


      const validateProtocol = (a: { actor: Actor; text: string; attachments?: string[] }) => {
        requireOrganiser(input, actor(a));
        if (state.status === 'cancelled') fail(FAILURE.invalidTransition, 'the hearing was cancelled');
        if (!extra.hearingHeld) fail(FAILURE.invalidTransition, `the protocol is published after the hearing (${announcement.hearingAt})`);
        if (extra.protocol) fail(FAILURE.invalidTransition, 'the protocol has already been published');
        validDocument(a);
      };
      setHandler(publishProtocolUpdate, (a) => ctx.exclusive(async () => {
        validateProtocol(a);
        extra.protocol = document(a, ctx.now());
        state.phase = 'conclusion';
        await ctx.record('protocol_published', a.actor, { onTime: !extra.protocolOverdue, protocolDueAt: extra.protocolDueAt, attachments: extra.protocol.attachments });
        upsertSearchAttributes([{ key: answerDueKey, value: new Date(extra.conclusionDueAt!) }]);
        return state;
      }), { validator: validateProtocol });

      const validateConclusion = (a: { actor: Actor; text: string; attachments?: string[] }) => {
        requireOrganiser(input, actor(a));
        if (state.status === 'results_published') fail(FAILURE.invalidTransition, 'the conclusion has already been published');
        if (!extra.protocol) fail(FAILURE.invalidTransition, 'the conclusion is published after the protocol');
        if (state.status !== 'closed') fail(FAILURE.invalidTransition, `the conclusion is published once the window for written proposals has closed (${state.schedule.closesAt})`);
        validDocument(a);
      };
      setHandler(publishConclusionUpdate, (a) => ctx.exclusive(async () => {
        validateConclusion(a);
        extra.conclusion = document(a, ctx.now());
        state.status = 'results_published';
        state.phase = null;
        const figures = await activities.hearingFigures({ eventId: input.eventId });
        await ctx.record('results_published', a.actor, { onTime: !extra.conclusionOverdue, conclusionDueAt: extra.conclusionDueAt }, {
          announcement, heldAt: extra.heldAt, protocol: extra.protocol, conclusion: extra.conclusion,
          onTime: { protocol: !extra.protocolOverdue, conclusion: !extra.conclusionOverdue }, ...figures,
        });
        return state;
      }), { validator: validateConclusion });

      // The hearing date and the publication terms run beside the lifecycle's own timers.
      void afterHearing(ctx);
    },

    async afterClose(ctx) {
      await condition(() => ctx.state.status === 'results_published');
    },
  };
}

function actor(a: { actor: Actor }): Actor {
  return a.actor;
}

function document(a: { actor: Actor; text: string; attachments?: string[] }, at: string): HearingDocument {
  return { text: a.text, attachments: a.attachments ?? [], publishedAt: at, by: a.actor.userId };
}

export async function hearingWorkflow(input: HearingInput): Promise<ParticipationState> {
  if (!input.carried) {
    const problems = hearingSettingsProblems(input.settings, input.schedule);
    if (problems.length > 0) throw ApplicationFailure.create({ type: FAILURE.invalidInput, message: problems.join('; '), nonRetryable: true });
  }
  return runParticipationEvent(input, hooks(input), (next) => continueAsNew<typeof hearingWorkflow>(next));
}
