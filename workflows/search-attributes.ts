// Custom search attributes for ops: every case type sets the ones that apply to it. Names and types
// are registered with the server at start (dev server flags, or the operator service on a cluster).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SEARCH_ATTRIBUTES = {
  OtklikCaseType: 'Keyword',
  OtklikStatus: 'Keyword',
  OtklikOrganisation: 'Keyword',
  OtklikRegion: 'Keyword',
  OtklikCategory: 'Keyword',
  OtklikAnswerDue: 'Datetime',
  OtklikOverdue: 'Bool',
} as const;

export const caseTypeKey = defineSearchAttributeKey('OtklikCaseType', SearchAttributeType.KEYWORD);
export const statusKey = defineSearchAttributeKey('OtklikStatus', SearchAttributeType.KEYWORD);
export const organisationKey = defineSearchAttributeKey('OtklikOrganisation', SearchAttributeType.KEYWORD);
export const regionKey = defineSearchAttributeKey('OtklikRegion', SearchAttributeType.KEYWORD);
export const categoryKey = defineSearchAttributeKey('OtklikCategory', SearchAttributeType.KEYWORD);
export const answerDueKey = defineSearchAttributeKey('OtklikAnswerDue', SearchAttributeType.DATETIME);
export const overdueKey = defineSearchAttributeKey('OtklikOverdue', SearchAttributeType.BOOL);

/** temporal.api.enums.v1.IndexedValueType numbers, for the operator service's addSearchAttributes. */
export const INDEXED_VALUE_TYPE: Record<(typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES], number> = {
  Keyword: 2,
  Datetime: 6,
  Bool: 5,
};
