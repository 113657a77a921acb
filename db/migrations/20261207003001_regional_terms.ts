import type { Knex } from 'knex';

// Terms of the regulation profile beyond appeals: the allowed duration of each participation type
// (Khabarovsk's order 232-рп: discussions, votes and polls 15–30 calendar days; {} where the region's
// documents set nothing) and the short answer term of an open-source incident, in hours, with its
// reminder (hours before the term).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('regulation_profiles', (t) => {
    t.jsonb('event_durations').notNullable().defaultTo('{}'); // { poll: { minDays, maxDays }, … }
    t.integer('incident_term_hours').notNullable().defaultTo(24);
    t.integer('incident_reminder_hours').notNullable().defaultTo(2);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('regulation_profiles', (t) => {
    t.dropColumn('incident_reminder_hours');
    t.dropColumn('incident_term_hours');
    t.dropColumn('event_durations');
  });
}
