// The sites allowed to embed each organisation's form (table embed_origins), and what the form needs to
// know of its organisation before anyone signs in.
import type { Db } from '../../db/connection';

export interface EmbedOriginRow {
  id: number;
  organisationId: string;
  origin: string;
  createdAt: string;
}

const rowOf = (r: Record<string, any>): EmbedOriginRow => ({
  id: r.id, organisationId: r.organisation_id, origin: r.origin, createdAt: new Date(r.created_at).toISOString(),
});

export async function listEmbedOrigins(db: Db, organisationId: string): Promise<EmbedOriginRow[]> {
  return (await db('embed_origins').where({ organisation_id: organisationId }).orderBy('id')).map(rowOf);
}

/** Adds an origin (normalised by the caller); `created` is false when it was on the list already. */
export async function addEmbedOrigin(db: Db, organisationId: string, origin: string, userId: number): Promise<{ row: EmbedOriginRow; created: boolean }> {
  const inserted = await db('embed_origins')
    .insert({ organisation_id: organisationId, origin, created_by: userId })
    .onConflict(['organisation_id', 'origin']).ignore()
    .returning('*');
  if (inserted.length > 0) return { row: rowOf(inserted[0]), created: true };
  return { row: rowOf(await db('embed_origins').where({ organisation_id: organisationId, origin }).first()), created: false };
}

/** Removes an origin of the organisation; false when it has no such row. */
export async function removeEmbedOrigin(db: Db, organisationId: string, id: number): Promise<boolean> {
  return (await db('embed_origins').where({ organisation_id: organisationId, id }).delete()) > 0;
}

/** An active organisation that may have a form, or undefined. */
export async function formOrganisation(db: Db, organisationId: string): Promise<{ id: string; name: string; regionId: string } | undefined> {
  const r = await db('organisations').where({ id: organisationId, active: true }).first('id', 'name', 'region_id');
  return r ? { id: r.id, name: r.name, regionId: r.region_id } : undefined;
}

/** Categories whose routing rules send cases to the organisation (directly or through a subcategory). */
export async function organisationCategoryIds(db: Db, organisationId: string): Promise<string[]> {
  const rows = await db('routing_rules as r')
    .leftJoin('categories as s', 's.id', 'r.subcategory_id')
    .where('r.organisation_id', organisationId)
    .select(db.raw('coalesce(r.category_id, s.parent_id) as id'));
  return [...new Set(rows.map((r: { id: string | null }) => r.id).filter((id): id is string => !!id))].sort();
}
