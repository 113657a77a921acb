// Creating participation events: the intake (domain/intake.ts), the workflow start, the wait for the
// 'created' step, and the recovery of intakes whose workflow was never started.
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { Db } from '../../db/connection';
import { loadRegionProfile } from '../../db/reference';
import { eventDurationProblem } from '../../workflows/rules/event-duration';
import type { Actor } from '../../workflows/shared/actor';
import { scheduleProblems, type EventSchedule, type ParticipationType } from '../../workflows/participation/lifecycle';
import type { ParticipationInput } from '../../workflows/participation/messages';
import type { AuthUser } from '../identity/users';
import { acceptIntake, markStarted, nextNumber, unstartedIntakes, type IntakeKind } from '../intake';
import { problems } from '../problem';
import { DEFAULT_WAIT_MS, startOnce, type TemporalContext } from '../temporal';
import { waitForEventProjection, type EventRow } from './read-model';
import { isParticipationType, participationType, PARTICIPATION_TYPES } from './registry';

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

/** Starts the event's workflow (startOnce). */
async function ensureEventStarted(client: Client, taskQueue: string, input: ParticipationInput): Promise<void> {
  await startOnce(client, participationType(input.type).workflowType, input.eventId, taskQueue, input);
}

/**
 * The region's allowed duration of this participation type (its regulation profile): 422 naming the
 * schedule field (`path`) when the event would run shorter or longer; nothing is enforced where the
 * profile sets no range. Used by the create and extend paths.
 */
export async function checkRegionalDuration(db: Db, regionId: string, type: string, schedule: { opensAt: string; closesAt: string }, path: string): Promise<void> {
  const profile = await loadRegionProfile(db, regionId);
  const problem = eventDurationProblem(type, schedule, profile?.eventDurations);
  if (problem) throw problems.unprocessable(`The schedule cannot be used: ${problem}.`, [{ in: 'body', path, message: problem }]);
}

/** Checks the request against the reference data and the type's rules; the workflow input without its id. */
async function checkEventCreate(db: Db, user: AuthUser, body: EventCreate): Promise<Omit<ParticipationInput, 'eventId'> & { numberPrefix: string; timeZone: string }> {
  if (!isParticipationType(body.type)) throw problems.field('body', '/type', `must be one of ${Object.keys(PARTICIPATION_TYPES).join(', ')}`);
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
  await checkRegionalDuration(db, org.region_id, body.type, schedule, '/schedule/closesAt');
  const asked = body.settings ?? {};
  const checked = await participationType(body.type).settings(db, asked, { regionId: org.region_id, organisationId: org.id, schedule });
  if (checked.problems.length > 0) throw problems.unprocessable(`The ${body.type}'s settings cannot be used: ${checked.problems.join('; ')}.`);
  const settings = checked.settings ?? asked;
  const createdBy: Actor = { userId: user.id, role: user.role, name: user.name, organisationId: user.organisationId, regionId: user.regionId };
  return {
    type: body.type, regionId: org.region_id, organisationId: org.id, title: body.title, description: body.description ?? null,
    schedule, audience: { territoryIds, minAge: body.audience?.minAge ?? null }, anonymous: body.anonymous ?? false, settings, createdBy,
    numberPrefix: region.number_prefix, timeZone: region.time_zone,
  };
}

/** Where events' intakes are kept (domain/intake.ts); their lock keys are apart from appeals'. */
const EVENT_INTAKE: IntakeKind<EventIntakeRow> = {
  table: 'participation_intake', userColumn: 'user_id', lockKey: (key) => `event:${key}`, describe: (row) => `event ${row.event_id}`, newRequest: 'event',
};

/** The intake row of a new event, inside the intake transaction: the request checked, the next number of the region's year for the type. */
async function newEventIntake(db: Db, trx: Knex.Transaction, user: AuthUser, idempotencyKey: string, body: EventCreate, hash: string): Promise<EventIntakeRow> {
  const { numberPrefix, timeZone, ...rest } = await checkEventCreate(db, user, body);
  const local = DateTime.now().setZone(timeZone);
  const year = local.isValid ? local.year : new Date().getUTCFullYear();
  const eventId = eventNumber(rest.type, numberPrefix, year, await nextNumber(trx, 'participation_counters', { region_id: rest.regionId, type: rest.type, year }));
  return { user_id: user.id, idempotency_key: idempotencyKey, request_hash: hash, event_id: eventId, request: { eventId, ...rest }, created_at: new Date(), started_at: null };
}

/**
 * Creates an event in draft: the intake (domain/intake.ts: a repeat of the same Idempotency-Key gets
 * the same event), then the type's workflow started (idempotent) and its 'created' step awaited in
 * the read model.
 */
export async function createEvent(ctx: TemporalContext, user: AuthUser, idempotencyKey: string, body: EventCreate): Promise<{ row: EventRow; replayed: boolean }> {
  const { db } = ctx;
  const { intake, replayed } = await acceptIntake(db, EVENT_INTAKE, { userId: user.id, idempotencyKey, body }, (trx, hash) =>
    newEventIntake(db, trx, user, idempotencyKey, body, hash));
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
  const row = await waitForEventProjection(db, eventId, 1, ctx.waitMs ?? DEFAULT_WAIT_MS);
  if (!row) throw problems.unavailable(`Event ${eventId} is created but not readable yet. Repeat the request with the same Idempotency-Key.`, 2);
  if (!intake.started_at) await markStarted(db, EVENT_INTAKE, user.id, idempotencyKey);
  return { row, replayed };
}

/** Starts the workflows of event intakes whose start never happened (the API died in between). */
export async function startPendingEventIntake(client: Client, db: Db, taskQueue: string, olderThanSeconds = 30): Promise<number> {
  const rows = await unstartedIntakes(db, EVENT_INTAKE, olderThanSeconds);
  for (const row of rows) {
    await ensureEventStarted(client, taskQueue, row.request);
    await markStarted(db, EVENT_INTAKE, row.user_id, row.idempotency_key);
  }
  return rows.length;
}
