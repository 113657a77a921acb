// Official pages in the console, in Chromium: an operator registers the ministry's VK page, marks it and
// drafts a post; their own draft offers no approval; a second operator approves it and it is scheduled; a
// supervisor sees the region's table. Axe and screenshots on each screen.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import type { TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';
import { checkScreen, consolePage, openScreen } from './console-support';

describe('console: official pages, a publication approved by a second person, the region\'s table', function () {
  this.timeout(240_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let db: Db;
  let browser: Browser;
  const token: Record<string, string> = {};

  before(async () => {
    platform = await startSeededPlatform('console-pages', `console-pages-${process.pid}`, async (d) => {
      db = d;
      token.author = (await createUserWithToken(db, { role: 'operator', name: 'Анна Оператор', organisationId: 'altai.minzdrav' })).token;
      token.second = (await createUserWithToken(db, { role: 'operator', name: 'Борис Оператор', organisationId: 'altai.minzdrav' })).token;
      token.supervisor = (await createUserWithToken(db, { role: 'supervisor', name: 'Куратор ЦУР', regionId: 'altai' })).token;
    });
    ({ api } = platform);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('an operator registers a page, marks it and drafts a post that they cannot approve themselves', async () => {
    const { context, page } = await consolePage(browser, api.url, token.author);
    await openScreen(page, api.url, '/pages');
    await page.waitForSelector('#page-url');
    await page.fill('#page-name', 'Минздрав Алтайского края');
    await page.fill('#page-url', 'https://vk.com/minzdrav22');
    await page.fill('#page-external-id', '-70000001');
    await page.click('#page-form-title ~ .actions >> button[type=submit]');
    await page.waitForSelector('[data-testid=pages] >> text=Минздрав Алтайского края');
    await page.click('[data-testid=pages] >> button[aria-label^="нет (Отметка «госпаблик»"]');
    await page.waitForSelector('[data-testid=pages] >> button[aria-label^="да (Отметка «госпаблик»"]');
    await page.fill('#draft-text', 'С 1 по 15 февраля в поликлиниках края — дни открытых дверей для проверки здоровья.');
    await page.fill('#draft-publish-at', '2030-01-15T10:00');
    await page.click('#draft-form-title ~ .actions >> button[type=submit]');
    await page.waitForSelector('[data-testid=publications] >> text=Ваш черновик');
    await checkScreen(page, 'pages');
    const row = await db('official_pages').where({ url: 'https://vk.com/minzdrav22' }).first();
    assert.deepEqual([row.organisation_id, row.state_mark], ['altai.minzdrav', true]);
    await context.close();
  });

  it('a second operator approves it, and a supervisor sees the region\'s table', async () => {
    const second = await consolePage(browser, api.url, token.second);
    await openScreen(second.page, api.url, '/pages');
    await second.page.click('[data-testid=publications] >> button:text("Одобрить")');
    await second.page.waitForSelector('[data-testid=publications] >> text=Запланирована');
    await second.context.close();
    const [publication] = await db('publications').select('status', 'approved_by');
    assert.equal(publication.status, 'scheduled');

    const { context, page } = await consolePage(browser, api.url, token.supervisor);
    await openScreen(page, api.url, '/pages');
    await page.waitForSelector('[data-testid=pages-report] >> text=Итого');
    await page.selectOption('#org-picker', 'altai.minzdrav');
    await page.waitForSelector('[data-testid=publications] >> text=Запланирована');
    await checkScreen(page, 'pages-region');
    await context.close();
  });
});
