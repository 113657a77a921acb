import type { Knex } from 'knex';

// Participation events (polls, votes, discussions, hearings): the read model of their lifecycle, and
// the mass input (responses, ballots, proposals) that goes straight to Postgres, never into a
// workflow's history. Type-specific tables come in migrations of their own.
export async function up(knex: Knex): Promise<void> {
  // Eligibility needs where a person lives and their age.
  await knex.schema.alterTable('users', (t) => {
    t.text('territory_id').references('territories.id');
    t.date('birth_date');
  });

  await knex.schema.createTable('participation_events', (t) => {
    t.text('id').primary(); // = workflow id
    t.text('type').notNullable(); // poll | vote | discussion | hearing
    t.text('region_id').notNullable().references('regions.id');
    t.text('organisation_id').notNullable().references('organisations.id');
    t.text('title').notNullable();
    t.text('description');
    t.text('status').notNullable(); // draft | scheduled | open | closed | results_published | cancelled
    t.text('phase'); // type-specific phase after closing
    t.timestamp('opens_at', { useTz: true }).notNullable();
    t.timestamp('closes_at', { useTz: true }).notNullable();
    t.text('results_visibility').notNullable().defaultTo('after_close');
    t.jsonb('audience').notNullable().defaultTo(JSON.stringify({ territoryIds: [], minAge: null }));
    t.boolean('anonymous').notNullable().defaultTo(false);
    t.jsonb('settings').notNullable().defaultTo('{}');
    t.jsonb('state').notNullable().defaultTo('{}');
    t.jsonb('results'); // published results (aggregates only)
    t.integer('last_seq').notNullable().defaultTo(0);
    t.integer('created_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['region_id', 'type', 'status']);
    t.index(['organisation_id']);
  });

  await knex.schema.createTable('participation_event_log', (t) => {
    t.bigIncrements('id').primary();
    t.text('event_id').notNullable().references('participation_events.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.text('type').notNullable();
    t.text('actor_role');
    t.integer('actor_user_id');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.unique(['event_id', 'seq']);
  });

  // One participation per person per event, enforced here. participant_key is the user id, or for an
  // anonymous event a salted hash of it (the salt is per event and never leaves the server).
  await knex.schema.createTable('participation_responses', (t) => {
    t.bigIncrements('id').primary();
    t.text('event_id').notNullable().references('participation_events.id').onDelete('CASCADE');
    t.text('participant_key').notNullable();
    t.jsonb('payload').notNullable(); // poll answers or a ballot
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['event_id', 'participant_key']);
  });

  // Paper or offline results added by the organisation, recorded apart from the online ones.
  await knex.schema.createTable('participation_offline_results', (t) => {
    t.bigIncrements('id').primary();
    t.text('event_id').notNullable().references('participation_events.id').onDelete('CASCADE');
    t.jsonb('payload').notNullable();
    t.text('note');
    t.integer('recorded_by');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('participation_salts', (t) => {
    t.text('event_id').primary().references('participation_events.id').onDelete('CASCADE');
    t.text('salt').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['participation_salts', 'participation_offline_results', 'participation_responses', 'participation_event_log', 'participation_events']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('territory_id');
    t.dropColumn('birth_date');
  });
}
