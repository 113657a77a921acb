// When a case is overdue: its binding term has passed while the term runs. The appeal workflow flags it
// when its timer fires (timersDue in workflows/appeal/transitions.ts) and records the step; the read model
// shows it from the instant of the term itself (domain/cases/overdue.ts), because a case's workflow may
// take its step minutes later: every case registered on one day with the same term falls due at the same
// local midnight, and a burst of ten thousand steps takes the worker longer than the supervisors should
// wait — as does a worker that is down at that midnight.
// Pure and deterministic (the instant is an argument): imported by workflow code and the read model alike.

/** The statuses in which a case's binding term runs (an incident's term runs while it is 'registered'). */
export const TERM_RUNNING_STATUSES = ['registered', 'in_work', 'clarification_requested'] as const;

export function termRunsIn(status: string): boolean {
  return (TERM_RUNNING_STATUSES as readonly string[]).includes(status);
}

/** A case as far as its overdue state goes: the flag its workflow set, its status and its binding term. */
export interface TermFacts {
  overdue: boolean;
  status: string;
  answerDueAt: string | Date | null;
}

/** Overdue at `nowMs`: flagged by its workflow, or its term passed while it runs and the workflow's step is still to come. */
export function overdueAt(c: TermFacts, nowMs: number): boolean {
  if (c.overdue) return true;
  if (c.answerDueAt === null || !termRunsIn(c.status)) return false;
  return new Date(c.answerDueAt).getTime() <= nowMs;
}
