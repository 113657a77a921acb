// The appeal's rules as pure transitions: (state, action, context) → the next state and the event to
// record. Deterministic: no clock (`now` is in the context), no I/O, no Temporal calls, type-only
// imports of the messages and activities. A transition that needs the outside world (a term, a check of
// an organisation) returns a look-up to run and what to do with its answer; workflow.ts runs it, the
// unit tests answer it themselves (test/unit/appeal-transitions.test.ts).
import type { AppealActivities } from '../../activities/appeal';
import { remindersFor } from '../rules/answer-term';
import { overdueAt, termRunsIn } from '../rules/overdue';
import { assertValidRating, isNegativeRating, ratingDueAt, ratingOutcome } from '../rules/rating';
import { type Actor, SYSTEM } from '../shared/actor';
import { FAILURE, Refused } from '../shared/failures';
import type { AppealEventType } from './events';
import type {
  AcknowledgeRegistration, AnswerCase, AppealInput, AppealRouting, AppealState, AppealStatus, ChangeTerm, CloseCase, ExtendTerm,
  LeaveWithoutAnswer, NoAnswerGround, RateAnswer, Reassign, Redirect, ReplyToClarification,
  RequestClarification, Resolution, TakeIntoWork,
} from './messages';
import { currentExternalRegistration } from './state';

/** 59-FZ art. 11 grounds for leaving an appeal without an answer on the merits. */
export const NO_ANSWER_GROUNDS: readonly NoAnswerGround[] = ['no_name_or_address', 'obscene_or_threatening', 'unreadable', 'repeated_question'];
const OPEN: readonly AppealStatus[] = ['registered', 'in_work', 'clarification_requested'];
const MAX_TEXT = 20_000;
const DAY_MS = 86_400_000;

/** What a transition may read besides the state: the moment it happens and the case as submitted. */
export interface TransitionContext {
  now: string;
  input: AppealInput;
}

/** An event to record (project into the read model), with the state after the transition. */
export interface RecordedEvent {
  type: AppealEventType;
  actor: Actor;
  details: Record<string, unknown>;
}

/** The end of a transition: the next state and its event, or no event when nothing changed. */
export interface Outcome {
  state: AppealState;
  event: RecordedEvent | null;
}

type LookupName = 'routeAppeal' | 'termForOrganisation' | 'checkOrganisation' | 'extendedTerm' | 'parentOrganisation';
export type LookupArgs<K extends LookupName> = Parameters<AppealActivities[K]>[0];
export type LookupAnswer<K extends LookupName> = Awaited<ReturnType<AppealActivities[K]>>;
/** An activity the transition needs the answer of, and how the transition goes on with it. */
export type Lookup = { [K in LookupName]: { ask: K; args: LookupArgs<K>; then(answer: LookupAnswer<K>): Step } }[LookupName];
export type Step = Outcome | Lookup;

function ask<K extends LookupName>(name: K, args: LookupArgs<K>, then: (answer: LookupAnswer<K>) => Step): Step {
  return { ask: name, args, then } as Lookup;
}

/** An action refused by a guard; the workflow turns it into an ApplicationFailure of the same type. */
export class ActionRefused extends Refused {}

function refuse(type: ActionRefused['type'], message: string): never {
  throw new ActionRefused(type, message);
}

// --- guards --------------------------------------------------------------------------------------

function requireStatus(state: AppealState, allowed: readonly AppealStatus[], action: string): void {
  if (!allowed.includes(state.status)) refuse(FAILURE.invalidTransition, `cannot ${action}: the case is ${state.status}`);
}

function requireOperator(state: AppealState, actor: Actor): void {
  if (actor.role === 'administrator') return;
  if ((actor.role === 'operator' || actor.role === 'integration') && actor.organisationId === state.organisationId) return;
  refuse(FAILURE.forbidden, 'only an operator of the organisation that handles the case may do this');
}

function requireApplicant(state: AppealState, actor: Actor): void {
  if (actor.role === 'citizen' && actor.userId !== null && actor.userId === state.applicantUserId) return;
  refuse(FAILURE.forbidden, 'only the applicant may do this');
}

