// Webhook subscriptions and their delivery log as the API manages them: who may manage which
// subscription, creation with a one-time secret, changes, pause and resume, replay. Free of Express so
// that ops scripts and tests can use it. Workflows are started by the fan-out (ops/webhook-fanout.ts):
// here a replay or a resume only makes a delivery 'pending' again under a new run number.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { generateWebhookSecret, SECRET_ROTATION_GRACE_MS } from '../outbound/webhook/signature';
import { refusedUrlHost } from '../outbound/webhook/destination';
import { webhookHttpAllowed } from './webhook-policy';

export type WebhookSubscription = components['schemas']['WebhookSubscription'];
export type WebhookDelivery = components['schemas']['WebhookDelivery'];
type SubscriptionCreate = components['schemas']['WebhookSubscriptionCreate'];
type SubscriptionPatch = components['schemas']['WebhookSubscriptionPatch'];

interface SubscriptionRow {
  id: string;
  organisation_id: string;
  url: string;
  event_types: string[];
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  status: 'active' | 'paused';
  failing_since: Date | null;
  paused_at: Date | null;
  paused_reason: 'failing' | 'manual' | null;
  owner_email: string | null;
  description: string | null;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toSubscription(row: SubscriptionRow): WebhookSubscription {
  return {
    id: Number(row.id),
    organisationId: row.organisation_id,
    url: row.url,
    events: row.event_types as WebhookSubscription['events'],
    status: row.status,
    failingSince: iso(row.failing_since),
    pausedAt: iso(row.paused_at),
    pausedReason: row.paused_reason,
    ownerEmail: row.owner_email,
    description: row.description,
    createdBy: row.created_by,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
  };
}

/** The organisations whose subscriptions the user manages; 'all' for administrators. */
function managedOrganisations(user: AuthUser): string[] | 'all' {
  if (user.role === 'administrator') return 'all';
  if (user.role === 'operator') return user.organisationId ? [user.organisationId] : [];
  if (user.role === 'integration') return user.organisationSubtree ?? [];
  return [];
}

function manages(user: AuthUser, organisationId: string): boolean {
  const managed = managedOrganisations(user);
  return managed === 'all' || managed.includes(organisationId);
}

/** The subscription if the user manages it; 404 otherwise, so that others' subscriptions stay unseen. */
export async function managedSubscription(db: Db | Knex.Transaction, user: AuthUser, id: number, lock = false): Promise<SubscriptionRow> {
  const q = db('webhook_subscriptions').where({ id });
  const row = (await (lock ? q.forUpdate().first() : q.first())) as SubscriptionRow | undefined;
  if (!row || !manages(user, row.organisation_id)) throw problems.notFound(`There is no webhook subscription ${id}.`);
  return row;
}

/**
 * A subscription URL: absolute http(s), https only unless allowed, no credentials in it (they would be
 * logged), not at this machine or a link-local address (domain/outbound/webhook/destination.ts).
 */
export function checkWebhookUrl(raw: string, allowHttp = webhookHttpAllowed()): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw problems.field('body', '/url', 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowHttp)) {
    throw problems.field('body', '/url', allowHttp ? 'must be an http:// or https:// URL' : 'must be an https:// URL (http:// is not allowed on this platform)');
  }
  if (url.username || url.password) throw problems.field('body', '/url', 'must not contain a user name or password; authenticate the requests by their signature');
  const refused = refusedUrlHost(url, allowHttp);
  if (refused) throw problems.field('body', '/url', `must not point at ${refused}`);
  return url.toString();
}

export async function createSubscription(db: Db, user: AuthUser, body: SubscriptionCreate): Promise<WebhookSubscription & { secret: string }> {
  let organisationId = body.organisationId;
  if (!organisationId) {
    if (user.role === 'administrator') throw problems.field('body', '/organisationId', 'is required for an administrator: whose events to send');
    organisationId = user.organisationId ?? undefined;
  }
  if (!organisationId) throw problems.forbidden('You belong to no organisation.');
  if (!(await db('organisations').where({ id: organisationId }).first('id'))) {
    throw problems.field('body', '/organisationId', `there is no organisation ${organisationId}`);
  }
  if (!manages(user, organisationId)) throw problems.forbidden(`You may not manage webhooks of ${organisationId}.`);
  const url = checkWebhookUrl(body.url);
  const secret = generateWebhookSecret();
  const row = await db.transaction(async (trx) => {
    // Only what happens from now on is sent: the newest event id at creation is the starting point.
    const { rows: [newest] } = await trx.raw('select coalesce(max(id), 0) as id from case_events');
    const [inserted] = await trx('webhook_subscriptions').insert({
      organisation_id: organisationId,
      url,
      event_types: body.events ?? [],
      secret,
      starts_after_event_id: newest.id,
      created_by: user.id,
      owner_email: body.ownerEmail ?? user.email ?? null,
      description: body.description ?? null,
    }).returning('*');
    return inserted as SubscriptionRow;
  });
  return { ...toSubscription(row), secret };
}

