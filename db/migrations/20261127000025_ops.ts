import type { Knex } from 'knex';

// Operations: the audit log grows from personal-data reads to every human and integration action (which
// operation, through which channel, with the resource's state before and after), and the workers count
// failed activity attempts where the API's /metrics can read them (workers run in other processes).
export async function up(knex: Knex): Promise<void> {
  // Adding columns rewrites no rows, so the append-only trigger of audit_log is not involved.
  await knex.schema.alterTable('audit_log', (t) => {
    t.text('operation'); // the API operationId (or CLI command) behind the action
    t.text('channel').notNullable().defaultTo('api'); // api | cli
    t.integer('status'); // HTTP status of the answer, for actions taken through the API
    t.text('region_id'); // region of the case or resource: supervisors read their region's entries
    t.text('resource_id'); // the non-case resource acted on (event id, organisation id, new resource's id)
    t.jsonb('before'); // the case read model before the action (case actions) — null otherwise
    t.jsonb('after'); // the case after it, or the redacted request of a non-case action
    t.index(['region_id', 'id']);
  });

  // One row per activity type; a worker interceptor adds 1 for every failed attempt.
  await knex.schema.createTable('activity_failures', (t) => {
    t.text('activity_type').primary();
    t.bigInteger('failures').notNullable().defaultTo(0);
    t.timestamp('last_failure_at', { useTz: true });
    t.text('last_error');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('activity_failures');
  await knex.schema.alterTable('audit_log', (t) => {
    t.dropIndex(['region_id', 'id']);
    for (const c of ['operation', 'channel', 'status', 'region_id', 'resource_id', 'before', 'after']) t.dropColumn(c);
  });
}
