// Incidents on the seeded regions through HTTP (Temporal dev server, real worker and PostgreSQL): in
// Khabarovsk the ministries have no incidents module, so an incident the routing rules send to one reaches
// the regional management centre (khabarovsk.cur, order 003 p.4.2) with the reason in its routing line;
// its public reply counts in the monitoring indicators under the channel `incident`, the rollups agree
// with a full scan (also as `ops monitoring check` says); and GET /incidents pages with a cursor.
import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { createUserWithToken } from '../../domain/identity/users';
import { compareWithFullScan } from '../../domain/monitoring/facts';
import { runOps } from '../../ops/cli';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';
import { call, offlineTemporal, type TestApi } from './helpers';

describe('incidents of Khabarovsk: to the regional management centre, counted as their own channel, paged (seeded, Temporal dev server)', function () {
  this.timeout(180_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let db: Db;
  const token: Record<string, string> = {};
  let n = 0;

  before(async () => {
    platform = await startSeededPlatform('api_incident_cur', `incident-cur-${process.pid}`, async (d) => {
      db = d;
      token.monitor = (await createUserWithToken(db, { role: 'integration', name: 'Мониторинг соцсетей', organisationId: 'khabarovsk.government', scopes: ['incidents:submit'] })).token;
      token.cur = (await createUserWithToken(db, { role: 'operator', name: 'Оператор ЦУР', organisationId: 'khabarovsk.cur' })).token;
      token.mintrans = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минтранса', organisationId: 'khabarovsk.mintrans' })).token;
      token.supervisor = (await createUserWithToken(db, { role: 'supervisor', name: 'Куратор края', regionId: 'khabarovsk' })).token;
    });
    ({ api } = platform);
  });

  after(async () => {
    await platform?.stop();
  });

  const report = (categoryId: string) => call(api, 'POST', '/incidents', {
    token: token.monitor,
    body: { network: 'vk', postUrl: `https://vk.com/wall-27_${process.pid}_${++n}`, text: `Яма на Карла Маркса, колесо пробито (${n})`, authorHandle: `@driver${n}`,
      foundAt: new Date().toISOString(), categoryId },
  });

  let roadIncident: string;

  it('sends an incident routed to a ministry without the incidents module to khabarovsk.cur, saying why', async () => {
    const r = await report('khabarovsk.c.roads.repair');
    assert.equal(r.status, 201, r.text);
    roadIncident = r.body.id;
    assert.equal(r.body.organisationId, 'khabarovsk.cur');
    assert.match(r.body.routing, /routed category khabarovsk\.c\.roads \/ subcategory khabarovsk\.c\.roads\.repair to khabarovsk\.mintrans/);
    assert.match(r.body.routing, /khabarovsk\.mintrans does not use the incidents module, so the incident goes to the region's incident coordinator, khabarovsk\.cur$/);
    assert.equal((await call(api, 'GET', `/incidents/${roadIncident}`, { token: token.mintrans })).status, 404, 'not the ministry\'s');
    const seen = await call(api, 'GET', `/incidents/${roadIncident}`, { token: token.cur });
    assert.equal(seen.status, 200);
  });

  it('counts the ЦУР\'s reply under the channel incident, and the rollups agree with a full scan', async () => {
    const replied = await call(api, 'POST', `/incidents/${roadIncident}/reply`, { token: token.cur, body: { text: 'Передали в Минтранс, ямочный ремонт до пятницы', replyUrl: 'https://vk.com/wall-27_1?reply=2' } });
    assert.equal(replied.status, 200, replied.text);
    const indicators = await call(api, 'GET', '/monitoring/indicators?channel=incident', { token: token.supervisor });
    assert.equal(indicators.status, 200, indicators.text);
    const [total] = indicators.body.rows;
    assert.deepEqual([total.received, total.answered, total.answeredOnTime, total.answeredLate, total.closed, total.openNow], [1, 1, 1, 0, 1, 0]);
    const byChannel = await call(api, 'GET', '/monitoring/indicators?groupBy=channel&groupBy=organisation', { token: token.supervisor });
    const row = byChannel.body.rows.find((x: { channel: string }) => x.channel === 'incident');
    assert.deepEqual([row.organisationId, row.answered], ['khabarovsk.cur', 1]);

    const scan = await compareWithFullScan(db, 'khabarovsk');
    assert.ok(scan.stored.some((x) => x.channel === 'incident' && x.answered === 1));
    assert.deepEqual(scan.stored, scan.scanned);
    assert.deepEqual(scan.storedAnswerDays, scan.scannedAnswerDays);
    const checked = await runOps(['monitoring', 'check', 'khabarovsk'], { db, client: offlineTemporal(), taskQueue: 'unused', namespace: 'default' });
    assert.equal(checked.code, 0, checked.text);
  });

  it('pages GET /incidents with a cursor, earliest term first, without repeats or gaps', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await report('khabarovsk.c.medicine.clinics')).status, 201);
    const all = await call(api, 'GET', '/incidents?limit=100', { token: token.cur });
    assert.equal(all.body.items.length, 3);
    assert.equal(all.body.nextCursor, null);
    const first = await call(api, 'GET', '/incidents?limit=2', { token: token.cur });
    assert.equal(first.body.items.length, 2);
    assert.ok(first.body.nextCursor);
    const second = await call(api, 'GET', `/incidents?limit=2&cursor=${first.body.nextCursor}`, { token: token.cur });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.nextCursor, null);
    const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((x) => x.id);
    assert.deepEqual([...ids(first), ...ids(second)], ids(all));
    assert.equal(ids(all)[0], roadIncident, 'reported first: the earliest term');
    const bad = await call(api, 'GET', '/incidents?cursor=bm90LWEtY3Vyc29y', { token: token.cur });
    assert.equal(bad.status, 400);
  });
});
