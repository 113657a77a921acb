// Where an incident (a post found in open sources) goes. The region's routing rules decide by category
// and territory, exactly as for an appeal (routing.ts); but only an organisation that uses the incidents
// module handles incidents (Altai's decree, Appendix 4: «обработка сообщений, поступающих из открытых
// источников»). When the routed organisation does not use it, the incident goes to the region's incident
// coordinator: the nearest organisation up the tree that uses the module, else the region-level one, the
// regional management centre (ЦУР), which coordinates the processing of open-source messages (Khabarovsk's
// order 003 p.4.2, Altai's Appendix 4 № 36, Astrakhan's 004 p.5).
// Pure and deterministic: no clock, no I/O; the caller loads the region's routing data and passes it in.
import { APPEALS_MODULE, NoRouteError, parentOf, routeCase, type RoutingData, type RoutingDecision, type RoutingOrganisation, type RoutingRequest } from './routing';

/** The module an organisation must use to handle incidents from open sources. */
export const INCIDENTS_MODULE = 'incidents';

/** Can handle incidents: active and connected to the incidents module. */
export function canReceiveIncidents(org: RoutingOrganisation): boolean {
  return org.active && org.modules.includes(INCIDENTS_MODULE);
}

/** No organisation of the region uses the incidents module: nobody can handle the incident. */
export class NoIncidentHandlerError extends Error {
  constructor(readonly request: RoutingRequest) {
    super(`No organisation of the region uses the incidents module: incident of category ${request.categoryId} cannot be routed`);
    this.name = 'NoIncidentHandlerError';
  }
}

export interface IncidentRoutingDecision {
  organisationId: string;
  /** The organisation the routing rules chose (null: no rule matched); another than organisationId when it lacks the module. */
  routedOrganisationId: string | null;
  /** rule: the routed organisation itself; superior: its nearest ancestor with the module; coordinator: the region-level one. */
  via: 'rule' | 'superior' | 'coordinator';
  /** One line, English, for the incident's history. */
  explanation: string;
}

/** Distance from the top of the loaded tree (the root is 0); stops at a parent outside the data or a cycle. */
function depthOf(byId: Map<string, RoutingOrganisation>, id: string): number {
  const seen = new Set<string>([id]);
  let depth = 0;
  let parentId = byId.get(id)?.parentId ?? null;
  while (parentId !== null && byId.has(parentId) && !seen.has(parentId)) {
    seen.add(parentId);
    depth += 1;
    parentId = byId.get(parentId)!.parentId;
  }
  return depth;
}

/**
 * The region-level incident coordinator: of the active organisations with the incidents module, one
 * without the appeals module first (a body whose case work is open-source messages alone: the ЦУР in
 * every seeded region, where the ministries and municipalities that also use the module handle their
 * own), then the one nearest the top of the tree, then the lower id. Null when none uses the module.
 */
export function regionIncidentCoordinator(organisations: RoutingOrganisation[]): string | null {
  const byId = new Map(organisations.map((o) => [o.id, o]));
  const rank = (o: RoutingOrganisation) => [o.modules.includes(APPEALS_MODULE) ? 1 : 0, depthOf(byId, o.id)];
  const best = organisations.filter(canReceiveIncidents).sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  })[0];
  return best?.id ?? null;
}

/**
 * Who takes an incident the routed organisation cannot handle (`fromOrganisationId`, null when no rule
 * matched): its nearest ancestor with the incidents module, else the region-level coordinator.
 */
export function incidentCoordinator(organisations: RoutingOrganisation[], fromOrganisationId: string | null): Pick<IncidentRoutingDecision, 'organisationId' | 'via'> | null {
  if (fromOrganisationId !== null && organisations.some((o) => o.id === fromOrganisationId)) {
    const superior = parentOf(organisations, fromOrganisationId, canReceiveIncidents);
    if (superior) return { organisationId: superior, via: 'superior' };
  }
  const coordinator = regionIncidentCoordinator(organisations);
  return coordinator ? { organisationId: coordinator, via: 'coordinator' } : null;
}

/**
 * Routes an incident: the region's routing rules by category and territory (routeCase); the routed
 * organisation when it uses the incidents module, else the coordinator (incidentCoordinator), with the
 * reason in the explanation. Throws NoIncidentHandlerError when no organisation of the region uses the module.
 */
export function routeIncident(data: RoutingData, req: RoutingRequest): IncidentRoutingDecision {
  let routed: RoutingDecision | null = null;
  try {
    routed = routeCase(data, req);
  } catch (e) {
    if (!(e instanceof NoRouteError)) throw e;
  }
  const routedOrg = routed ? data.organisations.find((o) => o.id === routed!.organisationId) : undefined;
  if (routed && routedOrg && canReceiveIncidents(routedOrg)) {
    return { organisationId: routed.organisationId, routedOrganisationId: routed.organisationId, via: 'rule', explanation: routed.explanation };
  }
  const target = incidentCoordinator(data.organisations, routed?.organisationId ?? null);
  if (!target) throw new NoIncidentHandlerError(req);
  const to = target.via === 'superior'
    ? `its nearest superior with the module, ${target.organisationId}`
    : `the region's incident coordinator, ${target.organisationId}`;
  const explanation = routed
    ? `${routed.explanation}; ${routed.organisationId} does not use the incidents module, so the incident goes to ${to}`
    : `no routing rule matched category ${req.categoryId} / subcategory ${req.subcategoryId}; the incident goes to ${to}`;
  return { organisationId: target.organisationId, routedOrganisationId: routed?.organisationId ?? null, via: target.via, explanation };
}
