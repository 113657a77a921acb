import assert from 'node:assert/strict';
import {
  NoRouteError,
  ROUTING_STEPS,
  needsTerritory,
  parentOf,
  routeCase,
  type RoutingData,
  type RoutingOrganisation,
  type RoutingRequest,
  type RoutingRule,
  type RoutingTerritory,
} from '../../workflows/rules/routing';

// A small Altai-like region:
// altai (region)
// ├─ d-biysk (municipal district)
// │  ├─ s-malougrenevo (settlement)
// │  └─ s-sverdlovskoe (settlement; its administration is inactive)
// ├─ c-barnaul (city district)
// │  └─ c-barnaul-central (urban area, no own administration)
// └─ d-zonal (municipal district; its administration is inactive)
//    └─ s-zonal (settlement)
const territories: RoutingTerritory[] = [
  { id: 'altai', parentId: null, kind: 'region' },
  { id: 'd-biysk', parentId: 'altai', kind: 'municipal_district' },
  { id: 's-malougrenevo', parentId: 'd-biysk', kind: 'settlement' },
  { id: 's-sverdlovskoe', parentId: 'd-biysk', kind: 'settlement' },
  { id: 'c-barnaul', parentId: 'altai', kind: 'city_district' },
  { id: 'c-barnaul-central', parentId: 'c-barnaul', kind: 'urban_area' },
  { id: 'd-zonal', parentId: 'altai', kind: 'municipal_district' },
  { id: 's-zonal', parentId: 'd-zonal', kind: 'settlement' },
];

const APPEALS = ['appeals', 'incidents'];
const org = (
  id: string,
  kind: RoutingOrganisation['kind'],
  parentId: string | null,
  territoryId: string | null,
  extra: Partial<RoutingOrganisation> = {},
): RoutingOrganisation => ({ id, kind, parentId, territoryId, modules: APPEALS, active: true, ...extra });

const organisations: RoutingOrganisation[] = [
  org('gov', 'executive_body', null, 'altai'),
  org('min-health', 'executive_body', 'gov', 'altai'),
  org('min-transport', 'executive_body', 'gov', 'altai'),
  org('roads-biysk', 'institution', 'min-transport', 'd-biysk'),
  org('min-education', 'executive_body', 'gov', 'altai', { modules: ['polls'] }),
  org('school-board', 'institution', 'min-education', 'altai'),
  org('min-closed', 'executive_body', 'gov', 'altai', { active: false }),
  org('adm-biysk', 'municipality', 'gov', 'd-biysk'),
  org('adm-malougrenevo', 'settlement', 'adm-biysk', 's-malougrenevo'),
  org('school-malougrenevo', 'institution', 'adm-biysk', 's-malougrenevo', { modules: ['official_pages'] }),
  org('adm-sverdlovskoe', 'settlement', 'adm-biysk', 's-sverdlovskoe', { active: false }),
  org('adm-barnaul', 'municipality', 'gov', 'c-barnaul'),
  org('adm-zonal', 'municipality', 'gov', 'd-zonal', { active: false }),
  org('adm-s-zonal', 'settlement', 'adm-zonal', 's-zonal'),
];

let nextId = 1;
const rule = (r: Partial<RoutingRule>): RoutingRule => ({
  id: nextId++,
  categoryId: null,
  subcategoryId: null,
  territoryId: null,
  target: 'organisation',
  organisationId: null,
  descend: false,
  priority: 0,
  ...r,
});

const data = (rules: RoutingRule[], orgs = organisations): RoutingData => ({ rules, organisations: orgs, territories });

const ROADS = 'roads';
const POTHOLES = 'roads.potholes';
const req = (territoryId: string | null, subcategoryId = POTHOLES, categoryId = ROADS): RoutingRequest => ({ categoryId, subcategoryId, territoryId });

