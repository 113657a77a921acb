// Events in the console, in Chromium: an operator creates a poll, publishes it; a citizen answers through
// the API; the poll closes on its schedule and the operator sees its results. Axe and screenshots on the
// events list, the new event's form and the event's page before and after the close.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createUserWithToken } from '../../domain/identity/users';
import { call, type TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { pollUntil, startSeededPlatform, type SeededPlatform } from '../support/platform';
import { checkScreen, consolePage, openScreen } from './console-support';

/** A datetime-local value in the browser's zone (the test's contexts run in Asia/Barnaul). */
function localInput(ms: number): string {
  return new Date(ms).toLocaleString('sv-SE', { timeZone: 'Asia/Barnaul' }).replace(' ', 'T');
}

describe('console: an event is created, published, answered by a citizen, closed and its results seen', function () {
  this.timeout(240_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let browser: Browser;
  const token: Record<string, string> = {};

  before(async () => {
    platform = await startSeededPlatform('console-events', `console-events-${process.pid}`, async (db) => {
      token.operator = (await createUserWithToken(db, { role: 'operator', name: 'Организатор опроса', organisationId: 'altai.minzdrav' })).token;
      token.citizen = (await createUserWithToken(db, { role: 'citizen', name: 'Жительница', email: 'resident@example.org' })).token;
    });
    ({ api } = platform);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('runs a poll from the console', async () => {
    const { context, page } = await consolePage(browser, api.url, token.operator);
    await openScreen(page, api.url, '/events');
    await page.click('main >> text=Новое мероприятие');
    const now = Date.now();
    await page.fill('#event-title', 'Удобно ли записываться к врачу?');
    await page.fill('#event-opensAt', localInput(now + 20_000));
    await page.fill('#event-closesAt', localInput(now + 35_000));
    await page.fill('#event-question', 'Как вы записываетесь к врачу?');
    await page.fill('#event-lines', 'Через портал\nПо телефону\nВ регистратуре');
    await checkScreen(page, 'event-create');
    await page.click('#event-create-title ~ .actions button[type=submit]');
    await page.waitForSelector('#event-heading');
    const eventId = decodeURIComponent(new URL(page.url()).hash.replace('#/events/', ''));
    assert.match(eventId, /^poll-/);
    await page.click('[data-testid=lifecycle] button >> text=Опубликовать');
    await page.waitForSelector('[data-testid=event-status] >> text=Запланировано');
    await checkScreen(page, 'event');

    await pollUntil(api, `/events/${eventId}`, token.citizen, (e) => e?.status === 'open');
    const answered = await call(api, 'POST', `/events/${eventId}/responses`, { token: token.citizen, body: { answers: { q1: 'o2' } } });
    assert.equal(answered.status, 201, answered.text);
    await pollUntil(api, `/events/${eventId}`, token.citizen, (e) => e?.status === 'results_published');

    await page.reload();
    await page.waitForSelector('[data-testid=results] [data-option=o2]');
    assert.match((await page.textContent('[data-testid=results] [data-option=o2]')) ?? '', /По телефону: 1 \(100%\)/);
    assert.match((await page.textContent('[data-testid=results]')) ?? '', /Участников: 1/);
    await checkScreen(page, 'event-results');
    await openScreen(page, api.url, '/events');
    await page.waitForSelector(`[data-testid=events] tr[data-event="${eventId}"] >> text=Итоги опубликованы`);
    await checkScreen(page, 'events');
    await context.close();
  });
});
