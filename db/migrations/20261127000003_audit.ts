import type { Knex } from 'knex';

// The audit log: who did what, when, to which case, under which request. Rows are only ever added.
// Today it records each time a response showed an applicant's personal data (name, e-mail, postal
// address) to someone other than the applicant (action 'case.read_personal_data'); domain/audit.ts is
// the one place that writes it, so that other human and integration actions can be recorded alike.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('actor_user_id'); // users.id; null for the system and integrations without a user
    t.text('actor_role'); // citizen | operator | supervisor | administrator | system | integration
    t.text('action').notNullable(); // e.g. case.read_personal_data
    t.text('case_id'); // not a foreign key: the audit outlives the case rows it names
    t.jsonb('details').notNullable().defaultTo('{}');
    t.text('request_id'); // X-Request-Id of the HTTP request, when there was one
    t.index(['case_id', 'at']);
    t.index(['actor_user_id', 'at']);
    t.index(['action', 'at']);
  });
  // Append-only for the application: updates and deletes fail. (A retention job would drop the trigger
  // explicitly, as the owner, in its own migration.)
  await knex.raw(`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only' using errcode = 'insufficient_privilege';
    end $$;
    create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function audit_log_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_log');
  await knex.raw('drop function if exists audit_log_append_only()');
}