function requireSupervisor(state: AppealState, actor: Actor): void {
  if (actor.role === 'administrator') return;
  if (actor.role === 'supervisor' && actor.regionId === state.regionId) return;
  refuse(FAILURE.forbidden, 'only a supervisor of the case region may do this');
}

function requireRegistered(state: AppealState): void {
  if (!state.organisationId) refuse(FAILURE.invalidTransition, 'the case is not registered yet');
}

/** The handling organisation's operator, in one of the allowed statuses. */
function byOperator(state: AppealState, actor: Actor, allowed: readonly AppealStatus[], action: string): void {
  requireRegistered(state);
  requireOperator(state, actor);
  requireStatus(state, allowed, action);
}

/** A supervisor of the case's region, in one of the allowed statuses. */
function bySupervisor(state: AppealState, actor: Actor, allowed: readonly AppealStatus[], action: string): void {
  requireRegistered(state);
  requireSupervisor(state, actor);
  requireStatus(state, allowed, action);
}

function requireText(value: unknown, field: string, max = MAX_TEXT): void {
  if (typeof value !== 'string' || value.trim().length === 0) refuse(FAILURE.invalidInput, `${field} must not be empty`);
  if (value.length > max) refuse(FAILURE.invalidInput, `${field} is longer than ${max} characters`);
}

/** A calendar date YYYY-MM-DD that exists. */
function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A hand-over (redirect, reassign) names another organisation and says why. */
function requireHandOver(state: AppealState, organisationId: string, reason: string): void {
  requireText(organisationId, 'organisationId', 200);
  requireText(reason, 'reason', 2000);
  if (organisationId === state.organisationId) refuse(FAILURE.invalidInput, 'the case is already with this organisation');
}

function requireAcknowledgement(state: AppealState, a: AcknowledgeRegistration, now: string): void {
  requireText(a.externalNumber, 'externalNumber', 100);
  if (!isCalendarDate(a.externalRegisteredAt)) refuse(FAILURE.invalidInput, 'externalRegisteredAt must be a date (YYYY-MM-DD)');
  // A day of slack either side: the СЭД writes its local date, the platform keeps UTC instants.
  const day = Date.parse(`${a.externalRegisteredAt}T00:00:00Z`);
  if (day > Date.parse(now) + DAY_MS) refuse(FAILURE.invalidInput, 'externalRegisteredAt is in the future');
  if (state.registeredAt && day < Date.parse(state.registeredAt) - 2 * DAY_MS) {
    refuse(FAILURE.invalidInput, 'externalRegisteredAt is before the case was registered on the platform');
  }
  const existing = currentExternalRegistration(state);
  if (existing && (existing.externalNumber !== a.externalNumber || existing.externalRegisteredAt !== a.externalRegisteredAt)) {
    refuse(FAILURE.invalidTransition,
      `the case is already registered by ${existing.organisationId} as ${existing.externalNumber} of ${existing.externalRegisteredAt}`);
  }
}

// --- building blocks of transitions --------------------------------------------------------------

/** The state after a transition with its event: one more step (seq) of the read model. */
function recorded(state: AppealState, type: AppealEventType, actor: Actor, details: Record<string, unknown> = {}): Outcome {
  return { state: { ...state, seq: state.seq + 1 }, event: { type, actor, details } };
}

function closed(state: AppealState, resolution: Resolution, now: string): AppealState {
  return { ...state, status: 'closed', resolution, closedAt: now, ratingDueAt: null };
}

/** Starts a new round of processing at an organisation with a fresh term (escalation, reopen). */
function newRound(state: AppealState, organisationId: string, { now, input }: TransitionContext, then: (next: AppealState) => Step): Step {
  const args = { regionId: state.regionId, organisationId, subcategoryId: input.subcategoryId, from: now };
  return ask('termForOrganisation', args, (term) => then({
    ...state,
    previousOrganisations: state.organisationId && state.organisationId !== organisationId
      ? [...state.previousOrganisations, state.organisationId] : state.previousOrganisations,
    organisationId, status: 'registered', round: state.round + 1,
    answerDueAt: term.answerDueAt, termDays: term.termDays, accelerated: term.accelerated, advisory: term.advisory,
    advisoryDueAt: term.advisoryDueAt, advisoryMissed: false, overdue: false, extended: false, answer: null, clarification: null, rating: null, ratingDueAt: null, resolution: null, closedAt: null,
  }));
}

