import type { Knex } from 'knex';

// Incidents found in open sources (posts in social networks reported by a monitoring system). The
// incident's progress is projected into `cases` like an appeal's (case_type and kind 'incident', so that
// indicators count it as a channel of its own); this table keeps what only incidents have: the post, its
// author, and the two keys that make a post reported twice one incident. The unique keys are the race-safe
// part: two monitoring systems reporting the same post at the same moment get one row, hence one id,
// hence one workflow (the id is the workflow id).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('incident_counters', (t) => {
    t.text('region_id').notNullable().references('regions.id');
    t.integer('year').notNullable();
    t.integer('last_value').notNullable().defaultTo(0);
    t.primary(['region_id', 'year']);
  });
  await knex.schema.createTable('incidents', (t) => {
    t.text('id').primary(); // inc-<prefix>-<year>-<n> = workflow id = cases.id
    t.text('region_id').notNullable().references('regions.id');
    t.text('network').notNullable();
    t.text('post_url').notNullable();
    t.text('post_url_key').notNullable(); // normalised URL (workflows/rules/incident-term.ts postUrlKey)
    t.text('author_handle').notNullable();
    t.text('author_text_key').notNullable(); // sha256 of network, author and normalised text
    t.jsonb('request').notNullable(); // the workflow input
    t.integer('reported_by').references('users.id').onDelete('SET NULL'); // the monitoring system's client
    t.integer('reports').notNullable().defaultTo(1); // how many times the post was reported
    t.text('reply_url'); // the public reply's address, once answered
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('started_at', { useTz: true }); // set once the workflow is known to be running
    t.unique(['region_id', 'post_url_key']);
    t.unique(['region_id', 'author_text_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('incidents');
  await knex.schema.dropTableIfExists('incident_counters');
}
