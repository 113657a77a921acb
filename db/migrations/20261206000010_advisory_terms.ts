import type { Knex } from 'knex';

// A case whose accelerated term only advises (Altai's local self-government: decree 262, Appendix 2,
// footnote 1) keeps the 59-FZ term as its binding answer_due_at, and its advisory target beside it: when
// it ends, and whether it passed while the case was open. Reported apart; never makes the case overdue.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.timestamp('advisory_due_at', { useTz: true });
    t.boolean('advisory_missed').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('advisory_missed');
    t.dropColumn('advisory_due_at');
  });
}
