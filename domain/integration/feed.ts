// The change feed: the events of cases (case_events) in one total order, filtered to what the reader may
// see, in the public vocabulary of workflows/appeal/events.ts. Free of Express, so that webhooks and ops
// tools can read the same pages.
//
// Order: a page reads past the cursor only up to the settled id (domain/cases/event-order.ts), below
// which every event has committed or never will, so "everything after cursor N" never misses an event
// that commits later with a smaller id.
// Visibility: an integration client sees the events whose organisation (who has the case after the event)
// is in its subtree, plus the hand-overs out of it (from_organisation_id in the subtree): a case that
// leaves shows its 'case.routed' / 'case.escalated' and then nothing more. Supervisors see their region,
// administrators everything.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import { CASE_EVENT_TYPES, internalTypesOf, publicCaseEventType, type CaseEventType } from '../../workflows/appeal/events';
import type { AuthUser } from '../identity/users';
import { settledCaseEventId } from '../cases/event-order';
import { problems } from '../problem';

export type FeedEvent = components['schemas']['FeedEvent'];
export type FeedPage = components['schemas']['FeedPage'];
type FeedEventData = components['schemas']['FeedEventData'];

/** Longest long-poll a request may ask for (seconds); the spec says the same. */
export const MAX_WAIT_SECONDS = 30;
const POLL_INTERVAL_MS = 300;

/** A case_events row as the feed reads it. */
export interface CaseEventRow {
  id: string | number;
  case_id: string;
  seq: number;
  type: string;
  actor_role: string | null;
  organisation_id: string | null;
  from_organisation_id: string | null;
  snapshot: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
  occurred_at: Date | string;
}

/**
 * Which details each public event type publishes (the rest stays internal, e.g. routing explanations).
 * A record over the spec's event types: a type missing here or unknown to the spec fails the type-check.
 */
const PUBLISHED_DETAILS: Record<CaseEventType, readonly string[]> = {
  'case.registered': [],
  'case.acknowledged': [],
  'case.taken_into_work': [],
  // A redirect by the organisation and a reassignment by a supervisor publish the same details.
  'case.routed': ['from', 'to', 'reason'],
  'case.escalated': ['from', 'to', 'rating', 'comment'],
  'case.answered': ['text', 'attachments'],
  'case.clarification_requested': ['question'],
  'case.clarification_replied': ['text'],
  'case.term_extended': ['days', 'reason', 'previousAnswerDueAt'],
  'case.term_changed': ['reason', 'previousAnswerDueAt'],
  'case.left_without_answer': ['ground', 'comment'],
  'case.rated': ['rating', 'comment'],
  'case.closed': ['rating', 'comment', 'resolution', 'reason'],
  'case.overdue': ['advisory'],
  'case.reopened': ['reason'],
};

