import type { Knex } from 'knex';

// Attachments: files uploaded through POST /attachments (photos of a pothole, a scanned reply) and kept
// by the attachment storage (domain/attachments/storage.ts); this table is what the platform knows of each. Appeals and
// answers reference them by id; case_attachments links a file to the cases that reference it, which is
// what lets the people who see a case download it. A file may be referenced by more than one case (an
// applicant repeats an appeal with the same photo), hence a link table rather than a case_id column.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attachments', (t) => {
    t.uuid('id').primary();
    t.text('storage_key').notNullable().unique();
    t.text('file_name').notNullable();
    t.text('content_type').notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.specificType('sha256', 'char(64)').notNullable();
    t.integer('uploaded_by').notNullable().references('users.id');
    // A repeated upload with the same Idempotency-Key returns the first one instead of a second file.
    t.text('idempotency_key');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['uploaded_by', 'idempotency_key']);
    t.index(['uploaded_by', 'created_at']);
  });
  await knex.raw(`alter table attachments add constraint attachments_size_positive check (size_bytes >= 0)`);
  await knex.schema.createTable('case_attachments', (t) => {
    // No foreign key to cases: an appeal's files are linked in the intake transaction, before the
    // workflow has projected the case row.
    t.text('case_id').notNullable();
    t.uuid('attachment_id').notNullable().references('attachments.id').onDelete('CASCADE');
    t.text('referenced_in').notNullable(); // 'appeal' or 'answer'
    t.integer('linked_by').notNullable().references('users.id');
    t.timestamp('linked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['case_id', 'attachment_id']);
    t.index(['attachment_id']);
  });
  await knex.raw(`alter table case_attachments add constraint case_attachments_referenced_in check (referenced_in in ('appeal', 'answer'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('case_attachments');
  await knex.schema.dropTableIfExists('attachments');
}
