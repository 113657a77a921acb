// Who sees which region's monitoring, and the filters of a monitoring request resolved against the
// region's reference data: months in the region's time zone, organisation and territory subtrees.
import { DateTime } from 'luxon';
import type { Db } from '../../db/connection';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';

/** A region's monitoring, or (an administrator's request without a region) every region's. */
export interface MonitoredScope {
  /** null: all regions. */
  id: string | null;
  /** The region's time zone (UTC for all regions): default months. */
  timeZone: string;
}

/** Supervisors and analysts see their own region only (403 for another); administrators any, all without regionId. */
export async function monitoredScope(db: Db, user: AuthUser, regionId: string | undefined): Promise<MonitoredScope> {
  let id = regionId;
  if (user.role === 'supervisor' || user.role === 'analyst') {
    if (!user.regionId) throw problems.forbidden('This account belongs to no region.');
    if (id !== undefined && id !== user.regionId) throw problems.forbidden(`A ${user.role} sees the monitoring of their own region only.`);
    id = user.regionId;
  } else if (user.role !== 'administrator') {
    throw problems.forbidden('Monitoring is for supervisors, analysts and administrators.');
  }
  if (id === undefined) return { id: null, timeZone: 'UTC' };
  const region = await db('regions').where({ id }).first('id', 'time_zone');
  if (!region) throw problems.notFound(`There is no region ${id}.`);
  return { id: region.id, timeZone: region.time_zone };
}

/** One region's monitoring (the rating and its configuration are a region's). */
export async function monitoredRegion(db: Db, user: AuthUser, regionId: string): Promise<{ id: string; timeZone: string }> {
  const scope = await monitoredScope(db, user, regionId);
  return { id: scope.id!, timeZone: scope.timeZone };
}

/** The months of a request as first days (YYYY-MM-01): default from January of this year to this month. */
export function monthRange(timeZone: string, from: string | undefined, to: string | undefined, now = new Date()): { from: string; to: string } {
  const today = DateTime.fromJSDate(now, { zone: timeZone });
  const f = from ?? `${today.year}-01`;
  const t = to ?? today.toFormat('yyyy-MM');
  if (f > t) throw problems.field('query', 'from', `from (${f}) is after to (${t})`);
  return { from: `${f}-01`, to: `${t}-01` };
}

/** A quarter `YYYY-Qn` as its first and last months (YYYY-MM-01). */
/** The last quarter that has ended in the time zone (`YYYY-Qn`). */
export function lastEndedQuarter(timeZone: string, now = new Date()): string {
  const start = DateTime.fromJSDate(now, { zone: timeZone }).startOf('quarter').minus({ months: 3 });
  return `${start.year}-Q${start.quarter}`;
}

export function quarterMonths(quarter: string): { from: string; to: string; endsAt: (timeZone: string) => Date } {
  const m = /^(\d{4})-Q([1-4])$/.exec(quarter);
  if (!m) throw problems.field('query', 'quarter', `${JSON.stringify(quarter)} is not a quarter (YYYY-Qn)`);
  const year = Number(m[1]);
  const first = (Number(m[2]) - 1) * 3 + 1;
  const month = (n: number) => `${year}-${String(n).padStart(2, '0')}-01`;
  return {
    from: month(first),
    to: month(first + 2),
    endsAt: (timeZone) => DateTime.fromObject({ year, month: first, day: 1 }, { zone: timeZone }).plus({ months: 3 }).toJSDate(),
  };
}

/** The id and every id below it in a tree table of the region (organisations, territories); 404 if not there. */
export async function subtreeOf(db: Db, table: 'organisations' | 'territories', regionId: string | null, id: string, withSubtree = true): Promise<string[]> {
  const row = await db(table).where({ id, ...(regionId ? { region_id: regionId } : {}) }).first('id');
  if (!row) throw problems.notFound(`There is no ${table === 'organisations' ? 'organisation' : 'territory'} ${id}${regionId ? ` in region ${regionId}` : ''}.`);
  if (!withSubtree) return [id];
  const { rows } = await db.raw(
    `with recursive sub(id) as (select ?::text union select t.id from ${table} t join sub on t.parent_id = sub.id) select id from sub`,
    [id],
  );
  return (rows as { id: string }[]).map((r) => r.id);
}

/** Names by id of a region's (or, without one, every region's) organisations, territories and categories. */
export interface ReferenceNames {
  organisations: Map<string, string>;
  territories: Map<string, string>;
  /** Subcategories are categories too. */
  categories: Map<string, string>;
}

/** Names of the region's organisations, territories and categories, for the rows of the tables and the case-list export. */
export async function referenceNames(db: Db, regionId: string | null): Promise<ReferenceNames> {
  const [organisations, territories, categories] = await Promise.all(
    (['organisations', 'territories', 'categories'] as const).map((t) => db(t).where(regionId ? { region_id: regionId } : {}).select('id', 'name')),
  );
  const map = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
  return { organisations: map(organisations), territories: map(territories), categories: map(categories) };
}
