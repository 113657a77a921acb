// The search attributes every case type sets for ops (search-attributes.ts), from the case's state.
import {
  answerDueKey, caseTypeKey, categoryKey, organisationKey, overdueKey, regionKey, statusKey,
} from '../search-attributes';

export interface SearchableCase {
  caseType: 'appeal' | 'incident';
  status: string;
  regionId: string;
  categoryId: string;
  organisationId: string | null;
  answerDueAt: string | null;
  overdue: boolean;
}

export function caseSearchAttributes(c: SearchableCase) {
  return [
    { key: caseTypeKey, value: c.caseType },
    { key: statusKey, value: c.status },
    { key: regionKey, value: c.regionId },
    { key: categoryKey, value: c.categoryId },
    ...(c.organisationId ? [{ key: organisationKey, value: c.organisationId }] : []),
    ...(c.answerDueAt ? [{ key: answerDueKey, value: new Date(c.answerDueAt) }] : []),
    { key: overdueKey, value: c.overdue },
  ];
}
