import type { Knex } from 'knex';

// Webhooks: subscriptions of an organisation (for its whole subtree) to public case events, one delivery
// row per (subscription, case event) and a log of every HTTP attempt. A fan-out poller turns new
// case_events into deliveries behind a cursor; each delivery is carried out by a Temporal workflow
// (workflows/webhook/) whose activity does the signed POST (activities/webhook.ts).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_subscriptions', (t) => {
    t.bigIncrements('id').primary();
    t.text('organisation_id').notNullable().references('organisations.id');
    t.text('url').notNullable();
    // Public event types (workflows/appeal/events.ts, e.g. case.answered); empty = every type.
    t.specificType('event_types', 'text[]').notNullable().defaultTo('{}');
    // Needed in clear to sign each delivery; shown once at creation and at rotation, never read back by the API.
    t.text('secret').notNullable();
    t.text('status').notNullable().defaultTo('active'); // active | paused
    t.timestamp('failing_since', { useTz: true }); // first failed attempt since the last success
    t.timestamp('paused_at', { useTz: true });
    t.text('paused_reason'); // failing | manual
    // Only case events after this id are delivered: a new subscription does not receive the past.
    t.bigInteger('starts_after_event_id').notNullable().defaultTo(0);
    t.integer('created_by').references('users.id').onDelete('SET NULL');
    t.text('owner_email'); // who is told when the subscription is paused
    t.text('description');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organisation_id']);
  });
  await knex.raw(`alter table webhook_subscriptions add constraint webhook_subscriptions_status_check check (status in ('active', 'paused'))`);

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('subscription_id').notNullable().references('webhook_subscriptions.id').onDelete('CASCADE');
    t.bigInteger('case_event_id').notNullable().references('case_events.id').onDelete('CASCADE');
    t.text('event_type').notNullable(); // public type, e.g. case.answered
    t.text('case_id').notNullable();
    // pending: waiting for its workflow | delivering: attempts under way | delivered | failed: retries
    // exhausted | held: the subscription is paused (released by resume or replay)
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('last_status_code');
    t.text('last_error');
    t.timestamp('last_attempt_at', { useTz: true });
    t.timestamp('next_attempt_at', { useTz: true });
    // Each run (first delivery, every replay or resume) is a workflow of its own: webhook-delivery-<id>[-replay-<run>].
    t.integer('run').notNullable().defaultTo(0);
    t.text('workflow_id'); // set once the run's workflow is known to exist; null = the fan-out still has to start it
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('delivered_at', { useTz: true });
    t.unique(['subscription_id', 'case_event_id']);
    t.index(['subscription_id', 'id']);
    t.index(['status']);
  });
  await knex.raw(`alter table webhook_deliveries add constraint webhook_deliveries_status_check
    check (status in ('pending', 'delivering', 'delivered', 'failed', 'held'))`);

  await knex.schema.createTable('webhook_delivery_attempts', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('delivery_id').notNullable().references('webhook_deliveries.id').onDelete('CASCADE');
    t.integer('attempt').notNullable(); // 1, 2, … over every run of the delivery
    t.timestamp('at', { useTz: true }).notNullable();
    t.integer('status_code'); // null: no HTTP answer (refused, timeout)
    t.text('error'); // null: delivered
    t.integer('duration_ms').notNullable();
    t.unique(['delivery_id', 'attempt']);
  });

  // The fan-out's position in case_events: one row, advanced in the transaction that records deliveries.
  await knex.schema.createTable('webhook_fanout_cursor', (t) => {
    t.integer('id').primary();
    t.bigInteger('last_case_event_id').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // Start at the newest event: installing webhooks does not deliver the past.
  await knex.raw(`insert into webhook_fanout_cursor (id, last_case_event_id) select 1, coalesce(max(id), 0) from case_events`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['webhook_fanout_cursor', 'webhook_delivery_attempts', 'webhook_deliveries', 'webhook_subscriptions']) {
    await knex.schema.dropTableIfExists(table);
  }
}
