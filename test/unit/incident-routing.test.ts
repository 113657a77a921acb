// Incident routing (workflows/rules/incident-routing.ts) on the seeded regions' own routing data, read
// from db/seeds without a database: Altai's routed bodies that use the incidents module keep their
// incidents, the others hand them up the tree; Khabarovsk's ministries have no incidents module, so their
// incidents reach the regional management centre (khabarovsk.cur, order 003 p.4.2).
import assert from 'node:assert/strict';
import { readSeeds, type SeedData } from '../../db/seed';
import {
  NoIncidentHandlerError, canReceiveIncidents, regionIncidentCoordinator, routeIncident,
} from '../../workflows/rules/incident-routing';
import { NoRouteError, routeCase, type RoutingData, type RoutingOrganisation, type RoutingRequest } from '../../workflows/rules/routing';

let seeds: SeedData;

function regionData(regionId: string): RoutingData {
  return {
    rules: seeds.routingRules.filter((r) => r.region_id === regionId).map((r) => ({
      id: r.seed_key, categoryId: r.category_id, subcategoryId: r.subcategory_id, territoryId: r.territory_id,
      target: r.target, organisationId: r.organisation_id, descend: r.descend, priority: r.priority,
    })),
    organisations: seeds.organisations.filter((o) => o.region_id === regionId).map((o) => ({
      id: o.id, parentId: o.parent_id, kind: o.kind as RoutingOrganisation['kind'], territoryId: o.territory_id, modules: o.modules, active: o.active,
    })),
    territories: seeds.territories.filter((t) => t.region_id === regionId).map((t) => ({ id: t.id, parentId: t.parent_id, kind: t.kind })),
  };
}

/** Every subcategory of the region, with no place and with each given territory. */
function requests(regionId: string, territories: (string | null)[]): RoutingRequest[] {
  const subs = seeds.categories.filter((c) => c.region_id === regionId && c.parent_id !== null);
  return subs.flatMap((s) => territories.map((territoryId) => ({ categoryId: s.parent_id!, subcategoryId: s.id, territoryId })));
}

/** The appeal routing's organisation, or null when no rule matches (appeals then go to the top participant). */
function appealOrganisation(data: RoutingData, req: RoutingRequest): string | null {
  try {
    return routeCase(data, req).organisationId;
  } catch (e) {
    if (e instanceof NoRouteError) return null;
    throw e;
  }
}

const org = (id: string, parentId: string | null, modules: string[], extra: Partial<RoutingOrganisation> = {}): RoutingOrganisation =>
  ({ id, parentId, kind: 'executive_body', territoryId: 't', modules, active: true, ...extra });

