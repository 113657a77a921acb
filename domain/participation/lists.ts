// Lists of participation events: drafts only for those who may see them, newest first, cursor pages.
import type { Db } from '../../db/connection';
import { keysetPage } from '../cases/read-model';
import type { AuthUser } from '../identity/users';
import type { EventRow } from './read-model';
import { toEvent } from './representation';

export interface EventFilters { type?: string; status?: string; regionId?: string; organisationId?: string }

export async function listEvents(db: Db, user: AuthUser, filters: EventFilters, page: { limit: number; cursor?: string }) {
  const qb = db('participation_events').select('participation_events.*');
  // Drafts only for those who may see them.
  qb.where((w) => {
    w.whereNot('status', 'draft');
    if (user.role === 'administrator') w.orWhereRaw('true');
    else if (user.role === 'operator' && user.organisationId) w.orWhere('organisation_id', user.organisationId);
    else if (user.role === 'supervisor' && user.regionId) w.orWhere('region_id', user.regionId);
  });
  if (filters.type !== undefined) qb.where('type', filters.type);
  if (filters.status !== undefined) qb.where('status', filters.status);
  if (filters.regionId !== undefined) qb.where('region_id', filters.regionId);
  if (filters.organisationId !== undefined) qb.where('organisation_id', filters.organisationId);
  // Events page like cases in registration order (newest first): the same cursor, read by the same checks.
  const key = { order: 'registered', sortExpr: 'participation_events.created_at', idColumn: 'participation_events.id' } as const;
  const { rows, nextCursor } = await keysetPage<EventRow>(db, qb, key, page);
  return { items: rows.map(toEvent), nextCursor };
}
