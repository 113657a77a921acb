// Overdue as the read model shows it (workflows/rules/overdue.ts): the flag the case's workflow set, or
// its binding term passed while the term runs — true from the instant of the term, whether or not the
// workflow has taken its step yet. Every read of "overdue" (the case, the lists and their filters, the
// supervisors' list, Open311, monitoring's overdue now) goes through these, so none of them waits for a
// burst of terms at one midnight to drain through the worker.
import { overdueAt, TERM_RUNNING_STATUSES } from '../../workflows/rules/overdue';

const RUNNING = TERM_RUNNING_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * The term passed and the workflow has not flagged it yet, as SQL over the cases row `alias`: a range
 * at the start of the partial index cases_term_passed_unflagged (outside a burst of terms, an empty one).
 */
export function termPassedUnflaggedSql(alias = 'cases'): string {
  return `(not ${alias}.overdue and ${alias}.status in (${RUNNING}) and ${alias}.answer_due_at <= now())`;
}

/** Overdue now, as SQL over the cases row `alias`. */
export function overdueSql(alias = 'cases'): string {
  return `(${alias}.overdue or ${termPassedUnflaggedSql(alias)})`;
}

/** The list filter `overdue=true|false` over the cases row `alias`. */
export function overdueFilterSql(overdue: boolean, alias = 'cases'): string {
  return overdue ? overdueSql(alias) : `not ${overdueSql(alias)}`;
}

/** Overdue now, for a cases row read (a case or an incident) as the API represents it. */
export function rowOverdue(row: { overdue: boolean; status: string; answer_due_at: Date | string | null }): boolean {
  return overdueAt({ overdue: row.overdue, status: row.status, answerDueAt: row.answer_due_at }, Date.now());
}
