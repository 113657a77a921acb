// Official pages through HTTP: the registry, a publication drafted, refused to its author, approved by a
// second person and published once through the VK connector (against an HTTP double of VK in this
// process, on a Temporal dev server with a real worker), and the region's table on a small dataset.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/connection';
import { createUserWithToken } from '../../domain/identity/users';
import { pageConnectors, pagesConfigFromEnv, type PublicationDelivery } from '../../domain/pages/config';
import { createPublicationActivities } from '../../activities/publication';
import { ORG, TEST_REGION, createTestRegion } from '../support/fixtures';
import { doubleEnv, startNetworkDouble, type NetworkDouble } from '../support/network-double';
import { freshDatabase } from '../support/postgres';
import { startWorkerAndApi, type WorkerAndApi } from '../support/platform';
import { devServerEnv } from '../support/temporal';
import { call, roleTokens, type RoleTokens, type TestApi } from './helpers';

const delivery: PublicationDelivery = { timeoutMs: 1000, retry: { initialIntervalMs: 200, maximumIntervalMs: 1000, maximumAttempts: 5 } };

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached; last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('official pages and publications through the API (Temporal dev server, VK double)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;
  let secondOperator: string;
  let double: NetworkDouble;
  let connectors: ReturnType<typeof pageConnectors>;
  let platform: WorkerAndApi;
  let vkPage: number;
  const taskQueue = `api-pages-${process.pid}`;

  before(async () => {
    env = await devServerEnv();
    ({ db } = await freshDatabase('api_pages'));
    await createTestRegion(db);
    await db('regions').insert({ id: 'otherland', name: 'Другой край', time_zone: 'Europe/Moscow', number_prefix: 'OTH' });
    t = await roleTokens(db, 'otherland');
    secondOperator = (await createUserWithToken(db, { role: 'operator', name: 'Second ministry operator', organisationId: ORG.ministry })).token;
    double = await startNetworkDouble();
    connectors = pageConnectors(pagesConfigFromEnv({ ...doubleEnv(double), OTKLIK_PAGES_TIMEOUT: '1s' }).config);
    platform = await startWorkerAndApi(env, db, taskQueue, { waitMs: 30_000, pageConnectors: connectors, publicationDelivery: delivery });
    api = platform.api;
  });

  after(async () => {
    await platform?.stop();
    await double?.close();
  });

  const pages = `/organisations/${ORG.ministry}/official-pages`;

  it('registers an organisation\'s pages for its operators, its region\'s supervisors and administrators only', async () => {
    const page = { network: 'vk', url: 'https://vk.com/minzdrav_test', externalId: '-555', name: 'Минздрав Тестового края' };
    const r = await call(api, 'POST', pages, { token: t.ministry, body: page });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual({ ...r.body, id: 0, createdAt: '', updatedAt: '' }, {
      id: 0, organisationId: ORG.ministry, ...page, stateMark: false, widgetPlaced: false, active: true, createdAt: '', updatedAt: '',
    });
    vkPage = r.body.id;
    assert.equal((await call(api, 'POST', pages, { token: t.district, body: { ...page, url: 'https://vk.com/other' } })).status, 403);
    assert.equal((await call(api, 'POST', pages, { token: t.otherSupervisor, body: { ...page, url: 'https://vk.com/other' } })).status, 403);
    assert.equal((await call(api, 'GET', pages, { token: t.citizen })).status, 403);
    const wrongHost = await call(api, 'POST', pages, { token: t.supervisor, body: { ...page, url: 'https://t.me/minzdrav_test' } });
    assert.equal(wrongHost.status, 400);
    assert.match(JSON.stringify(wrongHost.body.errors), /expected https:\/\/vk.com/);
    assert.equal((await call(api, 'POST', pages, { token: t.admin, body: page })).status, 409, 'one page, one registration');
    const marked = await call(api, 'PATCH', `${pages}/${vkPage}`, { token: t.supervisor, body: { stateMark: true } });
    assert.equal(marked.status, 200, marked.text);
    assert.equal(marked.body.stateMark, true);
    const list = await call(api, 'GET', pages, { token: t.ministry });
    assert.deepEqual(list.body.items.map((p: { id: number; stateMark: boolean }) => [p.id, p.stateMark]), [[vkPage, true]]);
    const neighbour = await call(api, 'GET', pages, { token: t.district });
    assert.equal(neighbour.status, 200, 'an operator of the same region reads another organisation\'s pages');
    assert.equal((await call(api, 'GET', pages, { token: t.otherSupervisor })).status, 403);
  });

  it('refuses approval by the author; a second person\'s approval publishes it once at its time, through a failure', async () => {
    const text = `Приём граждан министром переносится на пятницу ${randomUUID()}`;
    const draft = await call(api, 'POST', `/organisations/${ORG.ministry}/publications`, {
      token: t.ministry, body: { pageId: vkPage, text, publishAt: new Date(Date.now() + 1500).toISOString() },
    });
    assert.equal(draft.status, 201, draft.text);
    assert.equal(draft.body.status, 'draft');
    const id: string = draft.body.id;

    const byAuthor = await call(api, 'POST', `/publications/${id}/approval`, { token: t.ministry });
    assert.equal(byAuthor.status, 403, byAuthor.text);
    assert.match(byAuthor.body.detail, /approved by a second person, not by its author/);
    const neighbour = await call(api, 'POST', `/publications/${id}/approval`, { token: t.district });
    assert.equal(neighbour.status, 404, 'another organisation\'s operator does not approve it');
    assert.equal((await call(api, 'GET', `/publications/${id}`, { token: t.district })).status, 200, 'but reads it');
    assert.equal((await call(api, 'GET', `/publications/${id}`, { token: t.otherSupervisor })).status, 404);

    double.failNext(503); // the first call of the post fails: retried with back-off
    const approved = await call(api, 'POST', `/publications/${id}/approval`, { token: secondOperator });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.status, 'scheduled');

    const done = await until('published', async () => (await call(api, 'GET', `/publications/${id}`, { token: t.supervisor })).body, (b) => b.status === 'published');
    const posts = double.posts.filter((p) => p.text === text);
    assert.equal(posts.length, 1, 'posted once');
    assert.equal(done.networkPostId, posts[0].postId);
    assert.equal(done.networkPostUrl, `https://vk.com/wall-555_${posts[0].postId}`);
    assert.equal(done.attempts, 2);
    assert.ok(Date.parse(done.publishedAt) >= Date.parse(draft.body.publishAt), 'not before its time');
    assert.deepEqual(double.calls.filter((c) => c.params.message === text).map((c) => [c.outcome, c.params.guid]),
      [['failed', `publication-${id}:publish`], ['posted', `publication-${id}:publish`]]);

    const late = await call(api, 'POST', `/publications/${id}/cancellation`, { token: t.ministry, body: { reason: 'поздно' } });
    assert.equal(late.status, 409, late.text);
  });

  it('reschedules and cancels a publication before it is published', async () => {
    const draft = await call(api, 'POST', `/organisations/${ORG.ministry}/publications`, {
      token: t.supervisor, body: { pageId: vkPage, text: 'Анонс на следующий год', publishAt: '2099-01-01T09:00:00+07:00' },
    });
    assert.equal(draft.status, 201, draft.text);
    const id: string = draft.body.id;
    const moved = await call(api, 'PUT', `/publications/${id}/schedule`, { token: t.ministry, body: { publishAt: '2099-02-01T09:00:00+07:00' } });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.publishAt, '2099-02-01T02:00:00.000Z');
    const cancelled = await call(api, 'POST', `/publications/${id}/cancellation`, { token: t.ministry, body: { reason: 'Анонс отменён' } });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.deepEqual([cancelled.body.status, cancelled.body.cancelReason], ['cancelled', 'Анонс отменён']);
    assert.equal((await call(api, 'POST', `/publications/${id}/approval`, { token: secondOperator })).status, 409);
    const wrongPage = await call(api, 'POST', `/organisations/${ORG.district}/publications`, { token: t.district, body: { pageId: vkPage, text: 'x', publishAt: '2099-01-01T00:00:00Z' } });
    assert.equal(wrongPage.status, 422, 'a page of another organisation');
    const list = await call(api, 'GET', `/organisations/${ORG.ministry}/publications?status=cancelled`, { token: t.ministry });
    assert.deepEqual(list.body.items.map((p: { id: string }) => p.id), [id]);
  });

  it('posts once: a recorded post is not sent again; a lost answer on a network without idempotency stops the publication', async () => {
    const activities = createPublicationActivities(db, connectors);
    const [tg] = await db('official_pages').insert({ organisation_id: ORG.ministry, network: 'telegram', url: 'https://t.me/minzdrav_test', external_id: '@minzdrav_test', name: 'Канал' }).returning('id');
    const row = (over: Record<string, unknown>) => ({
      id: randomUUID(), page_id: tg.id, organisation_id: ORG.ministry, region_id: TEST_REGION, text: 'Пост', status: 'publishing',
      publish_at: new Date(), seq: 3, ...over,
    });
    const posted = row({ network_post_id: '41', network_post_url: 'https://t.me/minzdrav_test/41', published_at: new Date('2026-12-01T00:00:00Z') });
    const inDoubt = row({ attempts: 1, attempt_started_at: new Date('2026-12-01T00:00:00Z') });
    await db('publications').insert([posted, inDoubt]);
    const callsBefore = double.calls.length;
    const args = (r: { id: string }) => ({ publicationId: r.id, pageId: tg.id, text: 'Пост', idempotencyKey: `publication-${r.id}:publish` });
    assert.deepEqual(await activities.publishPost(args(posted)),
      { status: 'published', networkPostId: '41', networkPostUrl: 'https://t.me/minzdrav_test/41', publishedAt: '2026-12-01T00:00:00.000Z' });
    const doubt = await activities.publishPost(args(inDoubt));
    assert.equal(doubt.status, 'failed');
    assert.match(doubt.status === 'failed' ? doubt.error : '', /^telegram: the answer to the attempt of 2026-12-01T00:00:00.000Z was lost and telegram cannot recognise a repeat/);
    assert.equal(double.calls.length, callsBefore, 'neither called the network');
  });

  it('counts pages connected, marked, with widgets and published posts per organisation and district', async () => {
    // The ministry (region level) has its marked VK page and a Telegram channel; the settlement and the school are in the district.
    await db('organisations').where({ id: ORG.school }).update({ modules: ['polls', 'official_pages'] });
    const [settlementVk] = await db('official_pages').insert([
      { organisation_id: ORG.settlement, network: 'vk', url: 'https://vk.com/selo', external_id: '-1', name: 'Село', state_mark: true, widget_placed: true },
      { organisation_id: ORG.settlement, network: 'telegram', url: 'https://t.me/selo', external_id: '@selo', name: 'Село', state_mark: true, active: false },
      { organisation_id: ORG.district, network: 'ok', url: 'https://ok.ru/group/rayon', external_id: '2', name: 'Район', widget_placed: true },
    ]).returning('id');
    const row = (organisationId: string, pageId: number, status: string, publishedAt: string | null) => ({
      id: randomUUID(), page_id: pageId, organisation_id: organisationId, region_id: TEST_REGION, text: 'пост', status,
      publish_at: publishedAt ?? '2026-11-15T00:00:00Z', published_at: publishedAt, seq: 3,
    });
    // November 2026 in the region's time (UTC+7): 2026-10-31T18:00Z is 1 November 01:00 there, 2026-11-30T18:00Z is 1 December.
    await db('publications').insert([
      row(ORG.ministry, vkPage, 'published', '2026-10-31T18:00:00Z'),
      row(ORG.settlement, settlementVk.id, 'published', '2026-11-10T05:00:00Z'),
      row(ORG.settlement, settlementVk.id, 'published', '2026-11-20T05:00:00Z'),
      row(ORG.settlement, settlementVk.id, 'published', '2026-10-31T16:00:00Z'),
      row(ORG.settlement, settlementVk.id, 'published', '2026-11-30T18:00:00Z'),
      row(ORG.settlement, settlementVk.id, 'scheduled', null),
    ]);
    const r = await call(api, 'GET', `/regions/${TEST_REGION}/official-pages?from=2026-11-01&to=2026-11-30`, { token: t.supervisor });
    assert.equal(r.status, 200, r.text);
    const counts = (x: { pages: number; marked: number; withWidget: number; published: number }) => [x.pages, x.marked, x.withWidget, x.published];
    assert.deepEqual(r.body.organisations.map((o: any) => [o.organisationId, o.districtId, ...counts(o)]), [
      [ORG.ministry, null, 2, 1, 0, 1],
      [ORG.district, 'testland.t.district', 1, 0, 1, 0],
      [ORG.school, 'testland.t.district', 0, 0, 0, 0],
      [ORG.settlement, 'testland.t.district', 1, 1, 1, 2],
    ]);
    assert.deepEqual(r.body.districts.map((d: any) => [d.districtId, d.districtName, d.organisations, d.connectedOrganisations, ...counts(d)]), [
      [null, null, 1, 1, 2, 1, 0, 1],
      ['testland.t.district', 'Тестовый район', 3, 2, 2, 1, 2, 2],
    ]);
    assert.deepEqual([r.body.total.organisations, r.body.total.connectedOrganisations, ...counts(r.body.total)], [4, 3, 4, 2, 2, 3]);
    assert.equal((await call(api, 'GET', `/regions/${TEST_REGION}/official-pages`, { token: t.otherSupervisor })).status, 403);
    assert.equal((await call(api, 'GET', `/regions/${TEST_REGION}/official-pages`, { token: t.ministry })).status, 403);
    const bad = await call(api, 'GET', `/regions/${TEST_REGION}/official-pages?from=2026-12-01&to=2026-11-01`, { token: t.admin });
    assert.equal(bad.status, 400);
  });
});
