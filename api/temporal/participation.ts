// The participation events' core, shared by every type (poll, vote, discussion, hearing): creation
// (event number, intake row, workflow start, wait for the 'created' projection), the lifecycle updates,
// the read model as the API shows it, and the registry where each type plugs in its own rules
// (settings, responses, offline results, results). Free of Express.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy, type UpdateDefinition } from '@temporalio/common';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { Db } from '../../db/connection';
import type { Actor } from '../../workflows/appeal/messages';
import {
  PARTICIPATION_TYPES, ineligibility, resultsVisible, scheduleProblems,
  type Audience, type EventSchedule, type EventStatus, type ParticipationType, type ResultsVisibility,
} from '../../workflows/participation/lifecycle';
import type { ParticipationInput, ParticipationState } from '../../workflows/participation/messages';
import type { AuthUser } from '../auth';
import { encodeCursor as encodeCaseCursor } from '../cases';
import { HttpProblem, PROBLEM, problems } from '../problem';
import { requestHash, type TemporalContext } from './appeal';

// ---------------------------------------------------------------------------------------------------
// Types of events: each plugs its rules in here (api/handlers/<type>.ts calls registerParticipationType).

export interface EventRow {
  id: string;
  type: ParticipationType;
  region_id: string;
  organisation_id: string;
  title: string;
  description: string | null;
  status: EventStatus;
  phase: string | null;
  opens_at: Date;
  closes_at: Date;
  results_visibility: ResultsVisibility;
  audience: Audience;
  anonymous: boolean;
  settings: Record<string, unknown>;
  state: Partial<ParticipationState>;
  results: unknown;
  last_seq: number;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface ParticipationTypeApi {
  /** Problems with a new event's settings (→ 422); empty when they are fine. May normalise them. */
  settings?(db: Db, settings: Record<string, unknown>, event: { regionId: string; organisationId: string; schedule: EventSchedule }):
    Promise<{ problems: string[]; settings?: Record<string, unknown> }>;
  /** Checks one person's response and returns what to store (never who sent it); problems → 422. */
  response?(db: Db, event: EventRow, body: Record<string, unknown>): Promise<{ problems: string[]; payload?: unknown }>;
  /** Checks paper / offline results before they are recorded; problems → 422. */
  offline?(db: Db, event: EventRow, payload: unknown): Promise<string[]>;
  /** Aggregated results from Postgres (online and offline, aggregates only). */
  results?(db: Db, eventId: string): Promise<unknown>;
}

const registry = new Map<ParticipationType, ParticipationTypeApi>();

export function registerParticipationType(type: ParticipationType, api: ParticipationTypeApi): void {
  registry.set(type, api);
}

export function participationType(type: ParticipationType): ParticipationTypeApi {
  return registry.get(type) ?? {};
}

/** The workflow type of an event type: pollWorkflow, voteWorkflow, discussionWorkflow, hearingWorkflow. */
export function eventWorkflowType(type: ParticipationType): string {
  return `${type}Workflow`;
}

// ---------------------------------------------------------------------------------------------------
// Who may see and organise an event

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

export async function loadEventRow(db: Db | Knex.Transaction, eventId: string): Promise<EventRow | undefined> {
  return (await db('participation_events').where({ id: eventId }).first()) as EventRow | undefined;
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

// ---------------------------------------------------------------------------------------------------
// Representation

function iso(v: Date | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}

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

/**
 * Results as anyone may see them: null before they are visible (resultsVisible: after the close, or
 * while open for 'live' events; organisers see them at the same moments). Published results are the
 * stored snapshot (refreshed when offline results are added later); otherwise computed from Postgres.
 */
export async function visibleResults(db: Db, row: EventRow): Promise<unknown | null> {
  if (!resultsVisible(row.status, row.results_visibility)) return null;
  if (row.status === 'results_published' && row.results != null) return row.results;
  const compute = participationType(row.type).results;
  return compute ? compute(db, row.id) : (row.results ?? null);
}

export async function eventDetail(db: Db, row: EventRow, viewer: AuthUser) {
  const body: Record<string, unknown> = { ...toEvent(row), timeline: await eventTimeline(db, row.id, viewer), results: await visibleResults(db, row) };
  if (viewer.role === 'citizen') body.participated = await hasParticipated(db, row, viewer.id);
  return body;
}

/** Waits until the read model has projected step `seq` of the event's workflow. */
export async function waitForEventProjection(db: Db, eventId: string, seq: number, timeoutMs = 5000): Promise<EventRow | undefined> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  for (;;) {
    const row = await loadEventRow(db, eventId);
    if ((row && row.last_seq >= seq) || Date.now() >= deadline) return row;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}

/** The row with what a state just returned by the workflow says, when the read model lags behind. */
export function overlayEventState(row: EventRow, s: ParticipationState): EventRow {
  return {
    ...row, status: s.status, phase: s.phase, opens_at: new Date(s.schedule.opensAt), closes_at: new Date(s.schedule.closesAt),
    results_visibility: s.schedule.resultsVisibility, state: s, last_seq: s.seq,
  };
}

// ---------------------------------------------------------------------------------------------------
// Lists

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

// ---------------------------------------------------------------------------------------------------
// Creation

export interface EventCreate {
  type: ParticipationType;
  organisationId: string;
  title: string;
  description?: string;
  schedule: EventSchedule;
  audience?: { territoryIds?: string[]; minAge?: number | null };
  anonymous?: boolean;
  settings: Record<string, unknown>;
}

export function eventNumber(type: string, prefix: string, year: number, seq: number): string {
  return `${type}-${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

interface EventIntakeRow {
  user_id: number;
  idempotency_key: string;
  request_hash: string;
  event_id: string;
  request: ParticipationInput;
  created_at: Date;
  started_at: Date | null;
}

async function ensureEventStarted(client: Client, taskQueue: string, input: ParticipationInput): Promise<void> {
  try {
    await client.workflow.start(eventWorkflowType(input.type), {
      workflowId: input.eventId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
}

/** Checks the request against the reference data and the type's rules; the workflow input without its id. */
async function checkEventCreate(db: Db, user: AuthUser, body: EventCreate): Promise<Omit<ParticipationInput, 'eventId'> & { numberPrefix: string; timeZone: string }> {
  if (!PARTICIPATION_TYPES.includes(body.type)) throw problems.field('body', '/type', `must be one of ${PARTICIPATION_TYPES.join(', ')}`);
  const org = await db('organisations').where({ id: body.organisationId }).first('id', 'region_id');
  if (!org) throw problems.field('body', '/organisationId', `there is no organisation ${body.organisationId}`);
  if (!(user.role === 'administrator' || (user.role === 'operator' && user.organisationId === body.organisationId))) {
    throw problems.forbidden('Only an operator of the organising organisation or an administrator may create its events.');
  }
  const region = await db('regions').where({ id: org.region_id }).first('id', 'number_prefix', 'time_zone');
  const territoryIds = [...new Set(body.audience?.territoryIds ?? [])];
  if (territoryIds.length > 0) {
    const found = await db('territories').whereIn('id', territoryIds).where({ region_id: org.region_id }).pluck('id');
    const missing = territoryIds.filter((t) => !found.includes(t));
    if (missing.length > 0) throw problems.field('body', '/audience/territoryIds', `no territories ${missing.join(', ')} in region ${org.region_id}`);
  }
  const schedule: EventSchedule = {
    opensAt: new Date(body.schedule.opensAt).toISOString(),
    closesAt: new Date(body.schedule.closesAt).toISOString(),
    resultsVisibility: body.schedule.resultsVisibility ?? 'after_close',
  };
  const scheduleIssues = scheduleProblems({ ...body.schedule, resultsVisibility: schedule.resultsVisibility }, new Date().toISOString());
  if (scheduleIssues.length > 0) throw problems.unprocessable(`The schedule cannot be used: ${scheduleIssues.join('; ')}.`);
  let settings = body.settings ?? {};
  const check = participationType(body.type).settings;
  if (check) {
    const r = await check(db, settings, { regionId: org.region_id, organisationId: org.id, schedule });
    if (r.problems.length > 0) throw problems.unprocessable(`The ${body.type}'s settings cannot be used: ${r.problems.join('; ')}.`);
    settings = r.settings ?? settings;
  }
  const createdBy: Actor = { userId: user.id, role: user.role, name: user.name, organisationId: user.organisationId, regionId: user.regionId };
  return {
    type: body.type, regionId: org.region_id, organisationId: org.id, title: body.title, description: body.description ?? null,
    schedule, audience: { territoryIds, minAge: body.audience?.minAge ?? null }, anonymous: body.anonymous ?? false, settings, createdBy,
    numberPrefix: region.number_prefix, timeZone: region.time_zone,
  };
}

/**
 * Creates an event in draft. In one transaction: reuse the intake of the same (user, Idempotency-Key),
 * or allocate the next number of the region's year for the type and store the intake. Then start the
 * type's workflow (idempotent) and wait until its 'created' step is in the read model.
 */
export async function createEvent(ctx: TemporalContext, user: AuthUser, idempotencyKey: string, body: EventCreate): Promise<{ row: EventRow; replayed: boolean }> {
  const { db } = ctx;
  const hash = requestHash(body);
  const { intake, replayed } = await db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?, hashtext(?))', [user.id, `event:${idempotencyKey}`]);
    const existing = (await trx('participation_intake').where({ user_id: user.id, idempotency_key: idempotencyKey }).first()) as EventIntakeRow | undefined;
    if (existing) {
      if (existing.request_hash !== hash) {
        throw new HttpProblem({
          status: 422, type: PROBLEM.idempotencyKeyReused, title: 'Idempotency-Key reused',
          detail: `This Idempotency-Key was used for a different request (event ${existing.event_id}). Use a new key for a new event.`,
        });
      }
      return { intake: existing, replayed: true };
    }
    const checked = await checkEventCreate(db, user, body);
    const { numberPrefix, timeZone, ...rest } = checked;
    const local = DateTime.now().setZone(timeZone);
    const year = local.isValid ? local.year : new Date().getUTCFullYear();
    const counter = await trx.raw(
      `insert into participation_counters (region_id, type, year, last_value) values (?, ?, ?, 1)
       on conflict (region_id, type, year) do update set last_value = participation_counters.last_value + 1
       returning last_value`,
      [rest.regionId, rest.type, year],
    );
    const eventId = eventNumber(rest.type, numberPrefix, year, Number(counter.rows[0].last_value));
    const request: ParticipationInput = { eventId, ...rest };
    const row: EventIntakeRow = {
      user_id: user.id, idempotency_key: idempotencyKey, request_hash: hash, event_id: eventId, request, created_at: new Date(), started_at: null,
    };
    await trx('participation_intake').insert({ ...row, request: JSON.stringify(request) });
    return { intake: row, replayed: false };
  });
  const eventId = intake.event_id;
  if (!(replayed && intake.started_at)) {
    try {
      await ensureEventStarted(ctx.client, ctx.taskQueue, intake.request);
    } catch (e) {
      const code = (e as { code?: number })?.code;
      if (code === 14 || code === 4) throw problems.unavailable(`Event ${eventId} is accepted but not started yet. Repeat the request with the same Idempotency-Key.`);
      throw e;
    }
  }
  const row = await waitForEventProjection(db, eventId, 1, ctx.waitMs ?? 30_000);
  if (!row) throw problems.unavailable(`Event ${eventId} is created but not readable yet. Repeat the request with the same Idempotency-Key.`, 2);
  if (!intake.started_at) {
    await db('participation_intake').where({ user_id: user.id, idempotency_key: idempotencyKey }).whereNull('started_at').update({ started_at: db.fn.now() });
  }
  return { row, replayed };
}

