import type { Knex } from 'knex';

// The read model shows a case overdue from the instant its term passes, before its workflow flags it
// (domain/cases/overdue.ts). The cases in between — their term passed, the flag not yet set — are read by
// every overdue filter and by monitoring's overdue now. This index holds the open cases not flagged, by
// term: those whose term passed are at its start, so reading them is a short range scan (outside a burst
// of terms, an empty one), not a scan of the cases.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index cases_term_passed_unflagged on cases (answer_due_at)
    where not overdue and status in ('registered', 'in_work', 'clarification_requested')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists cases_term_passed_unflagged');
}
