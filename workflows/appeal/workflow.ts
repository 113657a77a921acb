// The appeal workflow: one per message or appeal, its workflow id is the registration number.
// It holds the truth of the case's progress: who has it, its term, its status. The rules are pure
// transitions (transitions.ts); this is their Temporal shell: operator, applicant and supervisor actions
// arrive as updates (their guard runs in the validator, then again in the handler under the lock), terms,
// reminders and the rating window are timers, and every transition is projected into Postgres by an
// idempotent activity. A new case's run starts registered (AppealInput.carried): the API routed it and
// projected its registration before starting it (domain/cases/intake.ts).
//
// Look-ups and projections are short and idempotent, so they run as local activities first: in the
// worker, inside the workflow task that asked for them (no round trip through the task queue, one marker
// event instead of three activity events). One that keeps failing (PostgreSQL down, a broken row) gives
// up after a few quick attempts and is handed to the same activity through the task queue, which retries
// without end and which ops see as a pending activity (`ops stuck`, `ops timeline`). Each step is keyed
// by the workflow's seq, so a step run locally and then again on the queue is projected once.
import {
  ActivityFailure, ApplicationFailure, CancelledFailure, TemporalFailure, allHandlersFinished, condition, continueAsNew, log, patched, proxyActivities,
  proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { AppealActivities } from '../../activities/appeal';
import { DeadlineTimer } from '../shared/deadline-timer';
import { createExclusive } from '../shared/exclusive';
import {
  acknowledgeRegistrationUpdate, answerUpdate, changeTermUpdate, closeUpdate, extendTermUpdate, leaveWithoutAnswerUpdate,
  rateUpdate, reassignUpdate, redirectUpdate, registrationUpdate, replyToClarificationUpdate,
  requestClarificationUpdate, runInput, stateQuery, takeIntoWorkUpdate,
  type AppealInput, type AppealState,
} from './messages';
import {
  ACTIONS, act, nextDeadline, register, reopen, startingState, timersDue,
  type ActionArgs, type ActionName, type Outcome, type Step, type TransitionContext,
} from './transitions';
import { refusing } from '../shared/refusing';
import { caseSearchAttributes } from '../shared/search';

const activities = proxyActivities<AppealActivities>({
  // Projections take milliseconds: a short timeout lets a crashed worker's step be retried soon.
  startToCloseTimeout: '10 seconds',
  // Postgres may be down for a while: keep retrying, never drop a transition.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const localActivities = proxyLocalActivities<AppealActivities>({
  startToCloseTimeout: '10 seconds',
  // About a second of quick retries inside the workflow task, then the task queue takes over (see the header).
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

/**
 * Asked before the first local activity of a run whose input does not say (AppealInput.localActivities):
 * workflows started before local activities replay as they ran.
 */
export const LOCAL_ACTIVITIES_PATCH = 'appeal-local-activities';

/** Whether this run's look-ups and projections run locally (its input says so, or the patch does). */
function runsLocally(input: AppealInput): boolean {
  return input.localActivities === true || patched(LOCAL_ACTIVITIES_PATCH);
}

/** One look-up or projection: locally first, then through the task queue (see the header). */
async function runActivity<K extends keyof AppealActivities>(input: AppealInput, name: K, args: Parameters<AppealActivities[K]>[0]): Promise<Awaited<ReturnType<AppealActivities[K]>>> {
  type Fn = (a: typeof args) => Promise<Awaited<ReturnType<AppealActivities[K]>>>;
  if (!runsLocally(input)) return (activities[name] as unknown as Fn)(args);
  try {
    return await (localActivities[name] as unknown as Fn)(args);
  } catch (e) {
    // A local activity's last failure arrives as it is (an ApplicationFailure, a TimeoutFailure), not in
    // an ActivityFailure. A refusal no retry mends (no route, invalid input) and a cancellation stay
    // failures; any other failure goes to the queue.
    const failure = e instanceof ActivityFailure ? e.cause : e;
    const refusal = failure instanceof ApplicationFailure && failure.nonRetryable;
    if (!(e instanceof TemporalFailure) || e instanceof CancelledFailure || refusal) throw e;
    log.warn('local activity failed, retrying it through the task queue', { activity: name, error: e.message });
    return (activities[name] as unknown as Fn)(args);
  }
}

/** Continue-as-new well before Temporal's 50k-event limit; a case rarely gets near it. */
export const HISTORY_LIMIT = 10_000;

/** Each action's update, by its name: an action without its update (or the reverse) fails the type-check. */
const UPDATES: { [K in ActionName]: UpdateDefinition<AppealState, [ActionArgs[K]]> } = {
  takeIntoWork: takeIntoWorkUpdate, answer: answerUpdate, redirect: redirectUpdate,
  requestClarification: requestClarificationUpdate, replyToClarification: replyToClarificationUpdate,
  extendTerm: extendTermUpdate, leaveWithoutAnswer: leaveWithoutAnswerUpdate, rate: rateUpdate,
  reassign: reassignUpdate, changeTerm: changeTermUpdate, acknowledgeRegistration: acknowledgeRegistrationUpdate,
  close: closeUpdate,
};

/** Runs the look-ups a transition asks for, one after another, until it ends. */
async function settle(input: AppealInput, step: Step): Promise<Outcome> {
  while ('ask' in step) {
    const { ask, args, then } = step;
    const answer = await runActivity(input, ask, args as never);
    step = refusing(() => (then as (answer: unknown) => Step)(answer));
  }
  return step;
}

function searchAttributes(state: AppealState, input: AppealInput) {
  return caseSearchAttributes({ caseType: 'appeal', ...state, categoryId: input.categoryId });
}

export async function appealWorkflow(input: AppealInput): Promise<AppealState> {
  let state = startingState(input);
  const lock = createExclusive();
  // Workflow time: deterministic, replay-safe.
  const context = (): TransitionContext => ({ now: new Date().toISOString(), input });

  /** One transition under the lock: its look-ups, the new state, the projection of its event. */
  const transition = (decide: (ctx: TransitionContext) => Step) => lock.run(async () => {
    const ctx = context();
    const outcome = await settle(input, refusing(() => decide(ctx)));
    state = outcome.state;
    if (outcome.event) {
      await runActivity(input, 'projectAppealTransition', { input: { ...input, carried: undefined }, state, ...outcome.event, occurredAt: ctx.now });
      upsertSearchAttributes(searchAttributes(state, input));
    }
    return outcome;
  });

  // Ready once registration (or a reopen) has been projected, so the caller can read the case row: at
  // once for a run that starts registered (from the intake, or continued as new), whose registration
  // update is then answered without waiting.
  let ready = state.seq > 0 && !input.reopen;

  // An action that comes while this run is still registering (or reopening) waits for it instead of being
  // refused as "not registered": after `ops retry` resets a case, the new run may register again (its
  // local activities' markers were in the task the reset dropped) while an operator's action arrives in
  // the same task. The guard runs in the handler once ready, under the lock, as for every action.
  function handle<K extends ActionName>(name: K): void {
    const update: UpdateDefinition<AppealState, [ActionArgs[K]]> = UPDATES[name];
    setHandler(update, async (args: ActionArgs[K]) => {
      if (!ready) await condition(() => ready);
      await transition((ctx) => act(name, state, args, ctx));
      return state;
    }, { validator: (args: ActionArgs[K]) => (ready ? refusing(() => ACTIONS[name].guard(state, args, context())) : undefined) });
  }

  setHandler(stateQuery, () => state);
  setHandler(registrationUpdate, async () => {
    if (!ready) await condition(() => ready);
    return state;
  });
  for (const name of Object.keys(ACTIONS) as ActionName[]) handle(name);

  if (state.seq === 0) await transition((ctx) => register(state, ctx));
  const reopening = input.reopen;
  if (reopening) {
    const reopened = await transition((ctx) => reopen(state, reopening, ctx));
    if (!reopened.event) log.warn('reopen ignored: the case is not closed', { caseId: state.caseId, status: state.status });
  }
  ready = true;

  let observedSeq = state.seq;
  const timer = input.keepsDeadlineTimer === true ? new DeadlineTimer() : undefined;
  while (state.status !== 'closed') {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.historyLimit ?? HISTORY_LIMIT)) {
      await condition(() => !lock.locked && allHandlersFinished());
      log.info('continuing as new', { caseId: state.caseId, historyLength: workflowInfo().historyLength });
      await continueAsNew<typeof appealWorkflow>(runInput({ ...input, carried: state, reopen: undefined }));
    }
    const deadline = nextDeadline(state);
    const seqBefore = observedSeq;
    // Wake on any transition (it may move the deadlines) or when the next deadline comes.
    const changed = () => state.seq !== seqBefore && !lock.locked;
    let woke = true;
    if (timer) {
      timer.aim(deadline);
      await condition(() => changed() || timer.fired);
      woke = changed();
    } else if (deadline === undefined) await condition(changed);
    else woke = await condition(changed, Math.max(1, deadline - Date.now()));
    observedSeq = state.seq;
    if (!woke) await transition((ctx) => timersDue(state, ctx.now));
  }

  // Closed: let in-flight updates reply, then finish with the final state (a reopen starts a new run).
  await condition(allHandlersFinished);
  return state;
}
