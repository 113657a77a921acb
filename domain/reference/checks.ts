// Checks of references against the reference data, shared by case intake, case actions and reference
// writes: each names the failing field of the request.
import type { Knex } from 'knex';
import { prepared, type Db } from '../../db/connection';
import { loadRoutingRules } from '../../db/reference';
import { needsTerritory } from '../../workflows/rules/routing';
import { problems } from '../problem';

type Conn = Db | Knex.Transaction;

/** A duplicate key: the row exists already. */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string })?.code === '23505';
}

/** The territory exists in the region; returns its parent (null for the region itself). */
export async function territoryInRegion(db: Conn, territoryId: string, regionId: string, path: string): Promise<{ parentId: string | null }> {
  return placeIn(await db('territories').where({ id: territoryId }).first('region_id', 'parent_id'), territoryId, regionId, path);
}

/** A territory row read (or not found) checked against the region: its parent. */
function placeIn(t: { region_id: string; parent_id: string | null } | null | undefined, territoryId: string, regionId: string, path: string): { parentId: string | null } {
  if (!t) throw problems.field('body', path, `there is no territory ${territoryId}`);
  if (t.region_id !== regionId) throw problems.field('body', path, `territory ${territoryId} is not in region ${regionId}`);
  return { parentId: t.parent_id };
}

/** Whether a case of the subcategory needs a territory below the region (needsTerritory on the region's rules). */
export async function subcategoryNeedsPlace(db: Conn, regionId: string, categoryId: string, subcategoryId: string): Promise<boolean> {
  return needsTerritory(await loadRoutingRules(db, regionId), { categoryId, subcategoryId });
}

/**
 * A subcategory routed to the local self-government of the case's place (workflows/rules/routing.ts
 * needsTerritory) needs a place below the region: asked for, never guessed, so that such a case is not
 * sent to a body that is not responsible for it.
 */
async function placeGivenWhereNeeded(db: Conn, ref: { regionId: string; subcategoryId: string }, categoryId: string, place: { parentId: string | null } | null): Promise<void> {
  if (place && place.parentId !== null) return;
  if (!(await subcategoryNeedsPlace(db, ref.regionId, categoryId, ref.subcategoryId))) return;
  throw problems.unprocessable(
    `Subcategory ${ref.subcategoryId} is handled by the local self-government of the place: give territoryId, a municipal district, city district or settlement of region ${ref.regionId}.`,
    [{ in: 'body', path: '/territoryId', message: 'this subcategory needs a place (a territory below the region)' }],
  );
}

export async function organisationInRegion(db: Conn, organisationId: string, regionId: string, path: string) {
  const o = await db('organisations').where({ id: organisationId }).first();
  if (!o) throw problems.field('body', path, `there is no organisation ${organisationId}`);
  if (o.region_id !== regionId) throw problems.field('body', path, `organisation ${organisationId} is not in region ${regionId}`);
  return o;
}

export async function regionExists(db: Conn, regionId: string, path = '/regionId'): Promise<Record<string, any>> {
  const r = await db('regions').where({ id: regionId }).first();
  if (!r) throw problems.field('body', path, `there is no region ${regionId}`);
  return r;
}

// The region, the subcategory, the territory and the reference data's version in one round trip, a
// prepared statement: every submission passes here.
const CASE_REFERENCES_SQL = `select
      (select version::text from reference_version where id = 1) as reference_version,
      (select row_to_json(r) from (select id, time_zone, number_prefix from regions where id = ?) r) as region,
      (select row_to_json(c) from (select region_id, parent_id from categories where id = ?) c) as sub,
      (select row_to_json(t) from (select region_id, parent_id from territories where id = ?) t) as territory`;

/**
 * Checks a case's classification against the reference data: the region exists, the subcategory is a
 * subcategory of that region, the territory (if any) is in that region, and a place is given where the
 * subcategory needs one. Returns the subcategory's category, the region, and the version of the
 * reference data read in the same statement (for db/reference.ts regionReference, on the same connection).
 */
export async function checkCaseReferences(
  db: Conn,
  ref: { regionId: string; subcategoryId: string; territoryId?: string | null },
): Promise<{ categoryId: string; region: { id: string; timeZone: string; numberPrefix: string }; referenceVersion: string }> {
  const { rows: [found] } = await db.raw(CASE_REFERENCES_SQL, [ref.regionId, ref.subcategoryId, ref.territoryId ?? null])
    .options(prepared(CASE_REFERENCES_SQL));
  const { region, sub, territory, reference_version: referenceVersion } = found as {
    reference_version: string;
    region: { id: string; time_zone: string; number_prefix: string } | null;
    sub: { region_id: string; parent_id: string | null } | null;
    territory: { region_id: string; parent_id: string | null } | null;
  };
  if (!region) throw problems.field('body', '/regionId', `there is no region ${ref.regionId}`);
  if (!sub) throw problems.field('body', '/subcategoryId', `there is no subcategory ${ref.subcategoryId}`);
  if (sub.region_id !== ref.regionId) throw problems.field('body', '/subcategoryId', `subcategory ${ref.subcategoryId} is not in region ${ref.regionId}`);
  if (!sub.parent_id) throw problems.field('body', '/subcategoryId', `${ref.subcategoryId} is a category; choose one of its subcategories`);
  const place = ref.territoryId ? placeIn(territory, ref.territoryId, ref.regionId, '/territoryId') : null;
  await placeGivenWhereNeeded(db, ref, sub.parent_id, place);
  return { categoryId: sub.parent_id, region: { id: region.id, timeZone: region.time_zone, numberPrefix: region.number_prefix }, referenceVersion };
}

/** An organisation a case may be sent to (redirect, reassign): exists, same region. */
export async function checkTargetOrganisation(db: Db, organisationId: string, regionId: string): Promise<void> {
  const o = await db('organisations').where({ id: organisationId }).first('region_id');
  if (!o) throw problems.unprocessable(`There is no organisation ${organisationId}.`, [{ in: 'body', path: '/organisationId', message: 'does not exist' }]);
  if (o.region_id !== regionId) {
    throw problems.unprocessable(`Organisation ${organisationId} is not in the case's region ${regionId}.`, [
      { in: 'body', path: '/organisationId', message: `is not in region ${regionId}` },
    ]);
  }
}

/** A top-level category of the region (not a subcategory). */
export async function topLevelCategory(db: Conn, id: string, regionId: string, path: string): Promise<void> {
  const p = await db('categories').where({ id }).first();
  if (!p) throw problems.field('body', path, `there is no category ${id}`);
  if (p.region_id !== regionId) throw problems.field('body', path, `category ${id} is not in region ${regionId}`);
  if (p.parent_id) throw problems.field('body', path, `${id} is a subcategory; the classifier has two levels`);
}
