// The queue's filters as the console keeps them (form values: '' for "any"), as listCases and a saved
// view take them, and as a link to the queue carries them (a drill-down from a monitoring figure:
// #/queue?organisationId=…&overdue=true&registeredFrom=…). Pure.
import type { components, operations } from '../../../../openapi/types';

export type ViewFilters = components['schemas']['SavedViewFilters'];
export type CaseListQuery = NonNullable<operations['listCases']['parameters']['query']>;

export interface FilterForm {
  status: string;
  kind: string;
  overdue: '' | 'true' | 'false';
  open: '' | 'true' | 'false';
  organisationId: string;
  categoryId: string;
  // Only from a drill-down (the queue's form has none of these; a saved view keeps none): the figure's
  // territory, region (an administrator's), channel, registration period and subtrees.
  territoryId: string;
  regionId: string;
  channel: string;
  /** Instants (ISO); registeredTo is exclusive, as the API's. */
  registeredFrom: string;
  registeredTo: string;
  /** 'true': the organisation and every organisation below it; the territory and every one inside it. */
  organisationSubtree: '' | 'true';
  territorySubtree: '' | 'true';
}

export const NO_FILTERS: FilterForm = {
  status: '', kind: '', overdue: '', open: 'true', organisationId: '', categoryId: '', territoryId: '', regionId: '', channel: '',
  registeredFrom: '', registeredTo: '', organisationSubtree: '', territorySubtree: '',
};

/** The filters a drill-down adds and the form does not show. */
export const DRILL_KEYS = ['territoryId', 'regionId', 'channel', 'registeredFrom', 'registeredTo', 'organisationSubtree', 'territorySubtree'] as const;

export function toQuery(f: FilterForm): ViewFilters {
  const q: ViewFilters = {};
  if (f.status) q.status = f.status as ViewFilters['status'];
  if (f.kind) q.kind = f.kind as ViewFilters['kind'];
  if (f.overdue) q.overdue = f.overdue === 'true';
  if (f.open) q.open = f.open === 'true';
  if (f.organisationId) q.organisationId = f.organisationId;
  if (f.categoryId) q.categoryId = f.categoryId;
  return q;
}

/** The filters of listCases: a saved view's and a drill-down's. */
export function listQuery(f: FilterForm): CaseListQuery {
  const q: CaseListQuery = toQuery(f);
  if (f.territoryId) { q.territoryId = f.territoryId; if (f.territorySubtree) q.territorySubtree = true; }
  if (f.organisationId && f.organisationSubtree) q.organisationSubtree = true;
  if (f.regionId) q.regionId = f.regionId;
  if (f.channel) q.channel = f.channel;
  if (f.registeredFrom) q.registeredFrom = f.registeredFrom;
  if (f.registeredTo) q.registeredTo = f.registeredTo;
  return q;
}

export function fromQuery(q: ViewFilters & { territoryId?: string }): FilterForm {
  const flag = (v: boolean | undefined): '' | 'true' | 'false' => (v === undefined ? '' : v ? 'true' : 'false');
  return {
    ...NO_FILTERS, status: q.status ?? '', kind: q.kind ?? '', overdue: flag(q.overdue), open: flag(q.open), organisationId: q.organisationId ?? '',
    categoryId: q.categoryId ?? '', territoryId: q.territoryId ?? '',
  };
}

const KEYS = ['status', 'kind', 'overdue', 'open', 'organisationId', 'categoryId', ...DRILL_KEYS] as const;

/** The queue's address with these filters (those left '' are "any"; `open` is always said, '' included). */
export function queuePath(f: Partial<FilterForm>): string {
  const q = new URLSearchParams();
  for (const k of KEYS) if (f[k] !== undefined && (f[k] !== '' || k === 'open')) q.set(k, f[k]!);
  return `/queue?${q.toString()}`;
}

/** The filters a queue address carries; without any, the queue's defaults. */
export function fromSearch(search: string): FilterForm {
  const q = new URLSearchParams(search);
  if (![...q.keys()].some((k) => (KEYS as readonly string[]).includes(k))) return NO_FILTERS;
  const flag = (v: string | null): '' | 'true' | 'false' => (v === 'true' || v === 'false' ? v : '');
  const f = { ...NO_FILTERS, overdue: flag(q.get('overdue')), open: flag(q.get('open')) };
  for (const k of ['status', 'kind', 'organisationId', 'categoryId', 'territoryId', 'regionId', 'channel', 'registeredFrom', 'registeredTo'] as const) f[k] = q.get(k) ?? '';
  for (const k of ['organisationSubtree', 'territorySubtree'] as const) f[k] = q.get(k) === 'true' ? 'true' : '';
  return f;
}

/** Whether the filters hold any a drill-down added (the queue says what they select). */
export function isDrillDown(f: FilterForm): boolean {
  return DRILL_KEYS.some((k) => f[k] !== '') || f.categoryId !== '';
}
