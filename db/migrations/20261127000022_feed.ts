import type { Knex } from 'knex';

// The change feed for document-management systems (СЭД) and the registration numbers they give cases.
//
// cases.external_number / external_registered_at: the handling organisation's own registration of the
// case (acknowledged by its СЭД); a redirect to another organisation clears them until that
// organisation's СЭД acknowledges anew (every acknowledgement stays in the workflow state).
//
// case_events.from_organisation_id: where a case came from on a hand-over (redirect, reassignment,
// escalation), so the feed still shows the hand-over to the organisation the case left; the event's own
// organisation_id is the organisation that has the case after the transition.
// case_events.snapshot: the public fields of the case as they were right after the event (status,
// term, external number), so a feed page read again later shows the same event, not today's case.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.text('external_number');
    t.date('external_registered_at');
  });
  await knex.schema.alterTable('case_events', (t) => {
    t.text('from_organisation_id');
    t.jsonb('snapshot');
    // Feed readers filter by organisation while walking the id order.
    t.index(['organisation_id', 'id']);
    t.index(['from_organisation_id', 'id']);
  });
  // Hand-overs projected before this migration carry their origin in details.from.
  await knex.raw(
    `update case_events set from_organisation_id = details->>'from'
      where type in ('redirected', 'reassigned', 'escalated') and details->>'from' is not null and from_organisation_id is null`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('case_events', (t) => {
    t.dropIndex(['from_organisation_id', 'id']);
    t.dropIndex(['organisation_id', 'id']);
    t.dropColumn('snapshot');
    t.dropColumn('from_organisation_id');
  });
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('external_registered_at');
    t.dropColumn('external_number');
  });
}
