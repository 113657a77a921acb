import type { Knex } from 'knex';

// Monitoring (issue 13): the channel a case came in through, the rollups the indicators read, the
// region's rating configuration and its published snapshots, and the implementation of winning projects.
//
// monitoring_rollup holds sums of the per-case facts (domain/monitoring/facts.ts) by region, month (in
// the region's time zone) and, at each grain, some of organisation, territory, category and channel
// ('*' where a grain sums over a dimension: grain 0 the whole region, 1 by organisation, … 5 by all
// four; domain/monitoring/facts.ts GRAINS); monitoring_answer_days holds the answers by whole days of answer time on the same keys (an
// array of counts per key), for the median. A request reads the smallest grain that has its filters and groups. The projection keeps
// both up to date in the transaction that moves a case (activities/appeal.ts); `npm run ops --
// monitoring rebuild` recomputes them from the read model. Keys use '' for a case without territory or
// category so that they can be primary keys.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    // web | embed | open311 | integration | … (how the case came in; a dimension of the indicators)
    t.text('channel').notNullable().defaultTo('web');
  });
  await knex.schema.createTable('monitoring_rollup', (t) => {
    rollupKey(t);
    for (const m of ROLLUP_MEASURES) t.bigInteger(m).notNullable().defaultTo(0);
    t.primary(['region_id', 'grain', 'month', 'organisation_id', 'territory_id', 'category_id', 'channel']);
  });
  await knex.schema.createTable('monitoring_answer_days', (t) => {
    rollupKey(t);
    // answers by whole days of answer time: element i (1-based) counts the answers of i − 1 days. One
    // array per key rather than a row per day: a region's year by organisation is a few thousand rows.
    t.specificType('hist', 'integer[]').notNullable();
    t.primary(['region_id', 'grain', 'month', 'organisation_id', 'territory_id', 'category_id', 'channel']);
  });
  // Element-wise sum of two histograms (a delta onto a stored one); the shorter is padded with zeros.
  await knex.raw(`create function monitoring_hist_add(a integer[], b integer[]) returns integer[] language sql immutable as $$
    select coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) order by i), '{}')
      from generate_series(1, greatest(coalesce(cardinality(a), 0), coalesce(cardinality(b), 0))) i $$`);
  await knex.schema.createTable('monitoring_rating_configs', (t) => {
    t.text('region_id').primary().references('regions.id').onDelete('CASCADE');
    t.jsonb('indicators').notNullable();
    t.integer('min_cases').notNullable().defaultTo(1);
    t.integer('updated_by').references('users.id').onDelete('SET NULL');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('monitoring_rating_snapshots', (t) => {
    t.increments('id').primary();
    t.text('region_id').notNullable().references('regions.id').onDelete('CASCADE');
    t.text('quarter').notNullable(); // YYYY-Qn
    t.text('subject').notNullable(); // organisation | municipality
    t.jsonb('config').notNullable();
    t.jsonb('rows').notNullable();
    t.timestamp('computed_at', { useTz: true }).notNullable();
    t.integer('published_by').references('users.id').onDelete('SET NULL');
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['region_id', 'quarter', 'subject']);
  });
  // A snapshot is frozen: the database refuses to change one, whoever asks.
  await knex.raw(`create function monitoring_snapshot_frozen() returns trigger language plpgsql as $$
    begin raise exception 'a published rating snapshot cannot be changed'; end $$`);
  await knex.raw(`create trigger monitoring_snapshot_frozen before update on monitoring_rating_snapshots
    for each row execute function monitoring_snapshot_frozen()`);
  await knex.schema.createTable('vote_project_implementations', (t) => {
    t.text('event_id').notNullable().references('participation_events.id').onDelete('CASCADE');
    t.text('project_id').notNullable();
    t.text('status').notNullable(); // not_started | in_progress | completed | cancelled
    t.text('note');
    t.integer('updated_by').references('users.id').onDelete('SET NULL');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['event_id', 'project_id']);
  });
}

function rollupKey(t: Knex.CreateTableBuilder): void {
  t.text('region_id').notNullable();
  t.smallint('grain').notNullable();
  t.date('month').notNullable();
  t.text('organisation_id').notNullable();
  t.text('territory_id').notNullable();
  t.text('category_id').notNullable();
  t.text('channel').notNullable();
}

/** The summed measures of monitoring_rollup, as of this migration (domain/monitoring/facts.ts computes them). */
const ROLLUP_MEASURES = [
  'received', 'answered', 'answered_on_time', 'advisory_answered', 'advisory_on_time', 'answer_seconds', 'closed',
  'open_now', 'overdue_now', 'extensions', 'redirects', 'redirect_lost_seconds', 'rated', 'rating1', 'rating2', 'rating3',
  'rating4', 'rating5', 'sent_to_repeat', 'repeat_positive', 'repeat_negative', 'repeat_open', 'repeat_other', 'reopened',
] as const;

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('vote_project_implementations');
  await knex.schema.dropTableIfExists('monitoring_rating_snapshots');
  await knex.raw('drop function if exists monitoring_snapshot_frozen()');
  await knex.schema.dropTableIfExists('monitoring_rating_configs');
  await knex.schema.dropTableIfExists('monitoring_answer_days');
  await knex.raw('drop function if exists monitoring_hist_add(integer[], integer[])');
  await knex.schema.dropTableIfExists('monitoring_rollup');
  await knex.schema.alterTable('cases', (t) => t.dropColumn('channel'));
}
