// Lists of participation events: drafts only for those who may see them, newest first, cursor pages.
import type { Db } from '../../db/connection';
import { encodeCursor as encodeCaseCursor } from '../cases/read-model';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
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
    const c = decodeEventCursor(page.cursor);
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

function decodeEventCursor(raw: string): { v: string; id: string } {
  const bad = problems.field('query', 'cursor', 'is not a cursor of this list');
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  const x = c as { o?: unknown; v?: unknown; id?: unknown };
  if (!x || typeof x !== 'object' || x.o !== 'registered' || typeof x.v !== 'string' || typeof x.id !== 'string' || x.id.length > 200) throw bad;
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(x.v)) throw bad;
  return { v: x.v, id: x.id };
}
