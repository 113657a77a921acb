import type { Knex } from 'knex';

// Discussions of draft documents and public hearings: the draft's versions and numbered points, the
// citizens' proposals and comments (mass input: straight to Postgres, never into a workflow's history),
// their moderation and the organisation's answers, and the registrations of hearing participants.
export async function up(knex: Knex): Promise<void> {
  // Versions of a discussion's draft. Written by the workflow before its event row exists (the draft's
  // first version is stored at creation), so event_id is the workflow id without a foreign key.
  await knex.schema.createTable('discussion_versions', (t) => {
    t.text('event_id').notNullable();
    t.integer('version').notNullable();
    t.text('text').notNullable();
    t.text('note');
    t.integer('point_count').notNullable();
    t.jsonb('changes'); // against the previous version (workflows/rules/discussion.ts compareVersions)
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['event_id', 'version']);
  });

  await knex.schema.createTable('discussion_points', (t) => {
    t.text('event_id').notNullable();
    t.integer('version').notNullable();
    t.integer('number').notNullable();
    t.text('label'); // the draft's own numbering, e.g. "2.3."
    t.text('text').notNullable();
    t.primary(['event_id', 'version', 'number']);
  });

  // Proposals and comments to a point of a discussion's draft (point_number ≥ 1, with the draft version),
  // and written proposals to a hearing (point_number 0, version null). One of each kind per person per
  // point, enforced here: participant_key is the user id, or for an anonymous event a salted hash of it.
  await knex.schema.createTable('event_proposals', (t) => {
    t.bigIncrements('id').primary();
    t.text('event_id').notNullable().references('participation_events.id').onDelete('CASCADE');
    t.integer('version');
    t.integer('point_number').notNullable().defaultTo(0);
    t.text('kind').notNullable(); // proposal | comment
    t.text('text').notNullable();
    t.text('participant_key').notNullable();
    t.integer('author_user_id'); // null for an anonymous event
    t.text('status').notNullable().defaultTo('pending'); // pending | approved | rejected
    t.text('moderation_reason');
    t.integer('moderated_by');
    t.timestamp('moderated_at', { useTz: true });
    t.text('answer'); // accepted | partly | rejected
    t.text('answer_reason');
    t.integer('answered_by');
    t.timestamp('answered_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['event_id', 'point_number', 'kind', 'participant_key', 'version'], { indexName: 'event_proposals_one_per_person', useConstraint: false });
    t.index(['event_id', 'status', 'id']);
  });
  // A hearing's proposals have no version: NULLs are distinct in a plain unique index, so a second one
  // per person is refused by a partial index of its own.
  await knex.raw(`create unique index event_proposals_one_per_person_unversioned on event_proposals (event_id, point_number, kind, participant_key) where version is null`);

  await knex.schema.createTable('hearing_registrations', (t) => {
    t.bigIncrements('id').primary();
    t.text('event_id').notNullable().references('participation_events.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id');
    t.text('name').notNullable();
    t.boolean('will_speak').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['event_id', 'user_id']);
  });

  // Reminders and overdue notices of participation events go through the same outbox as cases'.
  if (!(await knex.schema.hasColumn('notifications', 'event_id'))) {
    await knex.schema.alterTable('notifications', (t) => {
      t.text('event_id').references('participation_events.id').onDelete('CASCADE');
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  if (await knex.schema.hasColumn('notifications', 'event_id')) {
    await knex.schema.alterTable('notifications', (t) => t.dropColumn('event_id'));
  }
  for (const table of ['hearing_registrations', 'event_proposals', 'discussion_points', 'discussion_versions']) {
    await knex.schema.dropTableIfExists(table);
  }
}
