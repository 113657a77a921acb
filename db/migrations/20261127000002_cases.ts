import type { Knex } from 'knex';

// People, tokens and the read model of cases. Temporal holds the truth of each case's progress; these
// tables are the projection that lists, search and analytics read. Every write into them is keyed by
// (case id, step) so that a retried activity changes nothing the second time.
export async function up(knex: Knex): Promise<void> {
  await createUsers(knex);
  await createApiTokens(knex);
  await createRegistrationCounters(knex);
  await createCaseIntake(knex);
  await createCases(knex);
  await createCaseEvents(knex);
  await createNotifications(knex);
}

async function createUsers(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary();
    t.text('role').notNullable(); // citizen | operator | supervisor | administrator
    t.text('name').notNullable();
    t.text('email');
    t.text('organisation_id').references('organisations.id'); // operators
    t.text('region_id').references('regions.id'); // supervisors
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

async function createApiTokens(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_tokens', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('token_hash').notNullable().unique(); // sha256 of the token; the token itself is never stored
    t.text('label');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true });
  });
}

// Registration numbers: one counter per region and year, advanced in a transaction.
async function createRegistrationCounters(knex: Knex): Promise<void> {
  await knex.schema.createTable('registration_counters', (t) => {
    t.text('region_id').notNullable().references('regions.id');
    t.integer('year').notNullable();
    t.integer('last_value').notNullable().defaultTo(0);
    t.primary(['region_id', 'year']);
  });
}

// Idempotency of submissions: the same applicant and Idempotency-Key always map to one case.
async function createCaseIntake(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_intake', (t) => {
    t.integer('applicant_user_id').notNullable().references('users.id');
    t.text('idempotency_key').notNullable();
    t.text('request_hash').notNullable();
    t.text('case_id').notNullable().unique();
    t.jsonb('request').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('started_at', { useTz: true }); // set once the workflow is known to be running
    t.primary(['applicant_user_id', 'idempotency_key']);
  });
}

async function createCases(knex: Knex): Promise<void> {
  await knex.schema.createTable('cases', (t) => {
    t.text('id').primary(); // registration number = workflow id
    t.text('case_type').notNullable().defaultTo('appeal');
    t.text('kind').notNullable(); // message | appeal
    t.text('region_id').notNullable().references('regions.id');
    t.integer('applicant_user_id').references('users.id');
    t.text('applicant_name');
    t.text('applicant_email');
    t.text('applicant_address');
    t.text('category_id').references('categories.id');
    t.text('subcategory_id').references('categories.id');
    t.text('territory_id').references('territories.id');
    t.text('text').notNullable();
    t.text('address');
    t.text('organisation_id').references('organisations.id');
    t.text('status').notNullable();
    t.boolean('overdue').notNullable().defaultTo(false);
    t.boolean('term_advisory').notNullable().defaultTo(false);
    t.boolean('accelerated').notNullable().defaultTo(false);
    t.integer('term_days');
    t.timestamp('registered_at', { useTz: true }).notNullable();
    t.timestamp('answer_due_at', { useTz: true });
    t.timestamp('taken_at', { useTz: true });
    t.timestamp('answered_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.text('resolution'); // rated_positive | rating_window_expired | left_without_answer | closed_by_supervisor | negative_at_top
    t.integer('rating');
    t.integer('round').notNullable().defaultTo(1); // 1 + number of repeat processings after negative ratings
    t.boolean('extended').notNullable().defaultTo(false);
    t.text('answer_text');
    t.jsonb('state').notNullable().defaultTo('{}'); // last snapshot the workflow projected
    t.integer('last_seq').notNullable().defaultTo(0); // newest transition projected; older ones never overwrite
    t.timestamp('last_action_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organisation_id', 'status']);
    t.index(['region_id', 'status']);
    t.index(['applicant_user_id']);
    t.index(['answer_due_at']);
  });
}

async function createCaseEvents(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_events', (t) => {
    t.bigIncrements('id').primary();
    t.text('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.text('type').notNullable();
    t.text('actor_role'); // citizen | operator | supervisor | system
    t.integer('actor_user_id');
    t.text('organisation_id');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.unique(['case_id', 'seq']);
  });
}

// Outbox of notifications; a dispatcher delivers them (SMTP when configured).
async function createNotifications(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id').primary();
    t.text('dedup_key').notNullable().unique(); // case id + step + recipient
    t.text('case_id').references('cases.id').onDelete('CASCADE');
    t.text('channel').notNullable().defaultTo('email');
    t.text('recipient_kind').notNullable(); // applicant | supervisor | operator
    t.integer('recipient_user_id');
    t.text('recipient_address');
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.text('status').notNullable().defaultTo('pending'); // pending | sent | skipped | failed
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.index(['status', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['notifications', 'case_events', 'cases', 'case_intake', 'registration_counters', 'api_tokens', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}
