import type { Knex } from 'knex';

// Overdue appeals are reported to the region's supervisors in digests, not one mail per case: every case
// registered on one day with the same term falls due at the same local midnight, and 10,000 mails at
// midnight would bury the one that matters. The appeal's projection writes an overdue notice in the same
// transaction as its 'overdue' event (activities/notifications.ts); the digest workflow
// (workflows/appeal/overdue-digest.ts, on a Temporal schedule) gathers a region's undigested notices into
// one digest and one outbox row per supervisor, in one transaction, so each notice is in exactly one digest.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('overdue_digests', (t) => {
    t.bigIncrements('id').primary();
    t.text('region_id').notNullable();
    t.integer('cases').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('overdue_notices', (t) => {
    t.bigIncrements('id').primary();
    t.text('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.text('region_id').notNullable();
    t.text('organisation_id');
    t.timestamp('answer_due_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.bigInteger('digest_id').references('overdue_digests.id');
    t.unique(['case_id', 'seq']);
  });
  // The digest's question: which regions have notices waiting, since when, and until when.
  await knex.raw('create index overdue_notices_waiting on overdue_notices (region_id, created_at) where digest_id is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('overdue_notices');
  await knex.schema.dropTable('overdue_digests');
}
