import type { Knex } from 'knex';

// A rotated webhook secret keeps signing for a grace period next to the new one, so that a receiver can
// switch over without refusing deliveries in between (domain/outbound/webhook/signature.ts signingSecrets).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_subscriptions', (t) => {
    t.text('previous_secret');
    t.timestamp('previous_secret_expires_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_subscriptions', (t) => {
    t.dropColumn('previous_secret');
    t.dropColumn('previous_secret_expires_at');
  });
}
