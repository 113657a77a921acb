// Answer templates of an organisation (table answer_templates). The console fills their placeholders
// from the case (web/src/console/case/fill.ts); here they are stored as written.
import type { Db } from '../../db/connection';

export interface AnswerTemplateRow {
  id: number;
  organisationId: string;
  title: string;
  text: string;
  updatedAt: string;
}

export interface AnswerTemplateInput {
  title: string;
  text: string;
}

const rowOf = (r: Record<string, any>): AnswerTemplateRow => ({
  id: r.id, organisationId: r.organisation_id, title: r.title, text: r.text, updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listAnswerTemplates(db: Db, organisationId: string): Promise<AnswerTemplateRow[]> {
  return (await db('answer_templates').where({ organisation_id: organisationId }).orderBy(['title', 'id'])).map(rowOf);
}

export async function createAnswerTemplate(db: Db, organisationId: string, input: AnswerTemplateInput, userId: number): Promise<AnswerTemplateRow> {
  const [row] = await db('answer_templates')
    .insert({ organisation_id: organisationId, title: input.title, text: input.text, updated_by: userId })
    .returning('*');
  return rowOf(row);
}

/** The changed template, or undefined when the organisation has no such template. */
export async function replaceAnswerTemplate(db: Db, organisationId: string, id: number, input: AnswerTemplateInput, userId: number): Promise<AnswerTemplateRow | undefined> {
  const [row] = await db('answer_templates')
    .where({ organisation_id: organisationId, id })
    .update({ title: input.title, text: input.text, updated_by: userId, updated_at: db.fn.now() })
    .returning('*');
  return row ? rowOf(row) : undefined;
}

export async function deleteAnswerTemplate(db: Db, organisationId: string, id: number): Promise<boolean> {
  return (await db('answer_templates').where({ organisation_id: organisationId, id }).delete()) > 0;
}
