// Duplicate appeals (issue 14): similar open cases of a case, an organisation's proposed and confirmed
// groups, and the group's one answer, sent to each case through the ordinary answer action (actOn), so
// that each case keeps its own workflow, term, rating and escalation.
import {
  confirmGroup, fixGroupAnswer, groupMembers, groupOf, listCaseGroups, listSimilarCases, markAnswered, removeFromGroup, visibleGroup,
} from '../../domain/cases/groups';
import { actionAudit } from '../../domain/audit';
import { loadCaseRow } from '../../domain/cases/read-model';
import { DEFAULT_SIMILARITY_RULE, type SimilarityRule } from '../../domain/cases/similarity';
import { HttpProblem } from '../../domain/problem';
import type { components } from '../../openapi/types';
import type { AppDeps, Ctx, Handlers } from '../routes';
import { temporalProblem } from '../temporal-problems';
import { actOn, answerWith } from './actions';

type CaseAnswerOutcome = components['schemas']['CaseGroupAnswerResult']['results'][number];

/** The server's rule, with the distance or period the request sets. */
function ruleOf(deps: AppDeps, query: { distanceMetres?: number; periodDays?: number }): SimilarityRule {
  const base = deps.similarity ?? DEFAULT_SIMILARITY_RULE;
  return { distanceMetres: query.distanceMetres ?? base.distanceMetres, periodDays: query.periodDays ?? base.periodDays };
}

/**
 * The group's answer to each of its cases in turn. A case the answer reached before (this request's
 * earlier attempt) is reported answered without a second update; a case the workflow refuses (answered
 * or closed meanwhile, redirected to another organisation) is reported with its problem. An outage of
 * the case engine fails the request: a retry goes on where it stopped.
 */
async function answerGroup(ctx: Ctx<'answerCaseGroup'>) {
  const { deps, user } = ctx;
  const group = await visibleGroup(deps.db, user, ctx.input.params.groupId);
  const answer = { text: ctx.input.body.text, attachments: ctx.input.body.attachments ?? [] };
  await fixGroupAnswer(deps.db, user, group, answer);
  const results: CaseAnswerOutcome[] = [];
  for (const m of await groupMembers(deps.db, group.id)) {
    if (m.answered_at) {
      results.push({ caseId: m.case_id, outcome: 'answered', status: (await loadCaseRow(deps.db, m.case_id))?.status ?? null, problem: null });
      continue;
    }
    try {
      // One update id per case and group: a retry after a crash between the update and markAnswered
      // gets the first update's result back from the workflow instead of a second answer.
      // Audited as the case's own answer too, so that the case's audit trail shows it (the route's entry is the group's).
      const audit = actionAudit(deps.db, deps.log, 'answerCase', user, { params: { caseId: m.case_id }, body: ctx.input.body }, (ctx.res.locals.requestId as string) ?? null);
      await audit.begin();
      const c = await actOn(deps, user, m.case_id, 'answer', `group-${group.id}`, answerWith(deps, user, answer));
      await markAnswered(deps.db, group.id, m.case_id);
      await audit.finish({ status: 200, body: c });
      results.push({ caseId: m.case_id, outcome: 'answered', status: c.status, problem: null });
    } catch (e) {
      // A refusal of this case (the workflow's validator, visibility): reported, and the next case goes on.
      const problem = e instanceof HttpProblem ? e : temporalProblem(e, m.case_id);
      if (!problem || problem.status >= 500) throw e;
      results.push({ caseId: m.case_id, outcome: 'refused', status: (await loadCaseRow(deps.db, m.case_id))?.status ?? null, problem: problem.toJSON() });
    }
  }
  return { status: 200, body: { groupId: Number(group.id), results } };
}

export const caseGroupHandlers = {
  async listSimilarCases(ctx) {
    return { status: 200, body: await listSimilarCases(ctx.deps.db, ctx.user, ctx.input.params.caseId, ruleOf(ctx.deps, ctx.input.query)) };
  },

  async listCaseGroups(ctx) {
    return { status: 200, body: await listCaseGroups(ctx.deps.db, ctx.user, ctx.input.params.organisationId, ruleOf(ctx.deps, ctx.input.query)) };
  },

  async confirmCaseGroup(ctx) {
    const { group, created } = await confirmGroup(ctx.deps.db, ctx.user, ctx.input.body.caseIds);
    if (!created) return { status: 200, body: group };
    return { status: 201, body: group, headers: { Location: `/case-groups/${group.id}` } };
  },

  async getCaseGroup(ctx) {
    const g = await visibleGroup(ctx.deps.db, ctx.user, ctx.input.params.groupId);
    return { status: 200, body: await groupOf(ctx.deps.db, ctx.user, g) };
  },

  async removeCaseFromGroup(ctx) {
    const g = await removeFromGroup(ctx.deps.db, ctx.user, ctx.input.params.groupId, ctx.input.params.caseId);
    return g ? { status: 200, body: g } : { status: 204 };
  },

  answerCaseGroup: answerGroup,
} satisfies Partial<Handlers>;
