// Types of participation events: each plugs its own rules in here (settings, responses, offline results,
// results); api/handlers/<type>.ts calls registerParticipationType.
import type { Db } from '../../db/connection';
import type { EventSchedule, ParticipationType } from '../../workflows/participation/lifecycle';
import type { EventRow } from './read-model';

export interface ParticipationTypeApi {
  /** Problems with a new event's settings (→ 422); empty when they are fine. May normalise them. */
  settings?(db: Db, settings: Record<string, unknown>, event: { regionId: string; organisationId: string; schedule: EventSchedule }):
    Promise<{ problems: string[]; settings?: Record<string, unknown> }>;
  /** Checks one person's response and returns what to store (never who sent it); problems → 422. */
  response?(db: Db, event: EventRow, body: Record<string, unknown>): Promise<{ problems: string[]; payload?: unknown }>;
  /** Checks paper / offline results before they are recorded; problems → 422. */
  offline?(db: Db, event: EventRow, payload: unknown): Promise<string[]>;
  /** Aggregated results from Postgres (online and offline, aggregates only). */
  results?(db: Db, eventId: string): Promise<unknown>;
}

const registry = new Map<ParticipationType, ParticipationTypeApi>();

export function registerParticipationType(type: ParticipationType, api: ParticipationTypeApi): void {
  registry.set(type, api);
}

export function participationType(type: ParticipationType): ParticipationTypeApi {
  return registry.get(type) ?? {};
}

/** The workflow type of an event type: pollWorkflow, voteWorkflow, discussionWorkflow, hearingWorkflow. */
export function eventWorkflowType(type: ParticipationType): string {
  return `${type}Workflow`;
}
