import type { Knex } from 'knex';

// The monitoring rollups in shards: each logical row (region, grain, month, dimensions) is kept as up to
// ROLLUP_SHARDS rows, one per shard, and a case always writes the shard its id hashes to
// (domain/monitoring/facts.ts shardOf). Every projection updates its region's month-wide rows, which it
// keeps locked until its commit; with one row per key, projections of different cases waited for each
// other there. Readers sum over the shards (they sum rows already); a rebuild writes shard 0.
const TABLES = ['monitoring_rollup', 'monitoring_answer_days'];
const KEY = ['region_id', 'grain', 'month', 'organisation_id', 'territory_id', 'category_id', 'channel'];

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.smallint('shard').notNullable().defaultTo(0);
      t.dropPrimary();
      t.primary([...KEY, 'shard']);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  const keys = KEY.join(', ');
  // Every key's shards folded into shard 0, then the column dropped.
  const measures = (await knex.raw(`select column_name from information_schema.columns
    where table_name = 'monitoring_rollup' and table_schema = current_schema() and column_name <> all(?) order by ordinal_position`, [[...KEY, 'shard']])).rows.map((r: { column_name: string }) => r.column_name as string);
  await knex.raw(`create temporary table rollup_folded as select ${keys}, ${measures.map((m: string) => `sum(${m})::bigint as ${m}`).join(', ')}
    from monitoring_rollup group by ${keys}`);
  await knex.raw(`create aggregate pg_temp.hist_sum(integer[]) (sfunc = monitoring_hist_add, stype = integer[], initcond = '{}')`);
  await knex.raw(`create temporary table answer_days_folded as select ${keys}, pg_temp.hist_sum(hist) as hist from monitoring_answer_days group by ${keys}`);
  for (const table of TABLES) {
    await knex(table).delete();
    await knex.schema.alterTable(table, (t) => {
      t.dropPrimary();
      t.dropColumn('shard');
      t.primary(KEY);
    });
  }
  await knex.raw(`insert into monitoring_rollup (${keys}, ${measures.join(', ')}) select ${keys}, ${measures.join(', ')} from rollup_folded`);
  await knex.raw(`insert into monitoring_answer_days (${keys}, hist) select ${keys}, hist from answer_days_folded`);
  await knex.raw('drop table rollup_folded, answer_days_folded');
}
