// The incident workflow's messages, shared by the workflow and every client (API, tests): one
// definition, so a rename cannot split the two sides. An incident is a post found in open sources
// (social networks) by a monitoring system: routed like an appeal, answered publicly within hours.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor';

/** registered: routed, waiting for the public reply; closed: replied (answered) or dismissed. */
export type IncidentStatus = 'registered' | 'closed';
export type IncidentResolution = 'answered' | 'dismissed';

export interface IncidentInput {
  /** The incident's number, also its workflow id (inc-<region prefix>-<year>-<n>). */
  incidentId: string;
  regionId: string;
  /** The social network or site it was found in (vk, ok, telegram, …), as the monitoring system names it. */
  network: string;
  postUrl: string;
  text: string;
  authorHandle: string;
  /** When the monitoring system found the post (ISO instant). */
  foundAt: string;
  /** The suggested classification: a category of the region's classifier, and its subcategory when one was suggested. */
  categoryId: string;
  subcategoryId: string | null;
  territoryId: string | null;
  /** When the platform accepted it (ISO instant); the term counts from here. */
  receivedAt: string;
}

export interface IncidentReply {
  text: string;
  /** The address of the public reply (the comment or post that answers it). */
  url: string;
  repliedAt: string;
  byUserId: number | null;
  organisationId: string;
}

export interface IncidentDismissal {
  reason: string;
  dismissedAt: string;
  byUserId: number | null;
  byRole: Actor['role'];
}

export interface IncidentState {
  incidentId: string;
  regionId: string;
  status: IncidentStatus;
  organisationId: string | null;
  /** Why routing chose the organisation (one line for the history). */
  routing: string | null;
  registeredAt: string | null;
  answerDueAt: string | null;
  termHours: number | null;
  /** When the reminder goes to the handling organisation; null: none. */
  remindAt: string | null;
  reminded: boolean;
  overdue: boolean;
  reply: IncidentReply | null;
  dismissal: IncidentDismissal | null;
  resolution: IncidentResolution | null;
  closedAt: string | null;
  /** Number of the last transition written to the read model; step key for idempotent writes. */
  seq: number;
}

export interface ReplyToIncident { actor: Actor; text: string; replyUrl: string }
export interface DismissIncident { actor: Actor; reason: string }

/** The handling organisation's public reply, with its URL: closes the incident as answered. */
export const replyToIncidentUpdate = defineUpdate<IncidentState, [ReplyToIncident]>('replyToIncident');
/** Not an incident to answer (spam, not the region's, a duplicate seen by a person): closed with a reason. */
export const dismissIncidentUpdate = defineUpdate<IncidentState, [DismissIncident]>('dismissIncident');
/** Resolves once registration (routing, term, first projection) is done; the API waits on it. */
export const incidentRegistrationUpdate = defineUpdate<IncidentState, []>('awaitIncidentRegistration');

export const incidentStateQuery = defineQuery<IncidentState>('incidentState');