describe('routeCase: fallback chain', () => {
  // One rule per step, each sending to a distinct organisation, all matching a case in s-malougrenevo.
  const chain: [string, RoutingRule][] = [
    ['subcategory+territory', rule({ id: 'r1', subcategoryId: POTHOLES, territoryId: 'd-biysk', organisationId: 'roads-biysk' })],
    ['subcategory+any-territory', rule({ id: 'r2', subcategoryId: POTHOLES, organisationId: 'min-transport' })],
    ['category+territory', rule({ id: 'r3', categoryId: ROADS, territoryId: 's-malougrenevo', organisationId: 'adm-malougrenevo' })],
    ['category+any-territory', rule({ id: 'r4', categoryId: ROADS, organisationId: 'min-health' })],
    ['any-category+territory', rule({ id: 'r5', territoryId: 'altai', organisationId: 'adm-biysk' })],
    ['any-category+any-territory', rule({ id: 'r6', organisationId: 'gov' })],
  ];

  it('lists the steps most specific first', () => {
    assert.deepEqual([...ROUTING_STEPS], chain.map(([step]) => step));
  });

  chain.forEach(([step, expected], i) => {
    it(`falls back to ${step} when the more specific steps have no rule`, () => {
      const remaining = chain.slice(i).map(([, r]) => r).reverse(); // input order must not matter
      const d = routeCase(data(remaining), req('s-malougrenevo'));
      assert.equal(d.step, step);
      assert.equal(d.ruleId, expected.id);
      assert.equal(d.organisationId, expected.organisationId);
    });
  });

  it('a more specific step wins over a higher priority in a less specific step', () => {
    const rules = [
      rule({ id: 'general', categoryId: ROADS, priority: 1000, organisationId: 'min-health' }),
      rule({ id: 'specific', subcategoryId: POTHOLES, priority: -5, organisationId: 'min-transport' }),
    ];
    assert.equal(routeCase(data(rules), req('s-malougrenevo')).ruleId, 'specific');
  });

  it('a subcategory rule matches only its subcategory; a category rule matches all its subcategories', () => {
    const rules = [
      rule({ id: 'lights', subcategoryId: 'roads.lights', organisationId: 'adm-biysk' }),
      rule({ id: 'roads', categoryId: ROADS, organisationId: 'min-transport' }),
      rule({ id: 'health', categoryId: 'health', organisationId: 'min-health' }),
    ];
    assert.equal(routeCase(data(rules), req('s-malougrenevo', POTHOLES)).ruleId, 'roads');
    assert.equal(routeCase(data(rules), req('s-malougrenevo', 'roads.lights')).ruleId, 'lights');
    assert.equal(routeCase(data(rules), req('s-malougrenevo', 'health.clinics', 'health')).ruleId, 'health');
  });

  it('a subcategory rule whose category contradicts the request does not match', () => {
    const rules = [
      rule({ id: 'bad', categoryId: 'health', subcategoryId: POTHOLES, organisationId: 'min-health' }),
      rule({ id: 'ok', categoryId: ROADS, subcategoryId: POTHOLES, organisationId: 'min-transport' }),
    ];
    const d = routeCase(data(rules), req(null));
    assert.equal(d.ruleId, 'ok');
    assert.equal(d.step, 'subcategory+any-territory');
  });

  it('a case without a territory skips the territorial steps', () => {
    const rules = [
      rule({ id: 't', subcategoryId: POTHOLES, territoryId: 'altai', organisationId: 'gov' }),
      rule({ id: 'any', categoryId: ROADS, organisationId: 'min-transport' }),
    ];
    const d = routeCase(data(rules), req(null));
    assert.equal(d.ruleId, 'any');
    assert.equal(d.step, 'category+any-territory');
  });
});

