// Activities of the appeal workflow: every read of reference data and every write of the read model.
// Writes are idempotent: each transition carries the workflow's own step number (seq), and the projection
// (domain/cases/appeal-projection.ts) writes each step at most once.
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/connection';
import { loadOrganisation, regionReference, type RegionProfile, type RegionReference } from '../db/reference';
import { appealRouting, profileIn, RoutingImpossibleError, termIn } from '../domain/reference/routing';
import { extendAnswerTerm } from '../workflows/rules/answer-term';
import { parentOf } from '../workflows/rules/routing';
import type { AppealInput, AppealRouting, OverdueDigestSettings } from '../workflows/appeal/messages';
import type { CaseTerm } from '../workflows/rules/answer-term';
import type { AppealEventType } from '../workflows/appeal/events';
import { FAILURE } from '../workflows/shared/failures';
import { composeOverdueDigests } from '../domain/cases/overdue-digest';
import { projectAppealTransition, type AppealTransition } from '../domain/cases/appeal-projection';

/** What projectAppealTransition wrote: the event type, the step, a closing's resolution. */
export interface ProjectedTransition {
  type: AppealEventType;
  seq: number;
  resolution?: string;
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

    /** Routes a new case and computes its answer term: for intakes accepted before the API routed cases itself. */
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

export type AppealActivities = ReturnType<typeof createAppealActivities>;
