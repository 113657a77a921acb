// A participation type's manifest (as Decidim's component manifest): what the events core needs of a
// type, declared in one object per type (domain/participation/<type>.ts) and gathered by type in
// ./registry.ts. Every part is required, so a type cannot forget one: null says it has none.
// The type's workflow part (its hooks and the steps it records) is workflows/<type>/hooks.ts.
import type { Db } from '../../db/connection';
import type { EventSchedule, EventWorkflowType, ParticipationType } from '../../workflows/participation/lifecycle';
import type { EventRow } from './read-model';

export interface ParticipationManifest<T extends ParticipationType = ParticipationType> {
  type: T;
  /** The workflow its events run: workflows/index.ts exports it under this name (ops/worker.ts has tsc check it). */
  workflowType: EventWorkflowType<T>;
  /** Problems with a new event's settings (→ 422); empty when they are fine. May normalise them. */
  settings(db: Db, settings: Record<string, unknown>, event: { regionId: string; organisationId: string; schedule: EventSchedule }):
    Promise<{ problems: string[]; settings?: Record<string, unknown> }>;
  /**
   * Checks one person's response and returns what to store (never who sent it); problems → 422.
   * null: the type takes no responses (POST /events/{id}/responses answers 422).
   */
  response: ((db: Db, event: EventRow, body: Record<string, unknown>) => Promise<{ problems: string[]; payload?: unknown }>) | null;
  /** Checks paper / offline results before they are recorded; problems → 422. null: the type takes none. */
  offline: ((db: Db, event: EventRow, payload: unknown) => Promise<string[]>) | null;
  /** Aggregated results from Postgres (online and offline, aggregates only). null: only its workflow publishes them. */
  results: ((db: Db, eventId: string) => Promise<unknown>) | null;
}
