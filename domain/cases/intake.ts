// Registering appeals and messages: the intake (registration number, intake row), the workflow start,
// the wait for registration, and the recovery of intakes whose workflow was never started.
import { ApplicationFailure, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { appealWorkflow } from '../../workflows';
import { registrationUpdate, runInput, type AppealInput, type AppealRouting, type AppealState } from '../../workflows/appeal/messages';
import { registration, startingState, type Outcome } from '../../workflows/appeal/transitions';
import { caseSearchAttributes } from '../../workflows/shared/search';
import { FAILURE } from '../../workflows/shared/failures';
import { linkAttachments } from '../attachments/attachments';
import type { AuthUser } from '../identity/users';
import { acceptIntake, markStarted, markStartedQuery, nextNumber, unstartedIntakes, type IntakeKind } from '../intake';
import { HttpProblem, problems } from '../problem';
import { checkCaseReferences } from '../reference/checks';
import { appealRouting, RoutingImpossibleError, unroutable, type CaseClassification } from '../reference/routing';
import { startOnce, withWait, type TemporalContext } from '../temporal';
import { loadCaseWithEvents, overlayState, type CaseWithEvents } from './read-model';
import { projectAppealTransition } from './appeal-projection';

export const APPEAL_WORKFLOW_TYPE = 'appealWorkflow';

type AppealSubmission = components['schemas']['AppealSubmission'];

export function registrationNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

/** A submission as its intake keeps it: the workflow's input without the instant, and the routing decided then. */
type StoredAppealRequest = Omit<AppealInput, 'receivedAt'> & {
  /** Absent in intakes accepted before the API registered cases itself: their workflow routes and registers them. */
  routed?: AppealRouting;
};

interface CaseIntakeRow {
  applicant_user_id: number;
  idempotency_key: string;
  request_hash: string;
  case_id: string;
  request: StoredAppealRequest;
  created_at: Date;
  started_at: Date | null;
}

/**
 * The first run's input of an intake row (the stored request plus the instant the platform accepted it)
 * and, when the intake registered the case (as every intake has since it routes), that registration,
 * carried into the input: the workflow's own pure transition (transitions.ts), so that the state the
 * intake projects and the state the workflow starts from are one.
 */
function firstRun(intake: Pick<CaseIntakeRow, 'request' | 'created_at'>): { input: AppealInput; registered: Outcome | null } {
  const created = intake.created_at instanceof Date ? intake.created_at : new Date(intake.created_at);
  const { routed, ...request } = intake.request;
  const input = runInput({ ...request, receivedAt: created.toISOString() });
  if (!routed) return { input, registered: null };
  const registered = registration(startingState(input), input, routed);
  return { input: { ...input, carried: registered.state }, registered };
}

/** The workflow input of an intake row: registered intakes' first run starts registered, with nothing to look up or project. */
export function appealInputOf(intake: Pick<CaseIntakeRow, 'request' | 'created_at'>): AppealInput {
  return firstRun(intake).input;
}

/**
 * Starts the case's first run (startOnce); a run that starts registered gets its search attributes with
 * the start (later transitions upsert them), so ops find it at once.
 */
export async function ensureStarted(client: Client, taskQueue: string, input: AppealInput): Promise<void> {
  await startOnce(client, APPEAL_WORKFLOW_TYPE, input.caseId, taskQueue, input, { typedSearchAttributes: startAttributes(input) });
}

/** The search attributes a run that starts registered has from its start; none for one that registers itself. */
function startAttributes(input: AppealInput) {
  const state = input.carried;
  return state ? caseSearchAttributes({ caseType: 'appeal', ...state, categoryId: input.categoryId }) : undefined;
}

/** The case as registered (its row and events: read-model.ts caseDetailOf), and whether the request was a repeat. */
export interface SubmissionResult extends CaseWithEvents {
  replayed: boolean;
}

/** Where appeals' intakes are kept (domain/intake.ts). */
const CASE_INTAKE: IntakeKind<CaseIntakeRow> = {
  table: 'case_intake', userColumn: 'applicant_user_id', lockKey: (key) => key, describe: (row) => `case ${row.case_id}`, newRequest: 'submission',
};

/**
 * The routing and term a new appeal is registered with, decided in the intake transaction and kept in
 * the intake's request: a case no one can take is refused (422) before anything is accepted or numbered.
 */
async function routedAtIntake(db: Db, trx: Knex.Transaction, c: CaseClassification, receivedAt: Date, referenceVersion: string): Promise<AppealRouting> {
  try {
    return await appealRouting(db, c, receivedAt, { via: trx, version: referenceVersion });
  } catch (e) {
    if (e instanceof RoutingImpossibleError) throw cannotRegister(e.reason, e.message);
    throw e;
  }
}

/** The 422 of a case that cannot be registered for the region's reference data (domain/reference/routing.ts unroutable). */
function cannotRegister(reason: RoutingImpossibleError['reason'], message: string, caseId?: string): HttpProblem {
  return unroutable(reason, `${caseId ? `Case ${caseId}` : 'The case'} cannot be registered: ${message}. An administrator has to correct the region's reference data.`);
}

/**
 * The intake row of a new appeal, inside the intake transaction: the references checked, the routing
 * decided, the next registration number of the region's year, the applicant's attachments linked.
 */
async function newAppealIntake(db: Db, trx: Knex.Transaction, user: AuthUser, idempotencyKey: string, body: AppealSubmission, hash: string, channel: string): Promise<CaseIntakeRow> {
  const refs = await checkCaseReferences(trx, body);
  const now = new Date();
  const routed = await routedAtIntake(db, trx, { regionId: body.regionId, categoryId: refs.categoryId, subcategoryId: body.subcategoryId, territoryId: body.territoryId ?? null }, now, refs.referenceVersion);
  const local = DateTime.fromJSDate(now, { zone: refs.region.timeZone });
  if (!local.isValid) throw new Error(`region ${refs.region.id} has an invalid time zone ${refs.region.timeZone}`);
  const caseId = registrationNumber(refs.region.numberPrefix, local.year, await nextNumber(trx, 'registration_counters', { region_id: refs.region.id, year: local.year }));
  // The applicant's own uploads only (422 naming a bad id, and the transaction leaves nothing behind).
  await linkAttachments(trx, body.attachments ?? [], { caseId, referencedIn: 'appeal', user, organisationId: null });
  const request: StoredAppealRequest = {
    caseId,
    kind: body.kind,
    regionId: body.regionId,
    applicant: { userId: user.id, name: body.applicant.name, email: body.applicant.email ?? null, postalAddress: body.applicant.postalAddress ?? null },
    categoryId: refs.categoryId,
    subcategoryId: body.subcategoryId,
    territoryId: body.territoryId ?? null,
    text: body.text,
    address: body.address ?? null,
    location: body.location ?? null,
    mediaUrl: body.mediaUrl ?? null,
    attachments: body.attachments ?? [],
    channel,
    routed,
  };
  return { applicant_user_id: user.id, idempotency_key: idempotencyKey, request_hash: hash, case_id: caseId, request, created_at: now, started_at: null };
}

/**
 * The first run's input of an intake row, its registration projected first when the intake registered
 * the case, as its workflow would have (the same step: a repeat writes nothing), so a workflow never
 * starts before its case is in the read model. In a transaction of its own after the intake's: the
 * intake holds its region's registration counter until it commits (gapless numbers), and every
 * statement more there would hold up the region's other submissions.
 */
async function projectedRun(db: Db, intake: CaseIntakeRow): Promise<AppealInput> {
  const { input, registered } = firstRun(intake);
  if (!registered) return input;
  if (!registered.event) throw new Error(`the intake of ${intake.case_id} has no registration to project`);
  await projectAppealTransition(db, { input: { ...input, carried: undefined }, state: registered.state, ...registered.event, occurredAt: input.receivedAt });
  return input;
}

/**
 * Registers an appeal or message: the intake (domain/intake.ts: a repeat of the same Idempotency-Key
 * gets the same case), which routes the case; then its registration projected, its workflow started
 * registered and its registration awaited (all idempotent), and the case row returned. A crash after the
 * intake transaction is repaired by startPendingIntake. An intake accepted before the API routed (no
 * routing kept) is routed and projected by its workflow, as then. `channel`: how it came in, a
 * dimension of monitoring (Open311 says `open311`; else the form's own, `web` by default).
 */
export async function submitAppeal(ctx: TemporalContext, user: AuthUser, idempotencyKey: string, body: AppealSubmission, channel: string = body.channel ?? 'web'): Promise<SubmissionResult> {
  const { db } = ctx;
  const { intake, replayed } = await acceptIntake(db, CASE_INTAKE, { userId: user.id, idempotencyKey, body }, (trx, hash) =>
    newAppealIntake(db, trx, user, idempotencyKey, body, hash, channel));
  const caseId = intake.case_id;
  if (replayed && intake.started_at) {
    const found = await loadCaseWithEvents(db, caseId);
    if (found) return { ...found, replayed };
  }
  const input = await projectedRun(db, intake);
  let state: AppealState;
  try {
    state = await startAndRegister(ctx, input);
  } catch (e) {
    const problem = registrationProblem(e, caseId) ?? (await endedBeforeRegistration(ctx, caseId));
    if (problem) throw problem;
    throw e;
  }
  // Registered: one statement marks the intake started and reads the row and its events, no polling (a
  // mark lost to a crash is made by startPendingIntake, whose start finds the workflow there).
  const found = await loadCaseWithEvents(db, caseId, markStartedQuery(db, CASE_INTAKE, user.id, idempotencyKey));
  if (!found) {
    throw problems.unavailable(`Case ${caseId} is registered but not readable yet. Repeat the request with the same Idempotency-Key.`, 2);
  }
  return { row: found.row.last_seq >= state.seq ? found.row : overlayState(found.row, state), events: found.events, replayed };
}

/**
 * Starts the case's workflow and awaits its registration in one round trip (update-with-start): a
 * repeat of the intake attaches to the running workflow. A run that has ended already (the case was
 * closed since) is never started twice: its registration is read from it as before. A run that starts
 * registered answers in its first task; waiting for that keeps the answer honest (the case's timers are
 * set) and lets a busy worker slow submissions down instead of falling behind them unseen.
 */
async function startAndRegister(ctx: TemporalContext, input: AppealInput): Promise<AppealState> {
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof appealWorkflow>(APPEAL_WORKFLOW_TYPE, {
    workflowId: input.caseId, taskQueue: ctx.taskQueue, args: [input], typedSearchAttributes: startAttributes(input),
    workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  try {
    return await withWait(ctx, () => ctx.client.workflow.executeUpdateWithStart(registrationUpdate, { startWorkflowOperation }));
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    return withWait(ctx, () => ctx.client.workflow.getHandle<typeof appealWorkflow>(input.caseId).executeUpdate(registrationUpdate));
  }
}

/**
 * The workflow ended instead of registering the case: an intake accepted before the API routed cases
 * (it kept no routing), whose routing activity failed for good (the region has no participant that
 * could take it, or no regulation profile). The registration update then fails with "workflow completed
 * before the update completed"; the workflow's own failure says why. Those two causes are the region's
 * reference data, so 422; anything else stays an error.
 */
async function endedBeforeRegistration(ctx: TemporalContext, caseId: string): Promise<HttpProblem | undefined> {
  let failure: unknown;
  try {
    const handle = ctx.client.workflow.getHandle(caseId);
    if ((await handle.describe()).status.name === 'RUNNING') return undefined;
    await handle.result();
    return undefined;
  } catch (e) {
    failure = e;
  }
  let f: unknown = failure;
  for (let depth = 0; f && depth < 10 && !(f instanceof ApplicationFailure); depth++) f = (f as { cause?: unknown }).cause;
  if (!(f instanceof ApplicationFailure)) return undefined;
  ctx.log?.('case workflow ended before registration', { caseId, type: f.type, failure: f.message });
  if (f.type === 'NoRoute') return cannotRegister('no-route', f.message, caseId);
  return f.type === FAILURE.invalidInput ? cannotRegister('no-profile', f.message, caseId) : undefined;
}

function registrationProblem(e: unknown, caseId: string): HttpProblem | undefined {
  const name = (e as { name?: string })?.name;
  if (name === 'WorkflowUpdateRPCTimeoutOrCancelledError' || (e as { code?: number })?.code === 4) {
    return problems.unavailable(
      `Case ${caseId} is accepted but its registration is taking longer than expected. Repeat the request with the same Idempotency-Key to get it.`,
    );
  }
  return undefined;
}

/**
 * Starts the workflows of intake rows whose start never happened (the API died between the intake
 * transaction and the start), older than `olderThanSeconds`. Returns the number of cases started.
 */
export async function startPendingIntake(client: Client, db: Db, taskQueue: string, olderThanSeconds = 30): Promise<number> {
  const rows = await unstartedIntakes(db, CASE_INTAKE, olderThanSeconds);
  for (const row of rows) {
    await ensureStarted(client, taskQueue, await projectedRun(db, row));
    await markStarted(db, CASE_INTAKE, row.applicant_user_id, row.idempotency_key);
  }
  return rows.length;
}

/** The AppealInput of a case's intake (the request as first registered). */
export async function intakeInput(db: Db, caseId: string): Promise<AppealInput | undefined> {
  const intake = (await db('case_intake').where({ case_id: caseId }).first()) as CaseIntakeRow | undefined;
  return intake ? appealInputOf(intake) : undefined;
}
