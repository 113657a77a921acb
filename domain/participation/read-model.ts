// The participation events' read model (participation_events, projected by the workflows' activities):
// the row every type shares, and waiting for a step to reach it.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import { resultsVisible, type Audience, type EventStatus, type ParticipationType, type ResultsVisibility } from '../../workflows/participation/lifecycle';
import type { ParticipationState } from '../../workflows/participation/messages';

export interface EventRow {
  id: string;
  type: ParticipationType;
  region_id: string;
  organisation_id: string;
  title: string;
  description: string | null;
  status: EventStatus;
  phase: string | null;
  opens_at: Date;
  closes_at: Date;
  results_visibility: ResultsVisibility;
  audience: Audience;
  anonymous: boolean;
  settings: Record<string, unknown>;
  state: Partial<ParticipationState>;
  results: unknown;
  last_seq: number;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export async function loadEventRow(db: Db | Knex.Transaction, eventId: string): Promise<EventRow | undefined> {
  return (await db('participation_events').where({ id: eventId }).first()) as EventRow | undefined;
}

/** Waits until the read model has projected step `seq` of the event's workflow. */
export async function waitForEventProjection(db: Db, eventId: string, seq: number, timeoutMs = 5000): Promise<EventRow | undefined> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  for (;;) {
    const row = await loadEventRow(db, eventId);
    if ((row && row.last_seq >= seq) || Date.now() >= deadline) return row;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}

/** The row with what a state just returned by the workflow says, when the read model lags behind. */
export function overlayEventState(row: EventRow, s: ParticipationState): EventRow {
  return {
    ...row, status: s.status, phase: s.phase, opens_at: new Date(s.schedule.opensAt), closes_at: new Date(s.schedule.closesAt),
    results_visibility: s.schedule.resultsVisibility, state: s, last_seq: s.seq,
  };
}

/** An instant as ISO 8601 text; null stays null. */
export function iso(v: Date | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}

/**
 * Results as anyone may see them: null before they are visible (resultsVisible: after the close, or
 * while open for 'live' events; organisers see them at the same moments). Published results are the
 * stored snapshot (refreshed when offline results are added later); otherwise computed from Postgres by
 * the type's results (null: a type whose results only its workflow publishes).
 */
export async function resultsOf(
  db: Db, row: EventRow, compute: ((db: Db, eventId: string) => Promise<unknown>) | null,
): Promise<unknown | null> {
  if (!resultsVisible(row.status, row.results_visibility)) return null;
  if (row.status === 'results_published' && row.results != null) return row.results;
  return compute ? compute(db, row.id) : (row.results ?? null);
}
