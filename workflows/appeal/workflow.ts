// The appeal workflow: one per message or appeal, its workflow id is the registration number.
// It holds the truth of the case's progress: who has it, its term, its status. Operator, applicant and
// supervisor actions arrive as updates (validated before they are recorded); terms, reminders and the
// rating window are timers; every transition is projected into Postgres by an idempotent activity.
import {
  ApplicationFailure, allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler,
  upsertSearchAttributes, workflowInfo, log,
} from '@temporalio/workflow';
import type { AppealActivities } from '../../activities/appeal';
import type { AppealEventType } from './events';
import type { Actor } from '../shared/actor';
import { createExclusive } from '../shared/exclusive';
import { FAILURE } from '../shared/failures';
import { remindersFor } from '../rules/answer-term';
import { assertValidRating, isNegativeRating, ratingDueAt, ratingOutcome } from '../rules/rating';
import {
  NO_ANSWER_GROUNDS, acknowledgeRegistrationUpdate, answerUpdate, changeTermUpdate, closeUpdate, extendTermUpdate, leaveWithoutAnswerUpdate,
  rateUpdate, reassignUpdate, redirectUpdate, registrationUpdate, replyToClarificationUpdate,
  requestClarificationUpdate, stateQuery, takeIntoWorkUpdate,
  type AppealInput, type AppealState, type AppealStatus, type ExternalRegistration, type Resolution,
} from './messages';
import {
  answerDueKey, caseTypeKey, categoryKey, organisationKey, overdueKey, regionKey, statusKey,
} from '../search-attributes';

