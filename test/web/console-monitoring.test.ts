// The monitoring dashboards in Chromium, as a supervisor of the test region: four cases of the third
// quarter of 2026 told through the appeal projection (so the rollups and case events are the real
// ones), a readiness snapshot of November taken before the district's cabinet got its operator and form.
// Checks the figures against the seeded cases, drills down from a figure into the queue and back, a
// filter, a drill-down whose queue holds as many cases as its figure, the rating and its published snapshot, the readiness comparison, the problem analysis and
// returning cases, and an export; an analyst and an operator see only their tabs. Axe and screenshots
// (1280 and 360 px) of every tab.
//
// Hand computation, period 2026-07 … 2026-09 (times +07):
//   M1 district, roads, web: registered 6 Jul, answered 9 Jul (in time), rated 5.
//   M2 ministry, medicine, integration: registered 3 Aug (term 13 Aug), answered 20 Aug (late), rated 2 →
//      repeat processing at the government, answered 25 Aug (in time), rated 4.
//   M3 district, roads: registered 1 Sep, overdue since 1 Oct (open).   M4 district, roads: registered 10 Sep, open.
//   received 4 (Jul 1, Aug 1, Sep 2); answered 3 (2 in time); closed 2; open now 2, overdue now 1;
//   ratings 5, 2, 4 → 4–5: 66.7 %; by organisation: district received 3, overdue now 1; ministry 1.
//   Participation: the district's poll closed 20 Aug with three answers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Db } from '../../db/connection';
import { createUserWithToken } from '../../domain/identity/users';
import { takeReadinessSnapshot } from '../../domain/monitoring/cabinet-readiness';
import { startTestApi, type TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { CaseStory, type StoryStart } from '../support/monitoring-stories';
import { freshDatabase } from '../support/postgres';
import { checkScreen, consolePage, openScreen } from './console-support';

const at = (local: string) => new Date(`${local}+07:00`).toISOString();
const M = { m1: 'T-2026-000101', m2: 'T-2026-000102', m3: 'T-2026-000103', m4: 'T-2026-000104' };
const DISTRICT = 'Администрация Тестового района';

describe('console: the monitoring dashboards of a region (a supervisor; an analyst and an operator see their tabs)', function () {
  this.timeout(120_000);
  let db: Db;
  let api: TestApi;
  let browser: Browser;
  let supervisor: string;
  let operator: string;
  let analyst: string;

  const story = (s: Partial<StoryStart> & Pick<StoryStart, 'id' | 'registeredAt' | 'answerDueAt'>) => new CaseStory(db, {
    regionId: TEST_REGION, organisationId: ORG.district, categoryId: CAT.roads, subcategoryId: CAT.potholes, territoryId: TERRITORY.village, channel: 'web', ...s,
  });

  async function tellStories(): Promise<void> {
    const m1 = await story({ id: M.m1, registeredAt: at('2026-07-06T10:00:00'), answerDueAt: at('2026-08-05T10:00:00') }).registered();
    await m1.taken(at('2026-07-07T10:00:00'));
    await m1.answered(at('2026-07-09T10:00:00'));
    await m1.ratedPositive(at('2026-07-10T10:00:00'), 5);
    const m2 = await story({
      id: M.m2, organisationId: ORG.ministry, categoryId: CAT.medicine, subcategoryId: CAT.ambulance, territoryId: null, channel: 'integration',
      registeredAt: at('2026-08-03T09:00:00'), answerDueAt: at('2026-08-13T09:00:00'),
    }).registered();
    await m2.answered(at('2026-08-20T09:00:00'));
    await m2.escalated(at('2026-08-21T09:00:00'), 2, ORG.government, at('2026-09-20T09:00:00'));
    await m2.answered(at('2026-08-25T09:00:00'));
    await m2.ratedPositive(at('2026-08-26T09:00:00'), 4);
    const m3 = await story({ id: M.m3, registeredAt: at('2026-09-01T10:00:00'), answerDueAt: at('2026-10-01T10:00:00') }).registered();
    await m3.overdue(at('2026-10-01T10:00:00'));
    // Open within its term: a term ahead of the real clock, since the read model shows a passed term as overdue at once.
    await story({ id: M.m4, registeredAt: at('2026-09-10T10:00:00'), answerDueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }).registered();
    // A poll of the district closed in August with three answers: participation.
    await db('participation_events').insert({
      id: 'P-2026-1', type: 'poll', region_id: TEST_REGION, organisation_id: ORG.district, title: 'Опрос о ремонте дорог', status: 'closed',
      opens_at: at('2026-08-01T00:00:00'), closes_at: at('2026-08-20T18:00:00'),
    });
    await db('participation_responses').insert(['a', 'b', 'c'].map((k) => ({ event_id: 'P-2026-1', participant_key: k, payload: JSON.stringify({}) })));
    // The same applicant writes about the same potholes twice: a returning case.
    await db('cases').whereIn('id', [M.m3, M.m4]).update({ applicant_email: 'anna@example.org', applicant_name: 'Анна Дорожная' });
  }

  before(async () => {
    ({ db } = await freshDatabase('web_monitoring'));
    await createTestRegion(db);
    supervisor = (await createUserWithToken(db, { role: 'supervisor', name: 'Куратор ЦУР', regionId: TEST_REGION })).token;
    await tellStories();
    // November's snapshot: the district's cabinet had handled cases but had no operator and no form yet.
    await takeReadinessSnapshot(db, TEST_REGION, new Date(at('2026-11-15T12:00:00')));
    operator = (await createUserWithToken(db, { role: 'operator', name: 'Оператор района', organisationId: ORG.district })).token;
    analyst = (await createUserWithToken(db, { role: 'analyst', name: 'Аналитик ЦУР', regionId: TEST_REGION })).token;
    await db('embed_origins').insert({ organisation_id: ORG.district, origin: 'https://district.example' });
    api = await startTestApi(db);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await api?.close();
    await db?.destroy();
  });

  const cell = (page: Page, selector: string) => page.locator(selector).first().textContent().then((t) => (t ?? '').trim());
  const QUARTER = 'from=2026-07&to=2026-09';

  it('shows the indicators of the period as computed by hand, drills down from a figure to its cases and comes back', async () => {
    const { context, page } = await consolePage(browser, api.url, supervisor);
    await openScreen(page, api.url, `/dashboards/indicators?${QUARTER}`);
    await page.waitForSelector('[data-testid=figures] [data-indicator=received] dd');
    const total = (group: string, id: string) => cell(page, `[data-testid=totals-${group}] tr[data-indicator=${id}] td.num`);
    const figure = (id: string) => cell(page, `[data-testid=figures] [data-indicator=${id}] dd`);
    assert.deepEqual([await figure('received'), await figure('overdueNow'), await figure('ratingHighPercent')], ['4', '1', '66,7']);
    assert.deepEqual(
      [await total('volume', 'received'), await total('volume', 'answered'), await total('volume', 'closed'), await total('timeliness', 'answeredOnTime'),
        await total('timeliness', 'openNow'), await total('timeliness', 'overdueNow'), await total('quality', 'ratingHighPercent'), await total('quality', 'sentToRepeat')],
      ['4', '3', '2', '2', '2', '1', '66,7', '1'],
    );
    await page.waitForSelector('[data-testid=months] tr[data-group="2026-09"]');
    const received = (table: string, group: string) => cell(page, `[data-testid=${table}] tr[data-group="${group}"] td[data-col=received]`);
    assert.deepEqual([await received('months', '2026-07'), await received('months', '2026-08'), await received('months', '2026-09')], ['1', '1', '2']);
    assert.equal(await page.locator('[data-testid=chart-months-counts] canvas[role=img]').count(), 1);
    await page.waitForSelector(`[data-testid=by-organisation] tr[data-group="${DISTRICT}"]`);
    assert.equal(await received('by-organisation', DISTRICT), '3');
    assert.equal(await received('by-organisation', 'Министерство здравоохранения'), '1');
    const poll = '[data-testid=participation] tr[data-group="2026-08"]';
    await page.waitForSelector(poll);
    assert.deepEqual([await cell(page, `${poll} td[data-col=pollsHeld]`), await cell(page, `${poll} td[data-col=participants]`)], ['1', '3']);
    await checkScreen(page, 'monitoring-indicators');

    // Drill-down: the district's "overdue now" opens the queue with its organisation, open and overdue, registered in the quarter.
    await page.click(`[data-testid=by-organisation] tr[data-group="${DISTRICT}"] td[data-col=overdueNow] a`);
    await page.waitForSelector(`[data-testid=queue] tr[data-case="${M.m3}"]`);
    assert.equal(await page.locator('[data-testid=queue] tbody tr').count(), 1);
    const search = new URLSearchParams(page.url().split('?')[1]);
    assert.deepEqual([search.get('organisationId'), search.get('registeredFrom'), search.get('registeredTo')], [ORG.district, at('2026-07-01T00:00:00'), at('2026-10-01T00:00:00')]);
    assert.equal(await page.inputValue('#f-overdue'), 'true');
    await page.goBack();
    await page.waitForSelector('[data-testid=figures] [data-indicator=received] dd');
    assert.equal(await figure('received'), '4', 'back in the dashboards with the same period');

    // A filter: the medicine category alone is the ministry's case.
    await page.selectOption('#mf-category', CAT.medicine);
    await page.click('.monitoring-filters button[type=submit]');
    await page.waitForFunction('/categoryId=/.test(location.hash)');
    await page.waitForFunction("document.querySelector('[data-testid=figures] [data-indicator=received] dd')?.textContent?.trim() === '1'");
    assert.equal(await total('volume', 'answered'), '2');
    await context.close();
  });

  it('drills down to as many cases as the figure clicked: the period, a channel and a district with its settlements', async () => {
    const { context, page } = await consolePage(browser, api.url, supervisor);
    // The district's territory takes the village inside it; the web channel leaves out the ministry's integration case.
    await openScreen(page, api.url, `/dashboards/indicators?${QUARTER}&territoryId=${TERRITORY.district}&channel=web`);
    const link = '[data-testid=figures] [data-indicator=received] dd a';
    await page.waitForSelector(link);
    const figure = Number(await cell(page, link));
    assert.equal(figure, 3, 'M1, M3, M4');
    await page.click(link);
    await page.waitForSelector(`[data-testid=queue] tr[data-case="${M.m1}"]`);
    assert.equal(await page.locator('[data-testid=queue] tbody tr').count(), figure);
    await page.waitForSelector('[data-testid=drill-down] >> text=/с входящими в неё.*канал «Сайт и приложение».*с 1 июля 2026 г\. по 30 сентября 2026 г\./');
    await checkScreen(page, 'queue-drill-down');
    await context.close();
  });

  it('ranks the quarter with the configured weights, and publishes its frozen snapshot', async () => {
    const { context, page } = await consolePage(browser, api.url, supervisor);
    await openScreen(page, api.url, '/dashboards/rating?quarter=2026-Q3');
    await page.waitForSelector(`[data-testid=rating] tr[data-subject="${ORG.district}"]`);
    const row = `[data-testid=rating] tr[data-subject="${ORG.district}"]`;
    assert.match((await page.textContent(row)) ?? '', /Администрация Тестового района/);
    // The district's own quarter: 3 received, 1 answer (in 3 days), 1 rating of 5.
    assert.deepEqual(await page.locator(`${row} td.num`).evaluateAll((tds) => tds.slice(-3).map((td) => td.textContent)), ['3', '1', '1']);
    assert.equal(await page.locator('[data-testid=rating-config] tbody tr').count(), 3, 'the three default indicators with their weights');
    assert.match((await page.textContent('[data-testid=rating-config]')) ?? '', /не выше 8/);
    assert.match((await page.textContent('[data-testid=rating-source]')) ?? '', /пересчитывается/);
    await page.click('button >> text=Опубликовать срез квартала');
    await page.waitForFunction('/snapshot=\\d+/.test(location.hash)');
    await page.waitForSelector('[data-testid=rating-source] >> text=/Опубликованный срез/');
    await page.waitForSelector(`[data-testid=rating] tr[data-subject="${ORG.district}"]`);
    await checkScreen(page, 'monitoring-rating');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-rating] button >> text=CSV')]);
    assert.match(download.suggestedFilename(), /^rating-organisation-2026-Q3-snapshot-\d+-testland-.*\.csv$/);
    assert.match(fs.readFileSync((await download.path())!, 'utf8'), /^\uFEFFМесто,.*\n.*Администрация Тестового района/s);
    await context.close();
  });

  it('compares the readiness of cabinets with November, and exports it', async () => {
    const { context, page } = await consolePage(browser, api.url, supervisor);
    await openScreen(page, api.url, '/dashboards/readiness');
    await page.waitForFunction("[...document.querySelectorAll('#ready-compare option')].some((o) => o.value === '2026-11')");
    await page.selectOption('#ready-compare', '2026-11');
    const row = `[data-testid=readiness] tr[data-territory="${TERRITORY.district}"][data-kind=municipality]`;
    await page.waitForSelector(`${row} td[data-col=change]`);
    // Created 1, with an operator 1, form on a site 1, handled a case 1, ready 1 (100 %); November: 0 ready.
    assert.deepEqual(await page.locator(`${row} td.num`).allTextContents(), ['1', '1', '1', '1', '1', '100 %', '0', '+1']);
    await checkScreen(page, 'monitoring-readiness');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-readiness] button >> text=CSV')]);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    assert.match(download.suggestedFilename(), /\.csv$/);
    assert.match(text, /Тестовый район/);
    await context.close();
  });

  it('finds the categories and organisations that collect problems, with their trend, examples and returning cases', async () => {
    const { context, page } = await consolePage(browser, api.url, supervisor);
    await openScreen(page, api.url, '/dashboards/problems?problemsFrom=2026-08-01&problemsTo=2026-10-02');
    const medicine = `[data-testid=problems-categories] tr[data-group="${CAT.medicine}"]`;
    await page.waitForSelector(medicine);
    // August: the ministry's answer rated 2 (a low rating and a repeat processing); 1 October: M3 overdue.
    assert.deepEqual(
      [await cell(page, `${medicine} td[data-col=lowRatings]`), await cell(page, `${medicine} td[data-col=repeatProcessing]`), await cell(page, `${medicine} td[data-col=problems]`), await cell(page, `${medicine} td[data-col=trend]`)],
      ['1', '1', '2', '▲ +2'],
    );
    assert.match((await page.textContent(medicine)) ?? '', new RegExp(M.m2));
    assert.equal(await cell(page, `[data-testid=problems-organisations] tr[data-group="${ORG.ministry}"] td[data-col=problems]`), '2');
    await page.waitForSelector(`[data-testid=returning] a >> text=${M.m4}`);
    assert.match((await page.textContent('[data-testid=returning]')) ?? '', new RegExp(`${M.m3}.*${M.m4}|${M.m4}.*${M.m3}`, 's'));
    await checkScreen(page, 'monitoring-problems');
    await page.click(`[data-testid=problems-categories] tr[data-group="${CAT.roads}"] td[data-col=overdue] a`);
    await page.waitForSelector(`[data-testid=queue] tr[data-case="${M.m3}"]`);
    assert.equal(await page.locator('[data-testid=queue] tbody tr').count(), 1);
    await page.waitForSelector('[data-testid=drill-down] >> text=/категория Дороги/');
    await context.close();
  });

  it('shows an analyst the indicators and the rating only (from the first screen), an operator the readiness and the problems only', async () => {
    const tabs = (page: Page) => page.locator('.dashboards nav.tabs a').allTextContents();
    const a = await consolePage(browser, api.url, analyst);
    await openScreen(a.page, api.url, '/');
    await a.page.waitForSelector('[data-testid=figures] [data-indicator=received] dd');
    assert.deepEqual(await tabs(a.page), ['Показатели', 'Рейтинг']);
    assert.deepEqual(await a.page.locator('nav.nav a').allTextContents(), ['Мониторинг'], 'no queue for an analyst');
    await a.context.close();
    const o = await consolePage(browser, api.url, operator);
    await openScreen(o.page, api.url, '/dashboards');
    await o.page.waitForSelector(`[data-testid=readiness] tr[data-territory="${TERRITORY.district}"][data-kind=municipality]`);
    assert.deepEqual(await tabs(o.page), ['Готовность кабинетов', 'Проблемы']);
    await o.context.close();
  });
});
