// The notifications outbox: rows written in the same transaction as the change they tell of, and the
// dispatcher that sends them through the send method of each row's channel (registry.ts). A failed row
// waits out its back-off (backoff.ts) in the row itself (attempts, next_attempt_at), so an outage of
// the mail server delays mail and loses none, and a restarted process picks the schedule up where it was.
import type { Knex } from 'knex';
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

/** Sends one claimed row and records the outcome in `trx`: sent, skipped, given up, or due again later. */
async function sendRow(trx: Knex.Transaction, row: QueuedRow, options: DispatchOptions): Promise<'done' | 'retry'> {
  const outcome: SendResult = row.recipient_address
    ? await sendThrough(options.channels, row.channel, {
      recipient: row.recipient_address, subject: row.subject, body: row.body, idempotencyKey: idempotencyKeyOf(row),
    })
    : { status: 'skipped', reason: 'no address for the recipient' };
  const rowOf = trx('notifications').where({ id: row.id });
  if (outcome.status === 'skipped') {
    await rowOf.update({ status: 'skipped', last_error: outcome.reason });
    return 'done';
  }
  const attempts = row.attempts + 1;
  if (outcome.status === 'sent') {
    await rowOf.update({ status: 'sent', sent_at: trx.fn.now(), attempts, next_attempt_at: null });
    return 'done';
  }
  const decision = afterFailure(options.backoff ?? DEFAULT_OUTBOX_BACKOFF, attempts, outcome.permanent);
  await rowOf.update({
    attempts,
    last_error: outcome.error.slice(0, 500),
    ...(decision.retry
      ? { status: 'pending', next_attempt_at: trx.raw(`now() + ?::double precision * interval '1 millisecond'`, [decision.delayMs]) }
      : { status: 'failed', next_attempt_at: null }),
  });
  return decision.retry ? 'retry' : 'done';
}

/**
 * Sends the due rows of the outbox, claiming up to `batch` of them. Each row is claimed (SKIP LOCKED, so
 * several dispatchers can run), sent and marked in a transaction of its own: a crash between the
 * receiving side accepting a message and the commit sends that one message again, never more (email
 * has no exactly-once; the stable Message-ID lets the receiving side drop the repeat, and the dedup key
 * keeps the outbox itself unique). A row that failed is due again only after its back-off.
 * Returns the number of rows finished (sent, skipped or given up); 0 means nothing could be done now.
 */
export async function dispatchOutbox(db: Db, options: DispatchOptions): Promise<number> {
  let claimed = 0;
  let done = 0;
  while (claimed < (options.batch ?? 50)) {
    const outcome = await db.transaction(async (trx) => {
      const [row] = await trx('notifications').where({ status: 'pending' })
        .where((due) => due.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', trx.fn.now()))
        .orderBy('id').limit(1).forUpdate().skipLocked();
      return row ? sendRow(trx, row as QueuedRow, options) : 'empty' as const;
    });
    if (outcome === 'empty') break;
    claimed++;
    if (outcome === 'done') done++;
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
