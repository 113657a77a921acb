// The events of a case as integrations see them (the change feed, webhooks): a stable public vocabulary
// over the workflow's transitions (case_events.type). Internal transitions that integrations do not
// need (reminders) map to nothing; renaming an internal type never changes what a СЭД receives.
// The public vocabulary is the spec's (components.schemas.CaseEventType): its generated union types
// the map below, so tsc refuses a public type the spec does not have or one that no transition publishes.
import type { components } from '../../openapi/types';

/** The workflow's own transition types, as stored in case_events.type. */
export type AppealEventType =
  | 'registered' | 'taken_into_work' | 'answered' | 'redirected' | 'clarification_requested' | 'clarification_replied'
  | 'term_extended' | 'left_without_answer' | 'rated' | 'escalated' | 'reminder' | 'overdue' | 'closed'
  | 'reassigned' | 'term_changed' | 'reopened' | 'acknowledged' | 'advisory_term_missed';

/** A public case event type, as the spec enumerates it. */
export type CaseEventType = components['schemas']['CaseEventType'];

const PUBLIC_TYPE = {
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
  // Reported apart (the case's advisoryMissed, its timeline), never as a violation: not a public event.
  advisory_term_missed: null,
} as const satisfies Record<AppealEventType, CaseEventType | null>;

type PublishedType = NonNullable<(typeof PUBLIC_TYPE)[AppealEventType]>;
/** tsc's proof that every public type of the spec is published by some transition: an unpublished one would be a required key here. */
const EVERY_PUBLIC_TYPE_PUBLISHED: Record<Exclude<CaseEventType, PublishedType>, never> = {};

/** Every public event type once (the spec's enum, in the order of the transitions above). */
export const CASE_EVENT_TYPES: readonly CaseEventType[] = [
  ...new Set(Object.values(PUBLIC_TYPE).filter((t): t is PublishedType => t !== null)),
];

/** The public event type of a stored transition, or null when integrations do not receive it. */
export function publicCaseEventType(internal: string): CaseEventType | null {
  return (PUBLIC_TYPE as Record<string, CaseEventType | null>)[internal] ?? null;
}

/** The stored transition types that make up a public event type (for filtering in SQL). */
export function internalTypesOf(types: readonly CaseEventType[]): string[] {
  return Object.entries(PUBLIC_TYPE).filter(([, pub]) => pub !== null && types.includes(pub)).map(([internal]) => internal);
}