export async function listSubscriptions(db: Db, user: AuthUser, query: { organisationId?: string; status?: 'active' | 'paused' }): Promise<WebhookSubscription[]> {
  const managed = managedOrganisations(user);
  const q = db('webhook_subscriptions').orderBy('id');
  if (managed !== 'all') q.whereIn('organisation_id', managed);
  if (query.organisationId) q.where({ organisation_id: query.organisationId });
  if (query.status) q.where({ status: query.status });
  return ((await q.select('*')) as SubscriptionRow[]).map(toSubscription);
}

/** Holds what is not yet delivered; used by a pause by hand (pauses for failing: activities/webhook.ts). */
async function holdUndelivered(trx: Knex.Transaction, subscriptionId: string): Promise<void> {
  await trx('webhook_deliveries').where({ subscription_id: subscriptionId }).whereIn('status', ['pending', 'delivering'])
    .update({ status: 'held', next_attempt_at: null });
}

/**
 * Active again: the failure streak forgotten, and each held delivery pending under a new run, so that
 * the fan-out starts a fresh workflow for it and an old run still waiting for its retry stands down.
 */
async function resumeIn(trx: Knex.Transaction, sub: SubscriptionRow): Promise<void> {
  await trx('webhook_subscriptions').where({ id: sub.id })
    .update({ status: 'active', failing_since: null, paused_at: null, paused_reason: null, updated_at: trx.fn.now() });
  await trx('webhook_deliveries').where({ subscription_id: sub.id, status: 'held' })
    .update({ status: 'pending', run: trx.raw('run + 1'), workflow_id: null, next_attempt_at: null });
}

export async function resumeSubscription(db: Db, user: AuthUser, id: number): Promise<WebhookSubscription> {
  return db.transaction(async (trx) => {
    const sub = await managedSubscription(trx, user, id, true);
    await resumeIn(trx, sub);
    return toSubscription(await trx('webhook_subscriptions').where({ id }).first());
  });
}

export async function updateSubscription(db: Db, user: AuthUser, id: number, patch: SubscriptionPatch): Promise<WebhookSubscription> {
  const url = patch.url !== undefined ? checkWebhookUrl(patch.url) : undefined;
  return db.transaction(async (trx) => {
    const sub = await managedSubscription(trx, user, id, true);
    const changes: Record<string, unknown> = {};
    if (url !== undefined) changes.url = url;
    if (patch.events !== undefined) changes.event_types = patch.events;
    if (patch.ownerEmail !== undefined) changes.owner_email = patch.ownerEmail;
    if (patch.description !== undefined) changes.description = patch.description;
    if (Object.keys(changes).length > 0) await trx('webhook_subscriptions').where({ id }).update({ ...changes, updated_at: trx.fn.now() });
    if (patch.active === false && sub.status === 'active') {
      await trx('webhook_subscriptions').where({ id })
        .update({ status: 'paused', paused_at: trx.fn.now(), paused_reason: 'manual', updated_at: trx.fn.now() });
      await holdUndelivered(trx, sub.id);
    } else if (patch.active === true && sub.status === 'paused') {
      await resumeIn(trx, sub);
    }
    return toSubscription(await trx('webhook_subscriptions').where({ id }).first());
  });
}

export async function deleteSubscription(db: Db, user: AuthUser, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    await managedSubscription(trx, user, id, true);
    await trx('webhook_subscriptions').where({ id }).del();
  });
}

export async function rotateSecret(db: Db, user: AuthUser, id: number): Promise<WebhookSubscription & { secret: string }> {
  return db.transaction(async (trx) => {
    const current = await managedSubscription(trx, user, id, true);
    const secret = generateWebhookSecret();
    // The replaced secret signs next to the new one for a day: receivers switch over without a gap.
    const [row] = await trx('webhook_subscriptions').where({ id }).update({
      secret, previous_secret: current.secret, previous_secret_expires_at: new Date(Date.now() + SECRET_ROTATION_GRACE_MS), updated_at: trx.fn.now(),
    }).returning('*');
    return { ...toSubscription(row as SubscriptionRow), secret };
  });
}

interface DeliveryRow {
  id: string;
  subscription_id: string;
  case_event_id: string;
  event_type: string;
  case_id: string;
  status: WebhookDelivery['status'];
  attempts: number;
  run: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  created_at: Date;
  delivered_at: Date | null;
}