/** Hands the case to another organisation (redirect, reassign) within the same term, once the organisation checks out. */
function handOver(state: AppealState, organisationId: string, then: (next: AppealState, from: string) => Step): Step {
  return ask('checkOrganisation', { regionId: state.regionId, organisationId }, (problem) => {
    if (problem) refuse(FAILURE.invalidInput, problem);
    const from = state.organisationId!;
    return then({ ...state, previousOrganisations: [...state.previousOrganisations, from], organisationId, status: 'registered' }, from);
  });
}

// --- the actions ---------------------------------------------------------------------------------

/**
 * An action of a person (an update). The guard runs twice: in the update's validator, so that a refused
 * action never enters history, and again in the handler under the lock, since another action may have
 * changed the state in between.
 */
export interface AppealAction<A> {
  /** Who may act, in which status, with which input; throws ActionRefused. */
  guard(state: AppealState, args: A, ctx: TransitionContext): void;
  /** The transition itself, once the guard has passed. */
  apply(state: AppealState, args: A, ctx: TransitionContext): Step;
}

/** Each action's arguments, by the name of its update (messages.ts). */
export interface ActionArgs {
  takeIntoWork: TakeIntoWork;
  answer: AnswerCase;
  redirect: Redirect;
  requestClarification: RequestClarification;
  replyToClarification: ReplyToClarification;
  extendTerm: ExtendTerm;
  leaveWithoutAnswer: LeaveWithoutAnswer;
  rate: RateAnswer;
  reassign: Reassign;
  changeTerm: ChangeTerm;
  acknowledgeRegistration: AcknowledgeRegistration;
  close: CloseCase;
}
export type ActionName = keyof ActionArgs;
type ActionTable = { [K in ActionName]: AppealAction<ActionArgs[K]> };

