// A submission the region cannot route (found by schemathesis: an administrator had taken the appeals
// module from the region's top participant, so neither a rule nor the fallback yields an organisation).
// The API decides the routing in the intake transaction, so it answers 422 no-route, as the spec says,
// not 500, before anything is accepted: no intake, no registration number (a workflow's id) taken; and says
// the same to a retry with the same Idempotency-Key.
import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { call, roleTokens, type RoleTokens, type TestApi } from '../api/helpers';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { startApi, startEngine, type Engine } from '../security/support';

describe('bad input: a submission no organisation can take', function () {
  this.timeout(120_000);
  let db: Db;
  let api: TestApi;
  let engine: Engine;
  let t: RoleTokens;

  before(async () => {
    ({ db } = await freshDatabase('bad_input_unroutable'));
    await createTestRegion(db);
    await db('regions').where({ id: TEST_REGION }).update({ number_prefix: '94' });
    t = await roleTokens(db);
    engine = await startEngine(db, 'bad-input-unroutable');
    api = await startApi(db, { temporal: engine.client, taskQueue: engine.taskQueue, waitMs: 30_000 });
  });

  after(async () => {
    await api?.close();
    await engine?.stop();
  });

  it('answers 422 no-route, also to the retry, and logs no error', async () => {
    const off = await call(api, 'PATCH', `/organisations/${ORG.government}`, { token: t.admin, body: { modules: ['polls'] } });
    assert.equal(off.status, 200, off.text);
    await db('routing_rules').delete();
    const body = { kind: 'appeal', regionId: TEST_REGION, subcategoryId: CAT.ambulance, territoryId: TERRITORY.region, text: 'No one to take it', applicant: { name: 'Ivan' } };
    const headers = { 'idempotency-key': 'unroutable-0001' };
    for (const attempt of ['first', 'retry']) {
      const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers, body });
      assert.equal(r.status, 422, `${attempt}: ${r.text}`);
      assert.equal(r.body.type, 'urn:otklik:problem:no-route', attempt);
      assert.match(r.body.detail, /cannot be registered: .*no top participant/);
    }
    assert.equal(await db('cases').first(), undefined, 'no case was registered');
    assert.equal(await db('case_intake').first(), undefined, 'nothing was accepted');
    assert.equal(await db('registration_counters').where({ region_id: TEST_REGION }).first(), undefined, 'no number was taken');
    assert.deepEqual(api.logs.filter((l) => l.level === 'error'), []);
  });
});
