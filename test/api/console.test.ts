// The console's own operations (api/handlers/console.ts): its page, its settings, answer templates of an
// organisation, saved views of the queue, and the staff administrators add — with who may call what.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { createStaffMember, LoginTakenError } from '../../domain/console/staff';
import { ORG, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { call, roleTokens, startTestApi, type RoleTokens, type TestApi } from './helpers';

describe('console operations (answer templates, saved views, staff, page and settings)', () => {
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;

  before(async () => {
    ({ db } = await freshDatabase('api_console'));
    await createTestRegion(db);
    t = await roleTokens(db);
    api = await startTestApi(db);
  });

  after(async () => {
    await api?.close();
  });

  it('serves the console page with the web app\'s policy, and its settings to staff only', async () => {
    const page = await fetch(`${api.url}/console`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script src="\/app\/assets\/console-[A-Z0-9]+\.js">/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const settings = await call(api, 'GET', '/console/settings', { token: t.supervisor });
    assert.deepEqual(settings.body, { temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' });
    assert.equal((await call(api, 'GET', '/console/settings', { token: t.citizen })).status, 403);
  });

  it('keeps an organisation\'s answer templates: administrators write, its operators read, others see nothing', async () => {
    const path = `/organisations/${ORG.ministry}/answer-templates`;
    const created = await call(api, 'POST', path, { token: t.admin, body: { title: 'Ответ', text: 'Уважаемый {{applicantName}}!' } });
    assert.equal(created.status, 201, created.text);
    assert.equal((await call(api, 'POST', path, { token: t.ministry, body: { title: 'X', text: 'Y' } })).status, 403, 'operators do not write templates');
    const read = await call(api, 'GET', path, { token: t.ministry });
    assert.deepEqual(read.body.items.map((x: { title: string }) => x.title), ['Ответ']);
    assert.equal((await call(api, 'GET', path, { token: t.district })).status, 200, 'an operator of the same region reads them');
    await db('regions').insert({ id: 'farland', name: 'Далёкий край', time_zone: 'Asia/Vladivostok', number_prefix: 'F1' });
    await db('organisations').insert({ id: 'farland.gov', region_id: 'farland', name: 'Правительство', kind: 'government', modules: ['appeals'] });
    const far = await createUserWithToken(db, { role: 'operator', name: 'Far', organisationId: 'farland.gov' });
    assert.equal((await call(api, 'GET', path, { token: far.token })).status, 404, 'another region\'s operator');
    const changed = await call(api, 'PUT', `${path}/${created.body.id}`, { token: t.admin, body: { title: 'Ответ 2', text: 'Текст' } });
    assert.equal(changed.body.title, 'Ответ 2');
    assert.equal((await call(api, 'PUT', `/organisations/${ORG.district}/answer-templates/${created.body.id}`, { token: t.admin, body: { title: 'a', text: 'b' } })).status, 404);
    assert.equal((await call(api, 'DELETE', `${path}/${created.body.id}`, { token: t.admin })).status, 204);
    assert.equal((await call(api, 'DELETE', `${path}/${created.body.id}`, { token: t.admin })).status, 404);
    assert.equal((await call(api, 'POST', path, { token: t.admin, body: { title: ' ', text: 'x' } })).status, 400);
  });

  it('keeps each person\'s saved views; the same name replaces a view', async () => {
    const saved = await call(api, 'POST', '/me/saved-views', { token: t.ministry, body: { name: 'Просроченные', filters: { overdue: true, open: true } } });
    assert.equal(saved.status, 200, saved.text);
    const again = await call(api, 'POST', '/me/saved-views', { token: t.ministry, body: { name: 'Просроченные', filters: { status: 'in_work' } } });
    assert.equal(again.body.id, saved.body.id);
    const mine = await call(api, 'GET', '/me/saved-views', { token: t.ministry });
    assert.deepEqual(mine.body.items, [{ id: saved.body.id, name: 'Просроченные', filters: { status: 'in_work' } }]);
    assert.deepEqual((await call(api, 'GET', '/me/saved-views', { token: t.district })).body.items, [], 'another person sees none');
    assert.equal((await call(api, 'DELETE', `/me/saved-views/${saved.body.id}`, { token: t.district })).status, 404);
    assert.equal((await call(api, 'POST', '/me/saved-views', { token: t.ministry, body: { name: 'x', filters: { unknown: 1 } } })).status, 400);
    assert.equal((await call(api, 'GET', '/me/saved-views', { token: t.citizen })).status, 403);
    assert.equal((await call(api, 'DELETE', `/me/saved-views/${saved.body.id}`, { token: t.ministry })).status, 204);
  });

  it('lets administrators list and add staff; a login needs an identity provider', async () => {
    const added = await call(api, 'POST', '/users', { token: t.admin, body: { role: 'operator', name: 'Новый оператор', organisationId: ORG.district } });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.organisationId, ORG.district);
    assert.deepEqual(added.body.logins, []);
    const sup = await call(api, 'POST', '/users', { token: t.admin, body: { role: 'supervisor', name: 'Куратор', regionId: TEST_REGION } });
    assert.equal(sup.body.regionId, TEST_REGION);
    const bad = await call(api, 'POST', '/users', { token: t.admin, body: { role: 'operator', name: 'X', organisationId: 'nowhere' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, '/organisationId');
    const login = await call(api, 'POST', '/users', { token: t.admin, body: { role: 'operator', name: 'X', organisationId: ORG.district, login: 'x' } });
    assert.equal(login.status, 400, 'no identity provider is configured');
    assert.equal((await call(api, 'POST', '/users', { token: t.admin, body: { role: 'administrator', name: 'X' } })).status, 400, 'administrators are not added here');
    const list = await call(api, 'GET', `/users?organisationId=${ORG.district}`, { token: t.admin });
    assert.deepEqual(list.body.items.map((u: { name: string }) => u.name).sort(), ['District operator', 'Новый оператор']);
    assert.equal((await call(api, 'GET', '/users', { token: t.supervisor })).status, 403);
    assert.equal((await call(api, 'POST', '/users', { token: t.ministry, body: { role: 'operator', name: 'X', organisationId: ORG.ministry } })).status, 403);
  });

  it('refuses a login someone else has', async () => {
    await db('user_identities').insert({ issuer: 'https://id.example.org', subject: 'taken', user_id: (await createUserWithToken(db, { role: 'citizen', name: 'C' })).user.id });
    await assert.rejects(createStaffMember(db, { role: 'operator', name: 'X', organisationId: ORG.ministry, login: { issuer: 'https://id.example.org', subject: 'taken' } }), LoginTakenError);
  });
});