describe('incident routing (pure)', () => {
  before(() => {
    seeds = readSeeds();
  });

  it('Altai: an incident stays with the routed body when it uses the incidents module, and always reaches one that does', () => {
    const data = regionData('altai');
    const byId = new Map(data.organisations.map((o) => [o.id, o]));
    let kept = 0;
    let handedOn = 0;
    for (const req of requests('altai', [null, 'altai.t.aleysky'])) {
      const d = routeIncident(data, req);
      assert.ok(canReceiveIncidents(byId.get(d.organisationId)!), `${req.subcategoryId}: ${d.organisationId} has the incidents module`);
      const appeal = appealOrganisation(data, req);
      if (appeal !== null && canReceiveIncidents(byId.get(appeal)!)) {
        assert.equal(d.organisationId, appeal, `${req.subcategoryId}: the routed body keeps it`);
        assert.equal(d.via, 'rule');
        kept++;
      } else {
        assert.notEqual(d.via, 'rule');
        assert.match(d.explanation, appeal ? new RegExp(`${appeal} does not use the incidents module`) : /no routing rule matched/);
        handedOn++;
      }
    }
    assert.ok(kept > 50 && handedOn > 0, `kept ${kept}, handed on ${handedOn}`);
  });

  it('Altai: named examples — the ministry keeps its own, a district administration hands up to the municipalities\' participant, the fallback to the ЦУР', () => {
    const data = regionData('altai');
    const ambulance = routeIncident(data, { categoryId: 'altai.c.medicine', subcategoryId: 'altai.c.medicine.ambulance', territoryId: null });
    assert.deepEqual([ambulance.organisationId, ambulance.via], ['altai.minzdrav', 'rule']);
    const pipe = routeIncident(data, { categoryId: 'altai.c.water', subcategoryId: 'altai.c.water.pipe_damage', territoryId: 'altai.t.aleysky' });
    assert.equal(appealOrganisation(data, { categoryId: 'altai.c.water', subcategoryId: 'altai.c.water.pipe_damage', territoryId: 'altai.t.aleysky' }), 'altai.adm.aleysky');
    assert.deepEqual([pipe.organisationId, pipe.routedOrganisationId, pipe.via], ['altai.omsu', 'altai.adm.aleysky', 'superior']);
    assert.match(pipe.explanation, /altai\.adm\.aleysky does not use the incidents module, so the incident goes to its nearest superior with the module, altai\.omsu$/);
    assert.equal(regionIncidentCoordinator(data.organisations), 'altai.cur');
  });

  it('Khabarovsk: the ministries have no incidents module, so their incidents go to the regional management centre', () => {
    const data = regionData('khabarovsk');
    const byId = new Map(data.organisations.map((o) => [o.id, o]));
    const roads = routeIncident(data, { categoryId: 'khabarovsk.c.roads', subcategoryId: 'khabarovsk.c.roads.repair', territoryId: null });
    assert.deepEqual([roads.organisationId, roads.routedOrganisationId, roads.via], ['khabarovsk.cur', 'khabarovsk.mintrans', 'coordinator']);
    assert.match(roads.explanation, /khabarovsk\.mintrans does not use the incidents module, so the incident goes to the region's incident coordinator, khabarovsk\.cur$/);
    let toCur = 0;
    for (const req of requests('khabarovsk', [null, 'khabarovsk.t.khabarovsk'])) {
      const d = routeIncident(data, req);
      const appeal = appealOrganisation(data, req);
      if (appeal !== null && canReceiveIncidents(byId.get(appeal)!)) assert.equal(d.organisationId, appeal); // the municipalities' participant
      else {
        assert.equal(d.organisationId, 'khabarovsk.cur', `${req.subcategoryId} (routed to ${appeal})`);
        toCur++;
      }
    }
    assert.ok(toCur > 10, `${toCur} incidents to the ЦУР`);
  });

  it('prefers a coordinator without the appeals module, then the nearest the top; skips inactive ones; refuses when nobody uses the module', () => {
    const orgs = [
      org('gov', null, ['appeals']),
      org('min', 'gov', ['appeals', 'incidents']),
      org('cur-old', 'gov', ['incidents'], { active: false }),
      org('cur', 'gov', ['incidents']),
      org('deep-cur', 'min', ['incidents']),
      org('office', 'gov', ['appeals']),
    ];
    assert.equal(regionIncidentCoordinator(orgs), 'cur');
    assert.equal(regionIncidentCoordinator(orgs.filter((o) => !o.id.endsWith('cur'))), 'min');
    const data: RoutingData = {
      organisations: orgs, territories: [{ id: 't', parentId: null, kind: 'region' }],
      rules: [{ id: 1, categoryId: null, subcategoryId: null, territoryId: null, target: 'organisation', organisationId: 'office', descend: false, priority: 0 }],
    };
    const req = { categoryId: 'c', subcategoryId: 'c.s', territoryId: null };
    assert.equal(routeIncident(data, req).organisationId, 'cur');
    const none = { ...data, rules: [] };
    assert.match(routeIncident(none, req).explanation, /no routing rule matched category c \/ subcategory c\.s; the incident goes to the region's incident coordinator, cur/);
    const nobody = { ...data, organisations: orgs.map((o) => ({ ...o, modules: o.modules.filter((m) => m !== 'incidents') })) };
    assert.throws(() => routeIncident(nobody, req), NoIncidentHandlerError);
  });
});
