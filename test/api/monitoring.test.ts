// Monitoring (issue 13): every indicator against values computed by hand on a small dataset told through
// the appeal projection (cases that crossed quarters, were redirected, extended, escalated after a low
// rating and reopened), the rollups against a full scan and a rebuild, filters and groupings, the
// rating and its frozen snapshot, participation and the implementation of winning projects, access.
//
// Times are in the region's zone (Asia/Barnaul, +07). Hand computation (see each case below):
//   answers (days of answer time): C1 3 (D, Apr), C2a 45 late (T, May), C2b 6 (G, Jun), C3a 2.5→3 (D, May),
//   C3b 6 (G, May), C4 8 (D, Jun, advisory kept), C5 14 (D, Jun, advisory missed)
//   ratings: C1 5 (D), C2 2 → repeat (T), C2 4 (G), C3 1 → repeat (D), C4 3 (D)
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import type { Db } from '../../db/connection';
import { createUserWithToken } from '../../domain/identity/users';
import { CASE_INDICATORS } from '../../domain/monitoring/definitions';
import { compareWithFullScan } from '../../domain/monitoring/facts';
import { runOps } from '../../ops/cli';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { CaseStory } from '../support/monitoring-stories';
import { freshDatabase } from '../support/postgres';
import { call, offlineTemporal, roleTokens, startTestApi, type RoleTokens, type TestApi } from './helpers';

const at = (local: string) => new Date(`${local}+07:00`).toISOString();
const Q2 = `registeredFrom=${encodeURIComponent('2026-04-01T00:00:00+07:00')}&registeredTo=${encodeURIComponent('2026-07-01T00:00:00+07:00')}`;
const DUE = (local: string) => at(local);

