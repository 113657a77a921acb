// The events of a case as integrations see them (the change feed, webhooks): a stable public vocabulary
// over the workflow's transitions (case_events.type). Internal transitions that integrations do not
// need (reminders) map to nothing; renaming an internal type never changes what a СЭД receives.

/** The workflow's own transition types, as stored in case_events.type. */
export type AppealEventType =
  | 'registered' | 'taken_into_work' | 'answered' | 'redirected' | 'clarification_requested' | 'clarification_replied'
  | 'term_extended' | 'left_without_answer' | 'rated' | 'escalated' | 'reminder' | 'overdue' | 'closed'
  | 'reassigned' | 'term_changed' | 'reopened' | 'acknowledged';

export const CASE_EVENT_TYPES = [
  'case.registered',
  'case.acknowledged',
  'case.taken_into_work',
  'case.routed',
  'case.clarification_requested',
  'case.clarification_replied',
  'case.term_extended',
  'case.term_changed',
  'case.answered',
  'case.left_without_answer',
  'case.rated',
  'case.escalated',
  'case.overdue',
  'case.closed',
  'case.reopened',
] as const;

export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

const PUBLIC_TYPE: Record<AppealEventType, CaseEventType | null> = {
  registered: 'case.registered',
  acknowledged: 'case.acknowledged',
  taken_into_work: 'case.taken_into_work',
  // A redirect by the organisation and a reassignment by a supervisor both move the case: routed.
  redirected: 'case.routed',
  reassigned: 'case.routed',
  clarification_requested: 'case.clarification_requested',
  clarification_replied: 'case.clarification_replied',
  term_extended: 'case.term_extended',
  term_changed: 'case.term_changed',
  answered: 'case.answered',
  left_without_answer: 'case.left_without_answer',
  rated: 'case.rated',
  escalated: 'case.escalated',
  overdue: 'case.overdue',
  closed: 'case.closed',
  reopened: 'case.reopened',
  reminder: null,
};

/** The public event type of a stored transition, or null when integrations do not receive it. */
export function publicCaseEventType(internal: string): CaseEventType | null {
  return (PUBLIC_TYPE as Record<string, CaseEventType | null>)[internal] ?? null;
}

/** The stored transition types that make up a public event type (for filtering in SQL). */
export function internalTypesOf(types: readonly CaseEventType[]): string[] {
  return Object.entries(PUBLIC_TYPE).filter(([, pub]) => pub !== null && types.includes(pub)).map(([internal]) => internal);
}
