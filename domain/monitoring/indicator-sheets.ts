// The indicator tables, the rating and its published snapshots as tables for CSV/XLSX
// (domain/exports/table.ts), like report-sheets.ts does for readiness and problems: the columns are the
// JSON fields of the rows; the indicators' Russian headers are their definitions' titles (definitions.ts,
// via domain/exports/titles.ts). A workbook also carries how the figures were computed: the indicators'
// definitions, or the rating's weights and thresholds. No personal data in any of them.
import type { Column, Sheet } from '../exports/table';
import { ALL_INDICATORS, CASE_INDICATORS, PARTICIPATION_INDICATORS, type IndicatorDefinition } from './definitions';
import type { CaseIndicatorRow, CaseIndicatorTable } from './indicators';
import type { RatingConfig, RatingTable } from './rating';
import type { components } from '../../openapi/types';

type ParticipationTable = components['schemas']['ParticipationIndicatorTable'];
type WinningProjectTable = components['schemas']['WinningProjectTable'];
type RatingRow = components['schemas']['RatingRow'];

const field = <Row>(header: string, width?: number): Column<Row> => ({ header, value: (r) => (r as Record<string, string | number | null>)[header], width });

/** The key columns of the groups asked for: a period, an organisation, a territory, a category, a channel. */
function groupColumns(groupBy: readonly string[]): Column<CaseIndicatorRow>[] {
  const has = (g: string) => groupBy.includes(g);
  return [
    ...(has('month') || has('quarter') ? [field<CaseIndicatorRow>('period', 10)] : []),
    ...(has('organisation') ? [field<CaseIndicatorRow>('organisationId', 24), field<CaseIndicatorRow>('organisationName', 40)] : []),
    ...(has('territory') ? [field<CaseIndicatorRow>('territoryId', 24), field<CaseIndicatorRow>('territoryName', 32)] : []),
    ...(has('category') ? [field<CaseIndicatorRow>('categoryId', 24), field<CaseIndicatorRow>('categoryName', 32)] : []),
    ...(has('channel') ? [field<CaseIndicatorRow>('channel', 14)] : []),
  ];
}

function definitionSheet(defs: readonly IndicatorDefinition[]): Sheet<IndicatorDefinition> {
  return {
    name: 'definitions',
    columns: [{ header: 'indicator', value: (d) => d.titleRu, width: 40 }, { header: 'definition', value: (d) => d.definitionRu, width: 100 }],
    rows: [...defs],
  };
}

export function caseIndicatorSheets(t: CaseIndicatorTable): Sheet[] {
  const columns = [...groupColumns(t.scope.groupBy), ...CASE_INDICATORS.map((d) => field<CaseIndicatorRow>(d.id, 14))];
  return [{ name: 'indicators', columns, rows: t.rows }, definitionSheet(t.definitions)];
}

export function participationSheets(t: ParticipationTable): Sheet[] {
  type Row = ParticipationTable['rows'][number];
  const groups = t.scope.groupBy as string[];
  const columns: Column<Row>[] = [
    ...(groups.includes('month') || groups.includes('quarter') ? [field<Row>('period', 10)] : []),
    ...(groups.includes('organisation') ? [field<Row>('organisationId', 24), field<Row>('organisationName', 40)] : []),
    ...PARTICIPATION_INDICATORS.map((d) => field<Row>(d.id, 14)),
  ];
  return [{ name: 'participation', columns, rows: t.rows }, definitionSheet(t.definitions)];
}

export function winningProjectSheets(t: WinningProjectTable): Sheet[] {
  type Row = WinningProjectTable['rows'][number];
  const columns: Column<Row>[] = [
    field('eventId', 18), field('eventTitle', 40), field('organisationId', 24), field('organisationName', 40), field('closedAt', 24),
    field('projectId', 18), field('projectName', 40), field('cost'), field('votes'), field('status', 14), field('note', 40), field('updatedAt', 24),
  ];
  return [{ name: 'projects', columns, rows: t.rows }];
}

const titleOf = (id: string) => ALL_INDICATORS.find((d) => d.id === id)?.titleRu ?? id;

/** The rating's rows (the configured indicators after the score) and the configuration it was computed with. */
export function ratingSheets(t: Pick<RatingTable, 'quarter' | 'config' | 'rows'>): Sheet[] {
  const ids = t.config.indicators.map((i) => i.indicator);
  const columns: Column<RatingRow>[] = [
    field('rank', 8), field('subjectId', 24), field('subjectName', 40), field('score', 10), field('thresholdsMet'), field('thresholdsTotal'),
    { header: 'unmet', value: (r) => r.unmet.split(',').map((x) => x.trim()).filter(Boolean).map(titleOf).join('; '), width: 40 },
    ...ids.map((id) => field<RatingRow>(id, 14)),
    field('received'), field('answered'), field('rated'),
  ];
  type Weight = RatingConfig['indicators'][number];
  const weights: Column<Weight>[] = [
    { header: 'indicator', value: (w) => titleOf(w.indicator), width: 40 }, field('weight', 10), field('better', 10), field('target', 10),
  ];
  return [{ name: `rating ${t.quarter}`, columns, rows: t.rows }, { name: 'weights', columns: weights, rows: t.config.indicators }];
}
