import type { Knex } from 'knex';

// Identity: OAuth 2.0 client credentials of integration clients, the short-lived access tokens they
// exchange them for, expiring session tokens, and the people's identities at OpenID Connect providers.
// Secrets and tokens are random and high-entropy, so they are stored as their sha256 (as api_tokens),
// never in the clear; each is shown once, when issued.
export async function up(knex: Knex): Promise<void> {
  // The public identifier a client sends as client_id. Every integration client has one, also those
  // created before this migration or by createUserWithToken, hence the database default.
  await knex.schema.alterTable('integration_clients', (t) => {
    t.text('client_id').notNullable().unique().defaultTo(knex.raw(`'otkc_' || replace(gen_random_uuid()::text, '-', '')`));
  });

  // Client secrets: several live per client, so a secret is rotated without downtime (issue a second,
  // switch the client over, revoke the first). An optional expiry retires one on its own.
  await knex.schema.createTable('client_secrets', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('integration_clients.user_id').onDelete('CASCADE');
    t.text('secret_hash').notNullable().unique();
    t.text('label');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.index(['user_id']);
  });

  // Access tokens of the client-credentials grant: short-lived, scoped to the subset asked for, and
  // revoked with the secret that obtained them.
  await knex.schema.createTable('oauth_access_tokens', (t) => {
    t.bigIncrements('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('secret_id').notNullable().references('client_secrets.id').onDelete('CASCADE');
    t.text('token_hash').notNullable().unique();
    t.specificType('scopes', 'text[]').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.index(['expires_at']);
  });

  // Session tokens of people who signed in through OpenID Connect expire; API keys do not (null).
  await knex.schema.alterTable('api_tokens', (t) => {
    t.timestamp('expires_at', { useTz: true });
  });

  // A person at an identity provider (issuer + subject) → the platform's user. A user may have several
  // (the national provider and the region's own). Never matched by e-mail: linking an existing user is
  // an administrator's act (npm run users -- link).
  await knex.schema.createTable('user_identities', (t) => {
    t.text('issuer').notNullable();
    t.text('subject').notNullable();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_sign_in_at', { useTz: true });
    t.primary(['issuer', 'subject']);
    t.index(['user_id']);
  });

  // Sign-ins under way: the state, nonce and PKCE verifier between GET /auth/oidc/login and the
  // callback, so that any API instance can finish a sign-in that another one began. Used once.
  await knex.schema.createTable('oidc_sign_ins', (t) => {
    t.text('state').primary();
    t.text('nonce').notNullable();
    t.text('code_verifier').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['oidc_sign_ins', 'user_identities', 'oauth_access_tokens', 'client_secrets']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.schema.alterTable('api_tokens', (t) => t.dropColumn('expires_at'));
  await knex.schema.alterTable('integration_clients', (t) => t.dropColumn('client_id'));
}