describe('API monitoring: indicators, rollups, rating, participation', function () {
  this.timeout(60_000);
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;
  let analyst: string;

  const story = (id: string, over: Partial<ConstructorParameters<typeof CaseStory>[1]> & { registeredAt: string; answerDueAt: string }) =>
    new CaseStory(db, {
      id, regionId: TEST_REGION, organisationId: ORG.district, categoryId: CAT.roads, subcategoryId: CAT.potholes, territoryId: TERRITORY.village, ...over,
    });

  async function tellStories(): Promise<void> {
    // C1: received in March (Q1), answered and rated 5 in April (Q2): crosses the quarter.
    const c1 = await story('T-2026-000001', { registeredAt: at('2026-03-30T10:00:00'), answerDueAt: DUE('2026-04-29T10:00:00') }).registered();
    await c1.taken(at('2026-03-31T10:00:00'));
    await c1.answered(at('2026-04-02T10:00:00'));
    await c1.ratedPositive(at('2026-04-03T10:00:00'), 5);
    // C2: ministry → redirected to transport after 2 days, extended, answered late (45 days), rated 2 →
    // repeat processing at the government, answered in 6 days, rated 4.
    const c2 = await story('T-2026-000002', {
      organisationId: ORG.ministry, categoryId: CAT.medicine, subcategoryId: CAT.ambulance, territoryId: null, channel: 'integration',
      registeredAt: at('2026-04-10T09:00:00'), answerDueAt: DUE('2026-05-10T09:00:00'),
    }).registered();
    await c2.redirected(at('2026-04-12T09:00:00'), ORG.transport);
    await c2.extended(at('2026-04-20T09:00:00'), DUE('2026-05-20T09:00:00'));
    await c2.answered(at('2026-05-25T09:00:00'));
    await c2.escalated(at('2026-05-26T09:00:00'), 2, ORG.government, DUE('2026-06-25T09:00:00'));
    await c2.answered(at('2026-06-01T09:00:00'));
    await c2.ratedPositive(at('2026-06-02T09:00:00'), 4);
    // C3: answered in 2.5 days, rated 1 → government answers in 6 days, not rated (window expires),
    // reopened by a supervisor, then overdue: open and overdue now, at the government.
    const c3 = await story('T-2026-000003', { registeredAt: at('2026-05-05T12:00:00'), answerDueAt: DUE('2026-06-04T12:00:00') }).registered();
    await c3.answered(at('2026-05-08T00:00:00'));
    await c3.escalated(at('2026-05-09T12:00:00'), 1, ORG.government, DUE('2026-06-08T12:00:00'));
    await c3.answered(at('2026-05-15T12:00:00'));
    await c3.ratingWindowExpired(at('2026-05-26T12:00:00'));
    await c3.reopened(at('2026-06-10T12:00:00'), DUE('2026-07-10T12:00:00'));
    await c3.overdue(at('2026-07-10T12:00:00'));
    // C4: open311, an advisory target kept (answered in 8 days, target 10), rated 3.
    const c4 = await story('T-2026-000004', {
      channel: 'open311', registeredAt: at('2026-06-20T10:00:00'), answerDueAt: DUE('2026-07-20T10:00:00'), advisoryDueAt: DUE('2026-06-30T10:00:00'),
    }).registered();
    await c4.answered(at('2026-06-28T10:00:00'));
    await c4.ratedPositive(at('2026-06-29T10:00:00'), 3);
    // C5: advisory target missed (answered in 14 days, target 10), binding term kept; waiting for a rating.
    const c5 = await story('T-2026-000005', {
      registeredAt: at('2026-06-01T10:00:00'), answerDueAt: DUE('2026-07-01T10:00:00'), advisoryDueAt: DUE('2026-06-11T10:00:00'),
    }).registered();
    await c5.advisoryMissed(at('2026-06-11T10:00:00'));
    await c5.answered(at('2026-06-15T10:00:00'));
    // Another region's case: never in testland's figures.
    await new CaseStory(db, {
      id: 'O-2026-000001', regionId: 'otherland', organisationId: 'otherland.admin', categoryId: 'otherland.c', subcategoryId: 'otherland.c.x', territoryId: null,
      registeredAt: at('2026-05-01T10:00:00'), answerDueAt: DUE('2026-05-31T10:00:00'),
    }).registered();
  }

  before(async () => {
    ({ db } = await freshDatabase('api_monitoring'));
    await createTestRegion(db);
    await db('regions').insert({ id: 'otherland', name: 'Other', time_zone: 'Asia/Vladivostok', number_prefix: 'O' });
    await db('organisations').insert({ id: 'otherland.admin', region_id: 'otherland', name: 'Other admin', kind: 'executive_body', modules: ['appeals'] });
    await db('categories').insert([
      { id: 'otherland.c', region_id: 'otherland', parent_id: null, name: 'Other' },
      { id: 'otherland.c.x', region_id: 'otherland', parent_id: 'otherland.c', name: 'Other sub' },
    ]);
    t = await roleTokens(db, 'otherland');
    analyst = (await createUserWithToken(db, { role: 'analyst', name: 'Analyst', regionId: TEST_REGION })).token;
    api = await startTestApi(db);
    await tellStories();
  });

  after(async () => {
    await api?.close();
    await db?.destroy();
  });

  const get = async (path: string, token = t.supervisor) => {
    const r = await call(api, 'GET', path, { token });
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const YEAR = 'from=2026-01&to=2026-12';

  it('computes every case indicator of the region as computed by hand', async () => {
    const body = await get(`/monitoring/indicators?${YEAR}`);
    assert.equal(body.rows.length, 1);
    const { period, organisationId, organisationName, territoryId, territoryName, categoryId, categoryName, channel, ...values } = body.rows[0];
    assert.deepEqual([period, organisationId, organisationName, territoryId, territoryName, categoryId, categoryName, channel], [null, null, null, null, null, null, null, null]);
    assert.deepEqual(values, {
      received: 5, answered: 7, closed: 4,
      answeredOnTime: 6, answeredLate: 1, answeredOnTimePercent: 85.7,
      advisoryAnswered: 2, advisoryAnsweredOnTime: 1, advisoryOnTimePercent: 50,
      openNow: 2, overdueNow: 1,
      // (3 + 45 + 6 + 2.5 + 6 + 8 + 14) / 7 = 12.07 days; whole days 3,3,6,6,8,14,45 → median 6
      averageAnswerDays: 12.1, medianAnswerDays: 6,
      extensions: 1, redirects: 1, redirectLostDays: 2, averageRedirectLostDays: 2,
      rated: 5, rating1: 1, rating2: 1, rating3: 1, rating4: 1, rating5: 1, ratingHighPercent: 40,
      sentToRepeat: 2, sentToRepeatPercent: 40, repeatPositive: 1, repeatNegative: 0, repeatOpen: 1, repeatOther: 0,
      reopened: 1,
    });
    assert.deepEqual(body.scope, {
      regionId: TEST_REGION, from: '2026-01', to: '2026-12', organisationId: null, subtree: true, territoryId: null, categoryId: null, channel: null, groupBy: [],
    });
    // Every value of a row has its definition, in the order of the row.
    assert.deepEqual(body.definitions.map((d: { id: string }) => d.id), Object.keys(values));
    assert.deepEqual(CASE_INDICATORS.map((d) => d.id), Object.keys(values));
  });

  it('counts each measure in the quarter it happened: C1 received in Q1, answered and rated in Q2', async () => {
    const body = await get(`/monitoring/indicators?${YEAR}&groupBy=quarter`);
    assert.deepEqual(body.rows.map((r: any) => [r.period, r.received, r.answered, r.closed, r.rated, r.openNow]), [
      ['2026-Q1', 1, 0, 0, 0, 0],
      ['2026-Q2', 4, 7, 4, 5, 2],
    ]);
    const months = await get(`/monitoring/indicators?from=2026-03&to=2026-04&groupBy=month`);
    assert.deepEqual(months.rows.map((r: any) => [r.period, r.received, r.answered, r.redirects, r.extensions]), [
      ['2026-03', 1, 0, 0, 0],
      ['2026-04', 1, 1, 1, 1],
    ]);
  });

  it('attributes each measure to the organisation that did it', async () => {
    const body = await get(`/monitoring/indicators?${YEAR}&groupBy=organisation`);
    const by = Object.fromEntries(body.rows.map((r: any) => [r.organisationId, r]));
    assert.deepEqual(Object.keys(by).sort(), [ORG.district, ORG.government, ORG.ministry, ORG.transport].sort());
    const pick = (r: any) => [r.received, r.answered, r.answeredOnTime, r.closed, r.rated, r.ratingHighPercent, r.sentToRepeat, r.repeatPositive, r.repeatOpen,
      r.openNow, r.overdueNow, r.averageAnswerDays, r.medianAnswerDays, r.extensions, r.redirects, r.redirectLostDays, r.reopened];
    // D: C1, C3, C4, C5 received; answers 3, 2.5, 8, 14 days (avg 6.875, median (3+8)/2); ratings 5, 1, 3; C3's repeat still open; C5 open.
    assert.deepEqual(pick(by[ORG.district]), [4, 4, 4, 2, 3, 33.3, 1, 0, 1, 1, 0, 6.9, 5.5, 0, 0, 0, 0]);
    // M: received C2, redirected it after 2 days.
    assert.deepEqual(pick(by[ORG.ministry]), [1, 0, 0, 0, 0, null, 0, 0, 0, 0, 0, null, null, 0, 1, 2, 0]);
    // T: extended, answered late in 45 days, rated 2 → repeat processing that ended positively.
    assert.deepEqual(pick(by[ORG.transport]), [0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 45, 45, 1, 0, 0, 0]);
    // G: two repeat answers in 6 days, C2 rated 4 and closed, C3 closed by the window, reopened, overdue now.
    assert.deepEqual(pick(by[ORG.government]), [0, 2, 2, 2, 1, 100, 0, 0, 0, 1, 1, 6, 6, 0, 0, 0, 1]);
    assert.equal(by[ORG.district].organisationName, 'Администрация Тестового района');
  });

  it('filters by channel, territory, category and organisation with or without its subtree', async () => {
    const one = async (q: string) => (await get(`/monitoring/indicators?${YEAR}&${q}`)).rows[0];
    assert.deepEqual([(await one('channel=open311')).received, (await one('channel=open311')).advisoryAnsweredOnTime], [1, 1]);
    assert.equal((await one('channel=integration')).answered, 2);
    assert.equal((await one('channel=incident')).received, 0);
    const district = await one(`territoryId=${TERRITORY.district}`);
    assert.deepEqual([district.received, district.answered], [4, 5]); // C1, C3 (twice), C4, C5; C2 has no territory
    const medicine = await one(`categoryId=${CAT.medicine}`);
    assert.deepEqual([medicine.received, medicine.answered, medicine.redirects], [1, 2, 1]);
    assert.equal((await one(`organisationId=${ORG.government}`)).received, 5); // its subtree: every organisation
    const own = await one(`organisationId=${ORG.government}&subtree=false`);
    assert.deepEqual([own.received, own.answered, own.reopened], [0, 2, 1]);
    const channels = await get(`/monitoring/indicators?${YEAR}&groupBy=channel&groupBy=quarter`);
    assert.deepEqual(channels.rows.map((r: any) => [r.period, r.channel, r.received]), [
      ['2026-Q1', 'web', 1], ['2026-Q2', 'integration', 1], ['2026-Q2', 'open311', 1], ['2026-Q2', 'web', 2],
    ]);
  });

  it('keeps rollups that agree exactly with a full scan, and a rebuild gives the same rows', async () => {
    const before = await compareWithFullScan(db, TEST_REGION);
    assert.ok(before.stored.length > 5);
    assert.deepEqual(before.stored, before.scanned);
    assert.deepEqual(before.storedAnswerDays, before.scannedAnswerDays);
    const ops = (...argv: string[]) => runOps(argv, { db, client: offlineTemporal(), taskQueue: 'unused', namespace: 'default' });
    const rebuilt = await ops('monitoring', 'rebuild');
    assert.equal(rebuilt.code, 0, rebuilt.text);
    assert.match(rebuilt.text, /^Monitoring rollups rebuilt in/);
    const after = await compareWithFullScan(db, TEST_REGION);
    assert.deepEqual(after.stored, before.stored);
    assert.deepEqual(after.storedAnswerDays, before.storedAnswerDays);
    const checked = await ops('monitoring', 'check', TEST_REGION);
    assert.equal(checked.code, 0, checked.text);
    // A rollup that drifted (here: changed behind the projection's back) is found, and a rebuild mends it.
    await db('monitoring_rollup').where({ region_id: TEST_REGION, grain: 0 }).increment('received', 1);
    const drifted = await ops('monitoring', 'check', TEST_REGION);
    assert.equal(drifted.code, 1);
    assert.match(drifted.text, /DIFFER from a full scan/);
    assert.equal((await ops('monitoring', 'rebuild')).code, 0);
    assert.equal((await ops('monitoring', 'check', TEST_REGION)).code, 0);
  });

  it('scopes monitoring to the caller\'s region: other supervisors see their own, analysts read but do not configure', async () => {
    const other = await call(api, 'GET', `/monitoring/indicators?${YEAR}&regionId=${TEST_REGION}`, { token: t.otherSupervisor });
    assert.equal(other.status, 403);
    assert.equal((await get(`/monitoring/indicators?${YEAR}`, t.otherSupervisor)).rows[0].received, 1);
    assert.equal((await get(`/monitoring/indicators?${YEAR}`, analyst)).rows[0].received, 5);
    assert.equal((await get(`/monitoring/indicators?${YEAR}`, t.admin)).rows[0].received, 6); // an administrator without a region: all
    assert.equal((await get(`/monitoring/indicators?${YEAR}&regionId=${TEST_REGION}`, t.admin)).rows[0].received, 5);
    assert.equal((await call(api, 'GET', `/monitoring/regions/${TEST_REGION}/rating`, { token: t.otherSupervisor })).status, 403);
    assert.equal((await call(api, 'GET', `/monitoring/regions/${TEST_REGION}/rating/config`, { token: t.otherSupervisor })).status, 403);
    assert.equal((await call(api, 'GET', `/monitoring/indicators?${YEAR}`, { token: t.district })).status, 403);
    const put = await call(api, 'PUT', `/monitoring/regions/${TEST_REGION}/rating/config`, { token: analyst, body: { indicators: [{ indicator: 'averageAnswerDays', weight: 1, target: 8 }] } });
    assert.equal(put.status, 403);
    const publish = await call(api, 'POST', '/monitoring/rating/snapshots', { token: analyst, body: { regionId: TEST_REGION, quarter: '2026-Q2' } });
    assert.equal(publish.status, 403);
  });

  it('ranks organisations and municipalities per quarter with the regulations\' defaults and a configured set', async () => {
    const pick = (r: any) => [r.subjectId, r.rank, r.score, r.thresholdsMet, r.unmet];
    const live = await get(`/monitoring/regions/${TEST_REGION}/rating?quarter=2026-Q2`);
    assert.equal(live.config.isDefault, true);
    assert.deepEqual(live.config.indicators.map((c: any) => [c.indicator, c.target, c.better]),
      [['averageAnswerDays', 8, 'lower'], ['ratingHighPercent', 60, 'higher'], ['answeredOnTimePercent', 100, 'higher']]);
    // D: avg 6.9 ≤ 8 (1), 4–5 share 33.3 / 60 (0.555), all on time (1) → 85.2. G and T received nothing in
    // the quarter (minCases 1): unranked, after the ranked; M has nothing to score.
    assert.deepEqual(live.rows.map(pick), [
      [ORG.district, 1, 85.2, 2, 'ratingHighPercent'],
      [ORG.government, null, 100, 3, ''],
      [ORG.transport, null, 5.9, 0, 'averageAnswerDays,ratingHighPercent,answeredOnTimePercent'],
      [ORG.ministry, null, null, 0, ''],
    ]);
    const municipalities = await get(`/monitoring/regions/${TEST_REGION}/rating?quarter=2026-Q2&subject=municipality`);
    assert.deepEqual(municipalities.rows.map((r: any) => [r.subjectId, r.subjectName, r.rank, r.score, r.received]),
      [[TERRITORY.district, 'Администрация Тестового района', 1, 85.2, 3]]);

    const config = { indicators: [{ indicator: 'averageAnswerDays', weight: 2, target: 5 }, { indicator: 'ratingHighPercent', weight: 1, target: 60 }], minCases: 0 };
    const put = await call(api, 'PUT', `/monitoring/regions/${TEST_REGION}/rating/config`, { token: t.supervisor, body: config });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.isDefault, false);
    const twice = await call(api, 'PUT', `/monitoring/regions/${TEST_REGION}/rating/config`, { token: t.supervisor, body: { indicators: [config.indicators[0], config.indicators[0]] } });
    assert.equal(twice.status, 400);
    // G: (2 × 5/6 + 1) / 3 = 88.9; D: (2 × 5/6.9 + 33.3/60) / 3 = 66.8; T: (2 × 5/45 + 0) / 3 = 7.4.
    assert.deepEqual((await get(`/monitoring/regions/${TEST_REGION}/rating?quarter=2026-Q2`)).rows.map(pick), [
      [ORG.government, 1, 88.9, 1, 'averageAnswerDays'],
      [ORG.district, 2, 66.8, 0, 'averageAnswerDays,ratingHighPercent'],
      [ORG.transport, 3, 7.4, 0, 'averageAnswerDays,ratingHighPercent'],
      [ORG.ministry, null, null, 0, ''],
    ]);
  });

  it('records the implementation of winning projects and counts participation', async () => {
    const event = (id: string, type: string, organisation: string, status: string, closes: string, extra: Record<string, unknown> = {}) => ({
      id, type, region_id: TEST_REGION, organisation_id: organisation, title: `Event ${id}`, status,
      opens_at: at('2025-01-01T00:00:00'), closes_at: at(closes), ...extra,
    });
    await db('participation_events').insert([
      event('V-1', 'vote', ORG.district, 'results_published', '2026-05-15T12:00:00', { results: JSON.stringify({
        winners: ['p1', 'p2'],
        projects: [{ id: 'p1', name: 'Парк', cost: 100, votes: 10 }, { id: 'p2', name: 'Сквер', cost: 50, votes: 7 }, { id: 'p3', name: 'Фонтан', cost: 500, votes: 3 }],
      }) }),
      event('H-1', 'hearing', ORG.government, 'closed', '2026-06-01T18:00:00'),
      event('D-1', 'discussion', ORG.district, 'closed', '2026-04-30T18:00:00'),
      event('P-1', 'poll', ORG.district, 'cancelled', '2026-05-20T18:00:00'),
      event('P-2', 'poll', ORG.district, 'closed', '2025-12-15T18:00:00'),
    ]);
    await db('participation_responses').insert(['a', 'b', 'c'].map((k) => ({ event_id: 'V-1', participant_key: k, payload: JSON.stringify({}) })));
    await db('participation_responses').insert({ event_id: 'P-2', participant_key: 'z', payload: JSON.stringify({}) });
    await db('hearing_registrations').insert([t.citizenUser, t.otherCitizenUser].map((u) => ({ event_id: 'H-1', user_id: u.id, name: u.name })));
    await db('event_proposals').insert(['k1', 'k1', 'k2'].map((k, i) => ({ event_id: 'D-1', kind: 'proposal', point_number: i + 1, text: `Proposal ${i}`, participant_key: k })));

    const put = (projectId: string, token: string, status: string) =>
      call(api, 'PUT', `/events/V-1/projects/${projectId}/implementation`, { token, body: { status, note: 'Подрядчик выбран' } });
    const p1 = await put('p1', t.district, 'in_progress');
    assert.equal(p1.status, 200, p1.text);
    assert.deepEqual([p1.body.eventId, p1.body.projectId, p1.body.status, p1.body.note], ['V-1', 'p1', 'in_progress', 'Подрядчик выбран']);
    assert.equal((await put('p2', t.supervisor, 'completed')).status, 200);
    assert.equal((await put('p3', t.district, 'completed')).status, 409); // not a winner
    assert.equal((await put('p1', t.ministry, 'completed')).status, 403); // not the organiser
    assert.equal((await call(api, 'PUT', '/events/H-1/projects/p1/implementation', { token: t.admin, body: { status: 'completed' } })).status, 404);

    const total = (await get(`/monitoring/participation?${YEAR}`)).rows;
    assert.deepEqual(total, [{
      period: null, organisationId: null, organisationName: null, eventsHeld: 3, pollsHeld: 0, votesHeld: 1, discussionsHeld: 1, hearingsHeld: 1,
      participants: 7, hearingParticipants: 2, winningProjects: 2, projectsNotStarted: 0, projectsInProgress: 1, projectsCompleted: 1, projectsCancelled: 0,
    }]);
    const byOrganisation = (await get(`/monitoring/participation?${YEAR}&groupBy=organisation&groupBy=quarter`)).rows;
    assert.deepEqual(byOrganisation.map((r: any) => [r.period, r.organisationId, r.eventsHeld, r.participants]), [
      ['2026-Q2', ORG.district, 2, 5], ['2026-Q2', ORG.government, 1, 2],
    ]);
    const projects = (await get(`/monitoring/projects?${YEAR}`, analyst)).rows;
    assert.deepEqual(projects.map((r: any) => [r.eventId, r.projectId, r.projectName, r.cost, r.votes, r.status]), [
      ['V-1', 'p1', 'Парк', 100, 10, 'in_progress'], ['V-1', 'p2', 'Сквер', 50, 7, 'completed'],
    ]);
    assert.equal((await get(`/monitoring/projects?${YEAR}&status=completed`)).rows.length, 1);
  });

  it('lists the cases behind a figure: registration period, channel, organisation and territory subtrees', async () => {
    const ids = async (q: string) => (await get(`/cases?limit=100&${q}`)).items.map((c: { id: string }) => c.id).sort();
    const figure = async (q: string) => (await get(`/monitoring/indicators?from=2026-04&to=2026-06&${q}`)).rows[0];
    // Q2's received are C2–C5; C1 (30 March) is not, and `registeredTo` is exclusive.
    assert.deepEqual(await ids(Q2), ['T-2026-000002', 'T-2026-000003', 'T-2026-000004', 'T-2026-000005']);
    assert.equal((await ids(Q2)).length, (await figure('')).received);
    const c1 = encodeURIComponent(at('2026-03-30T10:00:00'));
    assert.deepEqual([await ids(`registeredFrom=${c1}&registeredTo=${c1}`), await ids(`registeredTo=${c1}`), (await ids(`registeredFrom=${c1}`)).length], [[], [], 5]);
    assert.deepEqual(await ids(`${Q2}&channel=open311`), ['T-2026-000004']);
    assert.equal((await figure('channel=open311')).received, 1);
    // The district and its village: C1, C3, C4, C5; the district's own territory alone: none.
    assert.deepEqual(await ids(`territoryId=${TERRITORY.district}&territorySubtree=true`), ['T-2026-000001', 'T-2026-000003', 'T-2026-000004', 'T-2026-000005']);
    assert.deepEqual(await ids(`territoryId=${TERRITORY.district}`), []);
    // Open now: C3 at the government (the root: every organisation below it), C5 at the district.
    assert.deepEqual(await ids(`${Q2}&open=true&organisationId=${ORG.government}&organisationSubtree=true`), ['T-2026-000003', 'T-2026-000005']);
    assert.equal((await figure(`organisationId=${ORG.government}`)).openNow, 2);
    assert.deepEqual(await ids(`${Q2}&open=true&organisationId=${ORG.government}`), ['T-2026-000003']);
    assert.deepEqual(await ids(`${Q2}&open=true&overdue=true&territoryId=${TERRITORY.district}&territorySubtree=true`), ['T-2026-000003']);
    assert.equal((await figure(`territoryId=${TERRITORY.district}`)).overdueNow, 1);
    assert.equal((await call(api, 'GET', '/cases?registeredFrom=yesterday', { token: t.supervisor })).status, 400);
  });

  it('publishes a quarter\'s rating as a snapshot that later data does not change', async () => {
    const published = await call(api, 'POST', '/monitoring/rating/snapshots', { token: t.supervisor, body: { regionId: TEST_REGION, quarter: '2026-Q2' } });
    assert.equal(published.status, 201, published.text);
    const live = await get(`/monitoring/regions/${TEST_REGION}/rating?quarter=2026-Q2`);
    assert.deepEqual(published.body.rows, live.rows);
    // A late case of the quarter: D's figures move in the live rating, never in the snapshot.
    const c6 = await story('T-2026-000006', { registeredAt: at('2026-06-25T10:00:00'), answerDueAt: DUE('2026-07-25T10:00:00') }).registered();
    await c6.answered(at('2026-06-26T10:00:00'));
    await c6.ratedPositive(at('2026-06-27T10:00:00'), 5);
    const moved = await get(`/monitoring/regions/${TEST_REGION}/rating?quarter=2026-Q2`);
    assert.notDeepEqual(moved.rows, live.rows);
    const stored = await get(`/monitoring/rating/snapshots/${published.body.id}`, analyst);
    assert.deepEqual(stored, published.body);
    assert.equal((await call(api, 'POST', '/monitoring/rating/snapshots', { token: t.admin, body: { regionId: TEST_REGION, quarter: '2026-Q2' } })).status, 409);
    assert.equal((await call(api, 'POST', '/monitoring/rating/snapshots', { token: t.supervisor, body: { regionId: TEST_REGION, quarter: '2026-Q4' } })).status, 409);
    await assert.rejects(db('monitoring_rating_snapshots').where({ id: published.body.id }).update({ rows: '[]' }), /cannot be changed/);
    assert.deepEqual(await get(`/monitoring/rating/snapshots/${published.body.id}`), published.body);
    const list = await get('/monitoring/rating/snapshots');
    assert.deepEqual(list.items.map((i: any) => [i.id, i.quarter, i.subject, i.rowCount]), [[published.body.id, '2026-Q2', 'organisation', 4]]);
    assert.equal((await call(api, 'GET', `/monitoring/rating/snapshots/${published.body.id}`, { token: t.otherSupervisor })).status, 404);
    assert.deepEqual((await get('/monitoring/rating/snapshots', t.otherSupervisor)).items, []);
  });

  it('exports the indicators, participation, projects, the rating and its snapshot as files exceljs reads back, with Russian headers, audited', async () => {
    const file = async (path: string, token = t.supervisor) => {
      const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="/);
      return Buffer.from(await res.arrayBuffer());
    };
    const workbook = async (path: string) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await file(path) as unknown as ArrayBuffer);
      return wb;
    };
    const header = (ws: ExcelJS.Worksheet) => (ws.getRow(1).values as unknown[]).slice(1);
    const column = (ws: ExcelJS.Worksheet, title: string) => Array.from(ws.getColumn(header(ws).indexOf(title) + 1).values.slice(2));

    const json = await get(`/monitoring/indicators?${YEAR}&groupBy=organisation`);
    const wb = await workbook(`/monitoring/indicators?${YEAR}&groupBy=organisation&format=xlsx`);
    const ws = wb.getWorksheet('Показатели')!;
    assert.deepEqual(header(ws).slice(0, 4), ['Код организации', 'Организация', 'Поступило', 'Дано ответов']);
    assert.deepEqual(column(ws, 'Код организации'), json.rows.map((r: any) => r.organisationId));
    assert.deepEqual(column(ws, 'Поступило'), json.rows.map((r: any) => r.received));
    assert.deepEqual(column(ws, 'Среднее время ответа, дней'), json.rows.map((r: any) => r.averageAnswerDays ?? undefined));
    assert.equal(wb.getWorksheet('Как считаются показатели')!.rowCount, 1 + CASE_INDICATORS.length);
    const entry = await db('audit_log').where({ action: 'report.exported' }).orderBy('id', 'desc').first();
    assert.deepEqual([entry.operation, entry.region_id, entry.details.report, entry.details.format, entry.details.rows, entry.details.personalData],
      ['getCaseIndicators', TEST_REGION, 'indicators', 'xlsx', json.rows.length + CASE_INDICATORS.length, false]);
    assert.deepEqual(entry.details.filters, { from: '2026-01', to: '2026-12', groupBy: ['organisation'], subtree: true }, 'the filters as applied, defaults included');

    const csv = (await file(`/monitoring/participation?${YEAR}&format=csv`)).toString('utf8');
    assert.match(csv, /^\uFEFFПроведено мероприятий,/);
    assert.match((await file(`/monitoring/projects?${YEAR}&format=csv`)).toString('utf8'), /^\uFEFFКод голосования,Голосование,/);

    const live = await get(`/monitoring/regions/${TEST_REGION}/rating?quarter=2026-Q2`);
    const rating = (await file(`/monitoring/regions/${TEST_REGION}/rating?quarter=2026-Q2&format=csv`)).toString('utf8').split('\n');
    assert.match(rating[0], /^\uFEFFМесто,Код участника рейтинга,Организация или муниципалитет,Балл,/);
    assert.equal(rating.length, 1 + live.rows.length);
    const [snapshot] = (await get('/monitoring/rating/snapshots')).items;
    const frozen = await workbook(`/monitoring/rating/snapshots/${snapshot.id}?format=xlsx`);
    assert.equal(frozen.getWorksheet('Рейтинг 2026-Q2')!.rowCount, 1 + snapshot.rowCount);
    assert.deepEqual(column(frozen.getWorksheet('Показатели и пороги')!, 'Показатель').length, (await get(`/monitoring/rating/snapshots/${snapshot.id}`)).config.indicators.length);
    const audited = await db('audit_log').where({ action: 'report.exported' }).orderBy('id').pluck('operation');
    assert.deepEqual(audited.slice(-5), ['getCaseIndicators', 'getParticipationIndicators', 'listWinningProjects', 'getRating', 'getRatingSnapshot']);

    // Another region's supervisor gets no file, and no export is recorded.
    assert.equal((await call(api, 'GET', `/monitoring/regions/${TEST_REGION}/rating?format=xlsx`, { token: t.otherSupervisor })).status, 403);
    assert.equal((await call(api, 'GET', `/monitoring/rating/snapshots/${snapshot.id}?format=csv`, { token: t.otherSupervisor })).status, 404);
    assert.equal(await db('audit_log').where({ action: 'report.exported' }).count('* as n').first().then((r: any) => Number(r.n)), audited.length);
  });

  it('counts a case whose term passed before its workflow flagged it as overdue now at once, and once after the flag', async () => {
    const figure = async (q = '') => (await get(`/monitoring/indicators?${YEAR}&organisationId=${ORG.district}&subtree=false${q}`)).rows;
    const months = async () => Object.fromEntries((await figure('&groupBy=month')).map((r: { period: string; overdueNow: number }) => [r.period, r.overdueNow]));
    const [before] = await figure();
    const monthsBefore = await months();
    // C9: registered in August, its term passed in September; its workflow has not taken the overdue step.
    const c9 = await story('T-2026-000009', { registeredAt: at('2026-08-03T10:00:00'), answerDueAt: DUE('2026-09-02T10:00:00') }).registered();
    const [passed] = await figure();
    assert.deepEqual([passed.received, passed.openNow, passed.overdueNow], [before.received + 1, before.openNow + 1, before.overdueNow + 1]);
    assert.deepEqual(await months(), { ...monthsBefore, '2026-08': 1 }, 'counted in its registration month, as its state fact is');
    assert.equal((await figure(`&categoryId=${CAT.medicine}`))[0]?.overdueNow ?? 0, 0, 'not under a category it is not in');
    assert.equal((await figure(`&categoryId=${CAT.roads}`))[0].overdueNow, 1);
    await c9.overdue(at('2026-09-02T10:00:00'));
    assert.equal((await figure())[0].overdueNow, before.overdueNow + 1);
    const scan = await compareWithFullScan(db, TEST_REGION); // the correction is read beside the rollups, never written into them
    assert.deepEqual(scan.stored, scan.scanned);
  });
});
