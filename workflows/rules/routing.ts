// Routing a case to an organisation by category, subcategory and territory, with a fallback chain.
// Pure and deterministic: imported by workflow code (no node: imports, no clock, no I/O). The caller
// loads the region's rules, organisations and territories (an activity) and passes them in.

export interface RoutingTerritory {
  id: string;
  parentId: string | null;
  kind: string;
}

export interface RoutingOrganisation {
  id: string;
  parentId: string | null;
  kind: 'executive_body' | 'municipality' | 'settlement' | 'institution';
  territoryId: string | null;
  modules: string[];
  active: boolean;
}

/**
 * categoryId / subcategoryId / territoryId null = any. target 'organisation' sends to organisationId;
 * target 'territory' sends to the municipality serving the case territory. descend: see routeCase.
 */
export interface RoutingRule {
  id: number | string;
  categoryId: string | null;
  subcategoryId: string | null;
  territoryId: string | null;
  target: 'organisation' | 'territory';
  organisationId: string | null;
  descend: boolean;
  priority: number;
}

export interface RoutingRequest {
  categoryId: string;
  subcategoryId: string;
  territoryId: string | null;
}

export interface RoutingData {
  rules: RoutingRule[];
  organisations: RoutingOrganisation[];
  territories: RoutingTerritory[];
}

export interface RoutingDecision {
  organisationId: string;
  ruleId: number | string;
  /** Which fallback step matched: one of ROUTING_STEPS, e.g. 'subcategory+territory'. */
  step: string;
  /** One line, English, for the case history and the supervisor. */
  explanation: string;
}

export class NoRouteError extends Error {
  constructor(readonly request: RoutingRequest, detail?: string) {
    super(
      `No route for case: category=${request.categoryId}, subcategory=${request.subcategoryId}, ` +
        `territory=${request.territoryId ?? 'none'}: no routing rule yields an active organisation with the appeals module` +
        (detail ? ` (${detail})` : ''),
    );
    this.name = 'NoRouteError'; // survives serialisation as the failure type across Temporal boundaries
  }
}

/** The module an organisation must use to receive appeals and messages (Appendix 4 of decree 262). */
export const APPEALS_MODULE = 'appeals';

export type RoutingStep =
  | 'subcategory+territory'
  | 'subcategory+any-territory'
  | 'category+territory'
  | 'category+any-territory'
  | 'any-category+territory'
  | 'any-category+any-territory';

type Specificity = 'subcategory' | 'category' | 'any-category';

interface StepDef { step: RoutingStep; specificity: Specificity; territorial: boolean }

/** The fallback chain, most specific first. */
export const ROUTING_STEPS: readonly RoutingStep[] = [
  'subcategory+territory',
  'subcategory+any-territory',
  'category+territory',
  'category+any-territory',
  'any-category+territory',
  'any-category+any-territory',
];

const STEP_DEFS: readonly StepDef[] = ROUTING_STEPS.map((step) => ({
  step,
  specificity: step.startsWith('subcategory') ? 'subcategory' : step.startsWith('category') ? 'category' : 'any-category',
  territorial: !step.endsWith('any-territory'),
}));

/** Can receive cases: active and connected to the appeals module. */
export function canReceiveCases(org: RoutingOrganisation): boolean {
  return org.active && org.modules.includes(APPEALS_MODULE);
}

function byId<T extends { id: string }>(items: T[]): Map<string, T> {
  return new Map(items.map((x) => [x.id, x]));
}

/**
 * The case territory and its ancestors, closest first (index = distance). A territory missing from the
 * data still matches itself, so a rule naming it exactly keeps working. Throws on a parent cycle.
 */
function territoryPath(territories: Map<string, RoutingTerritory>, territoryId: string | null): string[] {
  const path: string[] = [];
  let id = territoryId;
  while (id !== null) {
    if (path.includes(id)) throw new Error(`Territory hierarchy has a cycle at ${id}`);
    path.push(id);
    id = territories.get(id)?.parentId ?? null;
  }
  return path;
}

// Which rules belong to a step: set fields must equal the request, unset fields match anything, and
// each step fixes which fields are set. A subcategory rule with a categoryId that contradicts the
// request's category is inconsistent data and matches nothing.
function matchesStep(rule: RoutingRule, def: StepDef, req: RoutingRequest, path: string[]): boolean {
  const specificityOk =
    def.specificity === 'subcategory'
      ? rule.subcategoryId === req.subcategoryId && (rule.categoryId === null || rule.categoryId === req.categoryId)
      : def.specificity === 'category'
        ? rule.subcategoryId === null && rule.categoryId === req.categoryId
        : rule.subcategoryId === null && rule.categoryId === null;
  if (!specificityOk) return false;
  return def.territorial ? rule.territoryId !== null && path.includes(rule.territoryId) : rule.territoryId === null;
}

