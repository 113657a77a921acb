// The lifecycle every participation event's workflow runs: draft → scheduled → open → closed →
// (type-specific phases) → results published; an organisation may extend or cancel it with a reason.
// A type's workflow (workflows/poll, vote, discussion, hearing) calls runParticipationEvent with its
// hooks, as Decidim's components plug into one participatory space.
import {
  ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { ParticipationActivities } from '../../activities/participation';
import type { Actor } from '../shared/actor';
import { FAILURE } from '../shared/failures';
import { caseTypeKey, organisationKey, regionKey, statusKey } from '../search-attributes';
import { createExclusive } from '../shared/exclusive';
import { canCancel, extensionProblems, scheduleProblems, timedStatus } from './lifecycle';
import {
  cancelEventUpdate, eventStateQuery, extendEventUpdate, publishEventUpdate,
  type ParticipationInput, type ParticipationState,
} from './messages';

const activities = proxyActivities<ParticipationActivities>({
  // Projections take milliseconds: a short timeout lets a crashed worker's step be retried soon.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const SYSTEM: Actor = { userId: null, role: 'system' };
export const EVENT_HISTORY_LIMIT = 10_000;

export function fail(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

/** An organiser of the event: an operator of its organisation, or an administrator. */
export function requireOrganiser(input: ParticipationInput, actor: Actor): void {
  if (actor.role === 'administrator') return;
  if (actor.role === 'operator' && actor.organisationId === input.organisationId) return;
  fail(FAILURE.forbidden, 'only an operator of the organising organisation may do this');
}

export function requireReason(reason: unknown): void {
  if (typeof reason !== 'string' || reason.trim() === '') fail(FAILURE.invalidInput, 'reason must not be empty');
  if (reason.length > 2000) fail(FAILURE.invalidInput, 'reason is longer than 2000 characters');
}

export interface EventContext<Input extends ParticipationInput> {
  input: Input;
  state: ParticipationState;
  /** Changes nothing by itself: the caller has changed the state; this projects it as one step. */
  record(type: string, actor: Actor, details?: Record<string, unknown>, results?: unknown): Promise<void>;
  /** Runs fn as one transition, never interleaved with another. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** The moment, by workflow time. */
  now(): string;
}

export interface EventHooks<Input extends ParticipationInput> {
  /** Registers the type's own updates and queries (called once, before anything else runs). */
  setup?(ctx: EventContext<Input>): void;
  /**
   * After the event closes: the type's later phases (a discussion's answers to proposals, a hearing's
   * protocol), ending with the results published. Without it, results are published at once.
   */
  afterClose?(ctx: EventContext<Input>): Promise<void>;
  /** Aggregated results to publish (computed by an activity from Postgres). */
  results?(ctx: EventContext<Input>): Promise<unknown>;
  /** The type's own reasons to refuse publication (a hearing's announcement term); empty: none. */
  publishProblems?(ctx: EventContext<Input>): string[];
  /** Details recorded with the publication (a hearing's announcement). */
  publishDetails?(ctx: EventContext<Input>): Record<string, unknown>;
}

export function initialEventState(input: ParticipationInput): ParticipationState {
  return {
    eventId: input.eventId,
    type: input.type,
    status: 'draft',
    schedule: input.schedule,
    phase: null,
    cancelledReason: null,
    extensions: [],
    seq: 0,
    extra: {},
  };
}

export async function runParticipationEvent<Input extends ParticipationInput>(
  input: Input,
  hooks: EventHooks<Input>,
  continueAs: (next: Input) => Promise<never>,
): Promise<ParticipationState> {
  const state: ParticipationState = input.carried ? (JSON.parse(JSON.stringify(input.carried)) as ParticipationState) : initialEventState(input);
  const lock = createExclusive();
  const now = () => new Date().toISOString();

  async function record(type: string, actor: Actor, details: Record<string, unknown> = {}, results?: unknown): Promise<void> {
    state.seq += 1;
    await activities.projectParticipationTransition({ input: { ...input, carried: undefined }, state, type, actor, occurredAt: now(), details, results });
    upsertSearchAttributes([
      { key: caseTypeKey, value: input.type },
      { key: statusKey, value: state.status },
      { key: regionKey, value: input.regionId },
      { key: organisationKey, value: input.organisationId },
    ]);
  }
  const ctx: EventContext<Input> = { input, state, record, exclusive: (fn) => lock.run(fn), now };

  setHandler(eventStateQuery, () => state);

  const validatePublish = ({ actor }: { actor: Actor }) => {
    requireOrganiser(input, actor);
    if (state.status !== 'draft') fail(FAILURE.invalidTransition, `cannot publish an event that is ${state.status}`);
    const problems = [...scheduleProblems(state.schedule, now()), ...(hooks.publishProblems?.(ctx) ?? [])];
    if (problems.length > 0) fail(FAILURE.invalidInput, problems.join('; '));
  };
  setHandler(publishEventUpdate, (a) => lock.run(async () => {
    validatePublish(a);
    state.status = timedStatus(state.schedule, now()) === 'open' ? 'open' : 'scheduled';
    await record('published', a.actor, hooks.publishDetails?.(ctx) ?? {});
    return state;
  }), { validator: validatePublish });

  const validateExtend = ({ actor, closesAt, reason }: { actor: Actor; closesAt: string; reason: string }) => {
    requireOrganiser(input, actor);
    requireReason(reason);
    const problems = extensionProblems(state.status, state.schedule, closesAt, now());
    if (problems.length > 0) fail(state.status === 'open' || state.status === 'scheduled' ? FAILURE.invalidInput : FAILURE.invalidTransition, problems.join('; '));
  };
  setHandler(extendEventUpdate, (a) => lock.run(async () => {
    validateExtend(a);
    const previous = state.schedule.closesAt;
    state.schedule = { ...state.schedule, closesAt: new Date(a.closesAt).toISOString() };
    state.extensions.push({ closesAt: state.schedule.closesAt, reason: a.reason, by: a.actor.userId, at: now() });
    await record('extended', a.actor, { previousClosesAt: previous, closesAt: state.schedule.closesAt, reason: a.reason });
    return state;
  }), { validator: validateExtend });

  const validateCancel = ({ actor, reason }: { actor: Actor; reason: string }) => {
    requireOrganiser(input, actor);
    requireReason(reason);
    if (!canCancel(state.status)) fail(FAILURE.invalidTransition, `cannot cancel an event that is ${state.status}`);
  };
  setHandler(cancelEventUpdate, (a) => lock.run(async () => {
    validateCancel(a);
    state.status = 'cancelled';
    state.cancelledReason = a.reason;
    await record('cancelled', a.actor, { reason: a.reason });
    return state;
  }), { validator: validateCancel });

  hooks.setup?.(ctx);

  if (state.seq === 0) await lock.run(() => record('created', input.createdBy));

  /** Waits until `at`, waking early on any transition (an extension moves the deadline). */
  async function waitUntil(at: () => number, done: () => boolean): Promise<void> {
    while (!done()) {
      if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > EVENT_HISTORY_LIMIT) {
        await condition(() => !lock.locked && allHandlersFinished());
        await continueAs({ ...input, carried: state });
      }
      const seqBefore = state.seq;
      const woke = await condition(() => done() || (state.seq !== seqBefore && !lock.locked), Math.max(1, at() - Date.now()));
      if (!woke) return;
    }
  }

  const finished = () => state.status === 'cancelled';
  // Draft: waits for publication (or cancellation); no timer.
  await condition(() => state.status !== 'draft');
  // Scheduled: opens at opensAt.
  await waitUntil(() => Date.parse(state.schedule.opensAt), () => finished() || state.status !== 'scheduled');
  if (state.status === 'scheduled') await lock.run(async () => { state.status = 'open'; await record('opened', SYSTEM); });
  // Open: closes at closesAt (an extension moves it).
  await waitUntil(() => Date.parse(state.schedule.closesAt), () => finished() || state.status !== 'open');
  if (state.status === 'open') await lock.run(async () => { state.status = 'closed'; await record('closed', SYSTEM); });

  if (state.status === 'closed') {
    if (hooks.afterClose) {
      await hooks.afterClose(ctx);
    } else {
      await lock.run(async () => {
        const results = hooks.results ? await hooks.results(ctx) : undefined;
        state.status = 'results_published';
        await record('results_published', SYSTEM, {}, results);
      });
    }
  }
  await condition(allHandlersFinished);
  return state;
}
