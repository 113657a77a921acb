// Where a new case goes and its answer term: the one routing that registration (activities/appeal.ts)
// and the preview (POST /routing/preview) both run, so that the preview shows what happens.
//
// Routing is the most specific rule of subcategory, category and territory (workflows/rules/routing.ts);
// when no rule matches, the region's top participant takes the case and can redirect it: a case is
// never refused for a gap in the rules. The term follows the region's regulation profile, the
// subcategory's accelerated track and the organisation's kind (workflows/rules/answer-term.ts).
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import { loadOrganisation, regionReference, type ReferenceRead, type RegionProfile, type RegionReference } from '../../db/reference';
import { answerTerm, termFor, type CaseTerm, type OrganisationKind } from '../../workflows/rules/answer-term';
import { NoRouteError, routeCase } from '../../workflows/rules/routing';
import type { AppealRouting } from '../../workflows/appeal/messages';
import { HttpProblem, PROBLEM, problems } from '../problem';
import { checkCaseReferences } from './checks';

/** Routing cannot decide: no organisation can take the case, or the region has no regulation profile. */
export class RoutingImpossibleError extends Error {
  constructor(readonly reason: 'no-route' | 'no-profile', message: string) {
    super(message);
    this.name = 'RoutingImpossibleError';
  }
}

export interface RoutingDecision {
  organisationId: string;
  ruleId: number | string;
  step: string;
  explanation: string;
}

export interface CaseClassification {
  regionId: string;
  categoryId: string;
  subcategoryId: string;
  territoryId: string | null;
}

// The rules below read one version of a region's reference data (db/reference.ts regionReference), so
// that a registration checks the version once and not once per step.

/** The region's profile in one version of its reference data; RoutingImpossibleError without one. */
export function profileIn(reference: RegionReference, regionId: string): RegionProfile {
  if (!reference.profile) throw new RoutingImpossibleError('no-profile', `region ${regionId} has no regulation profile`);
  return reference.profile;
}

function routeIn({ routing }: RegionReference, c: CaseClassification): RoutingDecision {
  try {
    return routeCase(routing, c);
  } catch (e) {
    if (!(e instanceof NoRouteError)) throw e;
    const root = routing.organisations.find((o) => o.parentId === null && o.active && o.modules.includes('appeals'));
    if (!root) throw new RoutingImpossibleError('no-route', `${e.message}; region ${c.regionId} has no top participant either`);
    return { organisationId: root.id, ruleId: 'none', step: 'region-root', explanation: `no routing rule matched; sent to the region's top participant ${root.id}` };
  }
}

/** The answer term of a case of this subcategory at an organisation of this kind, counted from `from`. */
export function termIn(reference: RegionReference, profile: RegionProfile, organisationKind: OrganisationKind, subcategoryId: string, from: string | Date): CaseTerm {
  const termDays = reference.acceleratedTermDays.get(subcategoryId);
  const term = termFor(profile, termDays === undefined ? null : { termDays }, organisationKind);
  return {
    answerDueAt: answerTerm(from, term.rule), termDays: term.days, accelerated: term.accelerated, advisory: term.advisory,
    advisoryDueAt: term.advisoryTarget ? answerTerm(from, term.advisoryTarget.rule) : null,
  };
}

export async function regionProfile(db: Db, regionId: string): Promise<RegionProfile> {
  return profileIn(await regionReference(db, regionId), regionId);
}

/** The organisation that takes a new case: the most specific rule, else the region's top participant. */
export async function routeNewCase(db: Db, c: CaseClassification): Promise<RoutingDecision> {
  return routeIn(await regionReference(db, c.regionId), c);
}

/** A new case's organisation and its term from `receivedAt`, with the profile they came from (`read`: db/reference.ts). */
export async function routeWithTerm(db: Db, c: CaseClassification, receivedAt: string | Date, read: ReferenceRead = {}) {
  const reference = await regionReference(db, c.regionId, read);
  const profile = profileIn(reference, c.regionId);
  const decision = routeIn(reference, c);
  const organisation = reference.routing.organisations.find((o) => o.id === decision.organisationId);
  if (!organisation) throw new Error(`routing chose organisation ${decision.organisationId}, which does not exist`);
  const term = termIn(reference, profile, organisation.kind, c.subcategoryId, receivedAt);
  return { decision, organisation, term, profile };
}

/**
 * What an appeal's registration records: its organisation, term, regulation and why it went there.
 * Decided by the API in the intake transaction (`read.via`, at the version read there), or by the
 * routeAppeal activity for an intake accepted before that; RoutingImpossibleError when no one can take the case.
 */
export async function appealRouting(db: Db, c: CaseClassification, receivedAt: string | Date, read: ReferenceRead = {}): Promise<AppealRouting> {
  const { decision, term, profile } = await routeWithTerm(db, c, receivedAt, read);
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
}

/**
 * Where a case would go now, and its term if registered now; nothing is stored. The same routing as
 * registration (domain/reference/routing.ts), its fallback to the region's top participant included.
 */
export async function previewRouting(db: Db, req: components['schemas']['RoutingPreviewRequest'], now = new Date()): Promise<components['schemas']['RoutingPreview']> {
  const { categoryId } = await checkCaseReferences(db, req);
  try {
    const { decision, organisation, term } = await routeWithTerm(db, { regionId: req.regionId, categoryId, subcategoryId: req.subcategoryId, territoryId: req.territoryId ?? null }, now);
    const organisationName = (await loadOrganisation(db, organisation.id))?.name ?? organisation.id;
    return { ...decision, organisationName, ...term };
  } catch (e) {
    if (!(e instanceof RoutingImpossibleError)) throw e;
    throw unroutable(e.reason, e.reason === 'no-profile' ? `Region ${req.regionId} has no regulation profile: terms cannot be computed.` : e.message);
  }
}

/** The 422 of a case routing cannot decide: no-route for no one to take it, a plain 422 for a region without a profile. */
export function unroutable(reason: RoutingImpossibleError['reason'], detail: string): HttpProblem {
  if (reason === 'no-route') return new HttpProblem({ status: 422, type: PROBLEM.noRoute, title: 'No routing rule applies', detail });
  return problems.unprocessable(detail);
}
