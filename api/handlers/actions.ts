// Actions on a case: the operator's, the applicant's and the supervisor's. Each runs one update of the
// case's workflow with the actor taken from the authenticated user, then returns the case as it is now.
import type { UpdateDefinition } from '@temporalio/common';
import {
  answerUpdate, changeTermUpdate, closeUpdate, extendTermUpdate, leaveWithoutAnswerUpdate, rateUpdate, reassignUpdate,
  redirectUpdate, replyToClarificationUpdate, requestClarificationUpdate, takeIntoWorkUpdate,
  type AppealState,
} from '../../workflows/appeal/messages';
import type { Actor } from '../../workflows/shared/actor';
import { linkAttachments } from '../../domain/attachments/attachments';
import type { CaseDetail, CaseRow } from '../../domain/cases/read-model';
import type { AuthUser } from '../../domain/identity/users';
import type { components } from '../../openapi/types';
import { problems } from '../../domain/problem';
import { checkTargetOrganisation } from '../../domain/reference/checks';
import type { AppDeps, Ctx, Handlers, OperationId, Reply } from '../routes';
import { actOnCase, reopenCase, runCaseUpdate } from '../../domain/cases/commands';
import { temporalContext } from './cases';

type AnswerRequest = components['schemas']['AnswerRequest'];

export type CaseOp = Extract<OperationId, 'takeCase' | 'answerCase' | 'redirectCase' | 'requestClarification' | 'extendTerm' | 'leaveWithoutAnswer'
  | 'replyToClarification' | 'rateAnswer' | 'reassignCase' | 'changeTerm' | 'closeCase' | 'reopenCase' | 'acknowledgeRegistration'>;

/** The common path of every action (actOnCase); the role gate has already run. */
export async function act<K extends CaseOp>(
  ctx: Ctx<K>,
  action: string,
  perform: (actor: Actor, row: CaseRow, updateId: string | undefined) => Promise<AppealState>,
): Promise<Reply> {
  const caseId = (ctx.input.params as { caseId: string }).caseId;
  const key = (ctx.input.headers as { 'Idempotency-Key'?: string })['Idempotency-Key'];
  return { status: 200, body: await actOn(ctx.deps, ctx.user, caseId, action, key, perform) };
}

/**
 * One action on one case, for a request on that case (act) or on several (a group's answer,
 * api/handlers/case-groups.ts). The same key makes the same update id: a retry applies it once.
 */
export async function actOn(
  deps: AppDeps, user: AuthUser, caseId: string, action: string, key: string | undefined,
  perform: (actor: Actor, row: CaseRow, updateId: string | undefined) => Promise<AppealState>,
): Promise<CaseDetail> {
  // A machine client retries on its own (timeouts, restarts): without a key a retry could apply a
  // command twice, so integration clients must send one with every command (docs/integration.md).
  if (user.role === 'integration' && !key) {
    throw problems.field('header', 'Idempotency-Key', 'is required for commands of integration clients');
  }
  return actOnCase(temporalContext(deps), user, caseId, key ? `${caseId}:${action}:${key}` : undefined, perform);
}

/**
 * The answer on the merits: uploaded files of the answering user or organisation only (422 naming a bad
 * id), linked before the update so that a crash after it cannot leave an answered file the applicant
 * may not download.
 */
export function answerWith(deps: AppDeps, user: AuthUser, body: AnswerRequest) {
  return async (actor: Actor, row: CaseRow, updateId: string | undefined): Promise<AppealState> => {
    const attachments = body.attachments ?? [];
    await linkAttachments(deps.db, attachments, { caseId: row.id, referencedIn: 'answer', user, organisationId: actor.organisationId ?? null });
    return runCaseUpdate(temporalContext(deps), row.id, answerUpdate, { actor, text: body.text, attachments }, updateId);
  };
}

export function update<K extends CaseOp, A>(ctx: Ctx<K>, def: UpdateDefinition<AppealState, [A]>, arg: (actor: Actor) => A) {
  return (actor: Actor, row: CaseRow, updateId: string | undefined) =>
    runCaseUpdate(temporalContext(ctx.deps), row.id, def, arg(actor), updateId);
}

export const actionHandlers = {
  takeCase: (ctx) => act(ctx, 'take', update(ctx, takeIntoWorkUpdate, (actor) => ({ actor }))),

  answerCase: (ctx) => act(ctx, 'answer', answerWith(ctx.deps, ctx.user, ctx.input.body)),

  redirectCase: (ctx) =>
    act(ctx, 'redirect', async (actor, row, updateId) => {
      await checkTargetOrganisation(ctx.deps.db, ctx.input.body.organisationId, row.region_id);
      return update(ctx, redirectUpdate, () => ({ actor, organisationId: ctx.input.body.organisationId, reason: ctx.input.body.reason }))(actor, row, updateId);
    }),

  requestClarification: (ctx) =>
    act(ctx, 'clarification-request', update(ctx, requestClarificationUpdate, (actor) => ({ actor, question: ctx.input.body.question }))),

  extendTerm: (ctx) =>
    act(ctx, 'extension', update(ctx, extendTermUpdate, (actor) => ({ actor, days: ctx.input.body.days, reason: ctx.input.body.reason }))),

  leaveWithoutAnswer: (ctx) =>
    act(ctx, 'leave-without-answer', update(ctx, leaveWithoutAnswerUpdate, (actor) => ({ actor, ground: ctx.input.body.ground, comment: ctx.input.body.comment }))),

  replyToClarification: (ctx) =>
    act(ctx, 'clarification-reply', update(ctx, replyToClarificationUpdate, (actor) => ({ actor, text: ctx.input.body.text }))),

  rateAnswer: (ctx) =>
    act(ctx, 'rating', update(ctx, rateUpdate, (actor) => ({
      actor, rating: ctx.input.body.rating, ...(ctx.input.body.comment !== undefined ? { comment: ctx.input.body.comment } : {}),
    }))),

  reassignCase: (ctx) =>
    act(ctx, 'reassign', async (actor, row, updateId) => {
      await checkTargetOrganisation(ctx.deps.db, ctx.input.body.organisationId, row.region_id);
      return update(ctx, reassignUpdate, () => ({ actor, organisationId: ctx.input.body.organisationId, reason: ctx.input.body.reason }))(actor, row, updateId);
    }),

  changeTerm: async (ctx) => {
    // A time-zone offset can carry 9999-12-31 into year 10000 UTC, which PostgreSQL cannot store.
    const due = new Date(ctx.input.body.answerDueAt);
    if (due.getUTCFullYear() > 9999) throw problems.field('body', '/answerDueAt', 'must be before the year 10000 (UTC)');
    return act(ctx, 'term', update(ctx, changeTermUpdate, (actor) => ({ actor, answerDueAt: due.toISOString(), reason: ctx.input.body.reason })));
  },

  closeCase: (ctx) => act(ctx, 'close', update(ctx, closeUpdate, (actor) => ({ actor, reason: ctx.input.body.reason }))),

  reopenCase: (ctx) =>
    act(ctx, 'reopen', (actor, row, updateId) => reopenCase(temporalContext(ctx.deps), row.id, actor, ctx.input.body.reason, updateId)),
} satisfies Partial<Handlers>;
