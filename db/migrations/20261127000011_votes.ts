import type { Knex } from 'knex';

// The event API's own tables (polls, votes and the shared core): numbering of events, the intake that
// makes POST /events idempotent, and citizens' projects of votes with their moderation.
export async function up(knex: Knex): Promise<void> {
  // Event numbers per region, type and year: poll-22-2026-000001 (as registration_counters for cases).
  await knex.schema.createTable('participation_counters', (t) => {
    t.text('region_id').notNullable().references('regions.id');
    t.text('type').notNullable();
    t.integer('year').notNullable();
    t.integer('last_value').notNullable().defaultTo(0);
    t.primary(['region_id', 'type', 'year']);
  });

  // One row per (user, Idempotency-Key) of POST /events: a retry returns the same event.
  await knex.schema.createTable('participation_intake', (t) => {
    t.integer('user_id').notNullable().references('users.id');
    t.text('idempotency_key').notNullable();
    t.text('request_hash').notNullable();
    t.text('event_id').notNullable().unique();
    t.jsonb('request').notNullable(); // the workflow input
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('started_at', { useTz: true });
    t.primary(['user_id', 'idempotency_key']);
  });

  // Projects of a vote submitted by citizens (the organiser's own projects are in the event's settings).
  // Only approved ones are on the ballot. submitted_by is who proposed it (projects are public, not anonymous).
  await knex.schema.createTable('participation_projects', (t) => {
    t.bigIncrements('n').primary();
    t.text('event_id').notNullable().references('participation_events.id').onDelete('CASCADE');
    t.text('project_id').notNullable(); // 'c' + n, unique within the event
    t.text('name').notNullable();
    t.text('description');
    t.bigInteger('cost').notNullable();
    t.integer('submitted_by').references('users.id');
    t.text('status').notNullable().defaultTo('pending'); // pending | approved | rejected
    t.text('moderation_reason');
    t.integer('moderated_by');
    t.timestamp('moderated_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['event_id', 'project_id']);
    t.index(['event_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['participation_projects', 'participation_intake', 'participation_counters']) {
    await knex.schema.dropTableIfExists(table);
  }
}