/** Starts the workflows of event intakes whose start never happened (the API died in between). */
export async function startPendingEventIntake(client: Client, db: Db, taskQueue: string, olderThanSeconds = 30): Promise<number> {
  const rows = (await db('participation_intake')
    .whereNull('started_at')
    .where('created_at', '<', db.raw(`now() - make_interval(secs => ?)`, [olderThanSeconds]))
    .orderBy('created_at').limit(100)) as EventIntakeRow[];
  for (const row of rows) {
    await ensureEventStarted(client, taskQueue, row.request);
    await db('participation_intake').where({ user_id: row.user_id, idempotency_key: row.idempotency_key }).update({ started_at: db.fn.now() });
  }
  return rows.length;
}

// ---------------------------------------------------------------------------------------------------
// Lifecycle updates

/** Runs one of the shared updates (publish, extend, cancel) or a type's own on the event's workflow. */
export async function runEventUpdate<A>(
  ctx: TemporalContext, row: EventRow, update: UpdateDefinition<ParticipationState, [A]>, arg: A, updateId?: string,
): Promise<ParticipationState> {
  const handle = ctx.client.workflow.getHandle(row.id);
  try {
    return await ctx.client.withDeadline(Date.now() + (ctx.waitMs ?? 30_000), () =>
      handle.executeUpdate(update, { args: [arg], ...(updateId ? { updateId } : {}) }));
  } catch (e) {
    // The workflow has completed (results published or cancelled): nothing more can be done to it.
    if (e instanceof WorkflowNotFoundError) {
      const now = await loadEventRow(ctx.db, row.id);
      if (now) throw problems.invalidTransition(`Event ${row.id} is ${now.status.replace('_', ' ')}; it cannot be changed any more.`);
      throw problems.notFound(`There is no event ${row.id}.`);
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------
// Participation: eligibility, the anonymous key, responses

/** The person's territory and its ancestors, nearest first, and date of birth (from users). */
export async function personOf(db: Db, userId: number): Promise<{ territoryPath: string[]; birthDate: string | null }> {
  const user = await db('users').where({ id: userId }).first('territory_id', db.raw(`to_char(birth_date, 'YYYY-MM-DD') as birth_date`));
  if (!user?.territory_id) return { territoryPath: [], birthDate: user?.birth_date ?? null };
  const path = await db.raw(
    `with recursive up(id, parent_id, depth) as (
       select id, parent_id, 0 from territories where id = ?
       union all
       select t.id, t.parent_id, up.depth + 1 from territories t join up on t.id = up.parent_id where up.depth < 50
     ) select id from up order by depth`,
    [user.territory_id],
  );
  return { territoryPath: path.rows.map((r: { id: string }) => r.id), birthDate: user.birth_date ?? null };
}

/** Why the user may not take part now (403), or null. */
export async function eligibilityProblem(db: Db, row: EventRow, userId: number): Promise<string | null> {
  const audience: Audience = { territoryIds: row.audience?.territoryIds ?? [], minAge: row.audience?.minAge ?? null };
  return ineligibility(audience, await personOf(db, userId), new Date().toISOString());
}

/** The per-event salt of anonymous keys, created on first use; it never leaves the server. */
async function eventSalt(db: Db, eventId: string): Promise<string> {
  await db('participation_salts').insert({ event_id: eventId, salt: randomBytes(32).toString('hex') }).onConflict('event_id').ignore();
  return (await db('participation_salts').where({ event_id: eventId }).first('salt')).salt as string;
}

/** Who a response belongs to: the user id, or for an anonymous event HMAC-SHA256(per-event salt, user id). */
export async function participantKey(db: Db, row: Pick<EventRow, 'id' | 'anonymous'>, userId: number): Promise<string> {
  if (!row.anonymous) return String(userId);
  return createHmac('sha256', await eventSalt(db, row.id)).update(String(userId)).digest('hex');
}

export async function hasParticipated(db: Db, row: Pick<EventRow, 'id' | 'anonymous'>, userId: number): Promise<boolean> {
  const key = await participantKey(db, row, userId);
  return !!(await db('participation_responses').where({ event_id: row.id, participant_key: key }).first('id'));
}

function alreadyTakenPart(): HttpProblem {
  return problems.conflict('You have already taken part in this event. One response per person is accepted, and it cannot be changed or sent again.');
}

function notOpen(row: EventRow): HttpProblem {
  const why: Record<string, string> = {
    draft: 'is not published yet', scheduled: `opens at ${iso(row.opens_at)}`, closed: 'has closed', results_published: 'has closed',
    cancelled: 'was cancelled',
  };
  return problems.invalidTransition(`Event ${row.id} is not open for responses: it ${why[row.status] ?? `is ${row.status}`}.`);
}

/**
 * Records one person's response: the event must be open, the person eligible, the payload valid for the
 * type. The insert itself checks that the event is open and that the person has not answered (unique
 * (event_id, participant_key)): a second response changes nothing and answers 409.
 */
export async function submitResponse(db: Db, row: EventRow, user: AuthUser, body: Record<string, unknown>): Promise<{ id: number; submittedAt: string }> {
  if (row.status !== 'open' || Date.now() >= new Date(row.closes_at).getTime()) throw notOpen(row);
  const ineligible = await eligibilityProblem(db, row, user.id);
  if (ineligible) throw problems.forbidden(`You cannot take part in this event: ${ineligible}.`);
  const check = participationType(row.type).response;
  if (!check) throw problems.unprocessable(`Events of type ${row.type} take no responses here.`);
  const key = await participantKey(db, row, user.id);
  // A repeat is told so whatever it contains; the insert below still decides races (unique constraint).
  if (await db('participation_responses').where({ event_id: row.id, participant_key: key }).first('id')) throw alreadyTakenPart();
  const r = await check(db, row, body);
  if (r.problems.length > 0) throw problems.unprocessable(`The response cannot be accepted: ${r.problems.join('; ')}.`);
  const inserted = await db.raw(
    `insert into participation_responses (event_id, participant_key, payload)
     select ?, ?, ?::jsonb where exists (select 1 from participation_events where id = ? and status = 'open' and closes_at > now())
     on conflict (event_id, participant_key) do nothing
     returning id, created_at`,
    [row.id, key, JSON.stringify(r.payload ?? body), row.id],
  );
  if (inserted.rows.length === 1) return { id: Number(inserted.rows[0].id), submittedAt: iso(inserted.rows[0].created_at) as string };
  if (await db('participation_responses').where({ event_id: row.id, participant_key: key }).first('id')) {
    throw alreadyTakenPart();
  }
  throw notOpen((await loadEventRow(db, row.id)) ?? row);
}

/** Number of online responses and of offline respondents recorded, per event. */
export async function responseCount(db: Db, eventId: string): Promise<number> {
  const [{ n }] = await db('participation_responses').where({ event_id: eventId }).count<{ n: string }[]>('* as n');
  return Number(n);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export { PARTICIPATION_TYPES };
