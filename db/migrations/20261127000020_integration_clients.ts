import type { Knex } from 'knex';

// Integration clients (document-management systems, Open311 apps): a users row with role 'integration'
// that belongs to an organisation and acts for its subtree, plus the scopes granted here. Their API keys
// are ordinary api_tokens rows, so a key is rotated without downtime by issuing a second one and revoking
// the first once the client has switched.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('integration_clients', (t) => {
    t.integer('user_id').primary().references('users.id').onDelete('CASCADE');
    t.specificType('scopes', 'text[]').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('integration_clients');
}
