// The dashboards' filters as the address keeps them (#/dashboards/indicators?from=2026-01&…, so a
// drill-down and "back" return to the same figures), as the monitoring API takes them, and the queue's
// filters that match a figure (the drill-down). Pure, except `today()`, which reads the clock once.
import type { operations } from '../../../../openapi/types';
import type { FilterForm } from '../queue/filters';

export type IndicatorQuery = NonNullable<operations['getCaseIndicators']['parameters']['query']>;
export type Grouping = NonNullable<IndicatorQuery['groupBy']>[number];
export type Dimension = Exclude<Grouping, 'month' | 'quarter'>;
export const DIMENSIONS: readonly Dimension[] = ['organisation', 'territory', 'category', 'channel'];
export const CHANNELS = ['web', 'embed', 'open311', 'integration', 'incident'] as const;

/** Form values: '' is "any" (or the API's default). */
export interface DashboardFilters {
  regionId: string;
  territoryId: string;
  organisationId: string;
  subtree: 'true' | 'false';
  categoryId: string;
  channel: string;
  /** Months `YYYY-MM`, inclusive. */
  from: string;
  to: string;
  by: Dimension;
  /** The rating's quarter `YYYY-Qn`, its subject and a published snapshot's id ('' = the live rating). */
  quarter: string;
  subject: 'organisation' | 'municipality';
  snapshot: string;
  /** The readiness table's kept month to compare with. */
  compareTo: string;
  /** The problem analysis' days `[problemsFrom, problemsTo)`; '' = the API's default. */
  problemsFrom: string;
  problemsTo: string;
}

export const monthOf = (d: Date): string => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
export const quarterOf = (month: string): string => `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;

/** The month `n` months before `month`. */
export function monthsBefore(month: string, n: number): string {
  const total = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 - n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** The last `n` quarters up to `month`'s, newest first. */
export function quartersUpTo(month: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => quarterOf(monthsBefore(month, 3 * i)));
}

/** The defaults: the last twelve months (a chart over time has a year even in January) and the last ended quarter (as the API's). */
export function defaults(now: Date): DashboardFilters {
  const to = monthOf(now);
  return {
    regionId: '', territoryId: '', organisationId: '', subtree: 'true', categoryId: '', channel: '', from: monthsBefore(to, 11), to,
    by: 'organisation', quarter: quarterOf(monthsBefore(to, 3)), subject: 'organisation', snapshot: '', compareTo: '', problemsFrom: '', problemsTo: '',
  };
}

const KEYS = Object.keys(defaults(new Date(0))) as (keyof DashboardFilters)[];

export function fromSearch(search: string, now: Date): DashboardFilters {
  const q = new URLSearchParams(search);
  const f = defaults(now);
  for (const k of KEYS) {
    const v = q.get(k);
    if (v !== null) (f as unknown as Record<string, string>)[k] = v;
  }
  if (!(DIMENSIONS as readonly string[]).includes(f.by)) f.by = 'organisation';
  if (f.subject !== 'municipality') f.subject = 'organisation';
  if (f.subtree !== 'false') f.subtree = 'true';
  return f;
}

/** The address' query of these filters: only what differs from the defaults. */
export function toSearch(f: DashboardFilters, now: Date): string {
  const d = defaults(now);
  const q = new URLSearchParams();
  for (const k of KEYS) if (f[k] !== d[k]) q.set(k, f[k]);
  return q.toString();
}

/** The indicator API's query for the filters, grouped as asked. */
export function indicatorQuery(f: DashboardFilters, groupBy: Grouping[]): IndicatorQuery {
  const q: IndicatorQuery = { from: f.from, to: f.to };
  if (f.regionId) q.regionId = f.regionId;
  if (f.territoryId) q.territoryId = f.territoryId;
  if (f.organisationId) { q.organisationId = f.organisationId; q.subtree = f.subtree === 'true'; }
  if (f.categoryId) q.categoryId = f.categoryId;
  if (f.channel) q.channel = f.channel;
  if (groupBy.length) q.groupBy = groupBy;
  return q;
}

/** Measures a drill-down opens: which of the queue's cases make up the figure. */
export type DrillMeasure = 'received' | 'openNow' | 'overdueNow' | 'closed' | 'overdue';
const STATE: Record<DrillMeasure, Pick<FilterForm, 'open' | 'overdue'>> = {
  received: { open: '', overdue: '' },
  openNow: { open: 'true', overdue: '' },
  overdueNow: { open: 'true', overdue: 'true' },
  closed: { open: 'false', overdue: '' },
  overdue: { open: '', overdue: 'true' },
};

/**
 * The queue's filters behind a figure: the measure's state and the figure's organisation, category and
 * territory (the row's group, else the dashboard's filter). The queue filters by the handling organisation
 * itself (no subtree), and has no period or channel: a link is given only where the queue can match the
 * group, and the screen says that the period is not carried over.
 */
export function drillFilters(f: DashboardFilters, measure: DrillMeasure, group: { organisationId?: string | null; categoryId?: string | null; territoryId?: string | null } = {}): Partial<FilterForm> {
  return {
    ...STATE[measure],
    organisationId: group.organisationId ?? f.organisationId,
    categoryId: group.categoryId ?? f.categoryId,
    territoryId: group.territoryId ?? f.territoryId,
  };
}

/**
 * Whether the queue can show exactly the cases of a figure under these filters: it matches a case's own
 * organisation and territory, so not a channel, an organisation's subtree or a district's settlements
 * (unless the row itself is one organisation or one territory).
 */
export function drillable(f: DashboardFilters, dimension?: Dimension): boolean {
  if (f.channel || dimension === 'channel') return false;
  if (f.organisationId && f.subtree === 'true' && dimension !== 'organisation') return false;
  return !(f.territoryId && dimension !== 'territory');
}
