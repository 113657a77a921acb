// Monitoring reports for supervisors: readiness of cabinets by municipal district (with the kept monthly
// snapshots) and the problem analysis (low ratings, repeat processing, overdue; cases that come back).
// Each answers JSON or, with ?format=csv|xlsx, a file (api/export.ts).
import type { Handlers } from '../routes';
import { reportReply } from '../export';
import { problems } from '../../domain/problem';
import { reportRegion } from '../../domain/monitoring/report-scope';
import { compareReadiness, keptReadiness, listReadinessSnapshots, liveReadiness, type CabinetReadinessReport } from '../../domain/monitoring/cabinet-readiness';
import { problemAnalysis } from '../../domain/monitoring/problem-analysis';
import { returningCases } from '../../domain/monitoring/returning-cases';
import { ReportPeriodError, reportPeriod, todayIn } from '../../domain/monitoring/report-period';
import { problemSheets, readinessSheets, returningSheets } from '../../domain/monitoring/report-sheets';
import type { Db } from '../../db/connection';

async function withComparison(db: Db, report: CabinetReadinessReport, compareTo: string | undefined): Promise<CabinetReadinessReport> {
  if (compareTo === undefined) return report;
  const kept = await keptReadiness(db, report.regionId, compareTo);
  if (!kept) throw problems.notFound(`No readiness snapshot of ${compareTo} is kept${report.regionId ? ` for region ${report.regionId}` : ''}.`);
  return compareReadiness(report, kept);
}

function period(q: { from?: string; to?: string }, defaultDays: number, timeZone: string) {
  try {
    return reportPeriod(q, defaultDays, todayIn(timeZone), timeZone);
  } catch (e) {
    if (e instanceof ReportPeriodError) throw problems.field('query', 'from', e.message);
    throw e;
  }
}

export const monitoringReportHandlers = {
  async getCabinetReadiness(ctx) {
    const { regionId } = await reportRegion(ctx.deps.db, ctx.user, ctx.input.query.regionId);
    const report = await withComparison(ctx.deps.db, await liveReadiness(ctx.deps.db, regionId), ctx.input.query.compareTo);
    return reportReply(ctx, report, { report: 'readiness', regionId, sheets: () => readinessSheets(report) });
  },

  async listCabinetReadinessSnapshots({ input, user, deps }) {
    const { regionId } = await reportRegion(deps.db, user, input.query.regionId);
    return { status: 200, body: { regionId, items: await listReadinessSnapshots(deps.db, regionId) } };
  },

  async getCabinetReadinessSnapshot(ctx) {
    const { month } = ctx.input.params;
    const { regionId } = await reportRegion(ctx.deps.db, ctx.user, ctx.input.query.regionId);
    const kept = await keptReadiness(ctx.deps.db, regionId, month);
    if (!kept) throw problems.notFound(`No readiness snapshot of ${month} is kept${regionId ? ` for region ${regionId}` : ''}.`);
    const report = await withComparison(ctx.deps.db, kept, ctx.input.query.compareTo);
    return reportReply(ctx, report, { report: `readiness-${month}`, regionId, sheets: () => readinessSheets(report) });
  },

  async getProblemAnalysis(ctx) {
    const q = ctx.input.query;
    const { regionId, timeZone } = await reportRegion(ctx.deps.db, ctx.user, q.regionId);
    const { analysis, shownWithApplicant: personalCases } = await problemAnalysis(ctx.deps.db, ctx.user, regionId, period(q, 30, timeZone), { top: q.top ?? 10, examples: q.examples ?? 3 });
    return reportReply(ctx, analysis, { report: 'problems', regionId, sheets: () => problemSheets(analysis), personalData: personalCases.length > 0, personalCases });
  },

  async listReturningCases(ctx) {
    const q = ctx.input.query;
    const { regionId, timeZone } = await reportRegion(ctx.deps.db, ctx.user, q.regionId);
    const { list, shownWithApplicant: personalCases } = await returningCases(ctx.deps.db, ctx.user, regionId, period(q, 90, timeZone), q.minCases ?? 2);
    return reportReply(ctx, list, { report: 'returning-cases', regionId, sheets: () => returningSheets(list), personalData: personalCases.length > 0, personalCases });
  },
} satisfies Partial<Handlers>;
