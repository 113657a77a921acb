// The order in which case events become readable. The change feed (domain/integration/feed.ts) and the
// webhook fan-out (ops/webhook-fanout.ts) walk case_events by id and hand out a cursor "everything up to
// id N", so no event may become visible later with an id at or below a cursor already handed out.
//
// A bigserial id is drawn at insert but becomes visible at commit: two projections committing in the
// other order would let a reader see id 12, move its cursor past it, and never see id 11. Writers and
// readers therefore meet at one advisory lock:
//  - a writer takes it SHARED before it draws an id and keeps it until its commit, so writers never
//    wait for each other (projections of different cases run side by side);
//  - a reader takes it EXCLUSIVE for a moment to learn the settled id: the last id drawn, once every
//    writer that held the lock then has finished. Every id up to it is committed or rolled back for
//    good, so "after the cursor, up to the settled id" never misses a late commit.
// The reader's moment costs writers a wait of at most one projection's commit, a few times a second,
// instead of every projection waiting for the one before it (measured with ops/bench/statements.ts).
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';

/** The advisory lock's key; any constant works as long as every writer and reader of case_events uses it. */
export const CASE_EVENT_ORDER_LOCK = 0x6f74_6665; // 'otfe'

/**
 * Inserts a case_events row in the writer's part of the protocol above, in one statement: the shared lock
 * is a materialised CTE and the id is drawn for the row selected from it, so the lock is always held
 * before the id exists. Returns the new id, or undefined when the (case, seq) row was there already.
 */
export async function insertOrderedCaseEvent(trx: Knex.Transaction, event: Record<string, Knex.Value>): Promise<string | undefined> {
  const columns = Object.keys(event);
  // One line: a failing statement's text lands in the activity's failure, which `ops stuck` prints.
  const { rows } = await trx.raw([
    'with event_order as materialized (select pg_advisory_xact_lock_shared(?) as held)',
    `insert into case_events (id, ${columns.join(', ')})`,
    `select nextval('case_events_id_seq'), ${columns.map(() => '?').join(', ')} from event_order`,
    'on conflict (case_id, seq) do nothing returning id',
  ].join(' '), [CASE_EVENT_ORDER_LOCK, ...Object.values(event)]);
  return rows.length > 0 ? String(rows[0].id) : undefined;
}

/**
 * The settled id: every case_events id up to it is committed or rolled back for good ('0' before the
 * first event). One statement: the last drawn id is read and the exclusive lock granted (in either order:
 * a writer that drew an id up to it holds the shared lock until it ends, so the grant waits for it); the
 * lock goes with the statement, so call it outside any transaction of your own (which would keep it and
 * stall every writer). The sequence keeps no per-session cache (bigserial's default), so its
 * last value is the last id any session drew.
 */
export async function settledCaseEventId(db: Db): Promise<string> {
  const { rows: [r] } = await db.raw(
    'select pg_advisory_xact_lock(?) as settled, s.last_value, s.is_called from (select last_value, is_called from case_events_id_seq) s',
    [CASE_EVENT_ORDER_LOCK],
  );
  return r.is_called ? String(r.last_value) : '0';
}
