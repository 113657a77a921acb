// Writing a case's row of the read model from a workflow step, for every case type kept in `cases`
// (appeals, incidents): the row only moves forward, so a retried or late older step leaves it alone.
import type { Knex } from 'knex';

/** Columns a step never changes once the case row exists. */
const FIXED_CASE_COLUMNS = ['id', 'case_type', 'kind', 'region_id', 'applicant_user_id', 'applicant_name', 'applicant_email', 'applicant_address',
  'category_id', 'subcategory_id', 'territory_id', 'text', 'address', 'latitude', 'longitude', 'media_url', 'channel', 'registered_at'];

/**
 * Inserts the case row, or updates its changeable columns when this step (seq) is newer than the last
 * one written. Undefined values are left out. Returns whether the row was written.
 */
export async function writeCaseRow(trx: Knex.Transaction, row: Record<string, unknown>, seq: number): Promise<boolean> {
  const insertRow = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
  const mutable = Object.keys(insertRow).filter((k) => !FIXED_CASE_COLUMNS.includes(k));
  const written = await trx('cases').insert(insertRow).onConflict('id').merge(mutable).where('cases.last_seq', '<', seq).returning('id');
  return written.length > 0;
}
