// The queue's filters as the console keeps them (form values: '' for "any"), as listCases and a saved
// view take them, and as a link to the queue carries them (a drill-down from a monitoring figure:
// #/queue?organisationId=…&overdue=true). Pure.
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
  /** Only from a drill-down: the queue's form has no territory (a saved view does not keep one). */
  territoryId: string;
}

export const NO_FILTERS: FilterForm = { status: '', kind: '', overdue: '', open: 'true', organisationId: '', categoryId: '', territoryId: '' };

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

/** The filters of listCases: a saved view's and the territory. */
export function listQuery(f: FilterForm): CaseListQuery {
  return { ...toQuery(f), ...(f.territoryId ? { territoryId: f.territoryId } : {}) };
}

export function fromQuery(q: ViewFilters & { territoryId?: string }): FilterForm {
  const flag = (v: boolean | undefined): '' | 'true' | 'false' => (v === undefined ? '' : v ? 'true' : 'false');
  return {
    status: q.status ?? '', kind: q.kind ?? '', overdue: flag(q.overdue), open: flag(q.open), organisationId: q.organisationId ?? '',
    categoryId: q.categoryId ?? '', territoryId: q.territoryId ?? '',
  };
}

const KEYS = ['status', 'kind', 'overdue', 'open', 'organisationId', 'categoryId', 'territoryId'] as const;

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
  return {
    status: q.get('status') ?? '', kind: q.get('kind') ?? '', overdue: flag(q.get('overdue')), open: flag(q.get('open')),
    organisationId: q.get('organisationId') ?? '', categoryId: q.get('categoryId') ?? '', territoryId: q.get('territoryId') ?? '',
  };
}
