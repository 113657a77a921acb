import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { call, roleTokens, startTestApi, type RoleTokens, type TestApi } from './helpers';

describe('API reference data', () => {
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;

  before(async () => {
    ({ db } = await freshDatabase('api_reference'));
    await createTestRegion(db);
    t = await roleTokens(db);
    api = await startTestApi(db);
  });

  after(async () => {
    await api?.close();
  });

  it('lets every role read regions, profiles, territories, organisations, the classifier and rules', async () => {
    for (const token of [t.citizen, t.ministry, t.supervisor, t.admin]) {
      const regions = await call(api, 'GET', '/regions', { token });
      assert.equal(regions.status, 200);
      const { number_prefix: numberPrefix } = await db('regions').where({ id: TEST_REGION }).first('number_prefix');
      assert.deepEqual(regions.body.items, [{ id: TEST_REGION, name: 'Тестовый край', timeZone: 'Asia/Barnaul', numberPrefix }]);
      assert.equal((await call(api, 'GET', `/regions/${TEST_REGION}`, { token })).status, 200);
      assert.equal((await call(api, 'GET', `/regions/${TEST_REGION}/profile`, { token })).status, 200);
      assert.equal((await call(api, 'GET', '/organisations', { token })).status, 200);
      assert.equal((await call(api, 'GET', '/routing-rules', { token })).status, 200);
    }
    const territories = await call(api, 'GET', `/regions/${TEST_REGION}/territories`, { token: t.citizen });
    assert.deepEqual(territories.body.items.map((x: { id: string }) => x.id), [TERRITORY.region, TERRITORY.district, TERRITORY.village]);
    const classifier = await call(api, 'GET', `/regions/${TEST_REGION}/classifier`, { token: t.citizen });
    assert.equal(classifier.status, 200);
    const medicine = classifier.body.categories.find((c: { id: string }) => c.id === CAT.medicine);
    assert.deepEqual(medicine.subcategories, [{
      id: CAT.ambulance, name: 'Вызов скорой помощи',
      accelerated: { termDays: 10, responsibleOrganisationIds: [ORG.ministry], responsibleMunicipality: false },
      needsTerritory: false,
    }]);
    const roads = classifier.body.categories.find((c: { id: string }) => c.id === CAT.roads);
    assert.equal(roads.subcategories[0].accelerated, null);
    assert.equal(roads.subcategories[0].needsTerritory, true); // routed by a territory rule
    const children = await call(api, 'GET', `/organisations?parentId=${ORG.district}`, { token: t.citizen });
    assert.deepEqual(children.body.items.map((o: { id: string }) => o.id), [ORG.school, ORG.settlement]);
    assert.equal((await call(api, 'GET', '/regions/nowhere', { token: t.citizen })).status, 404);
    assert.equal((await call(api, 'GET', '/organisations/nowhere', { token: t.citizen })).status, 404);
  });

  it('forbids reference writes to everyone but administrators (403 problem), storing nothing', async () => {
    const org = { id: 'testland.new', regionId: TEST_REGION, name: 'New body', kind: 'executive_body' };
    for (const token of [t.citizen, t.ministry, t.supervisor]) {
      const writes: [string, string, unknown][] = [
        ['POST', '/organisations', org],
        ['PATCH', `/organisations/${ORG.ministry}`, { name: 'x' }],
        ['PUT', `/regions/${TEST_REGION}/profile`, {}],
        ['POST', '/categories', { id: 'testland.c.x', regionId: TEST_REGION, name: 'x' }],
        ['PATCH', `/categories/${CAT.roads}`, { name: 'x' }],
        ['PUT', `/categories/${CAT.potholes}/accelerated`, {}],
        ['DELETE', `/categories/${CAT.ambulance}/accelerated`, undefined],
        ['POST', '/routing-rules', { regionId: TEST_REGION, target: 'territory' }],
        ['PUT', '/routing-rules/1', { regionId: TEST_REGION, target: 'territory' }],
        ['DELETE', '/routing-rules/1', undefined],
      ];
      for (const [method, path, body] of writes) {
        const r = await call(api, method, path, { token, body });
        assert.equal(r.status, 403, `${method} ${path}`);
        assert.match(r.headers.get('content-type')!, /^application\/problem\+json/);
      }
    }
    assert.equal(await db('organisations').where({ id: 'testland.new' }).first(), undefined);
    assert.equal((await db('routing_rules').count('* as n'))[0].n, '3');
  });

  it('creates and changes organisations, rejecting parent cycles and foreign references', async () => {
    const created = await call(api, 'POST', '/organisations', {
      token: t.admin,
      body: { id: 'testland.clinic', regionId: TEST_REGION, parentId: ORG.ministry, name: 'Clinic', kind: 'institution', territoryId: TERRITORY.village },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/organisations/testland.clinic');
    assert.deepEqual(created.body, {
      id: 'testland.clinic', regionId: TEST_REGION, parentId: ORG.ministry, name: 'Clinic', kind: 'institution',
      territoryId: TERRITORY.village, modules: ['appeals'], active: true,
    });
    const dup = await call(api, 'POST', '/organisations', { token: t.admin, body: { id: 'testland.clinic', regionId: TEST_REGION, name: 'Clinic', kind: 'institution' } });
    assert.equal(dup.status, 409);
    const badParent = await call(api, 'POST', '/organisations', { token: t.admin, body: { id: 'testland.x', regionId: TEST_REGION, parentId: 'nowhere', name: 'X', kind: 'institution' } });
    assert.equal(badParent.status, 400);
    assert.equal(badParent.body.errors[0].path, '/parentId');

    // government → ministry → clinic: making the clinic the ministry's parent would close a loop.
    const cycle = await call(api, 'PATCH', `/organisations/${ORG.ministry}`, { token: t.admin, body: { parentId: 'testland.clinic' } });
    assert.equal(cycle.status, 400);
    assert.equal(cycle.body.errors[0].path, '/parentId');
    assert.match(cycle.body.errors[0].message, /cycle/);
    const self = await call(api, 'PATCH', `/organisations/${ORG.ministry}`, { token: t.admin, body: { parentId: ORG.ministry } });
    assert.equal(self.status, 400);
    assert.equal((await db('organisations').where({ id: ORG.ministry }).first()).parent_id, ORG.government);

    const moved = await call(api, 'PATCH', '/organisations/testland.clinic', { token: t.admin, body: { parentId: ORG.district, active: false, modules: ['appeals', 'polls'] } });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.parentId, ORG.district);
    assert.equal(moved.body.active, false);
    const empty = await call(api, 'PATCH', '/organisations/testland.clinic', { token: t.admin, body: {} });
    assert.equal(empty.status, 400);
    const regionChange = await call(api, 'PATCH', '/organisations/testland.clinic', { token: t.admin, body: { regionId: 'other' } });
    assert.equal(regionChange.status, 400);
    assert.equal(regionChange.body.errors[0].path, '/regionId');
  });

  it('validates and replaces the regulation profile', async () => {
    const profile = {
      defaultTermDays: 30, dayKind: 'working', municipalTermsAdvisory: true, negativeRatingThreshold: 2, ratingWindowDays: 10,
      reminderOffsetsDays: [1, 3], extensionMaxDays: 30, calendar: { holidays: ['2026-01-01'], workingWeekends: [] },
    };
    const bad = await call(api, 'PUT', `/regions/${TEST_REGION}/profile`, {
      token: t.admin,
      body: { ...profile, negativeRatingThreshold: 5, ratingWindowDays: 0, reminderOffsetsDays: [0], dayKind: 'lunar', calendar: { holidays: ['1 Jan'], workingWeekends: [] } },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.errors.map((e: { path: string }) => e.path).sort(),
      ['/calendar/holidays/0', '/dayKind', '/negativeRatingThreshold', '/ratingWindowDays', '/reminderOffsetsDays/0'],
    );
    const missing = await call(api, 'PUT', `/regions/${TEST_REGION}/profile`, { token: t.admin, body: { defaultTermDays: 30 } });
    assert.equal(missing.status, 400);
    assert.ok(missing.body.errors.length >= 7);
    const ok = await call(api, 'PUT', `/regions/${TEST_REGION}/profile`, { token: t.admin, body: profile });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.dayKind, 'working');
    assert.deepEqual(ok.body.reminderOffsetsDays, [3, 1]);
    assert.deepEqual(ok.body.calendar, { holidays: ['2026-01-01'], workingWeekends: [] });
    const read = await call(api, 'GET', `/regions/${TEST_REGION}/profile`, { token: t.citizen });
    assert.deepEqual(read.body, ok.body);
    const row = await db('regulation_profiles').where({ region_id: TEST_REGION }).first();
    assert.equal(row.day_kind, 'working');
    // put it back for the routing preview below
    await call(api, 'PUT', `/regions/${TEST_REGION}/profile`, { token: t.admin, body: { ...profile, dayKind: 'calendar', municipalTermsAdvisory: false } });
  });

  it('keeps the classifier two-level and manages the accelerated track', async () => {
    const sub = await call(api, 'POST', '/categories', { token: t.admin, body: { id: 'testland.c.roads.snow', regionId: TEST_REGION, parentId: CAT.roads, name: 'Snow' } });
    assert.equal(sub.status, 201);
    assert.deepEqual(sub.body, { id: 'testland.c.roads.snow', regionId: TEST_REGION, parentId: CAT.roads, name: 'Snow' });
    const third = await call(api, 'POST', '/categories', { token: t.admin, body: { id: 'testland.c.deep', regionId: TEST_REGION, parentId: 'testland.c.roads.snow', name: 'Too deep' } });
    assert.equal(third.status, 400);
    assert.equal(third.body.errors[0].path, '/parentId');
    const renamed = await call(api, 'PATCH', '/categories/testland.c.roads.snow', { token: t.admin, body: { name: 'Snow removal', parentId: CAT.medicine } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.parentId, CAT.medicine);
    const topMove = await call(api, 'PATCH', `/categories/${CAT.roads}`, { token: t.admin, body: { parentId: CAT.medicine } });
    assert.equal(topMove.status, 400);

    const acc = await call(api, 'PUT', '/categories/testland.c.roads.snow/accelerated', {
      token: t.admin, body: { termDays: 7, responsibleOrganisationIds: [ORG.transport], responsibleMunicipality: true },
    });
    assert.equal(acc.status, 200);
    assert.deepEqual(acc.body, { termDays: 7, responsibleOrganisationIds: [ORG.transport], responsibleMunicipality: true });
    const tooLong = await call(api, 'PUT', '/categories/testland.c.roads.snow/accelerated', {
      token: t.admin, body: { termDays: 31, responsibleOrganisationIds: [], responsibleMunicipality: false },
    });
    assert.equal(tooLong.status, 400);
    const onCategory = await call(api, 'PUT', `/categories/${CAT.roads}/accelerated`, {
      token: t.admin, body: { termDays: 7, responsibleOrganisationIds: [], responsibleMunicipality: false },
    });
    assert.equal(onCategory.status, 400);
    assert.equal((await call(api, 'DELETE', '/categories/testland.c.roads.snow/accelerated', { token: t.admin })).status, 204);
    assert.equal((await call(api, 'DELETE', '/categories/testland.c.roads.snow/accelerated', { token: t.admin })).status, 404);
  });

  it('creates, replaces and deletes routing rules with checked references, and previews routing', async () => {
    const noOrg = await call(api, 'POST', '/routing-rules', { token: t.admin, body: { regionId: TEST_REGION, target: 'organisation' } });
    assert.equal(noOrg.status, 400);
    assert.equal(noOrg.body.errors[0].path, '/organisationId');
    const mismatch = await call(api, 'POST', '/routing-rules', {
      token: t.admin, body: { regionId: TEST_REGION, categoryId: CAT.medicine, subcategoryId: CAT.potholes, target: 'organisation', organisationId: ORG.transport },
    });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.errors[0].path, '/subcategoryId');

    const rule = await call(api, 'POST', '/routing-rules', {
      token: t.admin,
      body: { regionId: TEST_REGION, subcategoryId: CAT.potholes, target: 'organisation', organisationId: ORG.transport, priority: 10, note: 'roads to transport' },
    });
    assert.equal(rule.status, 201);
    assert.equal(rule.body.organisationId, ORG.transport);
    assert.equal(rule.body.seedKey, null);

    const preview = await call(api, 'POST', '/routing/preview', { token: t.citizen, body: { regionId: TEST_REGION, subcategoryId: CAT.potholes, territoryId: TERRITORY.village } });
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    assert.equal(preview.body.organisationId, ORG.transport);
    assert.equal(preview.body.ruleId, rule.body.id);
    assert.equal(preview.body.termDays, 30);
    assert.equal(preview.body.accelerated, false);
    assert.ok(Date.parse(preview.body.answerDueAt) > Date.now() + 29 * 86_400_000);

    const replaced = await call(api, 'PUT', `/routing-rules/${rule.body.id}`, {
      token: t.admin, body: { regionId: TEST_REGION, subcategoryId: CAT.potholes, target: 'territory' },
    });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.organisationId, null);
    assert.equal(replaced.body.target, 'territory');
    const afterReplace = await call(api, 'POST', '/routing/preview', { token: t.citizen, body: { regionId: TEST_REGION, subcategoryId: CAT.potholes, territoryId: TERRITORY.village } });
    assert.equal(afterReplace.body.organisationId, ORG.district);

    assert.equal((await call(api, 'DELETE', `/routing-rules/${rule.body.id}`, { token: t.admin })).status, 204);
    assert.equal((await call(api, 'DELETE', `/routing-rules/${rule.body.id}`, { token: t.admin })).status, 404);
    const list = await call(api, 'GET', `/routing-rules?regionId=${TEST_REGION}`, { token: t.citizen });
    assert.equal(list.body.items.length, 3);

    const accelerated = await call(api, 'POST', '/routing/preview', { token: t.citizen, body: { regionId: TEST_REGION, subcategoryId: CAT.ambulance } });
    assert.equal(accelerated.status, 200);
    assert.equal(accelerated.body.organisationId, ORG.ministry);
    assert.equal(accelerated.body.termDays, 10);
    assert.equal(accelerated.body.accelerated, true);

    // With every rule gone, the region's top participant takes the case, as at registration (test/api/routing-preview.test.ts).
    await db('routing_rules').where({ region_id: TEST_REGION }).delete();
    const none = await call(api, 'POST', '/routing/preview', { token: t.citizen, body: { regionId: TEST_REGION, subcategoryId: CAT.ambulance } });
    assert.equal(none.status, 200);
    assert.equal(none.body.organisationId, ORG.government);
  });
});