const operatorActions = {
  takeIntoWork: {
    guard: (state, { actor }) => byOperator(state, actor, ['registered'], 'take into work'),
    apply: (state, { actor }) => recorded({ ...state, status: 'in_work' }, 'taken_into_work', actor),
  },
  answer: {
    guard(state, { actor, text, attachments }) {
      byOperator(state, actor, OPEN, 'answer');
      requireText(text, 'text');
      if (attachments && (!Array.isArray(attachments) || attachments.some((a) => typeof a !== 'string' || a.length === 0))) {
        refuse(FAILURE.invalidInput, 'attachments must be a list of non-empty references');
      }
    },
    apply(state, { actor, text, attachments: given }, { now }) {
      const attachments = given ?? [];
      const answer = { text, attachments, answeredAt: now, byUserId: actor.userId, organisationId: state.organisationId! };
      const ratingDue = ratingDueAt(now, state.regulation?.ratingWindowDays ?? 10);
      return recorded({ ...state, answer, status: 'answered', ratingDueAt: ratingDue }, 'answered', actor, { text, attachments });
    },
  },
  redirect: {
    guard(state, { actor, organisationId, reason }) {
      byOperator(state, actor, ['registered', 'in_work'], 'redirect');
      requireHandOver(state, organisationId, reason);
    },
    apply: (state, { actor, organisationId, reason }) =>
      handOver(state, organisationId, (next, from) => recorded(next, 'redirected', actor, { from, to: organisationId, reason })),
  },
  requestClarification: {
    guard(state, { actor, question }) {
      byOperator(state, actor, ['registered', 'in_work'], 'ask for clarification');
      requireText(question, 'question');
    },
    apply: (state, { actor, question }, { now }) =>
      recorded({ ...state, clarification: { question, askedAt: now }, status: 'clarification_requested' }, 'clarification_requested', actor, { question }),
  },
  extendTerm: {
    guard(state, { actor, days, reason }, { now }) {
      byOperator(state, actor, OPEN, 'extend the term');
      if (state.extended) refuse(FAILURE.invalidTransition, 'the term has already been extended once (59-FZ art. 12 p. 2 allows one extension)');
      // Passed is passed, whether or not the term's timer has run yet (the read model shows it overdue already).
      if (overdueAt(state, Date.parse(now))) refuse(FAILURE.invalidTransition, 'the term has already passed: it can be extended only before it ends');
      const max = state.regulation?.extensionMaxDays ?? 30;
      if (!Number.isInteger(days) || days < 1 || days > max) refuse(FAILURE.invalidInput, `days must be an integer from 1 to ${max}`);
      requireText(reason, 'reason', 2000);
    },
    apply: (state, { actor, days, reason }) =>
      ask('extendedTerm', { regionId: state.regionId, answerDueAt: state.answerDueAt!, days }, (answerDueAt) =>
        recorded({ ...state, answerDueAt, extended: true }, 'term_extended', actor, { days, reason, previousAnswerDueAt: state.answerDueAt })),
  },
  leaveWithoutAnswer: {
    guard(state, { actor, ground, comment }) {
      byOperator(state, actor, OPEN, 'leave without an answer');
      if (state.kind !== 'appeal') refuse(FAILURE.invalidTransition, '59-FZ grounds apply to appeals, not to messages');
      if (!NO_ANSWER_GROUNDS.includes(ground)) refuse(FAILURE.invalidInput, `ground must be one of ${NO_ANSWER_GROUNDS.join(', ')}`);
      requireText(comment, 'comment', 2000);
    },
    apply: (state, { actor, ground, comment }, { now }) =>
      recorded(closed(state, 'left_without_answer', now), 'left_without_answer', actor, { ground, comment }),
  },
  acknowledgeRegistration: {
    guard(state, a, { now }) {
      byOperator(state, a.actor, [...OPEN, 'answered'], 'acknowledge the registration');
      requireAcknowledgement(state, a, now);
    },
    apply(state, { actor, externalNumber, externalRegisteredAt }, { now }) {
      // The same acknowledgement again (a СЭД retrying with a new key) changes nothing.
      if (currentExternalRegistration(state)) return { state, event: null };
      const registration = { organisationId: state.organisationId!, externalNumber, externalRegisteredAt, acknowledgedAt: now };
      const externalRegistrations = [...(state.externalRegistrations ?? []), registration];
      return recorded({ ...state, externalRegistrations }, 'acknowledged', actor, { externalNumber, externalRegisteredAt });
    },
  },
} satisfies Partial<ActionTable>;

const applicantActions = {
  replyToClarification: {
    guard(state, { actor, text }) {
      requireApplicant(state, actor);
      requireStatus(state, ['clarification_requested'], 'reply to a clarification');
      requireText(text, 'text');
    },
    apply: (state, { actor, text }, { now }) =>
      recorded({ ...state, clarification: { ...state.clarification!, reply: text, repliedAt: now }, status: 'in_work' }, 'clarification_replied', actor, { text }),
  },
  rate: {
    guard(state, { actor, rating }) {
      requireApplicant(state, actor);
      requireStatus(state, ['answered'], 'rate');
      try { assertValidRating(rating); } catch (e) { refuse(FAILURE.invalidInput, (e as Error).message); }
    },
    apply: rate,
  },
} satisfies Partial<ActionTable>;

/** Positive: closed. Negative: a new round at the parent organisation, or closed at the top. */
function rate(state: AppealState, { actor, rating, comment: given }: RateAnswer, ctx: TransitionContext): Step {
  const comment = given ?? null;
  const threshold = state.regulation?.negativeRatingThreshold ?? 2;
  if (!isNegativeRating(rating, threshold)) {
    return recorded({ ...closed(state, 'rated_positive', ctx.now), rating }, 'rated', actor, { rating, comment });
  }
  return ask('parentOrganisation', { regionId: state.regionId, organisationId: state.organisationId! }, (parent) => {
    const outcome = ratingOutcome(rating, threshold, parent);
    if (outcome.kind === 'close') {
      return recorded({ ...closed(state, outcome.resolution, ctx.now), rating }, 'closed', actor, { rating, comment, resolution: outcome.resolution });
    }
    const to = outcome.toOrganisationId;
    return newRound(state, to, ctx, (next) => recorded(next, 'escalated', actor, { rating, comment, from: state.organisationId, to }));
  });
}

