// The monitoring reports as tables for CSV/XLSX (domain/exports/table.ts): the columns are the JSON
// fields of the report, so a file reads like the API. Personal columns are marked; the export leaves them
// out unless the caller may see them.
import type { Column, Sheet } from '../exports/table';
import type { CabinetReadinessReport } from './cabinet-readiness';
import type { ProblemAnalysis, ProblemDimension, ProblemExample, ProblemGroup } from './problem-analysis';
import type { ReturningCases, ReturningCaseGroup } from './returning-cases';

type ReadinessRow = CabinetReadinessReport['rows'][number];

const READINESS_FIGURES = ['created', 'withActiveOperator', 'withEmbeddedForm', 'withHandledCase', 'ready', 'readyShare'] as const;

export function readinessSheets(report: CabinetReadinessReport): Sheet[] {
  const columns: Column<ReadinessRow>[] = [
    { header: 'territoryId', value: (r) => r.territoryId, width: 24 },
    { header: 'territoryName', value: (r) => r.territoryName, width: 32 },
    { header: 'territoryKind', value: (r) => r.territoryKind },
    { header: 'organisationKind', value: (r) => r.organisationKind, width: 18 },
    ...READINESS_FIGURES.map((f): Column<ReadinessRow> => ({ header: f, value: (r) => r[f] })),
    ...(report.comparedTo === null ? [] : READINESS_FIGURES.map((f): Column<ReadinessRow> => ({
      header: `previous.${f}`, value: (r) => (r.previous ? r.previous[f] : null),
    }))),
  ];
  type Total = CabinetReadinessReport['totals'][number];
  const totals: Column<Total>[] = [
    { header: 'organisationKind', value: (r) => r.organisationKind, width: 18 },
    ...READINESS_FIGURES.map((f): Column<Total> => ({ header: f, value: (r) => r[f] })),
  ];
  return [
    { name: report.snapshotMonth ? `readiness ${report.snapshotMonth}` : 'readiness', columns, rows: report.rows },
    { name: 'totals', columns: totals, rows: report.totals },
  ];
}

type GroupRow = ProblemGroup & { dimension: ProblemDimension };
type ExampleRow = ProblemExample & { dimension: ProblemDimension; groupId: string | null };
const COUNT_FIELDS = ['received', 'lowRatings', 'repeatProcessing', 'overdue', 'problems'] as const;
const DIMENSIONS: ProblemDimension[] = ['categories', 'organisations', 'territories'];

export function problemSheets(a: ProblemAnalysis): Sheet[] {
  const groups: GroupRow[] = DIMENSIONS.flatMap((d) => a[d].map((g) => ({ ...g, dimension: d })));
  const examples: ExampleRow[] = groups.flatMap((g) => g.examples.map((e) => ({ ...e, dimension: g.dimension, groupId: g.id })));
  const groupColumns: Column<GroupRow>[] = [
    { header: 'dimension', value: (g) => g.dimension, width: 14 },
    { header: 'id', value: (g) => g.id, width: 24 },
    { header: 'name', value: (g) => g.name, width: 40 },
    ...COUNT_FIELDS.map((f): Column<GroupRow> => ({ header: `current.${f}`, value: (g) => g.current[f] })),
    ...COUNT_FIELDS.map((f): Column<GroupRow> => ({ header: `previous.${f}`, value: (g) => g.previous[f] })),
    { header: 'trend', value: (g) => g.trend },
    { header: 'period.from', value: () => a.period.from },
    { header: 'period.to', value: () => a.period.to },
  ];
  const exampleColumns: Column<ExampleRow>[] = [
    { header: 'dimension', value: (e) => e.dimension, width: 14 },
    { header: 'groupId', value: (e) => e.groupId, width: 24 },
    { header: 'caseId', value: (e) => e.caseId, width: 18 },
    { header: 'problem', value: (e) => e.problem, width: 18 },
    { header: 'at', value: (e) => e.at, width: 24 },
    { header: 'status', value: (e) => e.status },
    { header: 'categoryId', value: (e) => e.categoryId, width: 24 },
    { header: 'organisationId', value: (e) => e.organisationId, width: 24 },
    { header: 'territoryId', value: (e) => e.territoryId, width: 24 },
    { header: 'rating', value: (e) => e.rating },
    { header: 'applicant.name', value: (e) => e.applicant?.name, personal: true, width: 24 },
    { header: 'applicant.email', value: (e) => e.applicant?.email, personal: true, width: 24 },
    { header: 'applicant.postalAddress', value: (e) => e.applicant?.postalAddress, personal: true, width: 32 },
    { header: 'text', value: (e) => e.text, personal: true, width: 60 },
  ];
  return [{ name: 'problems', columns: groupColumns, rows: groups }, { name: 'examples', columns: exampleColumns, rows: examples }];
}

type ReturningRow = ReturningCaseGroup['cases'][number] & { group: ReturningCaseGroup };

export function returningSheets(list: ReturningCases): Sheet[] {
  const rows: ReturningRow[] = list.items.flatMap((group) => group.cases.map((c) => ({ ...c, group })));
  const columns: Column<ReturningRow>[] = [
    { header: 'applicantRef', value: (r) => r.group.applicantRef, width: 14 },
    { header: 'subjectId', value: (r) => r.group.subjectId, width: 24 },
    { header: 'subjectName', value: (r) => r.group.subjectName, width: 32 },
    { header: 'caseId', value: (r) => r.caseId, width: 18 },
    { header: 'registeredAt', value: (r) => r.registeredAt, width: 24 },
    { header: 'status', value: (r) => r.status },
    { header: 'organisationId', value: (r) => r.organisationId, width: 24 },
    { header: 'rating', value: (r) => r.rating },
    { header: 'round', value: (r) => r.round },
    { header: 'applicant.name', value: (r) => r.group.applicant?.name, personal: true, width: 24 },
    { header: 'applicant.email', value: (r) => r.group.applicant?.email, personal: true, width: 24 },
  ];
  return [{ name: 'returning cases', columns, rows }];
}
