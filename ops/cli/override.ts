// `ops override <caseId> reassign|term|close|reopen …`: the supervisors' overrides, for the ops team. The
// same workflow updates as the API's reassignCase / changeTerm / closeCase / reopenCase, with the actor
// an administrator named by `--as <user id>`; each is recorded in the audit log with channel `cli` and
// the case before and after, like an override made through the API.
import os from 'node:os';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { userFromRow, type AuthUser } from '../../domain/identity/users';
import { caseSnapshot, operationSummary, recordAudit, actorOfUser } from '../../domain/audit';
import { loadCaseRow, overlayState, waitForProjection } from '../../domain/cases/read-model';
import { checkTargetOrganisation } from '../../domain/reference/checks';
import { actorOf, reopenCase, runCaseUpdate } from '../../domain/cases/commands';
import { type TemporalContext } from '../../domain/temporal';
import type { Db } from '../../db/connection';
import { changeTermUpdate, closeUpdate, reassignUpdate, type AppealState } from '../../workflows/appeal/messages';

export const OVERRIDES = {
  reassign: 'reassignCase',
  term: 'changeTerm',
  close: 'closeCase',
  reopen: 'reopenCase',
} as const;
export type OverrideKind = keyof typeof OVERRIDES;

export interface OverrideRequest {
  caseId: string;
  kind: OverrideKind;
  reason: string;
  /** The administrator the action is taken as (users.id). */
  asUserId: number;
  organisationId?: string;
  answerDueAt?: string;
  /** Makes a repeated command apply once (the workflow update id). */
  key?: string;
}

export class OverrideError extends Error {}

export interface OverrideResult {
  caseId: string;
  action: string;
  before: ReturnType<typeof caseSnapshot>;
  after: ReturnType<typeof caseSnapshot>;
}

async function administrator(db: Db, id: number): Promise<AuthUser> {
  const row = await db('users').where({ id }).first();
  if (!row) throw new OverrideError(`--as ${id}: there is no such user`);
  const user = userFromRow(row);
  if (user.role !== 'administrator') throw new OverrideError(`--as ${id}: ${user.name} is a ${user.role}; overrides from the CLI are taken as an administrator`);
  return user;
}

/** Applies one override; throws OverrideError (bad input, nothing changed) or the engine's refusal. */
export async function applyOverride(db: Db, client: Client, taskQueue: string, r: OverrideRequest): Promise<OverrideResult> {
  const reason = r.reason?.trim();
  if (!reason) throw new OverrideError('--reason is required: every override says why');
  if (r.kind === 'reassign' && !r.organisationId) throw new OverrideError('reassign needs --organisation <organisation id>');
  let due: string | undefined;
  if (r.kind === 'term') {
    const t = r.answerDueAt ? Date.parse(r.answerDueAt) : NaN;
    if (!r.answerDueAt || !/^\d{4}-\d{2}-\d{2}T/.test(r.answerDueAt) || Number.isNaN(t)) throw new OverrideError('term needs --due <ISO 8601 date-time>, e.g. 2026-12-01T18:00:00+07:00');
    due = new Date(t).toISOString();
  }
  const user = await administrator(db, r.asUserId);
  const row = await loadCaseRow(db, r.caseId);
  if (!row) throw new OverrideError(`there is no case ${r.caseId}`);
  const ctx: TemporalContext = { client, db, taskQueue };
  const actor = actorOf(user, row);
  const updateId = r.key ? `${r.caseId}:cli-${r.kind}:${r.key}` : undefined;
  let state: AppealState;
  try {
    switch (r.kind) {
      case 'reassign':
        await checkTargetOrganisation(db, r.organisationId!, row.region_id);
        state = await runCaseUpdate(ctx, r.caseId, reassignUpdate, { actor, organisationId: r.organisationId!, reason }, updateId);
        break;
      case 'term':
        state = await runCaseUpdate(ctx, r.caseId, changeTermUpdate, { actor, answerDueAt: due!, reason }, updateId);
        break;
      case 'close':
        state = await runCaseUpdate(ctx, r.caseId, closeUpdate, { actor, reason }, updateId);
        break;
      case 'reopen':
        state = await reopenCase(ctx, r.caseId, actor, reason, updateId);
        break;
    }
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw new OverrideError(`case ${r.caseId}: its workflow has ended (a closed case is reopened with \`override ${r.caseId} reopen\`)`);
    const detail = (e as { detail?: string }).detail;
    if (detail) throw new OverrideError(detail); // an HttpProblem from the shared code: a refusal, nothing changed
    // The workflow's validator refused (wrong state, bad term): say why, from the failure's cause.
    let cause: any = e;
    for (let depth = 0; cause?.cause && depth < 5; depth++) cause = cause.cause;
    if ((e as Error).name === 'WorkflowUpdateFailedError') throw new OverrideError(`refused by the case: ${cause?.message ?? (e as Error).message}`);
    throw e;
  }
  const fresh = await waitForProjection(db, r.caseId, state.seq);
  const shown = fresh && fresh.last_seq >= state.seq ? fresh : overlayState(fresh ?? row, state);
  const result: OverrideResult = {
    caseId: r.caseId,
    action: OVERRIDES[r.kind],
    before: caseSnapshot(row as unknown as Record<string, unknown>),
    after: caseSnapshot(shown as unknown as Record<string, unknown>),
  };
  await recordAudit(db, {
    actor: actorOfUser(user),
    action: OVERRIDES[r.kind],
    operation: `ops override ${r.kind}`,
    channel: 'cli',
    caseId: r.caseId,
    regionId: row.region_id,
    before: result.before,
    after: result.after,
    details: {
      summary: operationSummary(OVERRIDES[r.kind]), reason,
      ...(r.organisationId ? { organisationId: r.organisationId } : {}), ...(due ? { answerDueAt: due } : {}),
      osUser: safeOsUser(),
    },
  });
  return result;
}

function safeOsUser(): string | null {
  try {
    return os.userInfo().username;
  } catch {
    return null;
  }
}

export function overrideText(r: OverrideResult): string {
  const fmt = (s: OverrideResult['before']) =>
    s ? `${s.status}, at ${s.organisationId ?? '-'}, due ${s.answerDueAt ?? '-'}${s.overdue ? ', overdue' : ''}, round ${s.round}${s.resolution ? `, ${s.resolution}` : ''}` : '-';
  return `${r.action} applied to ${r.caseId} (recorded in the audit log, channel cli)\n  before: ${fmt(r.before)}\n  after:  ${fmt(r.after)}`;
}