describe('routeCase: territory matching and ties', () => {
  it('a rule territory matches the case territory and any of its ancestors, not siblings or descendants', () => {
    const byTerritory = (territoryId: string) => [rule({ id: territoryId, categoryId: ROADS, territoryId, organisationId: 'gov' })];
    assert.equal(routeCase(data(byTerritory('s-malougrenevo')), req('s-malougrenevo')).step, 'category+territory');
    assert.equal(routeCase(data(byTerritory('d-biysk')), req('s-malougrenevo')).step, 'category+territory');
    assert.equal(routeCase(data(byTerritory('altai')), req('s-malougrenevo')).step, 'category+territory');
    assert.throws(() => routeCase(data(byTerritory('s-sverdlovskoe')), req('s-malougrenevo')), NoRouteError); // sibling
    assert.throws(() => routeCase(data(byTerritory('s-malougrenevo')), req('d-biysk')), NoRouteError); // descendant
  });

  it('a closer territory beats a farther one, whatever the priority', () => {
    const rules = [
      rule({ id: 'region', categoryId: ROADS, territoryId: 'altai', priority: 100, organisationId: 'min-transport' }),
      rule({ id: 'district', categoryId: ROADS, territoryId: 'd-biysk', priority: 0, organisationId: 'adm-biysk' }),
    ];
    const d = routeCase(data(rules), req('s-malougrenevo'));
    assert.equal(d.ruleId, 'district');
    assert.equal(d.organisationId, 'adm-biysk');
  });

  it('at the same territory, higher priority wins', () => {
    const rules = [
      rule({ id: 'low', categoryId: ROADS, territoryId: 'd-biysk', priority: 1, organisationId: 'min-transport' }),
      rule({ id: 'high', categoryId: ROADS, territoryId: 'd-biysk', priority: 5, organisationId: 'adm-biysk' }),
    ];
    assert.equal(routeCase(data(rules), req('s-malougrenevo')).ruleId, 'high');
  });

  it('equal priority: the lower rule id wins (numbers numerically, strings by code units)', () => {
    const numeric = [
      rule({ id: 10, categoryId: ROADS, organisationId: 'min-transport' }),
      rule({ id: 9, categoryId: ROADS, organisationId: 'min-health' }),
    ];
    assert.equal(routeCase(data(numeric), req(null)).ruleId, 9); // 9 < 10, not '10' < '9'
    const strings = [
      rule({ id: 'r-b', categoryId: ROADS, organisationId: 'min-transport' }),
      rule({ id: 'r-a', categoryId: ROADS, organisationId: 'min-health' }),
    ];
    assert.equal(routeCase(data(strings), req(null)).ruleId, 'r-a');
  });

  it('a territory missing from the data still matches a rule naming it exactly', () => {
    const rules = [rule({ id: 'x', categoryId: ROADS, territoryId: 'new-settlement', organisationId: 'gov' })];
    assert.equal(routeCase(data(rules), req('new-settlement')).step, 'category+territory');
  });

  it('throws on a territory cycle instead of looping', () => {
    const looped: RoutingData = {
      rules: [rule({ organisationId: 'gov' })],
      organisations,
      territories: [{ id: 'a', parentId: 'b', kind: 'x' }, { id: 'b', parentId: 'a', kind: 'x' }],
    };
    assert.throws(() => routeCase(looped, req('a')), /Territory hierarchy has a cycle/);
  });
});

describe('routeCase: organisations that cannot receive cases', () => {
  it('skips an inactive organisation and takes the next candidate in the same step', () => {
    const rules = [
      rule({ id: 'closed', categoryId: ROADS, priority: 10, organisationId: 'min-closed' }),
      rule({ id: 'open', categoryId: ROADS, priority: 1, organisationId: 'min-transport' }),
    ];
    const d = routeCase(data(rules), req(null));
    assert.equal(d.ruleId, 'open');
    assert.equal(d.step, 'category+any-territory');
  });

  it('skips an organisation without the appeals module', () => {
    const rules = [
      rule({ id: 'polls-only', categoryId: ROADS, priority: 10, organisationId: 'min-education' }),
      rule({ id: 'ok', categoryId: ROADS, organisationId: 'min-health' }),
    ];
    assert.equal(routeCase(data(rules), req(null)).organisationId, 'min-health');
  });

  it('falls through to the next step when every rule of a step yields no organisation', () => {
    const rules = [
      rule({ id: 'inactive', subcategoryId: POTHOLES, organisationId: 'min-closed' }),
      rule({ id: 'unknown', subcategoryId: POTHOLES, organisationId: 'no-such-org' }),
      rule({ id: 'null-org', subcategoryId: POTHOLES, organisationId: null }),
      rule({ id: 'fallback', categoryId: ROADS, organisationId: 'min-transport' }),
    ];
    const d = routeCase(data(rules), req('s-malougrenevo'));
    assert.equal(d.ruleId, 'fallback');
    assert.equal(d.step, 'category+any-territory');
  });
});