const supervisorActions = {
  reassign: {
    guard(state, { actor, organisationId, reason }) {
      bySupervisor(state, actor, [...OPEN, 'answered'], 'reassign');
      requireHandOver(state, organisationId, reason);
    },
    apply: (state, { actor, organisationId, reason }) => handOver(state, organisationId, (next, from) =>
      recorded({ ...next, answer: null, ratingDueAt: null }, 'reassigned', actor, { from, to: organisationId, reason })),
  },
  changeTerm: {
    guard(state, { actor, answerDueAt, reason }, { now }) {
      bySupervisor(state, actor, OPEN, 'change the term');
      if (typeof answerDueAt !== 'string' || Number.isNaN(Date.parse(answerDueAt))) refuse(FAILURE.invalidInput, 'answerDueAt must be a date-time');
      if (Date.parse(answerDueAt) <= Date.parse(now)) refuse(FAILURE.invalidInput, 'answerDueAt must be in the future');
      requireText(reason, 'reason', 2000);
    },
    apply(state, { actor, answerDueAt, reason }) {
      const due = new Date(answerDueAt).toISOString();
      return recorded({ ...state, answerDueAt: due, overdue: false }, 'term_changed', actor, { previousAnswerDueAt: state.answerDueAt, answerDueAt: due, reason });
    },
  },
  close: {
    guard(state, { actor, reason }) {
      bySupervisor(state, actor, [...OPEN, 'answered'], 'close');
      requireText(reason, 'reason', 2000);
    },
    apply: (state, { actor, reason }, { now }) =>
      recorded(closed(state, 'closed_by_supervisor', now), 'closed', actor, { reason, resolution: 'closed_by_supervisor' }),
  },
} satisfies Partial<ActionTable>;

/** Every action, by the name of its update: an action missing here, or one more, fails the type-check. */
export const ACTIONS: ActionTable = { ...operatorActions, ...applicantActions, ...supervisorActions };

/** An action as the handler runs it: the guard again (under the lock), then the transition. */
export function act<K extends ActionName>(name: K, state: AppealState, args: ActionArgs[K], ctx: TransitionContext): Step {
  const action: AppealAction<ActionArgs[K]> = ACTIONS[name];
  action.guard(state, args, ctx);
  return action.apply(state, args, ctx);
}

// --- the life of a case outside the actions ------------------------------------------------------

/** The state a run starts from: a new case's, or the one carried over (continue-as-new, reopen). */
export function startingState(input: AppealInput): AppealState {
  // States carried from runs before СЭД acknowledgements existed have no list yet.
  if (input.carried) return { ...input.carried, externalRegistrations: input.carried.externalRegistrations ?? [] };
  return {
    caseId: input.caseId, kind: input.kind, regionId: input.regionId, applicantUserId: input.applicant.userId,
    status: 'registered', regulation: null, organisationId: null, previousOrganisations: [],
    registeredAt: null, answerDueAt: null, termDays: null, accelerated: false, advisory: false,
    advisoryDueAt: null, advisoryMissed: false, overdue: false, extended: false,
    round: 1, remindersSent: [], answer: null, clarification: null, rating: null, ratingDueAt: null,
    resolution: null, closedAt: null, externalRegistrations: [], seq: 0,
  };
}

/** The registration a routing makes: the case at its organisation, with its term and the region's regulation. */
export function registration(state: AppealState, input: AppealInput, routed: AppealRouting): Outcome {
  return recorded({
    ...state, organisationId: routed.organisationId, registeredAt: input.receivedAt, answerDueAt: routed.answerDueAt,
    termDays: routed.termDays, accelerated: routed.accelerated, advisory: routed.advisory,
    advisoryDueAt: routed.advisoryDueAt, advisoryMissed: false, regulation: routed.regulation,
  }, 'registered', SYSTEM, { routing: routed.routing });
}

