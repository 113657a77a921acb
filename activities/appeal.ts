// Activities of the appeal workflow: every read of reference data and every write of the read model.
// Writes are idempotent: each transition carries the workflow's own step number (seq), the event row is
// unique by (case, seq), the case row only moves forward, and notifications are deduplicated by key.
import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { Db } from '../db/connection';
import { loadOrganisation, regionReference, type RegionProfile, type RegionReference } from '../db/reference';
import { appealRouting, profileIn, RoutingImpossibleError, termIn } from '../domain/reference/routing';
import { extendAnswerTerm } from '../workflows/rules/answer-term';
import { parentOf } from '../workflows/rules/routing';
import type { AppealInput, AppealRouting, AppealState, OverdueDigestSettings } from '../workflows/appeal/messages';
import type { CaseTerm } from '../workflows/rules/answer-term';
import type { Actor } from '../workflows/shared/actor';
import type { AppealEventType } from '../workflows/appeal/events';
import { FAILURE } from '../workflows/shared/failures';
import { currentExternalRegistration } from '../workflows/appeal/state';
import { appealNotifications } from './notifications';
import { composeOverdueDigests, queueOverdueNotice } from './overdue-digest';
import { caseFacts, FACTLESS_TRANSITIONS, refreshCaseRollup } from '../domain/monitoring/facts';
import { writeCaseRow } from '../domain/cases/projection';
import { insertOrderedCaseEvent } from '../domain/cases/event-order';

/** Hand-over transitions: the case leaves details.from for another organisation. */
const HAND_OVERS: readonly AppealEventType[] = ['redirected', 'reassigned', 'escalated'];

/** What projectAppealTransition wrote: the event type, the step, a closing's resolution. */
export interface ProjectedTransition {
  type: AppealEventType;
  seq: number;
  resolution?: string;
}

export interface AppealTransition {
  input: AppealInput;
  state: AppealState;
  type: AppealEventType;
  actor: Actor;
  occurredAt: string;
  details: Record<string, unknown>;
}

/** The region's profile; a region without one cannot take cases (a failure no retry mends). */
function profileFrom(reference: RegionReference, regionId: string): RegionProfile {
  try {
    return profileIn(reference, regionId);
  } catch (e) {
    throw e instanceof RoutingImpossibleError ? ApplicationFailure.nonRetryable(e.message, FAILURE.invalidInput) : e;
  }
}

export function createAppealActivities(db: Db) {
  return {
    /** The supervisors' digests of overdue cases that are due now (workflows/appeal/overdue-digest.ts). */
    composeOverdueDigests: (settings: OverdueDigestSettings): Promise<number> => composeOverdueDigests(db, settings),

    /** Routes a new case and computes its answer term: for intakes accepted before the API decided it (AppealInput.routed). */
    async routeAppeal(input: Pick<AppealInput, 'regionId' | 'categoryId' | 'subcategoryId' | 'territoryId' | 'receivedAt'>): Promise<AppealRouting> {
      try {
        return await appealRouting(db, input, input.receivedAt);
      } catch (e) {
        if (!(e instanceof RoutingImpossibleError)) throw e;
        throw ApplicationFailure.nonRetryable(e.message, e.reason === 'no-route' ? 'NoRoute' : FAILURE.invalidInput);
      }
    },

    /** A new term for repeat processing (after a negative rating, a reopen) at the given organisation. */
    async termForOrganisation(args: { regionId: string; organisationId: string; subcategoryId: string; from: string }): Promise<CaseTerm> {
      // One version of the region's reference data for the profile and the term.
      const reference = await regionReference(db, args.regionId);
      const profile = profileFrom(reference, args.regionId);
      const organisation = await loadOrganisation(db, args.organisationId);
      if (!organisation) throw ApplicationFailure.nonRetryable(`organisation ${args.organisationId} does not exist`, FAILURE.invalidInput);
      return termIn(reference, profile, organisation.kind, args.subcategoryId, args.from);
    },

    async extendedTerm(args: { regionId: string; answerDueAt: string; days: number }): Promise<string> {
      const profile = profileFrom(await regionReference(db, args.regionId), args.regionId);
      return extendAnswerTerm(args.answerDueAt, args.days, { dayKind: profile.dayKind, timeZone: profile.timeZone, calendar: profile.calendar });
    },

    /** The higher-level participant that takes a case after a negative rating; null at the top. */
    async parentOrganisation(args: { regionId: string; organisationId: string }): Promise<string | null> {
      const { routing } = await regionReference(db, args.regionId);
      return parentOf(routing.organisations, args.organisationId);
    },

    /** Checks that a case may be sent to this organisation: same region, active, uses the appeals module. */
    async checkOrganisation(args: { regionId: string; organisationId: string }): Promise<string | null> {
      const organisation = await loadOrganisation(db, args.organisationId);
      if (!organisation) return `organisation ${args.organisationId} does not exist`;
      if (organisation.regionId !== args.regionId) return `organisation ${args.organisationId} is in another region`;
      if (!organisation.active) return `organisation ${args.organisationId} is not active`;
      if (!organisation.modules.includes('appeals')) return `organisation ${args.organisationId} does not handle appeals`;
      return null;
    },

    /**
     * Writes one transition: event row, case row, notifications; all or nothing, at most once per step.
     * Answers what it projected: run as a local activity, that answer is all its history marker keeps
     * (no input), and `ops timeline` reads it there to say what a fired timer meant.
     */
    async projectAppealTransition(t: AppealTransition): Promise<ProjectedTransition> {
      await projectAppealTransition(db, t);
      const resolution = t.details.resolution;
      return { type: t.type, seq: t.state.seq, ...(typeof resolution === 'string' ? { resolution } : {}) };
    },
  };
}

