// The appeal workflow's messages, shared by the workflow and every client (API, ops, tests), as in
// Temporal's samples: one definition, so a rename cannot split the two sides.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor';
import type { CaseTerm } from '../rules/answer-term';

export type AppealKind = 'message' | 'appeal';

/**
 * registered: routed to an organisation, waiting to be taken into work
 * in_work: an operator handles it
 * clarification_requested: waiting for the applicant's reply
 * answered: the answer is out, waiting for the applicant's rating
 * closed: final (see resolution)
 */
export type AppealStatus = 'registered' | 'in_work' | 'clarification_requested' | 'answered' | 'closed';

export type Resolution =
  | 'rated_positive'
  | 'rating_window_expired'
  | 'left_without_answer'
  | 'closed_by_supervisor'
  | 'negative_at_top';

/** 59-FZ art. 11 grounds for leaving an appeal without an answer on the merits (NO_ANSWER_GROUNDS in transitions.ts). */
export type NoAnswerGround = 'no_name_or_address' | 'obscene_or_threatening' | 'unreadable' | 'repeated_question';

export interface Applicant {
  userId: number | null;
  name: string;
  email?: string | null;
  postalAddress?: string | null;
}

export interface AppealInput {
  caseId: string;
  kind: AppealKind;
  regionId: string;
  applicant: Applicant;
  categoryId: string;
  subcategoryId: string;
  territoryId: string | null;
  text: string;
  address?: string | null;
  /** Where the problem is (WGS 84 degrees), when the applicant gave a point. */
  location?: { latitude: number; longitude: number } | null;
  /** A photo or video of the problem hosted elsewhere (Open311 media_url). */
  mediaUrl?: string | null;
  attachments?: string[];
  /** How it came in (web, embed, open311, integration, …): a dimension of monitoring; absent in older inputs (web). */
  channel?: string;
  /** When the platform accepted it (ISO instant); the term counts from here. */
  receivedAt: string;
  /**
   * State carried over by continue-as-new, or by a supervisor's reopen of a completed case; and in a new
   * case, its registration, projected by the API in the transaction that accepted it (domain/cases/intake.ts).
   */
  carried?: AppealState;
  /** Events after which the run continues as new (default HISTORY_LIMIT); lowered only by tests. */
  historyLimit?: number;
  /** A reopen of a case whose workflow had completed: applied on start of the new run. */
  reopen?: { actor: Actor; reason: string };
  /**
   * True in the input of every run started since look-ups and projections became local activities
   * (runInput), so that such a run knows it without a patch marker; absent in runs started before, which
   * ask the patch (workflow.ts, LOCAL_ACTIVITIES_PATCH). Why: `patched()` records a marker and updates
   * the TemporalChangeVersion search attribute (a visibility write) in every new case: 2 of a
   * registration's 12 history events.
   */
  localActivities?: boolean;
  /**
   * True in the input of every run started since the run keeps its deadline's timer across transitions
   * that leave the deadline where it was (workflows/shared/deadline-timer.ts); runs started before wait
   * as they did (a new timer after every transition), so that their histories replay.
   */
  keepsDeadlineTimer?: boolean;
}

/** The input of a run this code starts (first run, reopen, continue-as-new): see AppealInput.localActivities and keepsDeadlineTimer. */
export function runInput(input: AppealInput): AppealInput {
  return { ...input, localActivities: true, keepsDeadlineTimer: true };
}

export interface Answer {
  text: string;
  attachments: string[];
  answeredAt: string;
  byUserId: number | null;
  organisationId: string;
}

export interface Clarification {
  question: string;
  askedAt: string;
  reply?: string;
  repliedAt?: string;
}

/** The region's regulation profile as it applied when the case was registered. */
export interface AppealRegulation {
  negativeRatingThreshold: number;
  ratingWindowDays: number;
  reminderOffsetsDays: number[];
  extensionMaxDays: number;
}

/** Where a new case goes, its term and the regulation it is held to: what registration records. */
export interface AppealRouting extends CaseTerm {
  organisationId: string;
  regulation: AppealRegulation;
  routing: { ruleId: number | string; step: string; explanation: string };
}

/**
 * A handling organisation's own registration of the case in its document-management system (СЭД),
 * acknowledged through the API. One per organisation: after a redirect the new organisation's СЭД
 * registers the case anew under its own number.
 */
export interface ExternalRegistration {
  organisationId: string;
  /** The СЭД's registration number. */
  externalNumber: string;
  /** The СЭД's registration date (YYYY-MM-DD). */
  externalRegisteredAt: string;
  acknowledgedAt: string;
}

