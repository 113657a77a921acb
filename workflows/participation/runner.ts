// The lifecycle every participation event's workflow runs: draft → scheduled → open → closed →
// (type-specific phases) → results published; an organisation may extend or cancel it with a reason.
// Each type plugs its hooks in (workflows/<type>/hooks.ts, gathered by type in ./hooks.ts), as Decidim's
// components plug into one participatory space.
import {
  ApplicationFailure, allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { ParticipationActivities } from '../../activities/participation';
import { type Actor, SYSTEM } from '../shared/actor';
import { FAILURE } from '../shared/failures';
import { caseTypeKey, organisationKey, regionKey, statusKey } from '../search-attributes';
import { createExclusive } from '../shared/exclusive';
import { canCancel, extensionProblems, scheduleProblems, timedStatus } from './lifecycle';
import {
  cancelEventUpdate, eventStateQuery, extendEventUpdate, publishEventUpdate,
  type CancelEvent, type ExtendEvent, type ParticipationInput, type ParticipationState, type PublishEvent,
} from './messages';

const activities = proxyActivities<ParticipationActivities>({
  // Projections take milliseconds: a short timeout lets a crashed worker's step be retried soon.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export const EVENT_HISTORY_LIMIT = 10_000;

/** The steps every event's workflow records, whatever its type (participation_event_log.type). */
export type LifecycleEventKind = 'created' | 'published' | 'opened' | 'extended' | 'closed' | 'results_published' | 'cancelled';

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

export interface EventContext<Input extends ParticipationInput, Kind extends string = never> {
  input: Input;
  state: ParticipationState;
  /** Changes nothing by itself: the caller has changed the state; this projects it as one step. */
  record(type: LifecycleEventKind | Kind, actor: Actor, details?: Record<string, unknown>, results?: unknown): Promise<void>;
  /** Runs fn as one transition, never interleaved with another. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** The moment, by workflow time. */
  now(): string;
}

export interface EventHooks<Input extends ParticipationInput, Kind extends string = never> {
  /** Registers the type's own updates and queries (called once, before anything else runs). */
  setup?(ctx: EventContext<Input, Kind>): void;
  /**
   * After the event closes: the type's later phases (a discussion's answers to proposals, a hearing's
   * protocol), ending with the results published. Without it, results are published at once.
   */
  afterClose?(ctx: EventContext<Input, Kind>): Promise<void>;
  /** Aggregated results to publish (computed by an activity from Postgres). */
  results?(ctx: EventContext<Input, Kind>): Promise<unknown>;
  /** The type's own reasons to refuse publication (a hearing's announcement term); empty: none. */
  publishProblems?(ctx: EventContext<Input, Kind>): string[];
  /** Details recorded with the publication (a hearing's announcement). */
  publishDetails?(ctx: EventContext<Input, Kind>): Record<string, unknown>;
}

/**
 * A participation type's part in the workflows: the steps it records besides the lifecycle's (its event
 * kinds: record() takes no other), and its hooks for one event, made after the checks and steps the type
 * needs before the lifecycle starts (a discussion stores the first version of its draft).
 */
export interface EventPlugin<Input extends ParticipationInput, Kind extends string> {
  eventKinds: readonly Kind[];
  hooks(input: Input): Promise<EventHooks<Input, Kind>>;
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

/** The runner's own view of an event: the hooks' context, and whether a transition is running. */
interface RunningEvent<Input extends ParticipationInput, Kind extends string> extends EventContext<Input, Kind> {
  locked(): boolean;
}

function runningEvent<Input extends ParticipationInput, Kind extends string>(input: Input): RunningEvent<Input, Kind> {
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
  return { input, state, record, exclusive: (fn) => lock.run(fn), now, locked: () => lock.locked };
}

function handlePublish<I extends ParticipationInput, K extends string>(ctx: RunningEvent<I, K>, hooks: EventHooks<I, K>): void {
  const { input, state } = ctx;
  const validate = ({ actor }: PublishEvent) => {
    requireOrganiser(input, actor);
    if (state.status !== 'draft') fail(FAILURE.invalidTransition, `cannot publish an event that is ${state.status}`);
    const problems = [...scheduleProblems(state.schedule, ctx.now()), ...(hooks.publishProblems?.(ctx) ?? [])];
    if (problems.length > 0) fail(FAILURE.invalidInput, problems.join('; '));
  };
  setHandler(publishEventUpdate, (a) => ctx.exclusive(async () => {
    validate(a);
    state.status = timedStatus(state.schedule, ctx.now()) === 'open' ? 'open' : 'scheduled';
    await ctx.record('published', a.actor, hooks.publishDetails?.(ctx) ?? {});
    return state;
  }), { validator: validate });
}

function handleExtend<I extends ParticipationInput, K extends string>(ctx: RunningEvent<I, K>): void {
  const { input, state } = ctx;
  const validate = ({ actor, closesAt, reason }: ExtendEvent) => {
    requireOrganiser(input, actor);
    requireReason(reason);
    const problems = extensionProblems(state.status, state.schedule, closesAt, ctx.now());
    if (problems.length > 0) fail(state.status === 'open' || state.status === 'scheduled' ? FAILURE.invalidInput : FAILURE.invalidTransition, problems.join('; '));
  };
  setHandler(extendEventUpdate, (a) => ctx.exclusive(async () => {
    validate(a);
    const previous = state.schedule.closesAt;
    state.schedule = { ...state.schedule, closesAt: new Date(a.closesAt).toISOString() };
    state.extensions.push({ closesAt: state.schedule.closesAt, reason: a.reason, by: a.actor.userId, at: ctx.now() });
    await ctx.record('extended', a.actor, { previousClosesAt: previous, closesAt: state.schedule.closesAt, reason: a.reason });
    return state;
  }), { validator: validate });
}

function handleCancel<I extends ParticipationInput, K extends string>(ctx: RunningEvent<I, K>): void {
  const { input, state } = ctx;
  const validate = ({ actor, reason }: CancelEvent) => {
    requireOrganiser(input, actor);
    requireReason(reason);
    if (!canCancel(state.status)) fail(FAILURE.invalidTransition, `cannot cancel an event that is ${state.status}`);
  };
  setHandler(cancelEventUpdate, (a) => ctx.exclusive(async () => {
    validate(a);
    state.status = 'cancelled';
    state.cancelledReason = a.reason;
    await ctx.record('cancelled', a.actor, { reason: a.reason });
    return state;
  }), { validator: validate });
}

/** Waits until `at`, waking early on any transition (an extension moves the deadline); continues as new when the history grows long. */
async function waitUntil<I extends ParticipationInput, K extends string>(ctx: RunningEvent<I, K>, at: () => number, done: () => boolean): Promise<void> {
  while (!done()) {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > EVENT_HISTORY_LIMIT) {
      await condition(() => !ctx.locked() && allHandlersFinished());
      // The same workflow type, carrying the state over.
      await continueAsNew<(input: I) => Promise<ParticipationState>>({ ...ctx.input, carried: ctx.state });
    }
    const seqBefore = ctx.state.seq;
    const woke = await condition(() => done() || (ctx.state.seq !== seqBefore && !ctx.locked()), Math.max(1, at() - Date.now()));
    if (!woke) return;
  }
}

/** Draft → scheduled → open → closed, by the timers of the schedule (unless the event is cancelled). */
async function runSchedule<I extends ParticipationInput, K extends string>(ctx: RunningEvent<I, K>): Promise<void> {
  const { state } = ctx;
  const finished = () => state.status === 'cancelled';
  // Draft: waits for publication (or cancellation); no timer.
  await condition(() => state.status !== 'draft');
  // Scheduled: opens at opensAt.
  await waitUntil(ctx, () => Date.parse(state.schedule.opensAt), () => finished() || state.status !== 'scheduled');
  if (state.status === 'scheduled') await ctx.exclusive(async () => { state.status = 'open'; await ctx.record('opened', SYSTEM); });
  // Open: closes at closesAt (an extension moves it).
  await waitUntil(ctx, () => Date.parse(state.schedule.closesAt), () => finished() || state.status !== 'open');
  if (state.status === 'open') await ctx.exclusive(async () => { state.status = 'closed'; await ctx.record('closed', SYSTEM); });
}

/** After the close: the type's later phases, or the results published at once. */
async function afterClose<I extends ParticipationInput, K extends string>(ctx: RunningEvent<I, K>, hooks: EventHooks<I, K>): Promise<void> {
  if (hooks.afterClose) return hooks.afterClose(ctx);
  await ctx.exclusive(async () => {
    const results = hooks.results ? await hooks.results(ctx) : undefined;
    ctx.state.status = 'results_published';
    await ctx.record('results_published', SYSTEM, {}, results);
  });
}

export async function runParticipationEvent<Input extends ParticipationInput, Kind extends string>(
  input: Input,
  hooks: EventHooks<Input, Kind>,
): Promise<ParticipationState> {
  const ctx = runningEvent<Input, Kind>(input);
  setHandler(eventStateQuery, () => ctx.state);
  handlePublish(ctx, hooks);
  handleExtend(ctx);
  handleCancel(ctx);
  hooks.setup?.(ctx);
  if (ctx.state.seq === 0) await ctx.exclusive(() => ctx.record('created', input.createdBy));
  await runSchedule(ctx);
  if (ctx.state.status === 'closed') await afterClose(ctx, hooks);
  await condition(allHandlersFinished);
  return ctx.state;
}