/** Tie rule for rule ids: numbers numerically; otherwise (strings, or mixed) by their string form in code-unit order. */
function compareIds(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * Candidate order within a step: closer rule territory first (distance along the case's territory path),
 * then higher priority, then lower rule id (so equal rules resolve the same way on every run).
 */
function compareCandidates(a: RoutingRule, b: RoutingRule, path: string[]): number {
  const da = a.territoryId === null ? 0 : path.indexOf(a.territoryId);
  const db = b.territoryId === null ? 0 : path.indexOf(b.territoryId);
  return da - db || b.priority - a.priority || compareIds(a.id, b.id);
}

interface Target { organisationId: string; how: string }

/**
 * target 'territory': the local self-government body serving the case territory, found by walking the
 * territory path upward. descend false: the closest municipality-kind body (district / city district),
 * a settlement administration only if no district serves the path. descend true: the closest body of
 * either kind (the settlement administration when one serves that settlement). Ties: lower id.
 */
function territoryTarget(rule: RoutingRule, orgs: RoutingOrganisation[], path: string[]): Target | null {
  const serving = orgs.filter(
    (o) => canReceiveCases(o) && (o.kind === 'municipality' || o.kind === 'settlement') &&
      o.territoryId !== null && path.includes(o.territoryId),
  );
  const distance = (o: RoutingOrganisation) => path.indexOf(o.territoryId as string);
  const kindRank = (o: RoutingOrganisation) => (rule.descend ? (o.kind === 'settlement' ? 0 : 1) : (o.kind === 'municipality' ? 0 : 1));
  const best = [...serving].sort((a, b) =>
    rule.descend
      ? distance(a) - distance(b) || kindRank(a) - kindRank(b) || compareIds(a.id, b.id)
      : kindRank(a) - kindRank(b) || distance(a) - distance(b) || compareIds(a.id, b.id),
  )[0];
  if (!best) return null;
  return { organisationId: best.id, how: `${best.kind} serving territory ${best.territoryId}` };
}

/**
 * Organisations reachable from root by going down (by parentId) through a chain in which every step
 * serves a territory on the case path strictly closer to the case territory than the step above.
 * Intermediate organisations need not be able to receive cases. Terminates even on a parentId cycle:
 * the distance strictly decreases along every chain.
 */
function territorialDescendants(orgs: RoutingOrganisation[], rootDistance: number, rootId: string, distance: (t: string | null) => number) {
  const children = new Map<string, RoutingOrganisation[]>();
  for (const o of orgs) {
    if (o.parentId !== null) children.set(o.parentId, [...(children.get(o.parentId) ?? []), o]);
  }
  const out: { org: RoutingOrganisation; depth: number; distance: number }[] = [];
  const visit = (id: string, above: number, depth: number): void => {
    for (const child of children.get(id) ?? []) {
      const d = distance(child.territoryId);
      if (d >= above) continue;
      out.push({ org: child, depth, distance: d });
      visit(child.id, d, depth + 1);
    }
  };
  visit(rootId, rootDistance, 1);
  return out;
}

/**
 * target 'organisation': the rule's organisation. With descend, the case is sent down the territorial
 * hierarchy: to the descendant serving the territory closest to the case territory, reached through
 * organisations each serving a territory strictly closer to the case than its parent (so a ministry's
 * region-wide subordinates are passed over, and a branch of another ministry under the same root is
 * never reached through that ministry). Ties: deeper wins, then lower id. The organisation itself keeps
 * the case when no descendant qualifies; an eligible descendant is used even when the rule's
 * organisation itself cannot receive cases (e.g. a deactivated parent body).
 */
function organisationTarget(rule: RoutingRule, orgs: Map<string, RoutingOrganisation>, all: RoutingOrganisation[], path: string[]): Target | null {
  if (rule.organisationId === null) return null;
  const org = orgs.get(rule.organisationId);
  if (rule.descend && path.length > 0) {
    // Off-path (or no) territory counts as farther than the whole path.
    const distance = (territoryId: string | null) => (territoryId !== null && path.includes(territoryId) ? path.indexOf(territoryId) : path.length);
    const below = territorialDescendants(all, distance(org?.territoryId ?? null), rule.organisationId, distance)
      .filter(({ org: o }) => canReceiveCases(o))
      .sort((a, b) => a.distance - b.distance || b.depth - a.depth || compareIds(a.org.id, b.org.id));
    const best = below[0];
    if (best) {
      return { organisationId: best.org.id, how: `descended from ${rule.organisationId} to ${best.org.id} serving territory ${best.org.territoryId}` };
    }
  }
  if (!org || !canReceiveCases(org)) return null;
  return { organisationId: org.id, how: rule.descend ? 'rule organisation (no eligible descendant serves a closer territory)' : 'rule organisation' };
}

/**
 * Route a case. Steps, most specific first: (subcategory, territory) → (subcategory, any territory) →
 * (category, territory) → (category, any) → (any category, territory) → (any, any). A rule territory
 * matches the case territory or any ancestor of it. Within a step candidates are tried in the order of
 * compareCandidates (closer territory, higher priority, lower id); a candidate that yields no organisation
 * able to receive cases falls through to the next candidate, then to the next step.
 * Throws NoRouteError when nothing yields an organisation.
 */
export function routeCase(data: RoutingData, req: RoutingRequest): RoutingDecision {
  const territories = byId(data.territories);
  const orgs = byId(data.organisations);
  const path = territoryPath(territories, req.territoryId);
  for (const def of STEP_DEFS) {
    const candidates = data.rules.filter((r) => matchesStep(r, def, req, path)).sort((a, b) => compareCandidates(a, b, path));
    for (const rule of candidates) {
      const target = rule.target === 'territory' ? territoryTarget(rule, data.organisations, path) : organisationTarget(rule, orgs, data.organisations, path);
      if (target) return decision(rule, def.step, target, req, path);
    }
  }
  throw new NoRouteError(req);
}

/**
 * Whether a case of this subcategory needs a place to be routed: the rule that routing tries first for a
 * case with no territory sends it to the local self-government of the case's territory (target
 * 'territory'), so without a place it could only fall through to a rule meant for something else.
 * Rules naming a territory are not looked at (they cannot match a case without one).
 * Deterministic: depends only on its arguments.
 */
export function needsTerritory(rules: RoutingRule[], req: { categoryId: string; subcategoryId: string }): boolean {
  const placeless: RoutingRequest = { ...req, territoryId: null };
  for (const def of STEP_DEFS) {
    if (def.territorial) continue;
    const first = rules.filter((r) => matchesStep(r, def, placeless, [])).sort((a, b) => compareCandidates(a, b, []))[0];
    if (first) return first.target === 'territory';
  }
  return false;
}

function decision(rule: RoutingRule, step: RoutingStep, target: Target, req: RoutingRequest, path: string[]): RoutingDecision {
  const where = rule.territoryId === null
    ? 'any territory'
    : rule.territoryId === req.territoryId
      ? `territory ${rule.territoryId}`
      : `territory ${rule.territoryId} (ancestor of ${req.territoryId}, ${path.indexOf(rule.territoryId)} level(s) up)`;
  const explanation =
    `Rule ${rule.id} (${step}, ${where}, priority ${rule.priority}, target ${rule.target}) routed ` +
    `category ${req.categoryId} / subcategory ${req.subcategoryId} to ${target.organisationId}: ${target.how}`;
  return { organisationId: target.organisationId, ruleId: rule.id, step, explanation };
}

/**
 * The higher-level participant for repeat processing after a negative rating: the nearest ancestor
 * (by parentId) that is active and uses the appeals module (`canReceive`; incidents pass their own
 * module's test); null at the top. Ancestors that cannot receive are skipped, not treated as the top.
 * Throws for an unknown organisation or a cycle.
 */
export function parentOf(
  organisations: RoutingOrganisation[],
  organisationId: string,
  canReceive: (org: RoutingOrganisation) => boolean = canReceiveCases,
): string | null {
  const orgs = byId(organisations);
  const start = orgs.get(organisationId);
  if (!start) throw new Error(`Unknown organisation ${organisationId}`);
  const seen = new Set<string>([organisationId]);
  let parentId = start.parentId;
  while (parentId !== null) {
    if (seen.has(parentId)) throw new Error(`Organisation hierarchy has a cycle at ${parentId}`);
    seen.add(parentId);
    const parent = orgs.get(parentId);
    if (!parent) return null; // parent outside the loaded data: treat as the top of what we know
    if (canReceive(parent)) return parent.id;
    parentId = parent.parentId;
  }
  return null;
}
