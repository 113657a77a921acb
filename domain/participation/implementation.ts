// The implementation of the winning projects of votes, as their organisers record it (issue 13: "the
// status of the winning projects of budget votes — the organisation records their implementation").
// One current record per project; every change is audited (an API action), so its history is there.
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { canOrganise, visibleEvent } from './access';
import type { EventRow } from './read-model';

export type ProjectImplementation = components['schemas']['ProjectImplementation'];
export type ImplementationStatus = components['schemas']['ImplementationStatus'];

interface PublishedVoteResults { winners?: string[]; projects?: { id: string; name?: string; cost?: number; votes?: number }[] }

/** The winners of a vote whose results are published; [] for anything else. */
export function winnersOf(row: Pick<EventRow, 'type' | 'status' | 'results'>): string[] {
  if (row.type !== 'vote' || row.status !== 'results_published') return [];
  const winners = (row.results as PublishedVoteResults | null)?.winners;
  return Array.isArray(winners) ? winners.filter((w): w is string => typeof w === 'string') : [];
}

/** The project of a vote's published results (name, cost, votes), when it is there. */
export function resultProject(row: Pick<EventRow, 'results'>, projectId: string) {
  return (row.results as PublishedVoteResults | null)?.projects?.find((p) => p.id === projectId);
}

function implementationOf(r: Record<string, any>): ProjectImplementation {
  return {
    eventId: r.event_id, projectId: r.project_id, status: r.status, note: r.note ?? null,
    updatedAt: new Date(r.updated_at).toISOString(), updatedBy: r.updated_by ?? null,
  };
}

/** Organisers (operators of the organising organisation), the region's supervisors and administrators record it. */
export async function recordImplementation(
  db: Db, user: AuthUser, eventId: string, projectId: string, body: { status: ImplementationStatus; note?: string | null },
): Promise<ProjectImplementation> {
  const row = await visibleEvent(db, user, eventId);
  const supervises = user.role === 'supervisor' && user.regionId === row.region_id;
  if (!canOrganise(user, row) && !supervises) {
    throw problems.forbidden('Only an operator of the organising organisation, a supervisor of its region or an administrator records the implementation.');
  }
  if (row.type !== 'vote') throw problems.notFound(`Event ${eventId} is not a vote: it has no projects.`);
  if (!winnersOf(row).includes(projectId)) {
    throw problems.conflict(row.status === 'results_published'
      ? `Project ${projectId} is not a winner of vote ${eventId}: only winning projects are implemented.`
      : `The results of vote ${eventId} are not published yet: its winners are not known.`);
  }
  const [saved] = await db('vote_project_implementations')
    .insert({ event_id: eventId, project_id: projectId, status: body.status, note: body.note ?? null, updated_by: user.id, updated_at: db.fn.now() })
    .onConflict(['event_id', 'project_id']).merge()
    .returning('*');
  return implementationOf(saved);
}
