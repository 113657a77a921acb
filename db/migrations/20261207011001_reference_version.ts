import type { Knex } from 'knex';

// One counter that every change of the reference data a case's routing and term read moves forward
// (statement-level triggers, so seeds, the admin API and hand-made SQL alike): processes keep a region's
// routing data in memory and check this one row instead of reading the region's rules, organisations and
// territories again for every case (db/reference.ts regionReference).
const TABLES = ['regions', 'regulation_profiles', 'routing_rules', 'organisations', 'territories', 'accelerated_subcategories'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reference_version', (t) => {
    t.integer('id').primary();
    t.bigInteger('version').notNullable();
    t.check('id = 1', [], 'reference_version_one_row');
  });
  // Starts at the clock's microseconds, not 1: a database migrated down and up again (tests do) never
  // repeats a version a process may still hold in memory.
  await knex('reference_version').insert({ id: 1, version: knex.raw('(extract(epoch from clock_timestamp()) * 1000000)::bigint') });
  await knex.raw(`
    create function bump_reference_version() returns trigger language plpgsql as $$
    begin
      update reference_version set version = version + 1 where id = 1;
      return null;
    end $$`);
  for (const table of TABLES) {
    await knex.raw(`create trigger ${table}_reference_version after insert or update or delete or truncate on ?? for each statement execute function bump_reference_version()`, [table]);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.raw(`drop trigger if exists ${table}_reference_version on ??`, [table]);
  await knex.raw('drop function if exists bump_reference_version()');
  await knex.schema.dropTableIfExists('reference_version');
}
