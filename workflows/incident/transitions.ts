// The incident's rules as pure transitions: (state, action, moment) → the next state and the event to
// record. Deterministic: no clock (`now` is an argument), no I/O, no Temporal calls; workflow.ts is their
// Temporal shell and test/unit/incident.test.ts checks them alone.
import { incidentTerm, isReplyUrl } from '../rules/incident-term';
import { type Actor, SYSTEM } from '../shared/actor';
import { FAILURE, Refused } from '../shared/failures';
import type { DismissIncident, IncidentInput, IncidentResolution, IncidentState, ReplyToIncident } from './messages';

const MAX_TEXT = 20_000;

/** The incident's own transition types (the history, the notifications). */
export type IncidentEventType = 'registered' | 'reminder' | 'overdue' | 'answered' | 'dismissed';

export interface IncidentEvent {
  type: IncidentEventType;
  actor: Actor;
  details: Record<string, unknown>;
}

export interface IncidentOutcome {
  state: IncidentState;
  event: IncidentEvent | null;
}

/** What registration needs from the outside world: the organisation routing chose and the region's term. */
export interface IncidentRouting {
  organisationId: string;
  explanation: string;
  termHours: number;
  reminderHours: number;
}

/** An action refused by a guard; the workflow turns it into an ApplicationFailure of the same type. */
export class IncidentRefused extends Refused {}

function refuse(type: IncidentRefused['type'], message: string): never {
  throw new IncidentRefused(type, message);
}

function recorded(state: IncidentState, type: IncidentEventType, actor: Actor, details: Record<string, unknown> = {}): IncidentOutcome {
  return { state: { ...state, seq: state.seq + 1 }, event: { type, actor, details } };
}

function closed(state: IncidentState, resolution: IncidentResolution, now: string): IncidentState {
  return { ...state, status: 'closed', resolution, closedAt: now };
}

export function startingState(input: IncidentInput): IncidentState {
  return {
    incidentId: input.incidentId, regionId: input.regionId, status: 'registered', organisationId: null, routing: null,
    registeredAt: null, answerDueAt: null, termHours: null, remindAt: null, reminded: false, overdue: false,
    reply: null, dismissal: null, resolution: null, closedAt: null, seq: 0,
  };
}

/** Registration: the routed organisation and the term in hours from the moment the platform accepted it. */
export function register(state: IncidentState, input: IncidentInput, routing: IncidentRouting): IncidentOutcome {
  const term = incidentTerm(input.receivedAt, routing.termHours, routing.reminderHours);
  return recorded({
    ...state, organisationId: routing.organisationId, routing: routing.explanation, registeredAt: input.receivedAt,
    answerDueAt: term.answerDueAt, termHours: term.termHours, remindAt: term.remindAt,
  }, 'registered', SYSTEM, { routing: routing.explanation, answerDueAt: term.answerDueAt });
}

// --- guards --------------------------------------------------------------------------------------

function requireOpen(state: IncidentState, action: string): void {
  if (!state.organisationId) refuse(FAILURE.invalidTransition, 'the incident is not registered yet');
  if (state.status !== 'registered') refuse(FAILURE.invalidTransition, `cannot ${action}: the incident is ${state.resolution ?? state.status}`);
}

/** The handling organisation's operator (or its integration client), or an administrator. */
function requireHandler(state: IncidentState, actor: Actor): void {
  if (actor.role === 'administrator') return;
  if ((actor.role === 'operator' || actor.role === 'integration') && actor.organisationId === state.organisationId) return;
  refuse(FAILURE.forbidden, 'only an operator of the organisation that handles the incident may do this');
}

function requireText(value: unknown, field: string, max: number): void {
  if (typeof value !== 'string' || value.trim().length === 0) refuse(FAILURE.invalidInput, `${field} must not be empty`);
  if (value.length > max) refuse(FAILURE.invalidInput, `${field} is longer than ${max} characters`);
}

export function guardReply(state: IncidentState, { actor, text, replyUrl }: ReplyToIncident): void {
  requireOpen(state, 'reply');
  requireHandler(state, actor);
  requireText(text, 'text', MAX_TEXT);
  if (!isReplyUrl(replyUrl)) refuse(FAILURE.invalidInput, 'replyUrl must be the http(s) address of the public reply');
}

/** The handling organisation dismisses; a supervisor of the region may too (a post that is not the region's business). */
export function guardDismiss(state: IncidentState, { actor, reason }: DismissIncident): void {
  requireOpen(state, 'dismiss');
  if (!(actor.role === 'supervisor' && actor.regionId === state.regionId)) requireHandler(state, actor);
  requireText(reason, 'reason', 2000);
}

// --- actions -------------------------------------------------------------------------------------

export function reply(state: IncidentState, a: ReplyToIncident, now: string): IncidentOutcome {
  guardReply(state, a);
  const r = { text: a.text, url: a.replyUrl, repliedAt: now, byUserId: a.actor.userId, organisationId: state.organisationId! };
  return recorded({ ...closed(state, 'answered', now), reply: r }, 'answered', a.actor, { text: a.text, replyUrl: a.replyUrl });
}

export function dismiss(state: IncidentState, a: DismissIncident, now: string): IncidentOutcome {
  guardDismiss(state, a);
  const dismissal = { reason: a.reason, dismissedAt: now, byUserId: a.actor.userId, byRole: a.actor.role };
  return recorded({ ...closed(state, 'dismissed', now), dismissal }, 'dismissed', a.actor, { reason: a.reason });
}

// --- timers --------------------------------------------------------------------------------------

/** The next moment something is due (epoch ms): the reminder, then the term; nothing once closed or overdue. */
export function nextDeadline(state: IncidentState): number | undefined {
  if (state.status !== 'registered' || !state.answerDueAt || state.overdue) return undefined;
  if (state.remindAt && !state.reminded) return Math.min(Date.parse(state.remindAt), Date.parse(state.answerDueAt));
  return Date.parse(state.answerDueAt);
}

/**
 * What is due at `now`: the term passes (overdue: the organisation and the region's supervisors are
 * told), or the reminder goes out. After an outage past the term only the overdue is recorded.
 */
export function timersDue(state: IncidentState, now: string): IncidentOutcome {
  if (state.status !== 'registered' || !state.answerDueAt || state.overdue) return { state, event: null };
  const at = Date.parse(now);
  if (Date.parse(state.answerDueAt) <= at) {
    return recorded({ ...state, overdue: true, reminded: true }, 'overdue', SYSTEM, { answerDueAt: state.answerDueAt });
  }
  if (state.remindAt && !state.reminded && Date.parse(state.remindAt) <= at) {
    return recorded({ ...state, reminded: true }, 'reminder', SYSTEM, { answerDueAt: state.answerDueAt });
  }
  return { state, event: null };
}
