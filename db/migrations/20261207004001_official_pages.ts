import type { Knex } from 'knex';

// Official pages (Госпаблики): each organisation's pages on social networks, with the state-organisation
// mark the network shows («госпаблик») and whether the platform's widget is placed there; and the
// publications made on them. A publication's progress is held by its workflow (workflows/publication/);
// `publications` is its read model, written by the workflow's activities only, newer transitions win (seq).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('official_pages', (t) => {
    t.increments('id').primary();
    t.text('organisation_id').notNullable().references('organisations.id').onDelete('CASCADE');
    t.text('network').notNullable(); // vk | telegram | ok (domain/pages/networks.ts)
    t.text('url').notNullable();
    // The page's id in the network's API: VK's group owner id, a Telegram channel's chat id, OK's group id.
    t.text('external_id').notNullable();
    t.text('name').notNullable();
    t.boolean('state_mark').notNullable().defaultTo(false);
    t.boolean('widget_placed').notNullable().defaultTo(false);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('created_by').references('users.id').onDelete('SET NULL');
    t.unique(['network', 'url']);
    t.index(['organisation_id']);
  });
  await knex.raw(`alter table official_pages add constraint official_pages_network check (network in ('vk', 'telegram', 'ok'))`);

  await knex.schema.createTable('publications', (t) => {
    t.uuid('id').primary();
    t.integer('page_id').notNullable().references('official_pages.id');
    t.text('organisation_id').notNullable().references('organisations.id');
    t.text('region_id').notNullable();
    t.text('text').notNullable();
    t.text('status').notNullable(); // draft | scheduled | publishing | published | failed | cancelled
    t.integer('author_user_id').references('users.id').onDelete('SET NULL');
    t.integer('approved_by').references('users.id').onDelete('SET NULL');
    t.timestamp('approved_at', { useTz: true });
    t.timestamp('publish_at', { useTz: true }).notNullable();
    t.timestamp('published_at', { useTz: true });
    // What the network answered: recorded once, so a retried publication finds it and does not post again.
    t.text('network_post_id');
    t.text('network_post_url');
    t.integer('attempts').notNullable().defaultTo(0);
    // Set while an attempt is with the network: found set by the next attempt, the last one's answer was lost.
    t.timestamp('attempt_started_at', { useTz: true });
    t.text('last_error');
    t.text('cancel_reason');
    t.integer('seq').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organisation_id', 'status']);
    t.index(['page_id', 'published_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('publications');
  await knex.schema.dropTableIfExists('official_pages');
}
