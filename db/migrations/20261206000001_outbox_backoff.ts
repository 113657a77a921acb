import type { Knex } from 'knex';

// A notification whose sending failed waits out an exponential back-off before its next attempt
// (domain/outbound/backoff.ts): the time of that attempt is kept in the row, next to its attempts, so
// the schedule survives a restart. Null: due now (new rows, and rows put back by `ops retry`).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.timestamp('next_attempt_at', { useTz: true });
    t.index(['status', 'next_attempt_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropIndex(['status', 'next_attempt_at']);
    t.dropColumn('next_attempt_at');
  });
}