/**
 * Registration by the workflow: routed by the routing activity. Only a run started without its
 * registration does this (an intake accepted before the API routed cases and projected their
 * registration itself, domain/cases/intake.ts); every new case starts registered.
 */
export function register(state: AppealState, { input }: TransitionContext): Step {
  return ask('routeAppeal', input, (routed) => registration(state, input, routed));
}

/**
 * A supervisor's reopen of a closed case, applied at the start of a new run: a new round at the same
 * organisation. The API checked the supervisor and the closed status before starting the run; refusing
 * here would fail the run and strand the case, so a reopen of an open case records nothing.
 */
export function reopen(state: AppealState, { actor, reason }: { actor: Actor; reason: string }, ctx: TransitionContext): Step {
  if (state.status !== 'closed') return { state, event: null };
  return newRound(state, state.organisationId!, ctx, (next) => recorded(next, 'reopened', actor, { reason }));
}

function pendingReminders(state: AppealState) {
  return remindersFor(state.answerDueAt!, state.regulation?.reminderOffsetsDays ?? [])
    .filter((r) => Date.parse(r.at) > Date.parse(state.registeredAt!) && !state.remindersSent.includes(`${state.round}:${r.at}`));
}

/** The term runs while the case is open, until it is overdue (the read model's rule too: workflows/rules/overdue.ts). */
function termRunning(state: AppealState): boolean {
  return termRunsIn(state.status) && state.answerDueAt !== null && !state.overdue;
}

/** The advisory target is still ahead of an open case (it never makes the case overdue). */
function advisoryRunning(state: AppealState): boolean {
  return termRunning(state) && state.advisoryDueAt !== null && !state.advisoryMissed;
}

/** The next moment something is due (epoch ms): the advisory target, a reminder, the term, or the end of the rating window. */
export function nextDeadline(state: AppealState): number | undefined {
  const times: number[] = [];
  if (advisoryRunning(state)) times.push(Date.parse(state.advisoryDueAt!));
  if (termRunning(state)) {
    times.push(Date.parse(state.answerDueAt!));
    for (const r of pendingReminders(state)) times.push(Date.parse(r.at));
  }
  if (state.status === 'answered' && state.ratingDueAt) times.push(Date.parse(state.ratingDueAt));
  return times.length ? Math.min(...times) : undefined;
}

/**
 * What is due at `now`: the advisory target passes (flagged, the case is not overdue), the binding term
 * passes (overdue), a reminder goes out, or the rating window closes the case. The advisory target comes
 * first: it is the earlier one, and after an outage both are recorded, one per call.
 */
export function timersDue(state: AppealState, now: string): Outcome {
  const at = Date.parse(now);
  if (advisoryRunning(state) && Date.parse(state.advisoryDueAt!) <= at) {
    return recorded({ ...state, advisoryMissed: true }, 'advisory_term_missed', SYSTEM, { advisoryDueAt: state.advisoryDueAt, answerDueAt: state.answerDueAt });
  }
  if (termRunning(state)) {
    if (Date.parse(state.answerDueAt!) <= at) {
      return recorded({ ...state, overdue: true }, 'overdue', SYSTEM, { answerDueAt: state.answerDueAt, advisory: state.advisory });
    }
    const due = pendingReminders(state).filter((r) => Date.parse(r.at) <= at);
    if (due.length > 0) {
      // After a long outage only the latest reminder is worth sending.
      const remindersSent = [...state.remindersSent, ...due.map((r) => `${state.round}:${r.at}`)];
      return recorded({ ...state, remindersSent }, 'reminder', SYSTEM, { offsetDays: due[due.length - 1].offsetDays, answerDueAt: state.answerDueAt });
    }
  }
  if (state.status === 'answered' && state.ratingDueAt && Date.parse(state.ratingDueAt) <= at) {
    return recorded(closed(state, 'rating_window_expired', now), 'closed', SYSTEM, { resolution: 'rating_window_expired' });
  }
  return { state, event: null };
}
