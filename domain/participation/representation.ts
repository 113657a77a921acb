// A participation event as the API shows it: the event, its timeline, its results when visible.
import type { Db } from '../../db/connection';
import { resultsVisible } from '../../workflows/participation/lifecycle';
import type { ParticipationState } from '../../workflows/participation/messages';
import type { AuthUser } from '../identity/users';
import { iso, resultsOf, type EventRow } from './read-model';
import { participationType } from './registry';
import { hasParticipated } from './participants';

export function toEvent(row: EventRow) {
  const state = (row.state ?? {}) as Partial<ParticipationState>;
  const visibility = row.results_visibility;
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    phase: row.phase ?? null,
    regionId: row.region_id,
    organisationId: row.organisation_id,
    title: row.title,
    description: row.description ?? null,
    schedule: { opensAt: iso(row.opens_at) as string, closesAt: iso(row.closes_at) as string, resultsVisibility: visibility },
    audience: { territoryIds: row.audience?.territoryIds ?? [], minAge: row.audience?.minAge ?? null },
    anonymous: row.anonymous,
    settings: row.settings ?? {},
    extensions: (state.extensions ?? []).map((e) => ({ closesAt: e.closesAt, reason: e.reason, at: e.at })),
    cancelledReason: state.cancelledReason ?? null,
    resultsVisible: resultsVisible(row.status, visibility),
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
  };
}

export async function eventTimeline(db: Db, eventId: string, viewer: AuthUser) {
  const rows = await db('participation_event_log').where({ event_id: eventId }).orderBy('seq', 'asc');
  return rows.map((r) => ({
    seq: r.seq as number,
    type: r.type as string,
    at: iso(r.occurred_at) as string,
    actor: r.actor_role ? { role: r.actor_role as string, ...(viewer.role === 'citizen' ? {} : { userId: (r.actor_user_id as number | null) ?? null }) } : null,
    details: (r.details ?? {}) as Record<string, unknown>,
  }));
}

/** Results as anyone may see them (resultsOf), computed by the event's type when not published. */
export async function visibleResults(db: Db, row: EventRow): Promise<unknown | null> {
  return resultsOf(db, row, participationType(row.type).results);
}

export async function eventDetail(db: Db, row: EventRow, viewer: AuthUser) {
  const body: Record<string, unknown> = { ...toEvent(row), timeline: await eventTimeline(db, row.id, viewer), results: await visibleResults(db, row) };
  if (viewer.role === 'citizen') body.participated = await hasParticipated(db, row, viewer.id);
  return body;
}
