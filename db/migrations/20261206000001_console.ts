import type { Knex } from 'knex';

// What the organisation console keeps besides the cases: each organisation's answer templates (filled from
// the case by the console) and each person's saved views of the queue (the filters of listCases).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('answer_templates', (t) => {
    t.increments('id').primary();
    t.text('organisation_id').notNullable().references('organisations.id').onDelete('CASCADE');
    t.text('title').notNullable();
    t.text('text').notNullable();
    t.integer('updated_by').references('users.id').onDelete('SET NULL');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organisation_id']);
  });
  await knex.schema.createTable('saved_views', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.jsonb('filters').notNullable();
    t.unique(['user_id', 'name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('saved_views');
  await knex.schema.dropTableIfExists('answer_templates');
}