/** The columns of the case row as a transition leaves it (undefined: leave the stored value). */
function caseColumns(trx: Knex.Transaction, t: AppealTransition): Record<string, unknown> {
  const { input, state } = t;
  const external = currentExternalRegistration(state);
  return {
    id: state.caseId,
    case_type: 'appeal',
    kind: state.kind,
    region_id: state.regionId,
    applicant_user_id: input.applicant.userId,
    applicant_name: input.applicant.name,
    applicant_email: input.applicant.email ?? null,
    applicant_address: input.applicant.postalAddress ?? null,
    category_id: input.categoryId,
    subcategory_id: input.subcategoryId,
    territory_id: input.territoryId,
    text: input.text,
    address: input.address ?? null,
    latitude: input.location?.latitude ?? null,
    longitude: input.location?.longitude ?? null,
    media_url: input.mediaUrl ?? null,
    channel: input.channel ?? 'web',
    organisation_id: state.organisationId,
    status: state.status,
    overdue: state.overdue,
    term_advisory: state.advisory,
    advisory_due_at: state.advisoryDueAt,
    advisory_missed: state.advisoryMissed,
    accelerated: state.accelerated,
    term_days: state.termDays,
    registered_at: state.registeredAt ?? input.receivedAt,
    answer_due_at: state.answerDueAt,
    taken_at: t.type === 'taken_into_work' ? t.occurredAt : undefined,
    answered_at: state.answer?.answeredAt ?? null,
    closed_at: state.closedAt,
    resolution: state.resolution,
    rating: state.rating,
    round: state.round,
    extended: state.extended,
    answer_text: state.answer?.text ?? null,
    external_number: external?.externalNumber ?? null,
    external_registered_at: external?.externalRegisteredAt ?? null,
    state: JSON.stringify(state),
    last_seq: state.seq,
    last_action_at: t.actor.role === 'system' ? undefined : t.occurredAt,
    updated_at: trx.fn.now(),
  };
}

/**
 * Inserts the case_events row of a transition, in the order readers rely on (domain/cases/event-order.ts).
 * False when the step's row was there already (another attempt of the step got it in first).
 */
async function insertCaseEvent(trx: Knex.Transaction, t: AppealTransition): Promise<boolean> {
  const { state } = t;
  const external = currentExternalRegistration(state);
  const event = {
    case_id: state.caseId,
    seq: state.seq,
    type: t.type,
    actor_role: t.actor.role,
    actor_user_id: t.actor.userId,
    organisation_id: state.organisationId,
    from_organisation_id: HAND_OVERS.includes(t.type) && typeof t.details.from === 'string' ? t.details.from : null,
    snapshot: JSON.stringify({
      status: state.status,
      answerDueAt: state.answerDueAt,
      overdue: state.overdue,
      round: state.round,
      // The advisory target as it stood (monitoring counts answers within it: domain/monitoring/facts.ts).
      advisoryDueAt: state.advisoryDueAt,
      externalNumber: external?.externalNumber ?? null,
      externalRegisteredAt: external?.externalRegisteredAt ?? null,
    }),
    details: JSON.stringify(t.details),
    occurred_at: t.occurredAt,
  };
  return (await insertOrderedCaseEvent(trx, event)) !== undefined;
}

/** Writes one transition: event row, case row, notifications; all or nothing, at most once per step. */
async function projectAppealTransition(db: Db, t: AppealTransition): Promise<void> {
  const { state } = t;
  await db.transaction(async (trx) => {
    // The case's share of the monitoring rollups before this step, replaced by its share after it below.
    // A case has no share before its registration: nothing to read then.
    const counted = !FACTLESS_TRANSITIONS.includes(t.type);
    const factsBefore = counted && t.type !== 'registered' ? await caseFacts(trx, state.caseId) : [];
    const row = caseColumns(trx, t);
    const written = await writeCaseRow(trx, { ...row, last_action_at: row.last_action_at || t.occurredAt }, state.seq);
    // The case row and the step's event commit together, so a row written now (it was behind this step)
    // means the step is new; a row at this step or beyond is looked at once more, in the event table.
    if (!written && await trx('case_events').where({ case_id: state.caseId, seq: state.seq }).first('id')) {
      return; // this step was projected before: its notifications are queued already
    }
    // Two attempts of one step racing here both queue the same rows; dedup_key keeps one of each.
    const notifications = await appealNotifications(trx, t);
    if (notifications.length > 0) {
      await trx('notifications').insert(notifications).onConflict('dedup_key').ignore();
    }
    await queueOverdueNotice(trx, t);
    if (await insertCaseEvent(trx, t) && counted) await refreshCaseRollup(trx, state.caseId, factsBefore);
  });
}

export type AppealActivities = ReturnType<typeof createAppealActivities>;
