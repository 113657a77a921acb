// The embeddable form over HTTP: the administrators' list of sites, the public check and form settings,
// the frame's policy following the list, and the web app's page and files under their own policy.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { loadSeeds } from '../../db/seed';
import { call, startTestApi, type TestApi } from '../api/helpers';
import { freshDatabase } from '../support/postgres';

const ORG = 'altai.minzdrav';

describe('web: embed origins, the form settings and the app page over HTTP', () => {
  let db: Db;
  let api: TestApi;
  const token: Record<string, string> = {};

  before(async () => {
    ({ db } = await freshDatabase('web_embed_api'));
    await loadSeeds(db);
    api = await startTestApi(db);
    token.admin = (await createUserWithToken(db, { role: 'administrator', name: 'Администратор' })).token;
    token.operator = (await createUserWithToken(db, { role: 'operator', name: 'Оператор', organisationId: ORG })).token;
  });

  after(async () => {
    await api?.close();
  });

  it('lets an administrator add, list and remove sites; the frame policy and the check follow the list', async () => {
    const path = `/organisations/${ORG}/embed-origins`;
    const added = await call(api, 'POST', path, { token: token.admin, body: { origin: 'https://MinZdrav.example.ru/' } });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.origin, 'https://minzdrav.example.ru');
    const again = await call(api, 'POST', path, { token: token.admin, body: { origin: 'https://minzdrav.example.ru' } });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, added.body.id);
    const list = await call(api, 'GET', path, { token: token.admin });
    assert.deepEqual(list.body.items.map((o: { origin: string }) => o.origin), ['https://minzdrav.example.ru']);

    const frame = await call(api, 'GET', `/embed/${ORG}`);
    assert.equal(frame.status, 200);
    assert.match(frame.headers.get('content-security-policy') ?? '', /frame-ancestors 'self' https:\/\/minzdrav\.example\.ru$/);
    assert.equal(frame.headers.get('x-frame-options'), null);
    const yes = await call(api, 'GET', `/embed/${ORG}/check?origin=${encodeURIComponent('https://minzdrav.example.ru')}`);
    assert.deepEqual(yes.body, { allowed: true, organisationName: 'Министерство здравоохранения Алтайского края' });
    assert.equal(yes.headers.get('access-control-allow-origin'), '*');
    const no = await call(api, 'GET', `/embed/${ORG}/check?origin=${encodeURIComponent('https://evil.example')}`);
    assert.equal(no.body.allowed, false);

    assert.equal((await call(api, 'DELETE', `${path}/${added.body.id}`, { token: token.admin })).status, 204);
    assert.equal((await call(api, 'DELETE', `${path}/${added.body.id}`, { token: token.admin })).status, 404);
    const after = await call(api, 'GET', `/embed/${ORG}`);
    assert.match(after.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'$/);
  });

  it('refuses an origin with a path or plain http, operators, and unknown organisations', async () => {
    const path = `/organisations/${ORG}/embed-origins`;
    for (const origin of ['https://site.ru/page', 'http://site.ru']) {
      const r = await call(api, 'POST', path, { token: token.admin, body: { origin } });
      assert.equal(r.status, 400, origin);
      assert.equal(r.body.errors[0].path, '/origin');
    }
    assert.equal((await call(api, 'GET', path, { token: token.operator })).status, 403);
    assert.equal((await call(api, 'GET', '/organisations/no.such.org/embed-origins', { token: token.admin })).status, 404);
    assert.equal((await call(api, 'GET', '/embed/no.such.org')).status, 404);
  });

  it('gives the form its organisation, region time zone, classifier, attachment limits, and no map without tiles', async () => {
    const r = await call(api, 'GET', `/embed/${ORG}/form`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.organisation.name, 'Министерство здравоохранения Алтайского края');
    assert.equal(r.body.region.timeZone, 'Asia/Barnaul');
    assert.ok(r.body.organisationCategoryIds.includes('altai.c.medicine'));
    assert.ok(r.body.attachments.contentTypes.includes('image/jpeg'));
    assert.equal(r.body.map, null);
    // the places a municipal subject asks for: Altai's 59 districts and 10 city okrugs, not the krai itself
    assert.equal(r.body.territories.length, 69);
    assert.ok(r.body.territories.some((t: { name: string }) => t.name === 'город Новоалтайск'));
    const water = r.body.classifier.categories.find((c: { id: string }) => c.id === 'altai.c.water');
    assert.equal(water.subcategories.find((s: { id: string }) => s.id === 'altai.c.water.outage').needsTerritory, true);
  });

  it('serves the app page and its files from the build under a policy of their own, and the snippet to any site', async () => {
    const page = await call(api, 'GET', '/app');
    assert.equal(page.status, 200);
    assert.match(page.text, /<html lang="ru">/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|https?:/, 'nothing from elsewhere, no inline code');
    for (const ref of [...page.text.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+)"/g)].map((m) => m[1])) {
      const asset = await call(api, 'GET', ref);
      assert.equal(asset.status, 200, ref);
      assert.match(asset.headers.get('content-type') ?? '', /^text\/(javascript|css)/);
    }
    assert.equal((await call(api, 'GET', '/app/assets/nothing-here.js')).status, 404);
    const script = await call(api, 'GET', '/embed.js');
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('cross-origin-resource-policy'), 'cross-origin');
  });
});
