// Incidents through HTTP: a monitoring system's ingestion (the same post twice, or at once, is one
// incident), who sees them, the reply with its URL and the dismissal, on the Temporal dev server with a
// real worker and PostgreSQL.
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../../db/connection';
import { createUserWithToken } from '../../domain/identity/users';
import { startPendingIncidents } from '../../domain/incident/ingest';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { pollUntil, startWorkerAndApi, type WorkerAndApi } from '../support/platform';
import { devServerEnv } from '../support/temporal';
import { call, roleTokens, type RoleTokens, type TestApi } from './helpers';

describe('incidents through the API (Temporal dev server)', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;
  let monitor: string;
  let noScope: string;
  let platform: WorkerAndApi;
  const taskQueue = `api-incident-${process.pid}`;

  const report = (over: Record<string, unknown> = {}) => ({
    network: 'vk', postUrl: 'https://vk.com/wall-100_1', text: 'На Ленина яма, машины бьют колёса', authorHandle: '@ivan_p',
    foundAt: '2026-12-06T08:00:00Z', categoryId: CAT.potholes, territoryId: TERRITORY.village, ...over,
  });

  before(async () => {
    env = await devServerEnv();
    ({ db } = await freshDatabase('api_incident'));
    await createTestRegion(db);
    t = await roleTokens(db);
    monitor = (await createUserWithToken(db, { role: 'integration', name: 'Мониторинг соцсетей', organisationId: ORG.government, scopes: ['incidents:submit'] })).token;
    noScope = (await createUserWithToken(db, { role: 'integration', name: 'СЭД', organisationId: ORG.government, scopes: ['cases:read'] })).token;
    platform = await startWorkerAndApi(env, db, taskQueue);
    api = platform.api;
  });

  after(() => platform?.stop());

  let first: string;

  it('registers a reported post: routed by category and territory, the region\'s term in hours', async () => {
    const r = await call(api, 'POST', '/incidents', { token: monitor, body: report() });
    assert.equal(r.status, 201, r.text);
    first = r.body.id;
    assert.match(first, /^inc-[A-Za-z0-9]+-\d{4}-000001$/);
    assert.equal(r.headers.get('location'), `/incidents/${first}`);
    assert.equal(r.body.organisationId, ORG.district);
    assert.equal(r.body.categoryId, CAT.roads);
    assert.equal(r.body.subcategoryId, CAT.potholes);
    assert.equal(r.body.termHours, 24, 'the platform default');
    assert.equal(Date.parse(r.body.answerDueAt) - Date.parse(r.body.registeredAt), 24 * 3_600_000);
    assert.equal(r.body.status, 'registered');
    assert.equal(r.body.reports, 1);
  });

  it('answers a second report of the same post with the existing incident: the same URL, or the same text by the same author', async () => {
    const sameUrl = await call(api, 'POST', '/incidents', { token: monitor, body: report({ postUrl: 'http://www.vk.com/wall-100_1/?utm_source=x', text: 'Текст поправлен' }) });
    assert.equal(sameUrl.status, 200, sameUrl.text);
    assert.equal(sameUrl.headers.get('incident-duplicate'), 'true');
    assert.equal(sameUrl.body.id, first);
    const sameText = await call(api, 'POST', '/incidents', { token: monitor, body: report({ postUrl: 'https://vk.com/wall-100_99', text: 'На  Ленина яма,\nмашины бьют колёса', authorHandle: 'IVAN_P' }) });
    assert.equal(sameText.status, 200);
    assert.equal(sameText.body.id, first);
    assert.equal(sameText.body.reports, 3);
    assert.equal(Number((await db('incidents').count('* as n'))[0].n), 1);
    assert.equal(Number((await db('cases').where({ case_type: 'incident' }).count('* as n'))[0].n), 1);
  });

  it('makes one incident of reports that arrive at once', async () => {
    const body = report({ postUrl: 'https://t.me/city/555', network: 'telegram', text: 'Не горят фонари во дворе', authorHandle: 'city' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(api, 'POST', '/incidents', { token: monitor, body })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 200, 201]);
    assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
    assert.equal(Number((await db('incidents').where({ post_url: body.postUrl }).count('* as n'))[0].n), 1);
    const described = await env.client.workflow.getHandle(answers[0].body.id).describe();
    assert.equal(described.status.name, 'RUNNING');
  });

  it('refuses reports it cannot take, storing nothing', async () => {
    const before = Number((await db('incidents').count('* as n'))[0].n);
    assert.equal((await call(api, 'POST', '/incidents', { token: noScope, body: report({ postUrl: 'https://vk.com/x1' }) })).status, 403);
    assert.equal((await call(api, 'POST', '/incidents', { token: t.citizen, body: report({ postUrl: 'https://vk.com/x2' }) })).status, 403);
    const badCategory = await call(api, 'POST', '/incidents', { token: monitor, body: report({ postUrl: 'https://vk.com/x3', categoryId: 'nowhere.c.x' }) });
    assert.equal(badCategory.status, 400);
    assert.equal(badCategory.body.errors[0].path, '/categoryId');
    const otherRegion = await call(api, 'POST', '/incidents', { token: monitor, body: report({ postUrl: 'https://vk.com/x4', regionId: 'altai' }) });
    assert.equal(otherRegion.body.errors?.[0]?.path, '/regionId');
    assert.equal((await call(api, 'POST', '/incidents', { token: monitor, body: report({ postUrl: 'ftp://vk.com/x5' }) })).status, 400);
    assert.equal(Number((await db('incidents').count('* as n'))[0].n), before);
  });

  it('shows incidents to their organisation and the region\'s supervisor only, apart from the cases API', async () => {
    const district = await call(api, 'GET', '/incidents?open=true', { token: t.district });
    assert.ok(district.body.items.some((i: { id: string }) => i.id === first));
    assert.equal((await call(api, 'GET', '/incidents', { token: t.ministry })).body.items.length, 0);
    assert.equal((await call(api, 'GET', `/incidents/${first}`, { token: t.ministry })).status, 404);
    assert.equal((await call(api, 'GET', `/incidents/${first}`, { token: t.supervisor })).status, 200);
    assert.equal((await call(api, 'GET', `/incidents/${first}`, { token: monitor })).status, 200, 'the reporting client reads what it sent');
    assert.equal((await call(api, 'GET', `/cases/${first}`, { token: t.district })).status, 404);
    assert.equal((await call(api, 'GET', '/cases', { token: t.district })).body.items.length, 0);
  });

  it('records the public reply with its URL and closes the incident', async () => {
    const path = `/incidents/${first}/reply`;
    assert.equal((await call(api, 'POST', path, { token: t.ministry, body: { text: 'Ответ', replyUrl: 'https://vk.com/r' } })).status, 404);
    const ftp = await call(api, 'POST', path, { token: t.district, body: { text: 'Ответ', replyUrl: 'ftp://vk.com/r' } });
    assert.equal(ftp.status, 422, ftp.text);
    const r = await call(api, 'POST', path, { token: t.district, headers: { 'idempotency-key': 'reply-key-0001' }, body: { text: 'Яму заделают до пятницы', replyUrl: 'https://vk.com/wall-100_1?reply=7' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'closed');
    assert.equal(r.body.resolution, 'answered');
    assert.equal(r.body.reply.url, 'https://vk.com/wall-100_1?reply=7');
    assert.equal((await db('incidents').where({ id: first }).first()).reply_url, 'https://vk.com/wall-100_1?reply=7');
    const again = await call(api, 'POST', path, { token: t.district, body: { text: 'Ещё', replyUrl: 'https://vk.com/r2' } });
    assert.equal(again.status, 409);
    const fresh = await call(api, 'GET', `/incidents/${first}`, { token: t.supervisor });
    assert.equal(fresh.body.reply.text, 'Яму заделают до пятницы');
  });

  it('starts an incident stored but never started (the API died in between)', async () => {
    const id = 'inc-T1-2026-900001';
    const request = { incidentId: id, regionId: TEST_REGION, network: 'vk', postUrl: 'https://vk.com/wall-9_9', text: 'Нет воды', authorHandle: 'x',
      foundAt: '2026-12-06T08:00:00.000Z', categoryId: CAT.roads, subcategoryId: null, territoryId: null, receivedAt: new Date().toISOString() };
    await db('incidents').insert({ id, region_id: TEST_REGION, network: 'vk', post_url: request.postUrl, post_url_key: 'vk.com/wall-9_9', author_handle: 'x',
      author_text_key: 'pending-test', request: JSON.stringify(request), created_at: new Date(Date.now() - 60_000) });
    assert.equal(await startPendingIncidents(env.client, db, taskQueue), 1);
    assert.equal(await startPendingIncidents(env.client, db, taskQueue), 0, 'marked started');
    const r = await pollUntil(api, `/incidents/${id}`, t.supervisor, (b, status) => status === 200 && b.organisationId !== null);
    assert.equal(r.status, 'registered');
  });

  it('is dismissed with a reason by the region\'s supervisor', async () => {
    const created = await call(api, 'POST', '/incidents', { token: monitor, body: report({ postUrl: 'https://ok.ru/group/1/topic/2', network: 'ok', text: 'Реклама', authorHandle: 'shop' }) });
    assert.equal(created.status, 201);
    const path = `/incidents/${created.body.id}/dismissal`;
    assert.equal((await call(api, 'POST', path, { token: t.supervisor, body: { reason: '' } })).status, 400);
    const r = await call(api, 'POST', path, { token: t.supervisor, body: { reason: 'Реклама, не обращение' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.resolution, 'dismissed');
    assert.equal(r.body.dismissal.reason, 'Реклама, не обращение');
  });
});