const activities = proxyActivities<AppealActivities>({
  // Projections take milliseconds: a short timeout lets a crashed worker's step be retried soon.
  startToCloseTimeout: '10 seconds',
  // Postgres may be down for a while: keep retrying, never drop a transition.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const SYSTEM: Actor = { userId: null, role: 'system' };
const OPEN: readonly AppealStatus[] = ['registered', 'in_work', 'clarification_requested'];
const MAX_TEXT = 20_000;
/** Continue-as-new well before Temporal's 50k-event limit; a case rarely gets near it. */
export const HISTORY_LIMIT = 10_000;

// --- validation shared by validators and handlers ------------------------------------------------
// Validators reject a bad action before it enters history; handlers run the same check again under
// the lock, because another action may have changed the state in between.

function fail(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

function requireStatus(state: AppealState, allowed: readonly AppealStatus[], action: string): void {
  if (!allowed.includes(state.status)) {
    fail(FAILURE.invalidTransition, `cannot ${action}: the case is ${state.status}`);
  }
}

function requireOperator(state: AppealState, actor: Actor): void {
  if (actor.role === 'administrator') return;
  if ((actor.role === 'operator' || actor.role === 'integration') && actor.organisationId === state.organisationId) return;
  fail(FAILURE.forbidden, 'only an operator of the organisation that handles the case may do this');
}

function requireApplicant(state: AppealState, actor: Actor): void {
  if (actor.role === 'citizen' && actor.userId !== null && actor.userId === state.applicantUserId) return;
  fail(FAILURE.forbidden, 'only the applicant may do this');
}

function requireSupervisor(state: AppealState, actor: Actor): void {
  if (actor.role === 'administrator') return;
  if (actor.role === 'supervisor' && actor.regionId === state.regionId) return;
  fail(FAILURE.forbidden, 'only a supervisor of the case region may do this');
}

function requireText(value: unknown, field: string, max = MAX_TEXT): void {
  if (typeof value !== 'string' || value.trim().length === 0) fail(FAILURE.invalidInput, `${field} must not be empty`);
  if (value.length > max) fail(FAILURE.invalidInput, `${field} is longer than ${max} characters`);
}

/** A calendar date YYYY-MM-DD that exists. */
function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function requireRegistered(state: AppealState): void {
  if (!state.organisationId) fail(FAILURE.invalidTransition, 'the case is not registered yet');
}

export function initialState(input: AppealInput): AppealState {
  return {
    caseId: input.caseId,
    kind: input.kind,
    regionId: input.regionId,
    applicantUserId: input.applicant.userId,
    status: 'registered',
    regulation: null,
    organisationId: null,
    previousOrganisations: [],
    registeredAt: null,
    answerDueAt: null,
    termDays: null,
    accelerated: false,
    advisory: false,
    overdue: false,
    extended: false,
    round: 1,
    remindersSent: [],
    answer: null,
    clarification: null,
    rating: null,
    ratingDueAt: null,
    resolution: null,
    closedAt: null,
    externalRegistrations: [],
    seq: 0,
  };
}

export async function appealWorkflow(input: AppealInput): Promise<AppealState> {
  const state: AppealState = input.carried ? (JSON.parse(JSON.stringify(input.carried)) as AppealState) : initialState(input);
  // States carried from runs before СЭД acknowledgements existed have no list yet.
  state.externalRegistrations ??= [];
  const lock = createExclusive();
  const exclusive = <T>(fn: () => Promise<T>) => lock.run(fn);

  const nowIso = () => new Date().toISOString(); // workflow time: deterministic, replay-safe

  /** Records a transition: the state is already changed; project it and refresh search attributes. */
  async function record(type: AppealEventType, actor: Actor, details: Record<string, unknown> = {}): Promise<void> {
    state.seq += 1;
    await activities.projectAppealTransition({ input: { ...input, carried: undefined }, state, type, actor, occurredAt: nowIso(), details });
    upsertSearchAttributes([
      { key: caseTypeKey, value: 'appeal' },
      { key: statusKey, value: state.status },
      { key: regionKey, value: state.regionId },
      { key: categoryKey, value: input.categoryId },
      ...(state.organisationId ? [{ key: organisationKey, value: state.organisationId }] : []),
      ...(state.answerDueAt ? [{ key: answerDueKey, value: new Date(state.answerDueAt) }] : []),
      { key: overdueKey, value: state.overdue },
    ]);
  }

  function close(resolution: Resolution): void {
    state.status = 'closed';
    state.resolution = resolution;
    state.closedAt = nowIso();
    state.ratingDueAt = null;
  }

  /** Starts a new round of processing at an organisation with a fresh term (escalation, reopen). */
  async function newRound(organisationId: string): Promise<void> {
    const term = await activities.termForOrganisation({
      regionId: state.regionId, organisationId, subcategoryId: input.subcategoryId, from: nowIso(),
    });
    if (state.organisationId && state.organisationId !== organisationId) state.previousOrganisations.push(state.organisationId);
    state.organisationId = organisationId;
    state.status = 'registered';
    state.round += 1;
    state.answerDueAt = term.answerDueAt;
    state.termDays = term.termDays;
    state.accelerated = term.accelerated;
    state.advisory = term.advisory;
    state.overdue = false;
    state.extended = false;
    state.answer = null;
    state.clarification = null;
    state.rating = null;
    state.ratingDueAt = null;
    state.resolution = null;
    state.closedAt = null;
  }

  /** A supervisor's reopen of a closed case, applied at the start of a new run (see api/temporal). */
  // The API checked the supervisor and the closed status before starting the run; throwing here would
  // fail the run and strand the case, so a reopen of an open case is only logged.
  async function reopen(actor: Actor, reason: string): Promise<void> {
    if (state.status !== 'closed') {
      log.warn('reopen ignored: the case is not closed', { caseId: state.caseId, status: state.status });
      return;
    }
    await newRound(state.organisationId!);
    await record('reopened', actor, { reason });
  }

  /** Hands the case to another organisation (redirect, reassign) within the same term; returns the former one. */
  async function handOver(organisationId: string): Promise<string> {
    if (organisationId === state.organisationId) fail(FAILURE.invalidInput, 'the case is already with this organisation');
    const problem = await activities.checkOrganisation({ regionId: state.regionId, organisationId });
    if (problem) fail(FAILURE.invalidInput, problem);
    const from = state.organisationId!;
    state.previousOrganisations.push(from);
    state.organisationId = organisationId;
    state.status = 'registered';
    return from;
  }

  /** The acknowledged registration of the organisation handling the case now, if any. */
  function ownRegistration(): ExternalRegistration | undefined {
    return state.externalRegistrations!.find((r) => r.organisationId === state.organisationId);
  }

  // --- queries and updates ------------------------------------------------------------------------
  setHandler(stateQuery, () => state);

  // Ready once registration (or a reopen) has been projected, so the caller can read the case row.
  let ready = false;
  setHandler(registrationUpdate, async () => {
    await condition(() => ready);
    return state;
  });

  const validators = {
    takeIntoWork: ({ actor }: { actor: Actor }) => {
      requireRegistered(state); requireOperator(state, actor); requireStatus(state, ['registered'], 'take into work');
    },
    answer: ({ actor, text, attachments }: { actor: Actor; text: string; attachments?: string[] }) => {
      requireRegistered(state); requireOperator(state, actor); requireStatus(state, OPEN, 'answer'); requireText(text, 'text');
      if (attachments && (!Array.isArray(attachments) || attachments.some((a) => typeof a !== 'string' || a.length === 0))) {
        fail(FAILURE.invalidInput, 'attachments must be a list of non-empty references');
      }
    },
    redirect: ({ actor, organisationId, reason }: { actor: Actor; organisationId: string; reason: string }) => {
      requireRegistered(state); requireOperator(state, actor); requireStatus(state, ['registered', 'in_work'], 'redirect');
      requireText(organisationId, 'organisationId', 200); requireText(reason, 'reason', 2000);
    },
    requestClarification: ({ actor, question }: { actor: Actor; question: string }) => {
      requireRegistered(state); requireOperator(state, actor); requireStatus(state, ['registered', 'in_work'], 'ask for clarification');
      requireText(question, 'question');
    },
    replyToClarification: ({ actor, text }: { actor: Actor; text: string }) => {
      requireApplicant(state, actor); requireStatus(state, ['clarification_requested'], 'reply to a clarification'); requireText(text, 'text');
    },
    extendTerm: ({ actor, days, reason }: { actor: Actor; days: number; reason: string }) => {
      requireRegistered(state); requireOperator(state, actor); requireStatus(state, OPEN, 'extend the term');
      if (state.extended) fail(FAILURE.invalidTransition, 'the term has already been extended once (59-FZ art. 12 p. 2 allows one extension)');
      if (state.overdue) fail(FAILURE.invalidTransition, 'the term has already passed: it can be extended only before it ends');
      const max = state.regulation?.extensionMaxDays ?? 30;
      if (!Number.isInteger(days) || days < 1 || days > max) fail(FAILURE.invalidInput, `days must be an integer from 1 to ${max}`);
      requireText(reason, 'reason', 2000);
    },
    leaveWithoutAnswer: ({ actor, ground, comment }: { actor: Actor; ground: string; comment: string }) => {
      requireRegistered(state); requireOperator(state, actor); requireStatus(state, OPEN, 'leave without an answer');
      if (state.kind !== 'appeal') fail(FAILURE.invalidTransition, '59-FZ grounds apply to appeals, not to messages');
      if (!(NO_ANSWER_GROUNDS as readonly string[]).includes(ground)) fail(FAILURE.invalidInput, `ground must be one of ${NO_ANSWER_GROUNDS.join(', ')}`);
      requireText(comment, 'comment', 2000);
    },
    rate: ({ actor, rating }: { actor: Actor; rating: number }) => {
      requireApplicant(state, actor); requireStatus(state, ['answered'], 'rate');
      try { assertValidRating(rating); } catch (e) { fail(FAILURE.invalidInput, (e as Error).message); }
    },
    reassign: ({ actor, organisationId, reason }: { actor: Actor; organisationId: string; reason: string }) => {
      requireRegistered(state); requireSupervisor(state, actor); requireStatus(state, [...OPEN, 'answered'], 'reassign');
      requireText(organisationId, 'organisationId', 200); requireText(reason, 'reason', 2000);
    },
    changeTerm: ({ actor, answerDueAt, reason }: { actor: Actor; answerDueAt: string; reason: string }) => {
      requireRegistered(state); requireSupervisor(state, actor); requireStatus(state, OPEN, 'change the term');
      if (typeof answerDueAt !== 'string' || Number.isNaN(Date.parse(answerDueAt))) fail(FAILURE.invalidInput, 'answerDueAt must be a date-time');
      if (Date.parse(answerDueAt) <= Date.now()) fail(FAILURE.invalidInput, 'answerDueAt must be in the future');
      requireText(reason, 'reason', 2000);
    },
    acknowledgeRegistration: ({ actor, externalNumber, externalRegisteredAt }: { actor: Actor; externalNumber: string; externalRegisteredAt: string }) => {
      requireRegistered(state); requireOperator(state, actor); requireStatus(state, [...OPEN, 'answered'], 'acknowledge the registration');
      requireText(externalNumber, 'externalNumber', 100);
      if (!isCalendarDate(externalRegisteredAt)) fail(FAILURE.invalidInput, 'externalRegisteredAt must be a date (YYYY-MM-DD)');
      // A day of slack either side: the СЭД writes its local date, the platform keeps UTC instants.
      const day = Date.parse(`${externalRegisteredAt}T00:00:00Z`);
      if (day > Date.now() + 86_400_000) fail(FAILURE.invalidInput, 'externalRegisteredAt is in the future');
      if (state.registeredAt && day < Date.parse(state.registeredAt) - 2 * 86_400_000) {
        fail(FAILURE.invalidInput, 'externalRegisteredAt is before the case was registered on the platform');
      }
      const existing = ownRegistration();
      if (existing && (existing.externalNumber !== externalNumber || existing.externalRegisteredAt !== externalRegisteredAt)) {
        fail(FAILURE.invalidTransition,
          `the case is already registered by ${existing.organisationId} as ${existing.externalNumber} of ${existing.externalRegisteredAt}`);
      }
    },
    close: ({ actor, reason }: { actor: Actor; reason: string }) => {
      requireRegistered(state); requireSupervisor(state, actor); requireStatus(state, [...OPEN, 'answered'], 'close');
      requireText(reason, 'reason', 2000);
    },
  };

  setHandler(takeIntoWorkUpdate, (a) => exclusive(async () => {
    validators.takeIntoWork(a);
    state.status = 'in_work';
    await record('taken_into_work', a.actor);
    return state;
  }), { validator: validators.takeIntoWork });

  setHandler(answerUpdate, (a) => exclusive(async () => {
    validators.answer(a);
    const answeredAt = nowIso();
    state.answer = { text: a.text, attachments: a.attachments ?? [], answeredAt, byUserId: a.actor.userId, organisationId: state.organisationId! };
    state.status = 'answered';
    state.ratingDueAt = ratingDueAt(answeredAt, state.regulation?.ratingWindowDays ?? 10);
    await record('answered', a.actor, { text: a.text, attachments: a.attachments ?? [] });
    return state;
  }), { validator: validators.answer });

  setHandler(redirectUpdate, (a) => exclusive(async () => {
    validators.redirect(a);
    const from = await handOver(a.organisationId);
    await record('redirected', a.actor, { from, to: a.organisationId, reason: a.reason });
    return state;
  }), { validator: validators.redirect });

  setHandler(requestClarificationUpdate, (a) => exclusive(async () => {
    validators.requestClarification(a);
    state.clarification = { question: a.question, askedAt: nowIso() };
    state.status = 'clarification_requested';
    await record('clarification_requested', a.actor, { question: a.question });
    return state;
  }), { validator: validators.requestClarification });

  setHandler(replyToClarificationUpdate, (a) => exclusive(async () => {
    validators.replyToClarification(a);
    state.clarification = { ...state.clarification!, reply: a.text, repliedAt: nowIso() };
    state.status = 'in_work';
    await record('clarification_replied', a.actor, { text: a.text });
    return state;
  }), { validator: validators.replyToClarification });

  setHandler(extendTermUpdate, (a) => exclusive(async () => {
    validators.extendTerm(a);
    const previous = state.answerDueAt;
    state.answerDueAt = await activities.extendedTerm({ regionId: state.regionId, answerDueAt: state.answerDueAt!, days: a.days });
    state.extended = true;
    await record('term_extended', a.actor, { days: a.days, reason: a.reason, previousAnswerDueAt: previous });
    return state;
  }), { validator: validators.extendTerm });

  setHandler(leaveWithoutAnswerUpdate, (a) => exclusive(async () => {
    validators.leaveWithoutAnswer(a);
    close('left_without_answer');
    await record('left_without_answer', a.actor, { ground: a.ground, comment: a.comment });
    return state;
  }), { validator: validators.leaveWithoutAnswer });

  setHandler(rateUpdate, (a) => exclusive(async () => {
    validators.rate(a);
    const threshold = state.regulation?.negativeRatingThreshold ?? 2;
    const rating = a.rating;
    if (!isNegativeRating(rating, threshold)) {
      state.rating = rating;
      close('rated_positive');
      await record('rated', a.actor, { rating, comment: a.comment ?? null });
      return state;
    }
    const parent = await activities.parentOrganisation({ regionId: state.regionId, organisationId: state.organisationId! });
    const outcome = ratingOutcome(rating, threshold, parent);
    if (outcome.kind === 'escalate') {
      const from = state.organisationId;
      await newRound(outcome.toOrganisationId);
      await record('escalated', a.actor, { rating, comment: a.comment ?? null, from, to: outcome.toOrganisationId });
    } else {
      state.rating = rating;
      close(outcome.resolution);
      await record('closed', a.actor, { rating, comment: a.comment ?? null, resolution: outcome.resolution });
    }
    return state;
  }), { validator: validators.rate });

  setHandler(reassignUpdate, (a) => exclusive(async () => {
    validators.reassign(a);
    const from = await handOver(a.organisationId);
    state.answer = null;
    state.ratingDueAt = null;
    await record('reassigned', a.actor, { from, to: a.organisationId, reason: a.reason });
    return state;
  }), { validator: validators.reassign });

  setHandler(changeTermUpdate, (a) => exclusive(async () => {
    validators.changeTerm(a);
    const previous = state.answerDueAt;
    state.answerDueAt = new Date(a.answerDueAt).toISOString();
    state.overdue = false;
    await record('term_changed', a.actor, { previousAnswerDueAt: previous, answerDueAt: state.answerDueAt, reason: a.reason });
    return state;
  }), { validator: validators.changeTerm });

  setHandler(acknowledgeRegistrationUpdate, (a) => exclusive(async () => {
    validators.acknowledgeRegistration(a);
    // The same acknowledgement again (a СЭД retrying with a new key) changes nothing.
    if (ownRegistration()) return state;
    const registration: ExternalRegistration = {
      organisationId: state.organisationId!, externalNumber: a.externalNumber, externalRegisteredAt: a.externalRegisteredAt, acknowledgedAt: nowIso(),
    };
    state.externalRegistrations!.push(registration);
    await record('acknowledged', a.actor, { externalNumber: a.externalNumber, externalRegisteredAt: a.externalRegisteredAt });
    return state;
  }), { validator: validators.acknowledgeRegistration });

  setHandler(closeUpdate, (a) => exclusive(async () => {
    validators.close(a);
    close('closed_by_supervisor');
    await record('closed', a.actor, { reason: a.reason, resolution: 'closed_by_supervisor' });
    return state;
  }), { validator: validators.close });

  // --- registration -------------------------------------------------------------------------------
  if (state.seq === 0) {
    await exclusive(async () => {
      const routed = await activities.routeAppeal(input);
      state.organisationId = routed.organisationId;
      state.registeredAt = input.receivedAt;
      state.answerDueAt = routed.answerDueAt;
      state.termDays = routed.termDays;
      state.accelerated = routed.accelerated;
      state.advisory = routed.advisory;
      state.regulation = routed.regulation;
      await record('registered', SYSTEM, { routing: routed.routing });
    });
  }
  if (input.reopen) {
    const { actor, reason } = input.reopen;
    await exclusive(() => reopen(actor, reason));
  }

  // --- timers -------------------------------------------------------------------------------------
  /** The next moment something is due: a reminder, the term, or the end of the rating window. */
  function nextDeadline(): number | undefined {
    const times: number[] = [];
    if (OPEN.includes(state.status) && state.answerDueAt) {
      if (!state.overdue) {
        times.push(Date.parse(state.answerDueAt));
        for (const r of pendingReminders()) times.push(Date.parse(r.at));
      }
    }
    if (state.status === 'answered' && state.ratingDueAt) times.push(Date.parse(state.ratingDueAt));
    return times.length ? Math.min(...times) : undefined;
  }

  function pendingReminders() {
    return remindersFor(state.answerDueAt!, state.regulation?.reminderOffsetsDays ?? [])
      .filter((r) => Date.parse(r.at) > Date.parse(state.registeredAt!) && !state.remindersSent.includes(`${state.round}:${r.at}`));
  }

  async function fireDueTimers(): Promise<void> {
    const now = Date.now();
    if (OPEN.includes(state.status) && state.answerDueAt && !state.overdue) {
      if (Date.parse(state.answerDueAt) <= now) {
        state.overdue = true;
        await record('overdue', SYSTEM, { answerDueAt: state.answerDueAt, advisory: state.advisory });
      } else {
        const due = pendingReminders().filter((r) => Date.parse(r.at) <= now);
        if (due.length > 0) {
          // After a long outage only the latest reminder is worth sending.
          for (const r of due) state.remindersSent.push(`${state.round}:${r.at}`);
          await record('reminder', SYSTEM, { offsetDays: due[due.length - 1].offsetDays, answerDueAt: state.answerDueAt });
        }
      }
    }
    if (state.status === 'answered' && state.ratingDueAt && Date.parse(state.ratingDueAt) <= now) {
      close('rating_window_expired');
      await record('closed', SYSTEM, { resolution: 'rating_window_expired' });
    }
  }

  ready = true;
  let observedSeq = state.seq;
  while (state.status !== 'closed') {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.historyLimit ?? HISTORY_LIMIT)) {
      await condition(() => !lock.locked && allHandlersFinished());
      log.info('continuing as new', { caseId: state.caseId, historyLength: workflowInfo().historyLength });
      await continueAsNew<typeof appealWorkflow>({ ...input, carried: state, reopen: undefined });
    }
    const deadline = nextDeadline();
    const seqBefore = observedSeq;
    // Wake on any transition (it may move the deadlines) or when the next deadline comes.
    const changed = () => state.seq !== seqBefore && !lock.locked;
    let woke = true;
    if (deadline === undefined) await condition(changed);
    else woke = await condition(changed, Math.max(1, deadline - Date.now()));
    observedSeq = state.seq;
    if (!woke) await exclusive(fireDueTimers);
  }

  // Closed: let in-flight updates reply, then finish with the final state (a reopen starts a new run).
  await condition(allHandlersFinished);
  return state;
}
