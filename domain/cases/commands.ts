// Actions on a registered case: the actor of an authenticated user, an action checked and applied as
// one workflow update on the case's current run, and the reopen of a closed case (a new run of the same workflow id).
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, WorkflowIdReusePolicy, type UpdateDefinition } from '@temporalio/common';
import type { appealWorkflow } from '../../workflows';
import { registrationUpdate, runInput, stateQuery, type AppealInput, type AppealState } from '../../workflows/appeal/messages';
import type { Actor } from '../../workflows/shared/actor';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { withWait, type TemporalContext } from '../temporal';
import { APPEAL_WORKFLOW_TYPE, intakeInput } from './intake';
import { caseAfterStep, loadCaseRow, visibleCase, type CaseDetail, type CaseRow } from './read-model';

/**
 * The actor of an action, from the authenticated user. An integration client acts for the organisation
 * that handles the case when that organisation is in its subtree (the workflow checks the organisation,
 * as it does for operators).
 */
export function actorOf(user: AuthUser, row?: Pick<CaseRow, 'organisation_id'>): Actor {
  const organisationId =
    user.role === 'integration' && row?.organisation_id && user.organisationSubtree?.includes(row.organisation_id)
      ? row.organisation_id
      : user.organisationId;
  return { userId: user.id, role: user.role, name: user.name, organisationId, regionId: user.regionId };
}

/**
 * A user's action on a case: the case must be visible to the user (404 otherwise: operators of other
 * organisations, other citizens, other regions' supervisors); `perform` runs the update, whose
 * validators make the final decision (403 / 409 / 422). Returns the case as the action left it.
 */
export async function actOnCase(
  ctx: TemporalContext, user: AuthUser, caseId: string, updateId: string | undefined,
  perform: (actor: Actor, row: CaseRow, updateId: string | undefined) => Promise<AppealState>,
): Promise<CaseDetail> {
  const row = await visibleCase(ctx.db, user, caseId);
  let state: AppealState;
  try {
    state = await perform(actorOf(user, row), row, updateId);
  } catch (e) {
    // An update to a workflow that has completed: the case is closed (its run ended with it).
    if (e instanceof WorkflowNotFoundError) {
      const now = await loadCaseRow(ctx.db, caseId);
      if (now?.status === 'closed') throw problems.invalidTransition(`Case ${caseId} is closed.`);
      throw problems.notFound(`There is no case ${caseId}.`);
    }
    throw e;
  }
  return caseAfterStep(ctx.db, caseId, state, user, row);
}

/** Runs one update on the case's current run and returns the state it produced. */
export async function runCaseUpdate<A>(
  ctx: TemporalContext,
  caseId: string,
  update: UpdateDefinition<AppealState, [A]>,
  arg: A,
  updateId?: string,
): Promise<AppealState> {
  const handle = ctx.client.workflow.getHandle(caseId);
  return withWait(ctx, () => handle.executeUpdate(update, { args: [arg], ...(updateId ? { updateId } : {}) }));
}

/** The AppealInput a run was started with (its first history event). */
async function startInputOf(handle: WorkflowHandle): Promise<AppealInput | undefined> {
  const history = await handle.fetchHistory();
  const first = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = first?.input?.payloads?.[0];
  return payload ? (defaultPayloadConverter.fromPayload(payload) as AppealInput) : undefined;
}

/**
 * Reopens a closed case. A closed case's workflow completes with its final state (at once, once its
 * last updates have replied): a new run of the same workflow id starts with that state carried over
 * and the reopen applied on start, so there is one way to reopen, whatever the timing.
 */
export async function reopenCase(ctx: TemporalContext, caseId: string, actor: Actor, reason: string, updateId?: string): Promise<AppealState> {
  const handle = ctx.client.workflow.getHandle<typeof appealWorkflow>(caseId);
  let description = await handle.describe();
  if (description.status.name === 'RUNNING') {
    const current = await handle.query(stateQuery);
    if (current.status !== 'closed') throw problems.invalidTransition(`Cannot reopen: the case is ${current.status}.`);
    await handle.result(); // closing: the run is finishing its last step
    description = await handle.describe();
  }
  const status = description.status.name;
  if (status !== 'COMPLETED') {
    throw problems.invalidTransition(`The case's workflow ended as ${status.toLowerCase()}; only a case closed in the ordinary way can be reopened.`);
  }
  const finalState = await handle.result();
  if (!finalState || finalState.status !== 'closed') throw problems.invalidTransition('The case is not closed.');
  if (actor.role === 'supervisor' && actor.regionId !== finalState.regionId) {
    throw problems.forbidden('Only a supervisor of the case\'s region can reopen it.');
  }
  const last = ctx.client.workflow.getHandle(caseId, description.runId);
  const original = (await startInputOf(last)) ?? (await intakeInput(ctx.db, caseId));
  if (!original) throw new Error(`case ${caseId}: no start input found to reopen from`);
  const input: AppealInput = runInput({ ...original, carried: finalState, reopen: { actor, reason } });
  try {
    await ctx.client.workflow.start<typeof appealWorkflow>(APPEAL_WORKFLOW_TYPE, {
      workflowId: caseId,
      taskQueue: ctx.taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
  } catch (e) {
    // Someone reopened it a moment ago.
    if (e instanceof WorkflowExecutionAlreadyStartedError) throw problems.invalidTransition('The case has just been reopened.');
    throw e;
  }
  const fresh = ctx.client.workflow.getHandle<typeof appealWorkflow>(caseId);
  // Registration answers once the reopen transition is projected.
  return withWait(ctx, () => fresh.executeUpdate(registrationUpdate));
}
