import type { Knex } from 'knex';

// Monthly snapshots of the readiness of organisations' cabinets by municipal district (the table of the
// Altai letter of 24.09.2021 № 6506; domain/monitoring/cabinet-readiness.ts). One snapshot per region and
// month: the first one taken in the month is kept and never changed, so that months compare. A row keeps
// the territory's name and kind as they were, so renaming or removing a territory later changes no month.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('cabinet_readiness_snapshots', (t) => {
    t.text('region_id').notNullable().references('regions.id').onDelete('CASCADE');
    t.text('month').notNullable(); // YYYY-MM in the region's time zone
    t.timestamp('taken_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['region_id', 'month']);
  });
  await knex.schema.createTable('cabinet_readiness_snapshot_rows', (t) => {
    t.text('region_id').notNullable();
    t.text('month').notNullable();
    t.text('territory_id').notNullable();
    t.integer('position').notNullable(); // the row's place in the table as it was taken
    t.text('territory_name').notNullable();
    t.text('territory_kind').notNullable();
    t.text('organisation_kind').notNullable();
    t.integer('created').notNullable();
    t.integer('with_active_operator').notNullable();
    t.integer('with_embedded_form').notNullable();
    t.integer('with_handled_case').notNullable();
    t.integer('ready').notNullable();
    t.primary(['region_id', 'month', 'territory_id', 'organisation_kind']);
    t.foreign(['region_id', 'month']).references(['region_id', 'month']).inTable('cabinet_readiness_snapshots').onDelete('CASCADE');
  });
  // The problem analysis (domain/monitoring/problem-analysis.ts) reads the events of two periods by time.
  await knex.schema.alterTable('case_events', (t) => {
    t.index(['occurred_at'], 'case_events_occurred_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('case_events', (t) => {
    t.dropIndex(['occurred_at'], 'case_events_occurred_at_index');
  });
  await knex.schema.dropTableIfExists('cabinet_readiness_snapshot_rows');
  await knex.schema.dropTableIfExists('cabinet_readiness_snapshots');
}
