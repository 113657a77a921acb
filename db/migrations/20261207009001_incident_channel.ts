import type { Knex } from 'knex';

// Incidents from open sources count in the monitoring indicators as a channel of their own: their cases
// rows carry channel 'incident' (activities/incident.ts writes it from now on). Rows projected before this
// had the column's default. The rollups do not hold incidents yet (their projection did not keep them):
// run `npm run ops -- monitoring rebuild` after this migration to count the incidents already there.
export async function up(knex: Knex): Promise<void> {
  await knex('cases').where({ case_type: 'incident' }).update({ channel: 'incident' });
}

export async function down(knex: Knex): Promise<void> {
  await knex('cases').where({ case_type: 'incident' }).update({ channel: 'web' });
}
