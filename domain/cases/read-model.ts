// The cases read model as the API shows it: visibility, the case representation, lists with keyset
// pagination. Free of Express so that other entry points (ops scripts, tests) can use it.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import { type AppealState } from '../../workflows/appeal/messages';
import { currentExternalRegistration } from '../../workflows/appeal/state';
import type { AuthUser } from '../identity/users';
import { canSeeCase, scopeCases } from './access';
import { overdueFilterSql, rowOverdue } from './overdue';
import { problems } from '../problem';

export type Case = components['schemas']['Case'];
export type CaseDetail = components['schemas']['CaseDetail'];
export type CaseEvent = components['schemas']['CaseEvent'];
export type CasePage = components['schemas']['CasePage'];

/** A row of the cases table (see db/migrations). */
export interface CaseRow {
  id: string;
  /** 'appeal' (messages and appeals), or 'incident' (domain/incident/: an API of its own). */
  case_type: 'appeal' | 'incident';
  kind: 'message' | 'appeal';
  /** How it came in (MonitoringChannel): web, embed, open311, incident. */
  channel: string;
  region_id: string;
  applicant_user_id: number | null;
  applicant_name: string | null;
  applicant_email: string | null;
  applicant_address: string | null;
  category_id: string | null;
  subcategory_id: string | null;
  territory_id: string | null;
  text: string;
  address: string | null;
  latitude?: number | null;
  longitude?: number | null;
  media_url?: string | null;
  organisation_id: string | null;
  status: Case['status'];
  overdue: boolean;
  term_advisory: boolean;
  /** The advisory target beside the binding term (migration 20261206000010_advisory_terms). */
  advisory_due_at: Date | null;
  advisory_missed: boolean;
  accelerated: boolean;
  term_days: number | null;
  registered_at: Date;
  answer_due_at: Date | null;
  answered_at: Date | null;
  closed_at: Date | null;
  resolution: Case['resolution'];
  rating: number | null;
  round: number;
  extended: boolean;
  answer_text: string | null;
  /** The handling organisation's СЭД registration (migration 20261127000022_feed). */
  external_number?: string | null;
  external_registered_at?: Date | string | null;
  state: Partial<AppealState> | null;
  last_seq: number;
  last_action_at: Date | null;
  updated_at: Date;
}

