// Participation indicators: events held by type, their participants, hearings, and the winning projects
// of votes with their implementation. Events are few (hundreds a year in a region, against a million
// cases), so these are read from the events' read model directly, one query per table.
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { AuthUser } from '../identity/users';
import { resultProject, winnersOf, type ImplementationStatus } from '../participation/implementation';
import type { EventRow } from '../participation/read-model';
import { PARTICIPATION_INDICATORS } from './definitions';
import { monitoredScope, monthRange, subtreeOf } from './scope';

type ParticipationIndicatorTable = components['schemas']['ParticipationIndicatorTable'];
type ParticipationIndicatorRow = components['schemas']['ParticipationIndicatorRow'];
type WinningProjectTable = components['schemas']['WinningProjectTable'];
type WinningProjectRow = components['schemas']['WinningProjectRow'];
type Grouping = components['schemas']['ParticipationIndicatorGrouping'];

interface HeldEvent {
  row: EventRow;
  organisationName: string | null;
  /** YYYY-MM of closing in the region's time zone. */
  month: string;
  participants: number;
}

export interface ParticipationQuery {
  regionId?: string;
  organisationId?: string;
  subtree?: boolean;
  from?: string;
  to?: string;
}

/** Events of the region that closed in the months and were not cancelled, with their participants. */
async function heldEvents(db: Db, user: AuthUser, q: ParticipationQuery) {
  const region = await monitoredScope(db, user, q.regionId);
  const months = monthRange(region.timeZone, q.from, q.to);
  const subtree = q.subtree ?? true;
  const organisationIds = q.organisationId ? await subtreeOf(db, 'organisations', region.id, q.organisationId, subtree) : undefined;
  const { rows } = await db.raw(
    `select e.*, o.name as organisation_name, to_char(e.closes_at at time zone r.time_zone, 'YYYY-MM') as held_month,
            case e.type
              when 'hearing' then (select count(*) from hearing_registrations x where x.event_id = e.id)
              when 'discussion' then (select count(distinct participant_key) from event_proposals x where x.event_id = e.id)
              else (select count(*) from participation_responses x where x.event_id = e.id)
            end as participants
       from participation_events e join regions r on r.id = e.region_id left join organisations o on o.id = e.organisation_id
      where (?::text is null or e.region_id = ?) and e.status in ('closed', 'results_published')
        and (e.closes_at at time zone r.time_zone) >= ?::date and (e.closes_at at time zone r.time_zone) < (?::date + interval '1 month')
        ${organisationIds ? 'and e.organisation_id = any(?)' : ''}
      order by e.closes_at, e.id`,
    [region.id, region.id, months.from, months.to, ...(organisationIds ? [organisationIds] : [])],
  );
  const events: HeldEvent[] = (rows as Record<string, any>[]).map((r) => ({
    row: r as EventRow, organisationName: r.organisation_name ?? null, month: r.held_month, participants: Number(r.participants),
  }));
  const scope = {
    regionId: region.id, from: months.from.slice(0, 7), to: months.to.slice(0, 7), organisationId: q.organisationId ?? null, subtree,
    territoryId: null, categoryId: null, channel: null,
  };
  return { events, scope };
}

async function implementations(db: Db, eventIds: string[]): Promise<Map<string, Record<string, any>>> {
  if (eventIds.length === 0) return new Map();
  const rows = await db('vote_project_implementations').whereIn('event_id', eventIds);
  return new Map(rows.map((r: Record<string, any>) => [`${r.event_id}\u0000${r.project_id}`, r]));
}

