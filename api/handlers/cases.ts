// Submitting appeals, reading cases, their Temporal history, and the supervisors' monitoring lists.
import { WorkflowNotFoundError } from '@temporalio/client';
import { caseDetailOf, listCases, visibleCase, visibleCaseWithEvents, type CaseFilters } from '../../domain/cases/read-model';
import { overdueSql } from '../../domain/cases/overdue';
import { problems } from '../../domain/problem';
import type { AppDeps, Handlers, Reply } from '../routes';
import { submitAppeal } from '../../domain/cases/intake';
import { caseHistory } from '../../domain/cases/history';
import type { AuthUser } from '../../domain/identity/users';
import { CaseExportTooLargeError, caseListSheet, casesForExport, seesEveryApplicant } from '../../domain/exports/case-list';
import { referenceNames } from '../../domain/monitoring/scope';
import { reportReply } from '../export';

export function temporalContext(deps: AppDeps) {
  return {
    client: deps.temporal,
    db: deps.db,
    taskQueue: deps.taskQueue,
    waitMs: deps.waitMs,
    log: (m: string, f?: Record<string, unknown>) => deps.log('info', m, f),
  };
}

/** Supervisors see their own region only; administrators any (all when regionId is left out). */
function supervisionRegion(user: AuthUser, regionId: string | undefined): string | undefined {
  if (user.role === 'supervisor') {
    if (regionId !== undefined && regionId !== user.regionId) throw problems.forbidden('Supervisors see the cases of their own region only.');
    return user.regionId ?? undefined;
  }
  return regionId;
}

export const caseHandlers = {
  async submitAppeal({ input, user, deps }): Promise<Reply> {
    const key = input.headers['Idempotency-Key'];
    const { row, events, replayed } = await submitAppeal(temporalContext(deps), user, key, input.body);
    const body = caseDetailOf({ row, events }, user);
    if (replayed) return { status: 200, body, headers: { 'Idempotent-Replayed': 'true' } };
    return { status: 201, body, headers: { Location: `/cases/${encodeURIComponent(row.id)}` } };
  },

  async listCases(ctx) {
    const { input, user, deps } = ctx;
    const { limit, cursor, format, ...filters } = input.query;
    if (format === undefined || format === 'json') {
      return { status: 200, body: await listCases(deps.db, user, filters as CaseFilters, { limit: limit ?? 20, cursor }) };
    }
    // A file: the whole filtered list, not a page (domain/exports/case-list.ts).
    const cases = await casesForExport(deps.db, user, filters as CaseFilters).catch((e: unknown) => {
      throw e instanceof CaseExportTooLargeError ? problems.unprocessable(e.message) : e;
    });
    const personalData = seesEveryApplicant(cases);
    // The export's region, for the supervisors' view of the audit log: the cases' one region, if they have one.
    const regions = new Set(cases.map((c) => c.regionId));
    const regionId = filters.regionId ?? user.regionId ?? (regions.size === 1 ? [...regions][0] : null);
    const names = await referenceNames(deps.db, regionId);
    return reportReply(ctx, undefined, {
      report: 'cases', regionId, sheets: () => [caseListSheet(cases, names)], personalData,
      personalCases: personalData && user.role !== 'citizen' ? cases.map((c) => ({ caseId: c.id, regionId: c.regionId })) : [],
    });
  },

  async getCase({ input, user, deps }) {
    return { status: 200, body: caseDetailOf(await visibleCaseWithEvents(deps.db, user, input.params.caseId), user) };
  },

  async getCaseHistory({ input, user, deps }) {
    const { caseId } = input.params;
    await visibleCase(deps.db, user, caseId);
    try {
      return { status: 200, body: await caseHistory(deps.temporal, caseId) };
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) throw problems.notFound(`The workflow history of case ${caseId} is no longer available.`);
      throw e;
    }
  },

  async listOverdueCases({ input, user, deps }) {
    const { limit, cursor, advisory, organisationId } = input.query;
    const regionId = supervisionRegion(user, input.query.regionId);
    const page = await listCases(
      deps.db, user, { regionId, organisationId, open: true }, { limit: limit ?? 20, cursor },
      {
        order: 'due',
        extra: (qb) => {
          qb.whereRaw(overdueSql());
          if (advisory !== undefined) qb.where('cases.term_advisory', advisory);
        },
      },
    );
    return { status: 200, body: page };
  },

  async listStuckCases({ input, user, deps }) {
    const { limit, cursor, organisationId } = input.query;
    const days = input.query.days ?? 7;
    const regionId = supervisionRegion(user, input.query.regionId);
    const page = await listCases(
      deps.db, user, { regionId, organisationId, open: true }, { limit: limit ?? 20, cursor },
      {
        order: 'due',
        extra: (qb) => {
          qb.whereRaw(`coalesce(cases.last_action_at, cases.registered_at) < now() - make_interval(days => ?)`, [days]);
        },
      },
    );
    return { status: 200, body: page };
  },
} satisfies Partial<Handlers>;
