// The notifications outbox: rows written in the same transaction as the change they tell of, and the
// dispatcher that sends them through the send method of each row's channel (registry.ts). A failed row
// waits out its back-off (backoff.ts) in the row itself (attempts, next_attempt_at), so an outage of
// the mail server delays mail and loses none, and a restarted process picks the schedule up where it was.
import type { Db } from '../../db/connection';
import { afterFailure, DEFAULT_OUTBOX_BACKOFF, type BackoffPolicy } from './backoff';
import { emailMessageId } from './email';
import { sendThrough, type OutboxChannels } from './registry';
import type { SendResult } from './types';

/** A row of the outbox as its writers queue it. */
export interface OutboxRow {
  dedup_key: string;
  /** The case told of; null for a digest of many (domain/cases/overdue-digest.ts). */
  case_id: string | null;
  channel: string;
  recipient_kind: 'applicant' | 'operator' | 'supervisor';
  recipient_user_id: number | null;
  recipient_address: string | null;
  subject: string;
  body: string;
}

interface QueuedRow {
  id: number | string;
  dedup_key: string;
  channel: string;
  recipient_address: string | null;
  subject: string;
  body: string;
  attempts: number;
}

/** The idempotency key of a row: its id and dedup key, the same at every attempt. */
function idempotencyKeyOf(row: { id: number | string; dedup_key: string }): string {
  return `${row.id}.${row.dedup_key}`;
}

/** The Message-ID a row is mailed with from `from` (the same at every attempt: a repeat is recognisable). */
export function notificationMessageId(row: { id: number | string; dedup_key: string }, from: string): string {
  return emailMessageId(idempotencyKeyOf(row), from);
}

export interface DispatchOptions {
  channels: OutboxChannels;
  backoff?: BackoffPolicy;
  /** Rows claimed per call at most. */
  batch?: number;
}

/** Rows claimed at a time (see dispatchOutbox). */
export const OUTBOX_CLAIM = 10;

/**
 * The outbox's advisory lock of a row: (OUTBOX_LOCK_SPACE, its id), the first key negative so that it is
 * no user's id (the intake's locks are (user id, key hash)); a lock of two integers never meets one of a
 * single bigint.
 */
export const OUTBOX_LOCK_SPACE = -1;
const lockOf = (column: string) => `${OUTBOX_LOCK_SPACE}, (${column} % 2147483648)::integer`;

/**
 * Sends one claimed row: whether it is finished (sent, skipped or given up; not when due again after its
 * back-off) and the columns its row takes.
 */
async function sendRow(db: Db, row: QueuedRow, options: DispatchOptions): Promise<{ finished: boolean; columns: Record<string, unknown> }> {
  const outcome: SendResult = row.recipient_address
    ? await sendThrough(options.channels, row.channel, {
      recipient: row.recipient_address, subject: row.subject, body: row.body, idempotencyKey: idempotencyKeyOf(row),
    })
    : { status: 'skipped', reason: 'no address for the recipient' };
  if (outcome.status === 'skipped') return { finished: true, columns: { status: 'skipped', last_error: outcome.reason } };
  const attempts = row.attempts + 1;
  if (outcome.status === 'sent') return { finished: true, columns: { status: 'sent', sent_at: db.fn.now(), attempts, next_attempt_at: null } };
  const decision = afterFailure(options.backoff ?? DEFAULT_OUTBOX_BACKOFF, attempts, outcome.permanent);
  return {
    finished: !decision.retry,
    columns: {
      attempts,
      last_error: outcome.error.slice(0, 500),
      ...(decision.retry
        ? { status: 'pending', next_attempt_at: db.raw(`now() + ?::double precision * interval '1 millisecond'`, [decision.delayMs]) }
        : { status: 'failed', next_attempt_at: null }),
    },
  };
}

/**
 * Claims up to `count` due rows on `conn`: each row with a session advisory lock (rows another dispatcher
 * holds are passed over), then read again, so that a row another dispatcher finished between this
 * claim's snapshot and its lock is not sent twice (a dispatcher lets go of its locks only after its
 * outcomes are committed).
 */
async function claimRows(db: Db, conn: unknown, count: number): Promise<QueuedRow[]> {
  const { rows: locked } = await db.raw(`select n.id from (
      select id from notifications
      where status = 'pending' and (next_attempt_at is null or next_attempt_at <= now())
      order by id limit ?) n
    where pg_try_advisory_lock(${lockOf('n.id')})
    limit ?`, [count * 4, count]).connection(conn) as { rows: { id: string }[] };
  if (locked.length === 0) return [];
  return (await db('notifications').connection(conn).whereIn('id', locked.map((r) => r.id)).where({ status: 'pending' })
    .where((due) => due.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', db.fn.now()))
    .orderBy('id')) as QueuedRow[];
}

/**
 * Sends the due rows of the outbox, claiming up to `batch` of them, OUTBOX_CLAIM at a time. A claimed
 * row is held by a session advisory lock on a connection this call keeps to itself (so several
 * dispatchers can run), sent, and its outcome committed at once: a crash between the receiving side
 * accepting a message and that commit sends that one message again, never more (email has no
 * exactly-once; the stable Message-ID lets the receiving side drop the repeat, and the dedup key keeps
 * the outbox itself unique), and a dead process's locks end with its connection. A message costs one
 * statement instead of a transaction of four. A row that failed is due again only after its back-off.
 * Returns the number of rows finished (sent, skipped or given up); 0 means nothing could be done now.
 */
export async function dispatchOutbox(db: Db, options: DispatchOptions): Promise<number> {
  const limit = options.batch ?? 50;
  const conn: unknown = await db.client.acquireConnection();
  let claimed = 0;
  let done = 0;
  try {
    while (claimed < limit) {
      const rows = await claimRows(db, conn, Math.min(OUTBOX_CLAIM, limit - claimed));
      if (rows.length === 0) break;
      for (const row of rows) {
        const { finished, columns } = await sendRow(db, row, options);
        // Committed at once, on its own: a crash after this repeats nothing of this row.
        await db('notifications').connection(conn).where({ id: row.id }).update(columns);
        claimed++;
        if (finished) done++;
      }
    }
  } finally {
    // The locks are let go once every outcome is committed (a finished row is no longer claimable, and a
    // row due again waits out its back-off, so holding them to the end keeps no one waiting). A
    // connection that cannot let go is closed instead, so no lock goes back to the pool with it.
    await db.raw('select pg_advisory_unlock_all()').connection(conn)
      .catch(() => (conn as { end?: () => Promise<void> }).end?.().catch(() => undefined));
    await db.client.releaseConnection(conn);
  }
  return done;
}

/** Dispatches the outbox until stopped, looking again every `intervalMs` when nothing was due. */
export function startOutboxDispatcher(db: Db, options: DispatchOptions & { intervalMs?: number }): { stop(): Promise<void> } {
  let stopped = false;
  let wake: () => void = () => undefined;
  const loop = async () => {
    while (!stopped) {
      try {
        if ((await dispatchOutbox(db, options)) > 0) continue;
      } catch (e) {
        console.error(JSON.stringify({ level: 'error', msg: 'outbox dispatch failed', error: String(e) }));
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs ?? 2000);
        wake = () => { clearTimeout(timer); resolve(); };
      });
    }
  };
  const running = loop();
  return { stop: async () => { stopped = true; wake(); await running; } };
}
