// The queue's filters as the console keeps them (form values: '' for "any") and as listCases and a saved
// view take them. Pure.
import type { components } from '../../../../openapi/types';

export type ViewFilters = components['schemas']['SavedViewFilters'];

export interface FilterForm {
  status: string;
  kind: string;
  overdue: '' | 'true' | 'false';
  open: '' | 'true' | 'false';
  organisationId: string;
}

export const NO_FILTERS: FilterForm = { status: '', kind: '', overdue: '', open: 'true', organisationId: '' };

export function toQuery(f: FilterForm): ViewFilters {
  const q: ViewFilters = {};
  if (f.status) q.status = f.status as ViewFilters['status'];
  if (f.kind) q.kind = f.kind as ViewFilters['kind'];
  if (f.overdue) q.overdue = f.overdue === 'true';
  if (f.open) q.open = f.open === 'true';
  if (f.organisationId) q.organisationId = f.organisationId;
  return q;
}

export function fromQuery(q: ViewFilters): FilterForm {
  const flag = (v: boolean | undefined): '' | 'true' | 'false' => (v === undefined ? '' : v ? 'true' : 'false');
  return { status: q.status ?? '', kind: q.kind ?? '', overdue: flag(q.overdue), open: flag(q.open), organisationId: q.organisationId ?? '' };
}
