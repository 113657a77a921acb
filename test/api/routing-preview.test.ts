// POST /routing/preview shows where a case would go: it must run the routing a real submission runs,
// including its last step (no rule matches: the region's top participant takes the case), and give
// the term that submission gets.
import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { call, roleTokens, type RoleTokens, type TestApi } from './helpers';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { startApi, startEngine, type Engine } from '../security/support';

describe('API routing preview and real routing', function () {
  this.timeout(120_000);
  let db: Db;
  let api: TestApi;
  let engine: Engine;
  let t: RoleTokens;

  before(async () => {
    ({ db } = await freshDatabase('api_routing_preview'));
    await createTestRegion(db);
    // Registration numbers are workflow ids on the shared dev server: a prefix of this file's own.
    await db('regions').where({ id: TEST_REGION }).update({ number_prefix: '96' });
    t = await roleTokens(db);
    engine = await startEngine(db, 'api-routing-preview');
    api = await startApi(db, { temporal: engine.client, taskQueue: engine.taskQueue, waitMs: 30_000 });
  });

  after(async () => {
    await api?.close();
    await engine?.stop();
  });

  it('previews the region\'s top participant and the same term as a submission when no rule applies', async () => {
    await db('routing_rules').where({ region_id: TEST_REGION }).delete();
    const where = { regionId: TEST_REGION, subcategoryId: CAT.ambulance, territoryId: TERRITORY.village };

    const preview = await call(api, 'POST', '/routing/preview', { token: t.citizen, body: where });
    assert.equal(preview.status, 200, preview.text);
    assert.equal(preview.body.organisationId, ORG.government);
    assert.equal(preview.body.step, 'region-root');

    const submitted = await call(api, 'POST', '/appeals', {
      token: t.citizen, headers: { 'idempotency-key': 'routing-preview-0001' },
      body: { kind: 'appeal', ...where, text: 'Скорая не приехала', applicant: { name: 'Иван Петров' } },
    });
    assert.equal(submitted.status, 201, submitted.text);
    assert.equal(submitted.body.organisationId, preview.body.organisationId);
    assert.equal(submitted.body.termDays, preview.body.termDays);
    assert.equal(submitted.body.accelerated, preview.body.accelerated);
    assert.equal(submitted.body.termAdvisory, preview.body.advisory);
    assert.equal(submitted.body.answerDueAt, preview.body.answerDueAt);
  });

  it('answers 422 no-route only when not even the region\'s top participant takes appeals', async () => {
    const off = await call(api, 'PATCH', `/organisations/${ORG.government}`, { token: t.admin, body: { modules: ['polls'] } });
    assert.equal(off.status, 200, off.text);
    const none = await call(api, 'POST', '/routing/preview', { token: t.citizen, body: { regionId: TEST_REGION, subcategoryId: CAT.ambulance } });
    assert.equal(none.status, 422, none.text);
    assert.equal(none.body.type, 'urn:otklik:problem:no-route');
    assert.match(none.body.detail, /no top participant/);
  });
});
