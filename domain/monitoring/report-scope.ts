// Whose region a monitoring report is about: a supervisor's own region, an operator's organisation's
// region, any region an administrator names (all regions when the administrator names none). Another region is refused (403): supervisors of one region
// see nothing of another.
import type { Db } from '../../db/connection';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';

export interface ReportRegion {
  /** null: all regions (administrators only). */
  regionId: string | null;
  /** The region's; UTC for all regions. */
  timeZone: string;
}

async function ownRegion(db: Db, user: AuthUser): Promise<string | null> {
  if (user.role === 'supervisor') return user.regionId;
  if (user.role === 'operator' && user.organisationId) {
    return ((await db('organisations').where({ id: user.organisationId }).first('region_id'))?.region_id as string | undefined) ?? null;
  }
  return null;
}

export async function reportRegion(db: Db, user: AuthUser, asked: string | undefined): Promise<ReportRegion> {
  let regionId: string;
  if (user.role === 'administrator') {
    if (asked === undefined) return { regionId: null, timeZone: 'UTC' };
    regionId = asked;
  } else {
    const own = await ownRegion(db, user);
    if (!own) throw problems.forbidden('Reports are of a region: this account belongs to none.');
    if (asked !== undefined && asked !== own) throw problems.forbidden('Reports of another region are not yours to see.');
    regionId = own;
  }
  const region = await db('regions').where({ id: regionId }).first('time_zone');
  if (!region) throw problems.notFound(`There is no region ${regionId}.`);
  return { regionId, timeZone: region.time_zone as string };
}
