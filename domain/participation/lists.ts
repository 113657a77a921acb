// Lists of participation events: drafts only for those who may see them, newest first, cursor pages.
import type { Db } from '../../db/connection';
import { decodeCursor, encodeCursor as encodeCaseCursor } from '../cases/read-model';
import type { AuthUser } from '../identity/users';
import type { EventRow } from './read-model';
import { toEvent } from './representation';

export interface EventFilters { type?: string; status?: string; regionId?: string; organisationId?: string }

export async function listEvents(db: Db, user: AuthUser, filters: EventFilters, page: { limit: number; cursor?: string }) {
  const qb = db('participation_events').select('participation_events.*', db.raw(`participation_events.created_at::text as sort_value`));
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
  if (page.cursor) {
    // Events page like cases in registration order: the same cursor, read by the same checks.
    const c = decodeCursor(page.cursor, 'registered');
    qb.whereRaw(`(participation_events.created_at, participation_events.id) < (?::timestamptz, ?)`, [c.v, c.id]);
  }
  qb.orderByRaw('participation_events.created_at desc, participation_events.id desc').limit(page.limit + 1);
  const rows = (await qb) as (EventRow & { sort_value: string })[];
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(toEvent),
    nextCursor: more && last ? encodeCaseCursor({ o: 'registered', v: last.sort_value, id: last.id }) : null,
  };
}