export interface AppealState {
  caseId: string;
  kind: AppealKind;
  regionId: string;
  applicantUserId: number | null;
  status: AppealStatus;
  regulation: AppealRegulation | null;
  organisationId: string | null;
  /** Organisations that handled earlier rounds, oldest first (escalation path). */
  previousOrganisations: string[];
  registeredAt: string | null;
  answerDueAt: string | null;
  termDays: number | null;
  accelerated: boolean;
  /**
   * The case has an advisory target beside its binding term (an accelerated term that only advises local
   * self-government in regions whose profile says so): tracked and reported apart, not a violation.
   */
  advisory: boolean;
  /** End of the advisory target; null when the case has none. answerDueAt stays the binding term. */
  advisoryDueAt: string | null;
  /** The advisory target passed while the case was open (recorded as advisory_term_missed). */
  advisoryMissed: boolean;
  /** The binding term passed while the case was open. */
  overdue: boolean;
  extended: boolean;
  /** 1 for the first processing; +1 for each repeat processing after a negative rating. */
  round: number;
  remindersSent: string[];
  answer: Answer | null;
  clarification: Clarification | null;
  rating: number | null;
  ratingDueAt: string | null;
  resolution: Resolution | null;
  closedAt: string | null;
  /** Acknowledged registrations in the organisations' СЭД, oldest first (absent in states of older runs). */
  externalRegistrations?: ExternalRegistration[];
  /** Number of the last transition written to the read model; step key for idempotent writes. */
  seq: number;
}

export interface TakeIntoWork { actor: Actor }
export interface AnswerCase { actor: Actor; text: string; attachments?: string[] }
export interface Redirect { actor: Actor; organisationId: string; reason: string }
export interface RequestClarification { actor: Actor; question: string }
export interface ReplyToClarification { actor: Actor; text: string }
export interface ExtendTerm { actor: Actor; days: number; reason: string }
export interface LeaveWithoutAnswer { actor: Actor; ground: NoAnswerGround; comment: string }
export interface RateAnswer { actor: Actor; rating: number; comment?: string }
export interface Reassign { actor: Actor; organisationId: string; reason: string }
export interface ChangeTerm { actor: Actor; answerDueAt: string; reason: string }
export interface CloseCase { actor: Actor; reason: string }
export interface ReopenCase { actor: Actor; reason: string }
export interface AcknowledgeRegistration { actor: Actor; externalNumber: string; externalRegisteredAt: string }

// Operator actions
export const takeIntoWorkUpdate = defineUpdate<AppealState, [TakeIntoWork]>('takeIntoWork');
export const answerUpdate = defineUpdate<AppealState, [AnswerCase]>('answer');
export const redirectUpdate = defineUpdate<AppealState, [Redirect]>('redirect');
export const requestClarificationUpdate = defineUpdate<AppealState, [RequestClarification]>('requestClarification');
export const extendTermUpdate = defineUpdate<AppealState, [ExtendTerm]>('extendTerm');
export const leaveWithoutAnswerUpdate = defineUpdate<AppealState, [LeaveWithoutAnswer]>('leaveWithoutAnswer');
/** The handling organisation's СЭД registered the case under its own number (idempotent per organisation). */
export const acknowledgeRegistrationUpdate = defineUpdate<AppealState, [AcknowledgeRegistration]>('acknowledgeRegistration');
// Applicant actions
export const replyToClarificationUpdate = defineUpdate<AppealState, [ReplyToClarification]>('replyToClarification');
export const rateUpdate = defineUpdate<AppealState, [RateAnswer]>('rate');
// Supervisor overrides (a reopen starts a new run with the closed state carried: see api/temporal)
export const reassignUpdate = defineUpdate<AppealState, [Reassign]>('reassign');
export const changeTermUpdate = defineUpdate<AppealState, [ChangeTerm]>('changeTerm');
export const closeUpdate = defineUpdate<AppealState, [CloseCase]>('close');
/** Resolves once registration (routing, term, first projection) is done; the API waits on it. */
export const registrationUpdate = defineUpdate<AppealState, []>('awaitRegistration');

export const stateQuery = defineQuery<AppealState>('state');

/** The input of the supervisors' overdue digest (overdue-digest.ts): when a region's waiting notices make a digest. */
export interface OverdueDigestSettings {
  /** A region's digest waits until no new notice came for this long: a burst of terms ends in one digest. */
  quietSeconds: number;
  /** …but no notice waits longer than this, even while overdue cases keep coming in. */
  maxDelaySeconds: number;
}
