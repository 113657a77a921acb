import type { Knex } from 'knex';

// The sites allowed to embed an organisation's form (/embed.js, /embed/{organisationId}): the frame's
// Content-Security-Policy frame-ancestors lists them, so any other site's frame is refused by the browser.
// An origin is stored normalised (domain/embed/origins.ts), so one site is one row.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('embed_origins', (t) => {
    t.increments('id').primary();
    t.text('organisation_id').notNullable().references('organisations.id').onDelete('CASCADE');
    t.text('origin').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('created_by').references('users.id').onDelete('SET NULL');
    t.unique(['organisation_id', 'origin']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('embed_origins');
}
