// A citizen's profile: where they live and their date of birth, which participation events check.
import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { TERRITORY, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { call, roleTokens, startTestApi, type RoleTokens, type TestApi } from './helpers';

describe('API: the citizen profile (GET/PATCH /me)', () => {
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;

  before(async () => {
    ({ db } = await freshDatabase('profile'));
    await createTestRegion(db);
    t = await roleTokens(db);
    api = await startTestApi(db);
  });
  after(() => api?.close());

  it('sets and clears the territory and the date of birth', async () => {
    const set = await call(api, 'PATCH', '/me', { token: t.citizen, body: { territoryId: TERRITORY.village, birthDate: '1990-05-17' } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.territoryId, TERRITORY.village);
    assert.equal(set.body.birthDate, '1990-05-17');
    const me = await call(api, 'GET', '/me', { token: t.citizen });
    assert.deepEqual([me.body.territoryId, me.body.birthDate], [TERRITORY.village, '1990-05-17']);
    const cleared = await call(api, 'PATCH', '/me', { token: t.citizen, body: { birthDate: null } });
    assert.deepEqual([cleared.body.territoryId, cleared.body.birthDate], [TERRITORY.village, null]);
  });

  it('refuses an unknown territory, a future birth date, an empty body and other roles, changing nothing', async () => {
    const before = await call(api, 'GET', '/me', { token: t.citizen });
    const unknown = await call(api, 'PATCH', '/me', { token: t.citizen, body: { territoryId: 'atlantis.t' } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.errors[0].path, '/territoryId');
    assert.equal((await call(api, 'PATCH', '/me', { token: t.citizen, body: { birthDate: '2999-01-01' } })).status, 400);
    assert.equal((await call(api, 'PATCH', '/me', { token: t.citizen, body: {} })).status, 400);
    assert.equal((await call(api, 'PATCH', '/me', { token: t.citizen, body: { name: 'x' } })).status, 400);
    assert.equal((await call(api, 'PATCH', '/me', { token: t.ministry, body: { birthDate: '1980-01-01' } })).status, 403);
    assert.deepEqual((await call(api, 'GET', '/me', { token: t.citizen })).body, before.body);
  });
});
