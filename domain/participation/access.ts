// Who may see and organise a participation event.
import type { Db } from '../../db/connection';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { loadEventRow, type EventRow } from './read-model';

/** An organiser: an operator of the organising organisation, or an administrator. */
export function canOrganise(user: AuthUser, row: Pick<EventRow, 'organisation_id'>): boolean {
  return user.role === 'administrator' || (user.role === 'operator' && user.organisationId === row.organisation_id);
}

/** Published events are public; a draft is seen by its organisers and the region's supervisors. */
export function canSeeEvent(user: AuthUser, row: Pick<EventRow, 'organisation_id' | 'region_id' | 'status'>): boolean {
  if (row.status !== 'draft') return true;
  if (canOrganise(user, row)) return true;
  return user.role === 'supervisor' && user.regionId === row.region_id;
}

/** The event if the user may see it; 404 otherwise, so that a draft's existence is not revealed. */
export async function visibleEvent(db: Db, user: AuthUser, eventId: string): Promise<EventRow> {
  const row = await loadEventRow(db, eventId);
  if (!row || !canSeeEvent(user, row)) throw problems.notFound(`There is no event ${eventId}.`);
  return row;
}

/** The event if the user organises it: 404 when it is not visible, 403 when visible but not theirs. */
export async function organisedEvent(db: Db, user: AuthUser, eventId: string): Promise<EventRow> {
  const row = await visibleEvent(db, user, eventId);
  if (!canOrganise(user, row)) throw problems.forbidden('Only an operator of the organising organisation or an administrator may do this.');
  return row;
}
