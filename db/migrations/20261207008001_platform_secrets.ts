import type { Knex } from 'knex';

// Secrets the platform generates for itself when none is configured, so that `npm start` needs no setting:
// a random value created once, on first use, and kept here so that every process and every restart uses
// the same one. The first is the key of the applicants' pseudonyms in monitoring reports
// (domain/monitoring/pseudonym.ts; OTKLIK_PSEUDONYM_SECRET replaces it).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('platform_secrets', (t) => {
    t.text('name').primary();
    t.text('value').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('platform_secrets');
}