describe('routeCase: target territory (the municipality serving the case territory)', () => {
  const territoryRule = (descend: boolean) => [rule({ id: 'muni', categoryId: ROADS, target: 'territory', descend })];

  it('without descend: the district administration, even for a case in one of its settlements', () => {
    const d = routeCase(data(territoryRule(false)), req('s-malougrenevo'));
    assert.equal(d.organisationId, 'adm-biysk');
    assert.equal(d.step, 'category+any-territory');
  });

  it('with descend: the settlement administration serving the settlement', () => {
    assert.equal(routeCase(data(territoryRule(true)), req('s-malougrenevo')).organisationId, 'adm-malougrenevo');
  });

  it('with descend: the district when the settlement administration is inactive', () => {
    assert.equal(routeCase(data(territoryRule(true)), req('s-sverdlovskoe')).organisationId, 'adm-biysk');
  });

  it('a case at district level goes to the district either way', () => {
    assert.equal(routeCase(data(territoryRule(false)), req('d-biysk')).organisationId, 'adm-biysk');
    assert.equal(routeCase(data(territoryRule(true)), req('d-biysk')).organisationId, 'adm-biysk');
  });

  it('a city area without its own administration goes up to the city district', () => {
    assert.equal(routeCase(data(territoryRule(false)), req('c-barnaul-central')).organisationId, 'adm-barnaul');
    assert.equal(routeCase(data(territoryRule(true)), req('c-barnaul-central')).organisationId, 'adm-barnaul');
  });

  it('without descend: a settlement administration when no district administration can receive the case', () => {
    assert.equal(routeCase(data(territoryRule(false)), req('s-zonal')).organisationId, 'adm-s-zonal');
  });

  it('falls through when no municipality serves the path (region-level territory or no territory)', () => {
    const rules = [...territoryRule(true), rule({ id: 'region', organisationId: 'gov' })];
    assert.equal(routeCase(data(rules), req('altai')).ruleId, 'region');
    assert.equal(routeCase(data(rules), req(null)).ruleId, 'region');
    assert.throws(() => routeCase(data(territoryRule(false)), req('altai')), NoRouteError);
  });

  it('a territorial territory-target rule: matched by territory, resolved by the case territory', () => {
    const rules = [rule({ id: 'biysk-roads', categoryId: ROADS, territoryId: 'd-biysk', target: 'territory', descend: true })];
    const d = routeCase(data(rules), req('s-malougrenevo'));
    assert.equal(d.organisationId, 'adm-malougrenevo');
    assert.equal(d.step, 'category+territory');
  });
});

