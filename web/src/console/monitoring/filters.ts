// The dashboards' filters as the address keeps them (#/dashboards/indicators?from=2026-01&…, so a
// drill-down and "back" return to the same figures), as the monitoring API takes them, and the queue's
// filters that match a figure (the drill-down). Pure, except `today()`, which reads the clock once.
import type { operations } from '../../../../openapi/types';
import { monthStartIn } from '../../format';
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

/** Measures a drill-down opens: those counted by the case's registration (the queue's cases are). */
export type DrillMeasure = 'received' | 'openNow' | 'overdueNow';
const STATE: Record<DrillMeasure, Pick<FilterForm, 'open' | 'overdue'>> = {
  received: { open: '', overdue: '' },
  openNow: { open: 'true', overdue: '' },
  overdueNow: { open: 'true', overdue: 'true' },
};

/** The channel of incidents (found in open sources): counted by the indicators, listed apart from the queue (/incidents). */
export const INCIDENT_CHANNEL = 'incident';

/** A row's group: a key given is the row's own (null: cases without it, which the queue cannot select). */
export interface DrillGroup {
  period?: string | null;
  organisationId?: string | null;
  territoryId?: string | null;
  categoryId?: string | null;
  channel?: string | null;
}

/**
 * The queue's filters that select exactly the cases behind a figure, or null where the queue cannot:
 * the period as registration instants in the region's zone (a row's month, else the dashboard's months),
 * the row's organisation, territory, category or channel (its own, no subtree), else the dashboard's
 * (an organisation with its subtree as asked, a territory with everything inside it). Not given:
 * - `received` at an organisation: it is counted at the one the case was routed to at registration,
 *   the queue knows the one holding it now (a redirect or a repeat processing moves it);
 * - incidents (their own list), and rows without a key (no territory, no category).
 */
export function drillFilters(f: DashboardFilters, measure: DrillMeasure, timeZone: string, group: DrillGroup = {}): Partial<FilterForm> | null {
  if (Object.values(group).some((v) => v === null || v === '')) return null;
  const organisationId = group.organisationId ?? f.organisationId;
  if (measure === 'received' && organisationId) return null;
  const channel = group.channel ?? f.channel;
  if (channel === INCIDENT_CHANNEL) return null;
  const from = group.period ?? f.from;
  const to = group.period ?? f.to;
  return {
    ...STATE[measure],
    regionId: f.regionId,
    registeredFrom: monthStartIn(from, timeZone),
    registeredTo: monthStartIn(to, timeZone, 1),
    organisationId,
    organisationSubtree: group.organisationId === undefined && f.organisationId && f.subtree === 'true' ? 'true' : '',
    territoryId: group.territoryId ?? f.territoryId,
    territorySubtree: group.territoryId === undefined && f.territoryId ? 'true' : '',
    categoryId: group.categoryId ?? f.categoryId,
    channel,
  };
}
