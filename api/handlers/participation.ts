// The events API shared by every participation type: create, list, read, publish, extend, cancel;
// responses (polls' answers, votes' ballots), results and offline results. Type-specific rules come
// from the registry in domain/participation/ (api/handlers/poll.ts, vote.ts, discussion.ts, …).
import {
  cancelEventUpdate, extendEventUpdate, publishEventUpdate, type ParticipationState,
} from '../../workflows/participation/messages';
import type { UpdateDefinition } from '@temporalio/common';
import { problems } from '../../domain/problem';
import type { Ctx, Handlers, OperationId, Reply } from '../routes';
import { actorOf } from '../../domain/cases/commands';
import { checkRegionalDuration, createEvent, type EventCreate } from '../../domain/participation/intake';
import { eventDetail } from '../../domain/participation/representation';
import { addOfflineResults, eventResults } from '../../domain/participation/results';
import { listEvents, type EventFilters } from '../../domain/participation/lists';
import { overlayEventState, waitForEventProjection } from '../../domain/participation/read-model';
import { organisedEvent, visibleEvent } from '../../domain/participation/access';
import { runEventUpdate } from '../../domain/participation/commands';
import { submitResponse } from '../../domain/participation/responses';
import type { Actor } from '../../workflows/shared/actor';
import { temporalContext } from './cases';

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

  extendEvent: async (ctx) => {
    const closesAt = ctx.input.body.closesAt;
    if (new Date(closesAt).getUTCFullYear() > 9999) throw problems.field('body', '/closesAt', 'must be before the year 10000 (UTC)');
    // An extension may not take the event past its region's allowed duration either.
    const row = await organisedEvent(ctx.deps.db, ctx.user, ctx.input.params.eventId);
    await checkRegionalDuration(ctx.deps.db, row.region_id, row.type, { opensAt: row.opens_at.toISOString(), closesAt }, '/closesAt');
    return eventAction(ctx, 'extend', extendEventUpdate, (actor) => ({ actor, closesAt, reason: ctx.input.body.reason }));
  },

  cancelEvent: (ctx) => eventAction(ctx, 'cancel', cancelEventUpdate, (actor) => ({ actor, reason: ctx.input.body.reason })),

  async submitEventResponse({ input, user, deps }) {
    const row = await visibleEvent(deps.db, user, input.params.eventId);
    const r = await submitResponse(deps.db, row, user, input.body as unknown as Record<string, unknown>);
    return { status: 201, body: { eventId: row.id, submittedAt: r.submittedAt, anonymous: row.anonymous } };
  },

  async getEventResults({ input, user, deps }) {
    return { status: 200, body: await eventResults(deps.db, user, input.params.eventId) };
  },

  async addOfflineResults({ input, user, deps }) {
    return { status: 201, body: await addOfflineResults(deps.db, user, input.params.eventId, input.body) };
  },
} satisfies Partial<Handlers>;