describe('routeCase: target organisation with descend', () => {
  it('sends the case down to the descendant serving the case territory', () => {
    const rules = [rule({ id: 'roads', categoryId: ROADS, organisationId: 'min-transport', descend: true })];
    assert.equal(routeCase(data(rules), req('s-malougrenevo')).organisationId, 'roads-biysk');
  });

  it('keeps the organisation itself when no descendant serves the case territory', () => {
    const rules = [rule({ id: 'roads', categoryId: ROADS, organisationId: 'min-transport', descend: true })];
    const d = routeCase(data(rules), req('c-barnaul-central'));
    assert.equal(d.organisationId, 'min-transport');
    assert.equal(routeCase(data(rules), req(null)).organisationId, 'min-transport');
  });

  it('without descend the rule organisation keeps the case', () => {
    const rules = [rule({ id: 'roads', categoryId: ROADS, organisationId: 'min-transport', descend: false })];
    assert.equal(routeCase(data(rules), req('s-malougrenevo')).organisationId, 'min-transport');
  });

  it('chooses the closest territory through several levels, skipping ineligible descendants', () => {
    const rules = [rule({ id: 'gov', organisationId: 'gov', descend: true })];
    // gov → adm-biysk → adm-malougrenevo (the school there has no appeals module)
    assert.equal(routeCase(data(rules), req('s-malougrenevo')).organisationId, 'adm-malougrenevo');
    // the settlement administration is inactive: stop at the district
    assert.equal(routeCase(data(rules), req('s-sverdlovskoe')).organisationId, 'adm-biysk');
    // a region-level case stays with gov: region-wide subordinates (ministries, school-board) are no closer
    assert.equal(routeCase(data(rules), req('altai')).organisationId, 'gov');
  });

  it('only descendants closer to the case than the organisation itself count', () => {
    const orgs = [
      org('ministry', 'executive_body', null, 'altai'),
      org('ministry-agency', 'institution', 'ministry', 'altai'), // region-wide: never closer
      org('ministry-biysk', 'institution', 'ministry', 'd-biysk'),
    ];
    const rules = [rule({ organisationId: 'ministry', descend: true })];
    assert.equal(routeCase(data(rules, orgs), req('c-barnaul')).organisationId, 'ministry');
    assert.equal(routeCase(data(rules, orgs), req('s-malougrenevo')).organisationId, 'ministry-biysk');
  });

  it('goes down only through organisations each closer to the case territory than the one above', () => {
    // gov → min-transport (region-wide, no closer) → roads-biysk: not reached from gov
    const rules = [rule({ organisationId: 'gov', descend: true })];
    assert.equal(routeCase(data(rules), req('s-sverdlovskoe')).organisationId, 'adm-biysk');
    // an inactive intermediate body is passed through: gov → adm-zonal (inactive) → adm-s-zonal
    assert.equal(routeCase(data(rules), req('s-zonal')).organisationId, 'adm-s-zonal');
  });

  it('at equal territory distance the deeper descendant wins, then the lower id', () => {
    const orgs = [
      org('x', 'executive_body', null, 'altai'),
      org('x-district-b', 'institution', 'x', 'd-biysk'),
      org('x-district-a', 'institution', 'x', 'd-biysk'),
      org('x-region', 'institution', 'x', 'altai', { active: false }),
      org('x-region-district', 'institution', 'x-region', 'd-biysk'),
    ];
    const rules = [rule({ organisationId: 'x', descend: true })];
    // x-region is no closer than x, so its child is not reached; between the two districts, lower id
    assert.equal(routeCase(data(rules, orgs), req('s-malougrenevo')).organisationId, 'x-district-a');
    const deeper = [
      org('y', 'executive_body', null, null), // no territory: any territory on the path is closer
      org('y-region', 'institution', 'y', 'altai'),
      org('y-district', 'institution', 'y-region', 'd-biysk'),
      org('y-district-direct', 'institution', 'y', 'd-biysk'),
    ];
    assert.equal(routeCase(data([rule({ organisationId: 'y', descend: true })], deeper), req('s-malougrenevo')).organisationId, 'y-district');
  });

  it('uses an eligible descendant even if the rule organisation itself is inactive', () => {
    const orgs = [
      org('parent', 'executive_body', null, 'altai', { active: false }),
      org('branch', 'institution', 'parent', 'd-biysk'),
    ];
    const rules = [rule({ organisationId: 'parent', descend: true })];
    assert.equal(routeCase(data(rules, orgs), req('s-malougrenevo')).organisationId, 'branch');
    assert.throws(() => routeCase(data(rules, orgs), req('c-barnaul')), NoRouteError);
  });
});

describe('routeCase: decision and errors', () => {
  it('explains the decision in one English line', () => {
    const rules = [rule({ id: 42, categoryId: ROADS, territoryId: 'd-biysk', priority: 3, organisationId: 'min-transport', descend: true })];
    const d = routeCase(data(rules), req('s-malougrenevo'));
    assert.deepEqual({ organisationId: d.organisationId, ruleId: d.ruleId, step: d.step }, {
      organisationId: 'roads-biysk',
      ruleId: 42,
      step: 'category+territory',
    });
    assert.doesNotMatch(d.explanation, /\n/);
    assert.match(d.explanation, /^Rule 42 \(category\+territory, territory d-biysk \(ancestor of s-malougrenevo, 1 level\(s\) up\), priority 3/);
    assert.match(d.explanation, /to roads-biysk: descended from min-transport/);
  });

  it('throws NoRouteError with the request when no rule matches', () => {
    const err = (() => {
      try {
        routeCase(data([rule({ categoryId: 'health', organisationId: 'min-health' })]), req('s-malougrenevo'));
      } catch (e) {
        return e;
      }
      assert.fail('expected NoRouteError');
    })();
    assert.ok(err instanceof NoRouteError);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'NoRouteError');
    assert.deepEqual(err.request, req('s-malougrenevo'));
    assert.match(err.message, /category=roads, subcategory=roads\.potholes, territory=s-malougrenevo/);
  });

  it('throws NoRouteError when there are no rules at all, or only rules to organisations that cannot receive cases', () => {
    assert.throws(() => routeCase(data([]), req(null)), /No route for case: .*territory=none/);
    assert.throws(() => routeCase(data([rule({ organisationId: 'min-closed' }), rule({ organisationId: 'min-education' })]), req(null)), NoRouteError);
  });

  it('terminates on an organisation cycle', () => {
    const orgs = [org('a', 'executive_body', 'b', 'altai'), org('b', 'executive_body', 'a', 'd-biysk')];
    assert.equal(routeCase(data([rule({ organisationId: 'a', descend: true })], orgs), req('s-malougrenevo')).organisationId, 'b');
    assert.equal(routeCase(data([rule({ organisationId: 'b', descend: true })], orgs), req('s-malougrenevo')).organisationId, 'b');
  });
});

