// Talking to appeal workflows: submission (registration number, intake row, workflow start, wait for
// registration), recovery of intakes whose workflow was never started, case updates, and reopen.
import { createHash } from 'node:crypto';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { defaultPayloadConverter, WorkflowIdReusePolicy, type UpdateDefinition } from '@temporalio/common';
import { DateTime } from 'luxon';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { appealWorkflow } from '../../workflows';
import {
  FAILURE,
  registrationUpdate,
  stateQuery,
  type Actor,
  type AppealInput,
  type AppealState,
} from '../../workflows/appeal/messages';
import type { AuthUser } from '../identity/users';
import { linkAttachments } from '../attachments/attachments';
import { loadCaseRow, overlayState, waitForProjection, type CaseRow } from './read-model';
import { HttpProblem, PROBLEM, problems } from '../problem';
import { checkCaseReferences } from '../reference/reference';

export const APPEAL_WORKFLOW_TYPE = 'appealWorkflow';

type AppealSubmission = components['schemas']['AppealSubmission'];

export interface TemporalContext {
  client: Client;
  db: Db;
  taskQueue: string;
  /** How long a request waits for the workflow (registration, an update) before answering 503. */
  waitMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

const DEFAULT_WAIT_MS = 30_000;

/** sha256 of the body in a canonical form (sorted keys), to recognise a repeated submission. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

export function registrationNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

interface IntakeRow {
  applicant_user_id: number;
  idempotency_key: string;
  request_hash: string;
  case_id: string;
  request: Omit<AppealInput, 'receivedAt'>;
  created_at: Date;
  started_at: Date | null;
}

/** The workflow input of an intake row: the stored request plus the instant the platform accepted it. */
export function appealInputOf(intake: Pick<IntakeRow, 'request' | 'created_at'>): AppealInput {
  const created = intake.created_at instanceof Date ? intake.created_at : new Date(intake.created_at);
  return { ...intake.request, receivedAt: created.toISOString() };
}

/** Starts the case's first run; a run that exists already (running or finished) counts as started. */
export async function ensureStarted(client: Client, taskQueue: string, input: AppealInput): Promise<void> {
  try {
    await client.workflow.start<typeof appealWorkflow>(APPEAL_WORKFLOW_TYPE, {
      workflowId: input.caseId,
      taskQueue,
      args: [input],
      // Never a second first run: once any run of this id exists, start is a no-op for us.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
}

async function withWait<T>(ctx: TemporalContext, fn: () => Promise<T>): Promise<T> {
  return ctx.client.withDeadline(Date.now() + (ctx.waitMs ?? DEFAULT_WAIT_MS), fn);
}

export interface SubmissionResult {
  row: CaseRow;
  replayed: boolean;
}

/**
 * Registers an appeal or message. In one transaction: reuse the intake of the same (applicant,
 * Idempotency-Key), or allocate the next registration number of the region's year and store the
 * intake. Then start the workflow (idempotent), wait until it has registered the case, and return the
 * case row. A crash after the transaction is repaired by startPendingIntake.
 */
export async function submitAppeal(ctx: TemporalContext, user: AuthUser, idempotencyKey: string, body: AppealSubmission): Promise<SubmissionResult> {
  const { db } = ctx;
  const hash = requestHash(body);
  const { intake, replayed } = await db.transaction(async (trx) => {
    // Serialise requests with the same key; different keys never wait for each other.
    await trx.raw('select pg_advisory_xact_lock(?, hashtext(?))', [user.id, idempotencyKey]);
    const existing = (await trx('case_intake').where({ applicant_user_id: user.id, idempotency_key: idempotencyKey }).first()) as IntakeRow | undefined;
    if (existing) {
      if (existing.request_hash !== hash) {
        throw new HttpProblem({
          status: 422, type: PROBLEM.idempotencyKeyReused, title: 'Idempotency-Key reused',
          detail: `This Idempotency-Key was used for a different request (case ${existing.case_id}). Use a new key for a new submission.`,
        });
      }
      return { intake: existing, replayed: true };
    }
    const refs = await checkCaseReferences(trx, body);
    const now = new Date();
    const local = DateTime.fromJSDate(now, { zone: refs.region.timeZone });
    if (!local.isValid) throw new Error(`region ${refs.region.id} has an invalid time zone ${refs.region.timeZone}`);
    const counter = await trx.raw(
      `insert into registration_counters (region_id, year, last_value) values (?, ?, 1)
       on conflict (region_id, year) do update set last_value = registration_counters.last_value + 1
       returning last_value`,
      [refs.region.id, local.year],
    );
    const caseId = registrationNumber(refs.region.numberPrefix, local.year, Number(counter.rows[0].last_value));
    // The applicant's own uploads only (422 naming a bad id, and the transaction leaves nothing behind).
    await linkAttachments(trx, body.attachments ?? [], { caseId, referencedIn: 'appeal', user, organisationId: null });
    const request: Omit<AppealInput, 'receivedAt'> = {
      caseId,
      kind: body.kind,
      regionId: body.regionId,
      applicant: {
        userId: user.id,
        name: body.applicant.name,
        email: body.applicant.email ?? null,
        postalAddress: body.applicant.postalAddress ?? null,
      },
      categoryId: refs.categoryId,
      subcategoryId: body.subcategoryId,
      territoryId: body.territoryId ?? null,
      text: body.text,
      address: body.address ?? null,
      location: body.location ?? null,
      mediaUrl: body.mediaUrl ?? null,
      attachments: body.attachments ?? [],
    };
    const row: IntakeRow = {
      applicant_user_id: user.id, idempotency_key: idempotencyKey, request_hash: hash, case_id: caseId,
      request, created_at: now, started_at: null,
    };
    await trx('case_intake').insert({ ...row, request: JSON.stringify(request) });
    return { intake: row, replayed: false };
  });

  const caseId = intake.case_id;
  if (replayed && intake.started_at) {
    const row = await loadCaseRow(db, caseId);
    if (row) return { row, replayed };
  }
  const input = appealInputOf(intake);
  let state: AppealState;
  try {
    await ensureStarted(ctx.client, ctx.taskQueue, input);
    state = await withWait(ctx, () => ctx.client.workflow.getHandle<typeof appealWorkflow>(caseId).executeUpdate(registrationUpdate));
  } catch (e) {
    const problem = registrationProblem(e, caseId) ?? (await endedBeforeRegistration(ctx, caseId));
    if (problem) throw problem;
    throw e;
  }
  await db('case_intake')
    .where({ applicant_user_id: user.id, idempotency_key: idempotencyKey })
    .whereNull('started_at')
    .update({ started_at: db.fn.now() });
  const row = await waitForProjection(db, caseId, state.seq);
  if (!row) {
    throw problems.unavailable(`Case ${caseId} is registered but not readable yet. Repeat the request with the same Idempotency-Key.`, 2);
  }
  return { row: row.last_seq >= state.seq ? row : overlayState(row, state), replayed };
}

/**
 * The workflow ended instead of registering the case (its routing activity failed for good: the region
 * has no participant that could take it, or no regulation profile). The registration update then fails
 * with "workflow completed before the update completed"; the workflow's own failure says why. Those
 * two causes are the region's reference data, so 422; anything else stays an error.
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
  const detail = `Case ${caseId} cannot be registered: ${f.message}. An administrator has to correct the region's reference data.`;
  if (f.type === 'NoRoute') return new HttpProblem({ status: 422, type: PROBLEM.noRoute, title: 'No routing rule applies', detail });
  if (f.type === FAILURE.invalidInput) return problems.unprocessable(detail);
  return undefined;
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
  const rows = (await db('case_intake')
    .whereNull('started_at')
    .where('created_at', '<', db.raw(`now() - make_interval(secs => ?)`, [olderThanSeconds]))
    .orderBy('created_at')
    .limit(100)) as IntakeRow[];
  let started = 0;
  for (const row of rows) {
    await ensureStarted(client, taskQueue, appealInputOf(row));
    await db('case_intake')
      .where({ applicant_user_id: row.applicant_user_id, idempotency_key: row.idempotency_key })
      .whereNull('started_at')
      .update({ started_at: db.fn.now() });
    started++;
  }
  return started;
}

/** The actor of an authenticated user: the only source of `actor` in updates. */
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

async function intakeInput(db: Db, caseId: string): Promise<AppealInput | undefined> {
  const intake = (await db('case_intake').where({ case_id: caseId }).first()) as IntakeRow | undefined;
  return intake ? appealInputOf(intake) : undefined;
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
  const input: AppealInput = { ...original, carried: finalState, reopen: { actor, reason } };
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
