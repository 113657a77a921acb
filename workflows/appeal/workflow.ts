// The appeal workflow: one per message or appeal, its workflow id is the registration number.
// It holds the truth of the case's progress: who has it, its term, its status. The rules are pure
// transitions (transitions.ts); this is their Temporal shell: operator, applicant and supervisor actions
// arrive as updates (their guard runs in the validator, then again in the handler under the lock), terms,
// reminders and the rating window are timers, and every transition is projected into Postgres by an
// idempotent activity.
import {
  allHandlersFinished, condition, continueAsNew, log, proxyActivities, setHandler,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { AppealActivities } from '../../activities/appeal';
import { createExclusive } from '../shared/exclusive';
import { refusing } from '../shared/failures';
import {
  acknowledgeRegistrationUpdate, answerUpdate, changeTermUpdate, closeUpdate, extendTermUpdate, leaveWithoutAnswerUpdate,
  rateUpdate, reassignUpdate, redirectUpdate, registrationUpdate, replyToClarificationUpdate,
  requestClarificationUpdate, stateQuery, takeIntoWorkUpdate,
  type AppealInput, type AppealState,
} from './messages';
import {
  ACTIONS, act, nextDeadline, register, reopen, startingState, timersDue,
  type ActionArgs, type ActionName, type Outcome, type Step, type TransitionContext,
} from './transitions';
import {
  answerDueKey, caseTypeKey, categoryKey, organisationKey, overdueKey, regionKey, statusKey,
} from '../search-attributes';

const activities = proxyActivities<AppealActivities>({
  // Projections take milliseconds: a short timeout lets a crashed worker's step be retried soon.
  startToCloseTimeout: '10 seconds',
  // Postgres may be down for a while: keep retrying, never drop a transition.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

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
async function settle(step: Step): Promise<Outcome> {
  while ('ask' in step) {
    const { ask, args, then } = step;
    const answer = await (activities[ask] as (args: unknown) => Promise<unknown>)(args);
    step = refusing(() => (then as (answer: unknown) => Step)(answer));
  }
  return step;
}

function searchAttributes(state: AppealState, input: AppealInput) {
  return [
    { key: caseTypeKey, value: 'appeal' },
    { key: statusKey, value: state.status },
    { key: regionKey, value: state.regionId },
    { key: categoryKey, value: input.categoryId },
    ...(state.organisationId ? [{ key: organisationKey, value: state.organisationId }] : []),
    ...(state.answerDueAt ? [{ key: answerDueKey, value: new Date(state.answerDueAt) }] : []),
    { key: overdueKey, value: state.overdue },
  ];
}

export async function appealWorkflow(input: AppealInput): Promise<AppealState> {
  let state = startingState(input);
  const lock = createExclusive();
  // Workflow time: deterministic, replay-safe.
  const context = (): TransitionContext => ({ now: new Date().toISOString(), input });

  /** One transition under the lock: its look-ups, the new state, the projection of its event. */
  const transition = (decide: (ctx: TransitionContext) => Step) => lock.run(async () => {
    const ctx = context();
    const outcome = await settle(refusing(() => decide(ctx)));
    state = outcome.state;
    if (outcome.event) {
      await activities.projectAppealTransition({ input: { ...input, carried: undefined }, state, ...outcome.event, occurredAt: ctx.now });
      upsertSearchAttributes(searchAttributes(state, input));
    }
    return outcome;
  });

  function handle<K extends ActionName>(name: K): void {
    const update: UpdateDefinition<AppealState, [ActionArgs[K]]> = UPDATES[name];
    setHandler(update, async (args: ActionArgs[K]) => {
      await transition((ctx) => act(name, state, args, ctx));
      return state;
    }, { validator: (args: ActionArgs[K]) => refusing(() => ACTIONS[name].guard(state, args, context())) });
  }

  setHandler(stateQuery, () => state);
  // Ready once registration (or a reopen) has been projected, so the caller can read the case row.
  let ready = false;
  setHandler(registrationUpdate, async () => {
    await condition(() => ready);
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
  while (state.status !== 'closed') {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.historyLimit ?? HISTORY_LIMIT)) {
      await condition(() => !lock.locked && allHandlersFinished());
      log.info('continuing as new', { caseId: state.caseId, historyLength: workflowInfo().historyLength });
      await continueAsNew<typeof appealWorkflow>({ ...input, carried: state, reopen: undefined });
    }
    const deadline = nextDeadline(state);
    const seqBefore = observedSeq;
    // Wake on any transition (it may move the deadlines) or when the next deadline comes.
    const changed = () => state.seq !== seqBefore && !lock.locked;
    let woke = true;
    if (deadline === undefined) await condition(changed);
    else woke = await condition(changed, Math.max(1, deadline - Date.now()));
    observedSeq = state.seq;
    if (!woke) await transition((ctx) => timersDue(state, ctx.now));
  }

  // Closed: let in-flight updates reply, then finish with the final state (a reopen starts a new run).
  await condition(allHandlersFinished);
  return state;
}