async function withLogs(db: Db | Knex.Transaction, rows: DeliveryRow[]): Promise<WebhookDelivery[]> {
  // eventId is the change feed's stable event id (<case>/<seq>), as in the delivered document.
  const events = rows.length === 0 ? [] : await db('case_events').whereIn('id', rows.map((r) => r.case_event_id)).select('id', 'case_id', 'seq');
  const eventIdOf = new Map(events.map((e) => [String(e.id), `${e.case_id}/${e.seq}`]));
  const attempts = rows.length === 0 ? [] : await db('webhook_delivery_attempts').whereIn('delivery_id', rows.map((r) => r.id))
    .orderBy(['delivery_id', 'attempt']).select('*');
  const byDelivery = new Map<string, WebhookDelivery['log']>();
  for (const a of attempts) {
    const log = byDelivery.get(String(a.delivery_id)) ?? [];
    log.push({ attempt: a.attempt, at: iso(a.at) as string, statusCode: a.status_code, error: a.error, durationMs: a.duration_ms });
    byDelivery.set(String(a.delivery_id), log);
  }
  return rows.map((r) => ({
    id: Number(r.id),
    subscriptionId: Number(r.subscription_id),
    eventId: eventIdOf.get(String(r.case_event_id)) ?? String(r.case_event_id),
    eventType: r.event_type as WebhookDelivery['eventType'],
    caseId: r.case_id,
    status: r.status,
    attempts: r.attempts,
    run: r.run,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    lastAttemptAt: iso(r.last_attempt_at),
    nextAttemptAt: iso(r.next_attempt_at),
    createdAt: iso(r.created_at) as string,
    deliveredAt: iso(r.delivered_at),
    log: (byDelivery.get(String(r.id)) ?? []).slice(-100),
  }));
}

export async function listDeliveries(
  db: Db, user: AuthUser, subscriptionId: number,
  query: { status?: WebhookDelivery['status']; caseId?: string; limit?: number; cursor?: string },
): Promise<{ items: WebhookDelivery[]; nextCursor: string | null }> {
  await managedSubscription(db, user, subscriptionId);
  const limit = query.limit ?? 20;
  const q = db('webhook_deliveries').where({ subscription_id: subscriptionId }).orderBy('id', 'desc').limit(limit + 1);
  if (query.status) q.where({ status: query.status });
  if (query.caseId) q.where({ case_id: query.caseId });
  if (query.cursor !== undefined) {
    if (!/^[1-9]\d{0,17}$/.test(query.cursor)) throw problems.field('query', 'cursor', 'is not a cursor of this list');
    q.where('id', '<', query.cursor);
  }
  const rows = (await q.select('*')) as DeliveryRow[];
  const page = rows.slice(0, limit);
  return { items: await withLogs(db, page), nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null };
}

async function managedDelivery(db: Db | Knex.Transaction, user: AuthUser, subscriptionId: number, deliveryId: number, lock = false): Promise<{ sub: SubscriptionRow; row: DeliveryRow }> {
  const sub = await managedSubscription(db, user, subscriptionId, lock);
  const q = db('webhook_deliveries').where({ id: deliveryId, subscription_id: subscriptionId });
  const row = (await (lock ? q.forUpdate().first() : q.first())) as DeliveryRow | undefined;
  if (!row) throw problems.notFound(`There is no delivery ${deliveryId} of webhook subscription ${subscriptionId}.`);
  return { sub, row };
}

export async function getDelivery(db: Db, user: AuthUser, subscriptionId: number, deliveryId: number): Promise<WebhookDelivery> {
  const { row } = await managedDelivery(db, user, subscriptionId, deliveryId);
  return (await withLogs(db, [row]))[0];
}

/** Manual replay: a new run of a finished delivery (delivered, failed or held), pending for the fan-out. */
export async function replayDelivery(db: Db, user: AuthUser, subscriptionId: number, deliveryId: number): Promise<WebhookDelivery> {
  return db.transaction(async (trx) => {
    const { sub, row } = await managedDelivery(trx, user, subscriptionId, deliveryId, true);
    if (row.status === 'pending' || row.status === 'delivering') {
      throw problems.conflict(`Delivery ${deliveryId} is ${row.status}: it is being sent already; replay it once it is delivered, failed or held.`);
    }
    if (sub.status === 'paused') {
      throw problems.conflict(`Subscription ${subscriptionId} is paused: resume it (POST /webhooks/subscriptions/${subscriptionId}/resume) and its held deliveries are sent.`);
    }
    const [updated] = await trx('webhook_deliveries').where({ id: deliveryId })
      .update({ status: 'pending', run: trx.raw('run + 1'), workflow_id: null, next_attempt_at: null }).returning('*');
    return (await withLogs(trx, [updated as DeliveryRow]))[0];
  });
}
