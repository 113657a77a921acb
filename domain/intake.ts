// The intake transaction of everything registered under an Idempotency-Key: appeals (case_intake,
// domain/cases/intake.ts) and participation events (participation_intake, domain/participation/intake.ts).
//
// In one transaction: an advisory lock on (user, key), so that requests with the same key wait for each
// other and different keys never do; the intake row of the same (user, key) if there is one (a replay;
// 422 when it came with another body); else the kind's own checks, the next number of its counter and
// the new row. The workflow is started after the commit; a crash in between is repaired by starting
// the intakes that were never marked started (unstartedIntakes).
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../db/connection';
import { HttpProblem, PROBLEM } from './problem';

/** What every intake row has; `request` is the workflow input (stored as JSON). */
export interface IntakeRow {
  idempotency_key: string;
  request_hash: string;
  request: unknown;
  created_at: Date;
  started_at: Date | null;
}

/** Where a kind of intake is stored and how it is named in answers. */
export interface IntakeKind<Row extends IntakeRow> {
  table: 'case_intake' | 'participation_intake';
  /** The column of the user who sent the request. */
  userColumn: 'applicant_user_id' | 'user_id';
  /** The advisory lock's key for an Idempotency-Key (kinds keep their keys apart). */
  lockKey(idempotencyKey: string): string;
  /** "case 22-2026-000001", "event poll-22-2026-000001": what the key was used for. */
  describe(row: Row): string;
  /** "submission", "event": what a new key is for. */
  newRequest: string;
}

/** One user's request under an Idempotency-Key. */
export interface IntakeRequest {
  userId: number;
  idempotencyKey: string;
  body: unknown;
}

/** sha256 of the body in a canonical form (sorted keys), to recognise a repeated request. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

/**
 * The intake of a request: the stored one for a repeat of (user, key), else the row `create` builds
 * (its checks, its number from nextNumber), stored. `create` runs inside the transaction.
 */
export async function acceptIntake<Row extends IntakeRow>(
  db: Db, kind: IntakeKind<Row>, req: IntakeRequest, create: (trx: Knex.Transaction, requestHash: string) => Promise<Row>,
): Promise<{ intake: Row; replayed: boolean }> {
  const hash = requestHash(req.body);
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?, hashtext(?))', [req.userId, kind.lockKey(req.idempotencyKey)]);
    const existing = (await trx(kind.table).where({ [kind.userColumn]: req.userId, idempotency_key: req.idempotencyKey }).first()) as Row | undefined;
    if (existing) {
      if (existing.request_hash !== hash) {
        throw new HttpProblem({
          status: 422, type: PROBLEM.idempotencyKeyReused, title: 'Idempotency-Key reused',
          detail: `This Idempotency-Key was used for a different request (${kind.describe(existing)}). Use a new key for a new ${kind.newRequest}.`,
        });
      }
      return { intake: existing, replayed: true };
    }
    const row = await create(trx, hash);
    await trx(kind.table).insert({ ...row, request: JSON.stringify(row.request) });
    return { intake: row, replayed: false };
  });
}

/** The next value of a registration counter (one row per key, e.g. region and year), inside the transaction. */
export async function nextNumber(trx: Knex.Transaction, table: 'registration_counters' | 'participation_counters' | 'incident_counters', key: Record<string, string | number>): Promise<number> {
  const columns = Object.keys(key);
  const counter = await trx.raw(
    `insert into ${table} (${columns.join(', ')}, last_value) values (${columns.map(() => '?').join(', ')}, 1)
     on conflict (${columns.join(', ')}) do update set last_value = ${table}.last_value + 1
     returning last_value`,
    Object.values(key),
  );
  return Number(counter.rows[0].last_value);
}

/** Marks the intake's workflow started (it is, or it has registered already). */
export async function markStarted<Row extends IntakeRow>(db: Db, kind: IntakeKind<Row>, userId: number, idempotencyKey: string): Promise<void> {
  await markStartedQuery(db, kind, userId, idempotencyKey);
}

/** The statement of markStarted, for a caller that sends it with a read of its own (a WITH clause). */
export function markStartedQuery<Row extends IntakeRow>(db: Db, kind: IntakeKind<Row>, userId: number, idempotencyKey: string): Knex.QueryBuilder {
  return db(kind.table).where({ [kind.userColumn]: userId, idempotency_key: idempotencyKey }).whereNull('started_at').update({ started_at: db.fn.now() });
}

/** Intakes older than `olderThanSeconds` whose workflow start never happened (the API died in between), oldest first. */
export async function unstartedIntakes<Row extends IntakeRow>(db: Db, kind: IntakeKind<Row>, olderThanSeconds: number): Promise<Row[]> {
  return (await db(kind.table)
    .whereNull('started_at')
    .where('created_at', '<', db.raw(`now() - make_interval(secs => ?)`, [olderThanSeconds]))
    .orderBy('created_at')
    .limit(100)) as Row[];
}
