// Activities of the appeal workflow: every read of reference data and every write of the read model.
// Writes are idempotent: each transition carries the workflow's own step number (seq), the event row is
// unique by (case, seq), the case row only moves forward, and notifications are deduplicated by key.
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/connection';
import { loadAcceleratedEntry, loadOrganisation, loadRegionProfile, loadRoutingData, type RegionProfile } from '../db/reference';
import { answerTerm, extendAnswerTerm, termFor, type OrganisationKind } from '../workflows/rules/answer-term';
import { parentOf, routeCase, NoRouteError } from '../workflows/rules/routing';
import type { AppealInput, AppealRegulation, AppealState } from '../workflows/appeal/messages';
import { currentExternalRegistration } from '../workflows/appeal/state';
import type { AppealEventType } from '../workflows/appeal/events';
import type { Actor } from '../workflows/shared/actor';
import { FAILURE } from '../workflows/shared/failures';
import { appealNotifications } from './notifications';

/**
 * The key of the transaction-level advisory lock that orders case_events ids with their commits (see
 * projectAppealTransition). Any constant works as long as every writer of case_events uses it.
 */
export const CASE_FEED_LOCK_KEY = 0x6f74_6665; // 'otfe'

/** Hand-over transitions: the case leaves details.from for another organisation. */
const HAND_OVERS: readonly AppealEventType[] = ['redirected', 'reassigned', 'escalated'];

export interface AppealTerm {
  answerDueAt: string;
  termDays: number;
  accelerated: boolean;
  advisory: boolean;
}

export interface AppealRouting extends AppealTerm {
  organisationId: string;
  regulation: AppealRegulation;
  routing: { ruleId: number | string; step: string; explanation: string };
}

export interface AppealTransition {
  input: AppealInput;
  state: AppealState;
  type: AppealEventType;
  actor: Actor;
  occurredAt: string;
  details: Record<string, unknown>;
}

async function profileOf(db: Db, regionId: string): Promise<RegionProfile> {
  const profile = await loadRegionProfile(db, regionId);
  if (!profile) throw ApplicationFailure.nonRetryable(`region ${regionId} has no regulation profile`, FAILURE.invalidInput);
  return profile;
}

async function termAt(db: Db, profile: RegionProfile, organisationKind: OrganisationKind, subcategoryId: string, from: string): Promise<AppealTerm> {
  const accelerated = await loadAcceleratedEntry(db, subcategoryId);
  const term = termFor(profile, accelerated, organisationKind);
  return { answerDueAt: answerTerm(from, term.rule), termDays: term.days, accelerated: term.accelerated, advisory: term.advisory };
}

