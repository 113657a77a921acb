// Messages every participation event's workflow answers, whatever its type. Each type adds its own
// (see workflows/<type>/messages.ts).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor';
import type { Audience, EventSchedule, EventStatus, ParticipationType } from './lifecycle';

export interface ParticipationInput<Settings = Record<string, unknown>> {
  eventId: string;
  type: ParticipationType;
  regionId: string;
  organisationId: string;
  title: string;
  /** Longer text shown with the event (optional). */
  description?: string | null;
  schedule: EventSchedule;
  audience: Audience;
  anonymous: boolean;
  /** Type-specific settings: questions, projects and budget, the draft's points, the hearing's dates. */
  settings: Settings;
  createdBy: Actor;
  /** State carried over by continue-as-new. */
  carried?: ParticipationState;
}

export interface ParticipationState {
  eventId: string;
  type: ParticipationType;
  status: EventStatus;
  schedule: EventSchedule;
  /** Type-specific phase after closing (e.g. a discussion's answering of proposals); null otherwise. */
  phase: string | null;
  cancelledReason: string | null;
  extensions: { closesAt: string; reason: string; by: number | null; at: string }[];
  /** Number of the last transition projected to Postgres (idempotency key of the writes). */
  seq: number;
  /** Type-specific state the workflow keeps (deadlines of later phases, flags). */
  extra: Record<string, unknown>;
}

export interface PublishEvent { actor: Actor }
export interface ExtendEvent { actor: Actor; closesAt: string; reason: string }
export interface CancelEvent { actor: Actor; reason: string }

export const publishEventUpdate = defineUpdate<ParticipationState, [PublishEvent]>('publishEvent');
export const extendEventUpdate = defineUpdate<ParticipationState, [ExtendEvent]>('extendEvent');
export const cancelEventUpdate = defineUpdate<ParticipationState, [CancelEvent]>('cancelEvent');
export const eventStateQuery = defineQuery<ParticipationState>('eventState');
