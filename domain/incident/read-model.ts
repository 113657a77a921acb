// Incidents as the API shows them: the cases read model's row (case_type 'incident', projected by
// activities/incident.ts) joined with the incident's own row (the post, its reports, the reply's address).
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { IncidentInput, IncidentState } from '../../workflows/incident/messages';
import { canSeeCase, scopeCases } from '../cases/access';
import { overdueFilterSql, rowOverdue } from '../cases/overdue';
import { DUE_SORT, keysetPage } from '../cases/read-model';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';

export type Incident = components['schemas']['Incident'];

/** The columns an incident is shown from. */
export interface IncidentRow {
  id: string;
  region_id: string;
  organisation_id: string | null;
  status: Incident['status'];
  overdue: boolean;
  registered_at: Date;
  answer_due_at: Date | null;
  closed_at: Date | null;
  resolution: Incident['resolution'];
  state: Partial<IncidentState> | null;
  last_seq: number;
  request: IncidentInput;
  reports: number;
  reported_by: number | null;
}

function iso(v: Date | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return new Date(v).toISOString();
}

function query(db: Db) {
  return db('incidents as i').join('cases', 'cases.id', 'i.id').select(
    'i.id', 'i.region_id', 'i.request', 'i.reports', 'i.reported_by', 'cases.organisation_id', 'cases.status', 'cases.overdue', 'cases.registered_at',
    'cases.answer_due_at', 'cases.closed_at', 'cases.resolution', 'cases.state', 'cases.last_seq',
  );
}

/** Who sees an incident: as for a case (its organisation, the region's supervisors, administrators, the subtree's clients), and the client that reported it. */
function canSeeIncident(user: AuthUser, row: IncidentRow): boolean {
  if (user.role === 'integration' && row.reported_by === user.id) return true;
  return user.role !== 'citizen' && canSeeCase(user, { applicant_user_id: null, organisation_id: row.organisation_id, region_id: row.region_id });
}

export async function loadIncidentRow(db: Db, incidentId: string): Promise<IncidentRow | undefined> {
  return (await query(db).where('i.id', incidentId).first()) as IncidentRow | undefined;
}

/** The incident if the user may see it; 404 otherwise, so that existence is not revealed. */
export async function visibleIncident(db: Db, user: AuthUser, incidentId: string): Promise<IncidentRow> {
  const row = await loadIncidentRow(db, incidentId);
  if (!row || !canSeeIncident(user, row)) throw problems.notFound(`There is no incident ${incidentId}.`);
  return row;
}

export function toIncident(row: IncidentRow): Incident {
  const s = (row.state ?? {}) as Partial<IncidentState>;
  const r = row.request;
  return {
    id: row.id, status: row.status, resolution: row.resolution ?? null, regionId: row.region_id, organisationId: row.organisation_id,
    network: r.network, postUrl: r.postUrl, text: r.text, authorHandle: r.authorHandle, foundAt: r.foundAt,
    categoryId: r.categoryId, subcategoryId: r.subcategoryId, territoryId: r.territoryId,
    registeredAt: iso(row.registered_at) as string, answerDueAt: iso(row.answer_due_at), termHours: s.termHours ?? null,
    overdue: rowOverdue(row), reports: row.reports, routing: s.routing ?? null,
    reply: s.reply ? { text: s.reply.text, url: s.reply.url, repliedAt: s.reply.repliedAt } : null,
    dismissal: s.dismissal ? { reason: s.dismissal.reason, dismissedAt: s.dismissal.dismissedAt } : null,
    closedAt: iso(row.closed_at),
  };
}

/** The row as a newer workflow state leaves it (before the projection is readable). */
export function overlayIncidentState(row: IncidentRow, state: IncidentState): IncidentRow {
  return {
    ...row, organisation_id: state.organisationId, status: state.status, overdue: state.overdue, answer_due_at: state.answerDueAt ? new Date(state.answerDueAt) : null,
    closed_at: state.closedAt ? new Date(state.closedAt) : null, resolution: state.resolution, state, last_seq: state.seq,
  };
}

export interface IncidentFilters { open?: boolean; overdue?: boolean }

/** The incidents the user may see, earliest term first, a page at a time (the cursor of GET /cases). */
export async function listIncidents(db: Db, user: AuthUser, filters: IncidentFilters, page: { limit: number; cursor?: string }): Promise<{ items: Incident[]; nextCursor: string | null }> {
  const qb = query(db);
  if (user.role === 'integration') qb.where((w) => { scopeCases(w, user); w.orWhere('i.reported_by', user.id); });
  else scopeCases(qb, user);
  if (filters.open === true) qb.whereNot('cases.status', 'closed');
  if (filters.open === false) qb.where('cases.status', 'closed');
  if (filters.overdue !== undefined) qb.whereRaw(overdueFilterSql(filters.overdue));
  const { rows, nextCursor } = await keysetPage<IncidentRow>(db, qb, { order: 'due', sortExpr: DUE_SORT, idColumn: 'i.id' }, page);
  return { items: rows.map(toIncident), nextCursor };
}
