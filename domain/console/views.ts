// Saved views of the case queue (table saved_views): a person's named sets of listCases filters.
import type { Db } from '../../db/connection';

export interface SavedViewRow {
  id: number;
  name: string;
  filters: Record<string, string | boolean>;
}

const rowOf = (r: Record<string, any>): SavedViewRow => ({ id: r.id, name: r.name, filters: r.filters });

export async function listSavedViews(db: Db, userId: number): Promise<SavedViewRow[]> {
  return (await db('saved_views').where({ user_id: userId }).orderBy(['name', 'id'])).map(rowOf);
}

/** Saves the view; a view of the same name is replaced. */
export async function saveView(db: Db, userId: number, name: string, filters: SavedViewRow['filters']): Promise<SavedViewRow> {
  const [row] = await db('saved_views')
    .insert({ user_id: userId, name, filters: JSON.stringify(filters) })
    .onConflict(['user_id', 'name']).merge(['filters'])
    .returning('*');
  return rowOf(row);
}

export async function deleteSavedView(db: Db, userId: number, id: number): Promise<boolean> {
  return (await db('saved_views').where({ user_id: userId, id }).delete()) > 0;
}
