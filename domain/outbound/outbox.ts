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

/** Rows claimed, sent and marked per transaction (see dispatchOutbox). */
export const OUTBOX_CLAIM = 10;

/** What an attempt leaves in a row: its new status and, for a transient failure, when it is due again. */
interface RowOutcome {
  id: number | string;
  status: 'sent' | 'skipped' | 'failed' | 'pending';
  attempts: number;
  lastError: string | null;
  /** pending again: due after this many milliseconds. */
  retryInMs: number | null;
}

/** Sends one claimed row: what its row becomes (sent, skipped, given up, or due again after its back-off). */
async function sendRow(row: QueuedRow, options: DispatchOptions): Promise<RowOutcome> {
  const outcome: SendResult = row.recipient_address
    ? await sendThrough(options.channels, row.channel, {
      recipient: row.recipient_address, subject: row.subject, body: row.body, idempotencyKey: idempotencyKeyOf(row),
    })
    : { status: 'skipped', reason: 'no address for the recipient' };
  if (outcome.status === 'skipped') return { id: row.id, status: 'skipped', attempts: row.attempts, lastError: outcome.reason, retryInMs: null };
  const attempts = row.attempts + 1;
  if (outcome.status === 'sent') return { id: row.id, status: 'sent', attempts, lastError: null, retryInMs: null };
  const decision = afterFailure(options.backoff ?? DEFAULT_OUTBOX_BACKOFF, attempts, outcome.permanent);
  return { id: row.id, status: decision.retry ? 'pending' : 'failed', attempts, lastError: outcome.error.slice(0, 500), retryInMs: decision.retry ? decision.delayMs : null };
}

/**
 * Records the outcomes of a claim in one statement: a sent row gets its sent_at (its last error stays,
 * as the history of the attempts before), a skipped one keeps its attempts and schedule, a pending one
 * its next attempt after the back-off, a given-up one none.
 */
async function recordOutcomes(trx: Knex.Transaction, outcomes: RowOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const values = outcomes.map(() => '(?::bigint, ?::text, ?::integer, ?::text, ?::double precision)').join(', ');
  await trx.raw(`update notifications as n set
      status = v.status,
      attempts = v.attempts,
      last_error = case when v.status = 'sent' then n.last_error else v.last_error end,
      sent_at = case when v.status = 'sent' then now() else n.sent_at end,
      next_attempt_at = case
        when v.retry_in_ms is not null then now() + v.retry_in_ms * interval '1 millisecond'
        when v.status = 'skipped' then n.next_attempt_at
        else null end
    from (values ${values}) as v(id, status, attempts, last_error, retry_in_ms)
    where n.id = v.id`, outcomes.flatMap((o) => [o.id, o.status, o.attempts, o.lastError, o.retryInMs]));
}

/**
 * Sends the due rows of the outbox, claiming up to `batch` of them. Rows are claimed OUTBOX_CLAIM at a
 * time (SKIP LOCKED, so several dispatchers can run), sent one after another and marked in one statement,
 * in a transaction per claim: a crash between the receiving side accepting a message and the commit
 * sends the claim's accepted messages again, never more than OUTBOX_CLAIM (email has no exactly-once; the
 * stable Message-ID lets the receiving side drop a repeat, and the dedup key keeps the outbox itself
 * unique). Claiming one row per transaction cost four round trips a message, the outbox's share of every
 * appeal. A row that failed is due again only after its back-off.
 * Returns the number of rows finished (sent, skipped or given up); 0 means nothing could be done now.
 */
export async function dispatchOutbox(db: Db, options: DispatchOptions): Promise<number> {
  const limit = options.batch ?? 50;
  let claimed = 0;
  let done = 0;
  while (claimed < limit) {
    const outcomes = await db.transaction(async (trx) => {
      const rows = (await trx('notifications').where({ status: 'pending' })
        .where((due) => due.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', trx.fn.now()))
        .orderBy('id').limit(Math.min(OUTBOX_CLAIM, limit - claimed)).forUpdate().skipLocked()) as QueuedRow[];
      const sent: RowOutcome[] = [];
      for (const row of rows) sent.push(await sendRow(row, options));
      await recordOutcomes(trx, sent);
      return sent;
    });
    if (outcomes.length === 0) break;
    claimed += outcomes.length;
    done += outcomes.filter((o) => o.status !== 'pending').length;
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