export function createAppealActivities(db: Db) {
  return {
    /** Routes a new case and computes its answer term from the region's profile. */
    async routeAppeal(input: Pick<AppealInput, 'regionId' | 'categoryId' | 'subcategoryId' | 'territoryId' | 'receivedAt'>): Promise<AppealRouting> {
      const profile = await profileOf(db, input.regionId);
      const data = await loadRoutingData(db, input.regionId);
      let decision: { organisationId: string; ruleId: number | string; step: string; explanation: string };
      try {
        decision = routeCase(data, input);
      } catch (e) {
        if (!(e instanceof NoRouteError)) throw e;
        // The last link of the fallback chain: no rule matched, so the region's top participant takes
        // the case and can redirect it; a case is never refused for a gap in the rules.
        const root = data.organisations.find((o) => o.parentId === null && o.active && o.modules.includes('appeals'));
        if (!root) throw ApplicationFailure.nonRetryable(`${e.message}; region ${input.regionId} has no top participant either`, 'NoRoute');
        decision = { organisationId: root.id, ruleId: 'none', step: 'region-root', explanation: `no routing rule matched; sent to the region's top participant ${root.id}` };
      }
      const organisation = await loadOrganisation(db, decision.organisationId);
      const term = await termAt(db, profile, organisation!.kind, input.subcategoryId, input.receivedAt);
      return {
        organisationId: decision.organisationId,
        ...term,
        regulation: {
          negativeRatingThreshold: profile.negativeRatingThreshold,
          ratingWindowDays: profile.ratingWindowDays,
          reminderOffsetsDays: profile.reminderOffsetsDays,
          extensionMaxDays: profile.extensionMaxDays,
        },
        routing: { ruleId: decision.ruleId, step: decision.step, explanation: decision.explanation },
      };
    },

    /** A new term for repeat processing (after a negative rating, a reopen) at the given organisation. */
    async termForOrganisation(args: { regionId: string; organisationId: string; subcategoryId: string; from: string }): Promise<AppealTerm> {
      const profile = await profileOf(db, args.regionId);
      const organisation = await loadOrganisation(db, args.organisationId);
      if (!organisation) throw ApplicationFailure.nonRetryable(`organisation ${args.organisationId} does not exist`, FAILURE.invalidInput);
      return termAt(db, profile, organisation.kind, args.subcategoryId, args.from);
    },

    async extendedTerm(args: { regionId: string; answerDueAt: string; days: number }): Promise<string> {
      const profile = await profileOf(db, args.regionId);
      return extendAnswerTerm(args.answerDueAt, args.days, { dayKind: profile.dayKind, timeZone: profile.timeZone, calendar: profile.calendar });
    },

    /** The higher-level participant that takes a case after a negative rating; null at the top. */
    async parentOrganisation(args: { regionId: string; organisationId: string }): Promise<string | null> {
      const data = await loadRoutingData(db, args.regionId);
      return parentOf(data.organisations, args.organisationId);
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

    /** Writes one transition: event row, case row, notifications; all or nothing, at most once per step. */
    async projectAppealTransition(t: AppealTransition): Promise<void> {
      const { input, state } = t;
      const external = currentExternalRegistration(state);
      await db.transaction(async (trx) => {
        const caseRow = {
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
          organisation_id: state.organisationId,
          status: state.status,
          overdue: state.overdue,
          term_advisory: state.advisory,
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
        const insertRow = Object.fromEntries(Object.entries(caseRow).filter(([, v]) => v !== undefined));
        const mutable = Object.keys(insertRow).filter((k) => !['id', 'case_type', 'kind', 'region_id', 'applicant_user_id', 'applicant_name',
          'applicant_email', 'applicant_address', 'category_id', 'subcategory_id', 'territory_id', 'text', 'address', 'latitude', 'longitude', 'media_url', 'registered_at'].includes(k));
        if (!insertRow.last_action_at) insertRow.last_action_at = t.occurredAt;
        // Only a newer step may overwrite the row: a retried older activity leaves it alone.
        await trx('cases').insert(insertRow).onConflict('id').merge(mutable).where('cases.last_seq', '<', state.seq);
        const projected = await trx('case_events').where({ case_id: state.caseId, seq: state.seq }).first('id');
        if (projected) return; // this step was projected before: its notifications are queued already
        // Two attempts of one step racing here both queue the same rows; dedup_key keeps one of each.
        const notifications = await appealNotifications(trx, t);
        if (notifications.length > 0) {
          await trx('notifications').insert(notifications).onConflict('dedup_key').ignore();
        }
        // The change feed (api/integration/feed.ts) walks case_events by id and hands readers a cursor
        // "everything up to id N". A bigserial id is taken at insert but becomes visible at commit, so two
        // projections committing in the other order would let a reader see id 12, move its cursor past
        // it, and never see id 11. This lock makes id allocation and commit one critical section: the
        // next writer can take an id only after the previous one committed, so ids become visible in
        // order. It is taken last, right before the insert, and held only for the insert and the commit.
        await trx.raw('select pg_advisory_xact_lock(?)', [CASE_FEED_LOCK_KEY]);
        await trx('case_events').insert({
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
            externalNumber: external?.externalNumber ?? null,
            externalRegisteredAt: external?.externalRegisteredAt ?? null,
          }),
          details: JSON.stringify(t.details),
          occurred_at: t.occurredAt,
        }).onConflict(['case_id', 'seq']).ignore();
      });
    },
  };
}

export type AppealActivities = ReturnType<typeof createAppealActivities>;
