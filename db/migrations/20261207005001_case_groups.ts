import type { Knex } from 'knex';

// Duplicate appeals (issue 14): groups of an organisation's appeals about the same problem, confirmed by
// an operator and answered once to every applicant (domain/cases/groups.ts). Proposals are not stored:
// they are worked out from the read model on each request, with the index below.
export async function up(knex: Knex): Promise<void> {
  // The appeals still awaiting an answer, by organisation, subcategory and registration time: the only
  // cases a proposal or the similar-cases list reads (statuses as OPEN in workflows/appeal/transitions.ts).
  await knex.raw(`create index cases_awaiting_answer_by_subcategory on cases (organisation_id, subcategory_id, registered_at)
    where status in ('registered', 'in_work', 'clarification_requested')`);
  await knex.schema.createTable('case_groups', (t) => {
    t.bigIncrements('id').primary();
    t.text('organisation_id').notNullable().references('organisations.id');
    t.text('subcategory_id').notNullable().references('categories.id');
    t.integer('confirmed_by').references('users.id');
    t.timestamp('confirmed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The group's one answer, fixed by the first request to answer it: a retry sends the same to each case.
    t.text('answer_text');
    t.jsonb('answer_attachments');
    t.integer('answered_by').references('users.id');
    t.timestamp('answered_at', { useTz: true });
    t.index(['organisation_id', 'confirmed_at']);
  });
  await knex.schema.createTable('case_group_members', (t) => {
    t.text('case_id').primary().references('cases.id').onDelete('CASCADE'); // a case is in one group at most
    t.bigInteger('group_id').notNullable().references('case_groups.id').onDelete('CASCADE');
    t.timestamp('added_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // When the group's answer reached this case (its answer update succeeded): a retry skips it.
    t.timestamp('answered_at', { useTz: true });
    t.index(['group_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('case_group_members');
  await knex.schema.dropTableIfExists('case_groups');
  await knex.raw('drop index if exists cases_awaiting_answer_by_subcategory');
}