/** A date column as YYYY-MM-DD (node-postgres reads `date` as a local-midnight Date). */
function calendarDate(v: Date | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.slice(0, 10);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${v.getFullYear()}-${pad(v.getMonth() + 1)}-${pad(v.getDate())}`;
}

function iso(v: Date | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}

/** Applicant data is shown to the applicant, the handling organisation's operators, supervisors and administrators. */
function seesApplicant(user: AuthUser, row: CaseRow): boolean {
  return canSeeCase(user, row);
}

export async function loadCaseRow(db: Db | Knex.Transaction, caseId: string): Promise<CaseRow | undefined> {
  return (await db('cases').where({ id: caseId }).first()) as CaseRow | undefined;
}

/** The case if the user may see it; otherwise 404 either way, so that existence is not revealed. */
export async function visibleCase(db: Db, user: AuthUser, caseId: string): Promise<CaseRow> {
  return visibleOrNotFound(await loadCaseRow(db, caseId), user, caseId);
}

/** visibleCase with the case's events, read in the same statement (loadCaseWithEvents). */
export async function visibleCaseWithEvents(db: Db, user: AuthUser, caseId: string): Promise<CaseWithEvents> {
  const found = await loadCaseWithEvents(db, caseId);
  return { row: visibleOrNotFound(found?.row, user, caseId), events: found?.events ?? [] };
}

function visibleOrNotFound(row: CaseRow | undefined, user: AuthUser, caseId: string): CaseRow {
  // Incidents share the read model (case_type 'incident') but have an API of their own (/incidents).
  if (!row || row.case_type !== 'appeal' || !canSeeCase(user, row)) throw problems.notFound(`There is no case ${caseId}.`);
  return row;
}

export function toCase(row: CaseRow, viewer: AuthUser): Case {
  const state = (row.state ?? {}) as Partial<AppealState>;
  const answerText = row.answer_text ?? state.answer?.text ?? null;
  const c: Case = {
    id: row.id,
    kind: row.kind,
    status: row.status,
    channel: row.channel,
    regionId: row.region_id,
    organisationId: row.organisation_id,
    categoryId: row.category_id,
    subcategoryId: row.subcategory_id,
    territoryId: row.territory_id,
    text: row.text,
    address: row.address,
    location: row.latitude != null && row.longitude != null ? { latitude: Number(row.latitude), longitude: Number(row.longitude) } : null,
    mediaUrl: row.media_url ?? null,
    registeredAt: iso(row.registered_at) as string,
    answerDueAt: iso(row.answer_due_at),
    termDays: row.term_days,
    overdue: rowOverdue(row),
    termAdvisory: row.term_advisory,
    advisoryDueAt: iso(row.advisory_due_at),
    advisoryMissed: row.advisory_missed,
    accelerated: row.accelerated,
    round: row.round,
    extended: row.extended,
    rating: row.rating,
    resolution: row.resolution ?? null,
    answer:
      answerText === null
        ? null
        : {
            text: answerText,
            attachments: state.answer?.attachments ?? [],
            answeredAt: (iso(row.answered_at) ?? iso(state.answer?.answeredAt)) as string,
          },
    clarification: state.clarification
      ? {
          question: state.clarification.question,
          askedAt: state.clarification.askedAt,
          ...(state.clarification.reply !== undefined ? { reply: state.clarification.reply } : {}),
          ...(state.clarification.repliedAt !== undefined ? { repliedAt: state.clarification.repliedAt } : {}),
        }
      : null,
    closedAt: iso(row.closed_at),
    updatedAt: iso(row.updated_at) as string,
    externalNumber: row.external_number ?? null,
    externalRegisteredAt: calendarDate(row.external_registered_at),
  };
  if (seesApplicant(viewer, row)) {
    c.applicant = { name: row.applicant_name, email: row.applicant_email, postalAddress: row.applicant_address };
  }
  return c;
}

/** A row of case_events as the timeline reads it. */
export interface CaseEventRow {
  seq: number;
  type: CaseEvent['type'];
  occurred_at: Date | string;
  actor_role: string | null;
  actor_user_id: number | null;
  organisation_id: string | null;
  details: CaseEvent['details'] | null;
}

function toCaseEvent(r: CaseEventRow, viewer: AuthUser): CaseEvent {
  return {
    seq: r.seq,
    type: r.type,
    at: iso(r.occurred_at) as string,
    actor: r.actor_role
      ? { role: r.actor_role as NonNullable<CaseEvent['actor']>['role'], ...(viewer.role === 'citizen' ? {} : { userId: r.actor_user_id ?? null }) }
      : null,
    organisationId: r.organisation_id ?? null,
    details: r.details ?? {},
  };
}

export async function caseTimeline(db: Db, caseId: string, viewer: AuthUser): Promise<CaseEvent[]> {
  const rows = (await db('case_events').where({ case_id: caseId }).orderBy('seq', 'asc')) as CaseEventRow[];
  return rows.map((r) => toCaseEvent(r, viewer));
}

export async function caseDetail(db: Db, row: CaseRow, viewer: AuthUser): Promise<CaseDetail> {
  return { ...toCase(row, viewer), timeline: await caseTimeline(db, row.id, viewer) };
}

/** A case row and its events, as read together (loadCaseWithEvents). */
export interface CaseWithEvents {
  row: CaseRow;
  events: CaseEventRow[];
}

/**
 * A case's row and its events in one statement (the events as JSON, in order): what a response showing
 * the case in full reads, in one round trip instead of two. `alongside`: a change sent in the same
 * statement (a WITH clause, which PostgreSQL runs whatever the read finds), such as the intake's started mark.
 */
export async function loadCaseWithEvents(db: Db | Knex.Transaction, caseId: string, alongside?: Knex.QueryBuilder): Promise<CaseWithEvents | undefined> {
  const query: Knex.QueryBuilder = alongside ? db.with('alongside', alongside).from('cases as c') : db('cases as c');
  const found = await query.where('c.id', caseId).first('c.*', db.raw(`coalesce((
      select json_agg(json_build_object('seq', e.seq, 'type', e.type, 'occurred_at', e.occurred_at, 'actor_role', e.actor_role,
        'actor_user_id', e.actor_user_id, 'organisation_id', e.organisation_id, 'details', e.details) order by e.seq)
      from case_events e where e.case_id = c.id), '[]'::json) as case_events_json`));
  if (!found) return undefined;
  const { case_events_json: events, ...row } = found as CaseRow & { case_events_json: CaseEventRow[] };
  return { row, events };
}

/** The case in full from its row and events (loadCaseWithEvents), as `viewer` sees it. */
export function caseDetailOf({ row, events }: CaseWithEvents, viewer: AuthUser): CaseDetail {
  return { ...toCase(row, viewer), timeline: events.map((e) => toCaseEvent(e, viewer)) };
}

/**
 * The row with the fields an AppealState carries applied over it: used when the read model has not yet
 * caught up with a state the workflow just returned.
 */
export function overlayState(row: CaseRow, s: AppealState): CaseRow {
  return {
    ...row,
    status: s.status,
    organisation_id: s.organisationId,
    overdue: s.overdue,
    term_advisory: s.advisory,
    advisory_due_at: s.advisoryDueAt ? new Date(s.advisoryDueAt) : null,
    advisory_missed: s.advisoryMissed,
    accelerated: s.accelerated,
    term_days: s.termDays,
    answer_due_at: s.answerDueAt ? new Date(s.answerDueAt) : null,
    answered_at: s.answer ? new Date(s.answer.answeredAt) : null,
    closed_at: s.closedAt ? new Date(s.closedAt) : null,
    resolution: s.resolution,
    rating: s.rating,
    round: s.round,
    extended: s.extended,
    answer_text: s.answer?.text ?? null,
    external_number: currentExternalRegistration(s)?.externalNumber ?? null,
    external_registered_at: currentExternalRegistration(s)?.externalRegisteredAt ?? null,
    state: s,
    last_seq: s.seq,
  };
}

/**
 * Waits until the read model has projected the workflow's step `seq` (the workflow writes it in an
 * activity; an update usually returns after that, but a retried activity may lag). Returns the row,
 * or the freshest row there is when the time runs out.
 */
export async function waitForProjection(db: Db, caseId: string, seq: number, timeoutMs = 5000): Promise<CaseRow | undefined> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  for (;;) {
    const row = await loadCaseRow(db, caseId);
    if ((row && row.last_seq >= seq) || Date.now() >= deadline) return row;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}

/**
 * The case as a step of its workflow left it (`state`, the update's answer), for the actor's response.
 * The update answers once the step is projected, so its row and timeline are read at once, in one
 * statement; a row still behind (a projection retried on the task queue) is waited for, and overlaid
 * with the state if the wait runs out. `before`: the row the action started from, in case the case's
 * row cannot be read at all.
 */
export async function caseAfterStep(db: Db, caseId: string, state: AppealState, viewer: AuthUser, before: CaseRow): Promise<CaseDetail> {
  const found = await loadCaseWithEvents(db, caseId);
  if (found && found.row.last_seq >= state.seq) return caseDetailOf(found, viewer);
  const fresh = (await waitForProjection(db, caseId, state.seq)) ?? found?.row ?? before;
  return caseDetail(db, fresh.last_seq >= state.seq ? fresh : overlayState(fresh, state), viewer);
}

// ---- lists ----

export type CaseOrder = 'due' | 'registered';

export interface CaseFilters {
  status?: string;
  kind?: string;
  regionId?: string;
  categoryId?: string;
  subcategoryId?: string;
  territoryId?: string;
  /** With territoryId: also every territory inside it (a district's settlements). */
  territorySubtree?: boolean;
  organisationId?: string;
  /** With organisationId: also every organisation below it. */
  organisationSubtree?: boolean;
  channel?: string;
  /** Registered at or after this instant. */
  registeredFrom?: string;
  /** Registered before this instant (exclusive: consecutive periods meet). */
  registeredTo?: string;
  overdue?: boolean;
  advisoryMissed?: boolean;
  open?: boolean;
  dueFrom?: string;
  dueTo?: string;
}

interface Cursor { o: CaseOrder; v: string; id: string }

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

/**
 * A date-time from the request as PostgreSQL takes it: in UTC, clamped to ±infinity outside years
 * 1–9999 (PostgreSQL has no year 0, refuses offsets beyond ±15:59, and cannot read JavaScript's
 * expanded years like +010000).
 */
export function pgTimestamp(value: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw problems.field('query', 'date-time', `${JSON.stringify(value)} is not a date-time`);
  const d = new Date(t);
  if (d.getUTCFullYear() < 1) return '-infinity';
  if (d.getUTCFullYear() > 9999) return 'infinity';
  return d.toISOString();
}

/** A timestamp as PostgreSQL prints it (the cursor's sort value), checked field by field. */
function validTimestampText(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?|Z)$/.exec(v);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return false; // day 0 of the next month: this month's length
  if (m[8] && (Number(m[9]) > 15 || Number(m[10] ?? 0) > 59 || Number(m[11] ?? 0) > 59)) return false;
  return true;
}

export function decodeCursor(raw: string, order: CaseOrder): Cursor {
  const bad = problems.field('query', 'cursor', 'is not a cursor of this list');
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  const x = c as Partial<Cursor>;
  if (!x || typeof x !== 'object' || x.o !== order || typeof x.v !== 'string' || typeof x.id !== 'string') throw bad;
  if (x.v !== 'infinity' && !validTimestampText(x.v)) throw bad;
  if (x.id.length > 200) throw bad;
  return x as Cursor;
}

/** The key a list is paged by: its order, the sort expression (a timestamp) and the id column that breaks ties. */
export interface Keyset { order: CaseOrder; sortExpr: string; idColumn: string }

/**
 * One page of `qb` in keyset order: ascending by (sort, id) for 'due' (the queue, earliest term first),
 * descending for 'registered' (newest first); after the cursor's row when there is one. Reads one row
 * more than the page to know whether another follows; the next cursor is the last row's key.
 */
export async function keysetPage<T extends { id: string }>(db: Db, qb: Knex.QueryBuilder, key: Keyset, page: { limit: number; cursor?: string }) {
  const { order, sortExpr, idColumn } = key;
  qb.select(db.raw(`(${sortExpr})::text as sort_value`));
  if (page.cursor) {
    const c = decodeCursor(page.cursor, order);
    qb.whereRaw(`(${sortExpr}, ${idColumn}) ${order === 'due' ? '>' : '<'} (?::timestamptz, ?)`, [c.v, c.id]);
  }
  const direction = order === 'due' ? 'asc' : 'desc';
  qb.orderByRaw(`${sortExpr} ${direction}, ${idColumn} ${direction}`).limit(page.limit + 1);
  const rows = (await qb) as (T & { sort_value: string })[];
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { rows: items as T[], nextCursor: rows.length > page.limit && last ? encodeCursor({ o: order, v: last.sort_value, id: last.id }) : null };
}

/** The term of a case or incident as the queue sorts it (without a term: last). */
export const DUE_SORT = "coalesce(cases.answer_due_at, 'infinity'::timestamptz)";

/**
 * A case's territory or organisation is the id, or with `subtree` the id or any below it in the tree
 * table (a recursive walk of the reference table: a region's tree is small, the cases' column indexed).
 */
function filterTree(qb: Knex.QueryBuilder, table: 'territories' | 'organisations', column: string, id: string | undefined, subtree: boolean | undefined): void {
  if (id === undefined) return;
  if (!subtree) { qb.where(`cases.${column}`, id); return; }
  qb.whereRaw(`cases.${column} in (with recursive sub(id) as (select ?::text union select t.id from ${table} t join sub on t.parent_id = sub.id) select id from sub)`, [id]);
}

export async function listCases(
  db: Db,
  user: AuthUser,
  filters: CaseFilters,
  page: { limit: number; cursor?: string },
  opts: { order?: CaseOrder; extra?: (qb: Knex.QueryBuilder) => void } = {},
): Promise<CasePage> {
  const order: CaseOrder = opts.order ?? (user.role === 'citizen' ? 'registered' : 'due');
  const qb = db('cases').select('cases.*').where('cases.case_type', 'appeal');
  scopeCases(qb, user);
  const eq: [keyof CaseFilters, string][] = [
    ['status', 'status'], ['kind', 'kind'], ['regionId', 'region_id'], ['categoryId', 'category_id'],
    ['subcategoryId', 'subcategory_id'], ['channel', 'channel'],
  ];
  for (const [k, col] of eq) if (filters[k] !== undefined) qb.where(`cases.${col}`, filters[k] as string);
  filterTree(qb, 'territories', 'territory_id', filters.territoryId, filters.territorySubtree);
  filterTree(qb, 'organisations', 'organisation_id', filters.organisationId, filters.organisationSubtree);
  if (filters.registeredFrom !== undefined) qb.where('cases.registered_at', '>=', pgTimestamp(filters.registeredFrom));
  if (filters.registeredTo !== undefined) qb.where('cases.registered_at', '<', pgTimestamp(filters.registeredTo));
  if (filters.overdue !== undefined) qb.whereRaw(overdueFilterSql(filters.overdue));
  if (filters.advisoryMissed !== undefined) qb.where('cases.advisory_missed', filters.advisoryMissed);
  if (filters.open === true) qb.whereNot('cases.status', 'closed');
  if (filters.open === false) qb.where('cases.status', 'closed');
  if (filters.dueFrom !== undefined) qb.where('cases.answer_due_at', '>=', pgTimestamp(filters.dueFrom));
  if (filters.dueTo !== undefined) qb.where('cases.answer_due_at', '<=', pgTimestamp(filters.dueTo));
  opts.extra?.(qb);
  // Queue: ascending by (term, id); citizens' lists: descending by (registration, id).
  const sortExpr = order === 'due' ? DUE_SORT : 'cases.registered_at';
  const { rows, nextCursor } = await keysetPage<CaseRow>(db, qb, { order, sortExpr, idColumn: 'cases.id' }, page);
  return { items: rows.map((r) => toCase(r, user)), nextCursor };
}