describe('parentOf', () => {
  it('walks up the chain to the top', () => {
    assert.equal(parentOf(organisations, 'adm-malougrenevo'), 'adm-biysk');
    assert.equal(parentOf(organisations, 'adm-biysk'), 'gov');
    assert.equal(parentOf(organisations, 'roads-biysk'), 'min-transport');
    assert.equal(parentOf(organisations, 'min-transport'), 'gov');
    assert.equal(parentOf(organisations, 'gov'), null);
  });

  it('skips inactive and non-appeals ancestors', () => {
    assert.equal(parentOf(organisations, 'adm-s-zonal'), 'gov'); // adm-zonal is inactive
    assert.equal(parentOf(organisations, 'school-board'), 'gov'); // min-education has no appeals module
  });

  it('returns null when nothing eligible is above', () => {
    const orgs = [org('top', 'executive_body', null, null, { active: false }), org('child', 'institution', 'top', null)];
    assert.equal(parentOf(orgs, 'child'), null);
    assert.equal(parentOf([org('orphan', 'institution', 'not-loaded', null)], 'orphan'), null);
  });

  it('throws for an unknown organisation and for a cycle', () => {
    assert.throws(() => parentOf(organisations, 'nobody'), /Unknown organisation nobody/);
    const orgs = [
      org('a', 'executive_body', 'b', null, { active: false }),
      org('b', 'executive_body', 'a', null, { active: false }),
      org('c', 'institution', 'a', null),
    ];
    assert.throws(() => parentOf(orgs, 'c'), /cycle/);
  });
});

describe('needsTerritory: a subcategory routed to the local self-government of the place', () => {
  const sub = { categoryId: ROADS, subcategoryId: POTHOLES };

  it('is true when the first rule for a case without a place targets the territory', () => {
    const rules = [rule({ categoryId: ROADS, target: 'territory' }), rule({ organisationId: 'gov' })];
    assert.equal(needsTerritory(rules, sub), true);
  });

  it('is false when a more specific rule sends the subcategory to an organisation', () => {
    const rules = [rule({ categoryId: ROADS, target: 'territory' }), rule({ subcategoryId: POTHOLES, organisationId: 'min-transport' })];
    assert.equal(needsTerritory(rules, sub), false);
  });

  it('follows priority within a step, and ignores rules that name a territory', () => {
    const rules = [
      rule({ categoryId: ROADS, target: 'territory', priority: 1 }),
      rule({ categoryId: ROADS, organisationId: 'min-transport', priority: 5 }),
      rule({ subcategoryId: POTHOLES, territoryId: 'd-biysk', target: 'territory', priority: 100 }),
    ];
    assert.equal(needsTerritory(rules, sub), false);
    assert.equal(needsTerritory([rule({ subcategoryId: POTHOLES, territoryId: 'd-biysk', target: 'territory' })], sub), false);
  });

  it('is false when only the fallback applies, or no rule at all', () => {
    assert.equal(needsTerritory([rule({ organisationId: 'gov' })], sub), false);
    assert.equal(needsTerritory([], sub), false);
  });
});
