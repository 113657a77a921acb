import type { Knex } from 'knex';

// The rate limits' counters (api/ratelimit.ts), shared by every API process on this database so that a
// limit holds however many processes sit behind the balancer. The columns are the ones
// rate-limiter-flexible's RateLimiterPostgres reads and writes (key, points, expire in epoch ms); the
// limiter is told the table exists, so that no API process needs the right to create tables.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limit_counters', (t) => {
    t.string('key', 255).primary();
    t.integer('points').notNullable().defaultTo(0);
    t.bigInteger('expire');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limit_counters');
}
