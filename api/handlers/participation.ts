// The events API shared by every participation type: create, list, read, publish, extend, cancel;
// responses (polls' answers, votes' ballots), results and offline results. Type-specific rules come
// from the registry in domain/participation/ (api/handlers/poll.ts, vote.ts, discussion.ts, …).
import { resultsVisible } from '../../workflows/participation/lifecycle';
import {
  cancelEventUpdate, extendEventUpdate, publishEventUpdate, type ParticipationState,
} from '../../workflows/participation/messages';
import type { UpdateDefinition } from '@temporalio/common';
import { problems } from '../../domain/problem';
import type { Ctx, Handlers, OperationId, Reply } from '../routes';
import { actorOf } from '../../domain/cases/commands';
import { createEvent, type EventCreate } from '../../domain/participation/intake';
import { eventDetail, visibleResults } from '../../domain/participation/representation';
import { listEvents, type EventFilters } from '../../domain/participation/lists';
import { loadEventRow, overlayEventState, waitForEventProjection, type EventRow } from '../../domain/participation/read-model';
import { organisedEvent, visibleEvent } from '../../domain/participation/access';
import { participationType } from '../../domain/participation/registry';
import { runEventUpdate } from '../../domain/participation/commands';
import { submitResponse } from '../../domain/participation/responses';
import type { Actor } from '../../workflows/appeal/messages';
import { temporalContext } from './cases';

type EventOp = Extract<OperationId, 'publishEvent' | 'extendEvent' | 'cancelEvent'>;

/**
 * A lifecycle action: the event must be visible (404) and organised by the caller (403); the workflow's
 * validators decide the rest (403 / 409 / 422). Returns the event as it is after the action.
 */
export async function eventAction<K extends OperationId, A>(
  ctx: Ctx<K>,
  action: string,
  update: UpdateDefinition<ParticipationState, [A]>,
  arg: (actor: Actor) => A,
): Promise<Reply> {
  const { deps, user } = ctx;
  const eventId = (ctx.input.params as unknown as { eventId: string }).eventId;
  const row = await organisedEvent(deps.db, user, eventId);
  const key = (ctx.input.headers as { 'Idempotency-Key'?: string } | undefined)?.['Idempotency-Key'];
  const updateId = key ? `${eventId}:${action}:${key}` : undefined;
  const state = await runEventUpdate(temporalContext(deps), row, update, arg(actorOf(user)), updateId);
  const fresh = (await waitForEventProjection(deps.db, eventId, state.seq)) ?? row;
  const shown = fresh.last_seq >= state.seq ? fresh : overlayEventState(fresh, state);
  return { status: 200, body: await eventDetail(deps.db, shown, user) };
}


export const participationHandlers = {
  async createEvent({ input, user, deps }): Promise<Reply> {
    const { row, replayed } = await createEvent(temporalContext(deps), user, input.headers['Idempotency-Key'], input.body as unknown as EventCreate);
    const body = await eventDetail(deps.db, row, user);
    if (replayed) return { status: 200, body, headers: { 'Idempotent-Replayed': 'true' } };
    return { status: 201, body, headers: { Location: `/events/${encodeURIComponent(row.id)}` } };
  },

  async listEvents({ input, user, deps }) {
    const { limit, cursor, ...filters } = input.query;
    return { status: 200, body: await listEvents(deps.db, user, filters as EventFilters, { limit: limit ?? 20, cursor }) };
  },

  async getEvent({ input, user, deps }) {
    const row = await visibleEvent(deps.db, user, input.params.eventId);
    return { status: 200, body: await eventDetail(deps.db, row, user) };
  },

  publishEvent: (ctx) => eventAction(ctx, 'publish', publishEventUpdate, (actor) => ({ actor })),

  extendEvent: (ctx) => {
    const closesAt = ctx.input.body.closesAt;
    if (new Date(closesAt).getUTCFullYear() > 9999) throw problems.field('body', '/closesAt', 'must be before the year 10000 (UTC)');
    return eventAction(ctx, 'extend', extendEventUpdate, (actor) => ({ actor, closesAt, reason: ctx.input.body.reason }));
  },

  cancelEvent: (ctx) => eventAction(ctx, 'cancel', cancelEventUpdate, (actor) => ({ actor, reason: ctx.input.body.reason })),

  async submitEventResponse({ input, user, deps }) {
    const row = await visibleEvent(deps.db, user, input.params.eventId);
    const r = await submitResponse(deps.db, row, user, input.body as unknown as Record<string, unknown>);
    return { status: 201, body: { eventId: row.id, submittedAt: r.submittedAt, anonymous: row.anonymous } };
  },

  async getEventResults({ input, user, deps }) {
    const row = await visibleEvent(deps.db, user, input.params.eventId);
    if (!resultsVisible(row.status, row.results_visibility)) {
      throw problems.invalidTransition(
        row.status === 'cancelled'
          ? `Event ${row.id} was cancelled; it has no results.`
          : `The results of event ${row.id} are not visible yet: they are shown ${row.results_visibility === 'live' ? 'once it opens' : 'when it closes'} (${row.closes_at instanceof Date ? row.closes_at.toISOString() : row.closes_at}).`,
      );
    }
    return { status: 200, body: { eventId: row.id, type: row.type, status: row.status, results: await visibleResults(deps.db, row) } };
  },

  async addOfflineResults({ input, user, deps }) {
    const row = await organisedEvent(deps.db, user, input.params.eventId);
    if (!['open', 'closed', 'results_published'].includes(row.status)) {
      throw problems.invalidTransition(`Offline results can be added once the event has opened; event ${row.id} is ${row.status}.`);
    }
    const check = participationType(row.type).offline;
    if (!check) throw problems.unprocessable(`Events of type ${row.type} take no offline results.`);
    const issues = await check(deps.db, row, input.body.results);
    if (issues.length > 0) throw problems.unprocessable(`The offline results cannot be recorded: ${issues.join('; ')}.`);
    const [rec] = await deps.db('participation_offline_results')
      .insert({ event_id: row.id, payload: JSON.stringify(input.body.results), note: input.body.note ?? null, recorded_by: user.id })
      .returning(['id', 'recorded_at']);
    await refreshPublishedResults(deps.db, row.id);
    const fresh = (await loadEventRow(deps.db, row.id)) as EventRow;
    return {
      status: 201,
      body: { id: Number(rec.id), recordedAt: new Date(rec.recorded_at).toISOString(), results: await visibleResults(deps.db, fresh) },
    };
  },
} satisfies Partial<Handlers>;

/** Published results are a snapshot: offline results recorded afterwards refresh it. */
export async function refreshPublishedResults(db: Parameters<typeof visibleResults>[0], eventId: string): Promise<void> {
  const row = await loadEventRow(db, eventId);
  if (!row || row.status !== 'results_published') return;
  const compute = participationType(row.type).results;
  if (!compute) return;
  const results = await compute(db, eventId);
  await db('participation_events').where({ id: eventId, status: 'results_published' }).update({ results: JSON.stringify(results) });
}

