// The incident workflow: one per post found in open sources, its workflow id is the incident number.
// It holds the truth of the incident: who has it, its term in hours, its reply. The rules are pure
// transitions (transitions.ts); this is their Temporal shell: the reply and the dismissal arrive as
// updates (guard in the validator, again under the lock), the reminder and the term are timers, and every
// transition is projected into Postgres by an idempotent activity.
import {
  allHandlersFinished, condition, proxyActivities, setHandler, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { IncidentActivities } from '../../activities/incident';
import { createExclusive } from '../shared/exclusive';
import {
  dismissIncidentUpdate, incidentRegistrationUpdate, incidentStateQuery, replyToIncidentUpdate,
  type DismissIncident, type IncidentInput, type IncidentState, type ReplyToIncident,
} from './messages';
import {
  dismiss, guardDismiss, guardReply, nextDeadline, register, reply, startingState, timersDue,
  type IncidentOutcome,
} from './transitions';
import { refusing } from '../shared/refusing';
import { caseSearchAttributes } from '../shared/search';

const activities = proxyActivities<IncidentActivities>({
  startToCloseTimeout: '10 seconds',
  // Postgres may be down for a while: keep retrying, never drop a transition.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

function searchAttributes(state: IncidentState, input: IncidentInput) {
  return caseSearchAttributes({ caseType: 'incident', ...state, categoryId: input.categoryId });
}

export async function incidentWorkflow(input: IncidentInput): Promise<IncidentState> {
  let state = startingState(input);
  const lock = createExclusive();

  /** One transition under the lock: the new state and the projection of its event. */
  const transition = (decide: (now: string) => IncidentOutcome | Promise<IncidentOutcome>) => lock.run(async () => {
    // Workflow time: deterministic, replay-safe.
    const now = new Date().toISOString();
    const outcome = await decide(now);
    if (!outcome.event) return;
    state = outcome.state;
    await activities.projectIncidentTransition({ input, state, ...outcome.event, occurredAt: now });
    upsertSearchAttributes(searchAttributes(state, input));
  });

  setHandler(incidentStateQuery, () => state);
  let ready = false;
  setHandler(incidentRegistrationUpdate, async () => {
    await condition(() => ready);
    return state;
  });
  setHandler(replyToIncidentUpdate, async (a: ReplyToIncident) => {
    await transition((now) => refusing(() => reply(state, a, now)));
    return state;
  }, { validator: (a: ReplyToIncident) => refusing(() => guardReply(state, a)) });
  setHandler(dismissIncidentUpdate, async (a: DismissIncident) => {
    await transition((now) => refusing(() => dismiss(state, a, now)));
    return state;
  }, { validator: (a: DismissIncident) => refusing(() => guardDismiss(state, a)) });

  await transition(async () => register(state, input, await activities.routeIncident(input)));
  ready = true;

  while (state.status !== 'closed') {
    const deadline = nextDeadline(state);
    const seqBefore = state.seq;
    // Wake on any transition (a reply closes it) or when the next moment comes.
    const changed = () => state.seq !== seqBefore && !lock.locked;
    if (deadline === undefined) {
      await condition(changed);
      continue;
    }
    if (!(await condition(changed, Math.max(1, deadline - Date.now())))) await transition((now) => timersDue(state, now));
  }
  // Closed: let in-flight updates reply, then finish with the final state.
  await condition(allHandlersFinished);
  return state;
}
