import type { Knex } from 'knex';

// The embedded OpenID Connect provider's state (sessions, interactions, authorization codes, grants),
// so that `npm start` keeps people signed in at the provider across restarts. One row per model
// instance, as oidc-provider's adapter interface expects. Regions with their own provider do not use it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('oidc_provider_store', (t) => {
    t.text('model').notNullable(); // Session, Interaction, AuthorizationCode, Grant, …
    t.text('id').notNullable();
    t.jsonb('payload').notNullable();
    t.text('grant_id');
    t.text('user_code');
    t.text('uid');
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('consumed_at', { useTz: true });
    t.primary(['model', 'id']);
    t.index(['grant_id']);
    t.index(['model', 'uid']);
    t.index(['model', 'user_code']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('oidc_provider_store');
}