const quarterOf = (month: string) => `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;

/** GET /monitoring/participation. */
export async function participationTable(db: Db, user: AuthUser, q: ParticipationQuery & { groupBy?: Grouping[] }): Promise<ParticipationIndicatorTable> {
  const { events, scope } = await heldEvents(db, user, q);
  const done = await implementations(db, events.map((e) => e.row.id));
  const groups = q.groupBy ?? [];
  const rows = new Map<string, ParticipationIndicatorRow>();
  for (const e of events) {
    const period = groups.includes('month') ? e.month : groups.includes('quarter') ? quarterOf(e.month) : null;
    const byOrganisation = groups.includes('organisation');
    const key = `${period ?? ''}\u0000${byOrganisation ? e.row.organisation_id : ''}`;
    const r = rows.get(key) ?? {
      period, organisationId: byOrganisation ? e.row.organisation_id : null, organisationName: byOrganisation ? e.organisationName : null,
      eventsHeld: 0, pollsHeld: 0, votesHeld: 0, discussionsHeld: 0, hearingsHeld: 0, participants: 0, hearingParticipants: 0,
      winningProjects: 0, projectsNotStarted: 0, projectsInProgress: 0, projectsCompleted: 0, projectsCancelled: 0,
    };
    r.eventsHeld++;
    const held = ({ poll: 'pollsHeld', vote: 'votesHeld', discussion: 'discussionsHeld', hearing: 'hearingsHeld' } as const)[e.row.type];
    if (held) r[held]++;
    r.participants += e.participants;
    if (e.row.type === 'hearing') r.hearingParticipants += e.participants;
    for (const projectId of winnersOf(e.row)) {
      r.winningProjects++;
      const status = (done.get(`${e.row.id}\u0000${projectId}`)?.status ?? 'not_started') as ImplementationStatus;
      const field = ({ not_started: 'projectsNotStarted', in_progress: 'projectsInProgress', completed: 'projectsCompleted', cancelled: 'projectsCancelled' } as const)[status];
      r[field]++;
    }
    rows.set(key, r);
  }
  const zero: ParticipationIndicatorRow = {
    period: null, organisationId: null, organisationName: null, eventsHeld: 0, pollsHeld: 0, votesHeld: 0, discussionsHeld: 0, hearingsHeld: 0,
    participants: 0, hearingParticipants: 0, winningProjects: 0, projectsNotStarted: 0, projectsInProgress: 0, projectsCompleted: 0, projectsCancelled: 0,
  };
  const out = [...rows.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, r]) => r);
  return {
    scope: { ...scope, groupBy: groups }, computedAt: new Date().toISOString(), definitions: [...PARTICIPATION_INDICATORS],
    rows: out.length === 0 && groups.length === 0 ? [zero] : out,
  };
}

/** GET /monitoring/projects: the winning projects of the votes held, one row each. */
export async function winningProjects(db: Db, user: AuthUser, q: ParticipationQuery & { status?: ImplementationStatus }): Promise<WinningProjectTable> {
  const { events, scope } = await heldEvents(db, user, q);
  const done = await implementations(db, events.map((e) => e.row.id));
  const citizens = await citizenProjectNames(db, events.filter((e) => winnersOf(e.row).length > 0).map((e) => e.row.id));
  const rows: WinningProjectRow[] = [];
  for (const e of events) {
    const organiserProjects = ((e.row.settings as { projects?: { id: string; name: string; cost: number }[] }).projects ?? []);
    for (const projectId of winnersOf(e.row)) {
      const record = done.get(`${e.row.id}\u0000${projectId}`);
      const status = (record?.status ?? 'not_started') as ImplementationStatus;
      if (q.status && q.status !== status) continue;
      const result = resultProject(e.row, projectId);
      const own = organiserProjects.find((p) => p.id === projectId);
      rows.push({
        eventId: e.row.id, eventTitle: e.row.title, organisationId: e.row.organisation_id, organisationName: e.organisationName,
        closedAt: new Date(e.row.closes_at).toISOString(), projectId,
        projectName: result?.name ?? own?.name ?? citizens.get(`${e.row.id}\u0000${projectId}`) ?? null,
        cost: result?.cost ?? own?.cost ?? null, votes: result?.votes ?? null, status, note: record?.note ?? null,
        updatedAt: record ? new Date(record.updated_at).toISOString() : null,
      });
    }
  }
  return { scope: { ...scope, groupBy: [] }, rows };
}

async function citizenProjectNames(db: Db, eventIds: string[]): Promise<Map<string, string>> {
  if (eventIds.length === 0) return new Map();
  const rows = await db('participation_projects').whereIn('event_id', eventIds).select('event_id', 'project_id', 'name');
  return new Map(rows.map((r: Record<string, string>) => [`${r.event_id}\u0000${r.project_id}`, r.name]));
}