/** Parses the `types` query parameter into public event types; 400 on an unknown one. */
export function parseFeedTypes(csv: string | undefined): CaseEventType[] {
  if (csv === undefined) return [...CASE_EVENT_TYPES];
  const wanted = [...new Set(csv.split(','))];
  const unknown = wanted.filter((t) => !(CASE_EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw problems.field('query', 'types', `unknown event type ${unknown.join(', ')}; expected some of ${CASE_EVENT_TYPES.join(', ')}`);
  }
  return wanted as CaseEventType[];
}

/** The public representation of a stored event, or null when integrations do not receive its type. */
export function feedEventOf(row: CaseEventRow): FeedEvent | null {
  const type = publicCaseEventType(row.type);
  if (!type) return null;
  const snapshot = row.snapshot ?? {};
  const data: FeedEventData = {
    status: (snapshot.status as FeedEventData['status']) ?? null,
    answerDueAt: (snapshot.answerDueAt as string | null | undefined) ?? null,
    overdue: (snapshot.overdue as boolean | null | undefined) ?? null,
    round: (snapshot.round as number | null | undefined) ?? null,
    externalNumber: (snapshot.externalNumber as string | null | undefined) ?? null,
    externalRegisteredAt: (snapshot.externalRegisteredAt as string | null | undefined) ?? null,
  };
  const details = row.details ?? {};
  for (const key of PUBLISHED_DETAILS[type]) {
    if (details[key] !== undefined) (data as Record<string, unknown>)[key] = details[key];
  }
  const occurred = row.occurred_at instanceof Date ? row.occurred_at : new Date(row.occurred_at);
  return {
    id: String(row.id),
    eventId: `${row.case_id}/${row.seq}`,
    type,
    caseId: row.case_id,
    occurredAt: occurred.toISOString(),
    organisationId: row.organisation_id,
    actor: { role: (row.actor_role ?? 'system') as FeedEvent['actor']['role'] },
    data,
  };
}

/** Restricts a query on case_events (aliased e) to what the reader may see. */
function scopeEvents(qb: Knex.QueryBuilder, db: Db, user: AuthUser): Knex.QueryBuilder {
  switch (user.role) {
    case 'administrator':
      return qb;
    case 'supervisor':
      return user.regionId
        ? qb.whereExists(db('cases').select(db.raw('1')).whereRaw('cases.id = e.case_id').where('cases.region_id', user.regionId))
        : qb.whereRaw('false');
    case 'integration': {
      const subtree = user.organisationSubtree ?? [];
      if (subtree.length === 0) return qb.whereRaw('false');
      return qb.where((w) => w.whereIn('e.organisation_id', subtree).orWhereIn('e.from_organisation_id', subtree));
    }
    default:
      return qb.whereRaw('false');
  }
}

export interface FeedQuery {
  after?: string;
  limit: number;
  types: CaseEventType[];
}

/** The reader's events after the cursor, of the asked types, in id order (the caller bounds and limits it). */
function eventsAfter(db: Db, user: AuthUser, q: FeedQuery): Knex.QueryBuilder {
  const internal = internalTypesOf(q.types);
  const qb = db('case_events as e')
    .where('e.id', '>', q.after ?? '0')
    .whereIn('e.type', internal.length > 0 ? internal : ['-'])
    .orderBy('e.id', 'asc');
  return scopeEvents(qb, db, user);
}

/** One page of the feed after the cursor, without waiting. */
export async function readFeedPage(db: Db, user: AuthUser, q: FeedQuery): Promise<FeedPage> {
  const after = q.after ?? '0';
  const settled = await settledCaseEventId(db);
  const rows = (await eventsAfter(db, user, q)
    .where('e.id', '<=', settled)
    .limit(q.limit)
    .select('e.id', 'e.case_id', 'e.seq', 'e.type', 'e.actor_role', 'e.organisation_id', 'e.from_organisation_id', 'e.snapshot', 'e.details', 'e.occurred_at')) as CaseEventRow[];
  const events = rows.map(feedEventOf).filter((e): e is FeedEvent => e !== null);
  return { events, nextCursor: rows.length > 0 ? String(rows[rows.length - 1].id) : after };
}

/**
 * Whether any event for the reader has committed past the cursor, read without the order lock: a waiting
 * reader asks this cheap question at every poll and takes the lock (which briefly holds back writers,
 * domain/cases/event-order.ts) only for a page that has something to show.
 */
async function anythingAfter(db: Db, user: AuthUser, q: FeedQuery): Promise<boolean> {
  return (await eventsAfter(db, user, q).first('e.id')) !== undefined;
}

/**
 * A page of the feed; when it is empty, polls for up to `waitSeconds` until an event arrives (long-poll)
 * or `signal` aborts (the client went away). The poll is a cheap index range scan past the cursor.
 */
export async function readFeed(db: Db, user: AuthUser, q: FeedQuery, waitSeconds = 0, signal?: AbortSignal): Promise<FeedPage> {
  const deadline = Date.now() + Math.min(Math.max(waitSeconds, 0), MAX_WAIT_SECONDS) * 1000;
  let page = await readFeedPage(db, user, q);
  while (page.events.length === 0 && Date.now() < deadline && !signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_INTERVAL_MS, Math.max(deadline - Date.now(), 0))));
    if (await anythingAfter(db, user, { ...q, after: page.nextCursor })) page = await readFeedPage(db, user, { ...q, after: page.nextCursor });
  }
  return page;
}
