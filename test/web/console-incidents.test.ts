// Incidents in the console, in Chromium: a monitoring system reports a post through the API, the
// handling organisation's operator finds it in the list, is told in Russian when the reply's address is
// not one, and records the public reply with its URL. Then a Khabarovsk operator's poll of 10 days is
// refused next to its closing date. Axe (and, on request, screenshots at 1280 and 360 px) on each screen.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createUserWithToken } from '../../domain/identity/users';
import { call, type TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';
import { checkScreen, consolePage, openScreen } from './console-support';

/** A datetime-local value of a region's wall time (the event form reads it in the region's zone). */
const localInput = (ms: number, zone: string) => new Date(ms).toLocaleString('sv-SE', { timeZone: zone }).replace(' ', 'T');

describe('console: incidents are answered with the reply\'s URL; an event outside its region\'s term is refused at its field', function () {
  this.timeout(300_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let browser: Browser;
  const token: Record<string, string> = {};

  before(async () => {
    platform = await startSeededPlatform('console-incidents', `console-incidents-${process.pid}`, async (db) => {
      token.operator = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минздрава', organisationId: 'altai.minzdrav' })).token;
      token.monitor = (await createUserWithToken(db, { role: 'integration', name: 'Мониторинг', organisationId: 'altai.government', scopes: ['incidents:submit'] })).token;
      token.omsu = (await createUserWithToken(db, { role: 'operator', name: 'ОМСУ края', organisationId: 'khabarovsk.omsu' })).token;
    });
    ({ api } = platform);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('lists the incident and records its public reply', async () => {
    const reported = await call(api, 'POST', '/incidents', {
      token: token.monitor,
      body: { network: 'vk', postUrl: 'https://vk.com/wall-555_17', text: 'Третий час ждём скорую на Ленина, 5. Куда звонить?', authorHandle: '@barnaul_mama',
        foundAt: new Date().toISOString(), categoryId: 'altai.c.medicine.ambulance' },
    });
    assert.equal(reported.status, 201, reported.text);
    assert.equal(reported.body.organisationId, 'altai.minzdrav');
    const id = reported.body.id as string;

    const { context, page } = await consolePage(browser, api.url, token.operator);
    await openScreen(page, api.url, '/incidents');
    await page.waitForSelector(`[data-incident="${id}"] [data-incident-state="open"]`);
    await checkScreen(page, 'incidents');

    await page.click(`[data-incident="${id}"] a`);
    await page.waitForSelector('#incident-title');
    await page.fill('#incident-reply-text', 'Бригада выехала, диспетчер свяжется с вами. Телефон горячей линии: 122.');
    await page.fill('#incident-reply-url', 'ftp://vk.com/reply');
    await page.click('form[aria-labelledby="incident-reply-form"] button[type=submit]');
    await page.waitForSelector('#incident-reply-url[aria-invalid="true"]');
    assert.match((await page.textContent('#incident-reply-url-error')) ?? '', /начинающийся с https:\/\//);
    await checkScreen(page, 'incident');

    await page.fill('#incident-reply-url', 'https://vk.com/wall-555_17?reply=42');
    await page.click('form[aria-labelledby="incident-reply-form"] button[type=submit]');
    await page.waitForSelector('[data-incident-state="answered"]');
    assert.equal(await page.textContent('[data-testid="reply-url"]'), 'https://vk.com/wall-555_17?reply=42');
    await checkScreen(page, 'incident-answered');
    await context.close();
  });

  it('shows a Khabarovsk poll of 10 days refused at its closing date', async () => {
    const zone = 'Asia/Vladivostok';
    const { context, page } = await consolePage(browser, api.url, token.omsu);
    await openScreen(page, api.url, '/events');
    await page.click('main >> text=Новое мероприятие');
    await page.fill('#event-title', 'Благоустройство набережной');
    await page.waitForSelector(`#event-zone >> text=${zone}`);
    const opens = Date.now() + 86_400_000;
    await page.fill('#event-opensAt', localInput(opens, zone));
    await page.fill('#event-closesAt', localInput(opens + 10 * 86_400_000, zone));
    // The poll's question and its options: every required text field still empty.
    const empty = await page.$$eval('.event-editor input[required][type=text]', (inputs) => inputs.filter((i) => !(i as unknown as { value: string }).value).map((i) => i.id));
    for (const [n, fieldId] of empty.entries()) await page.fill(`#${fieldId}`, n === 0 ? 'Что сделать в первую очередь?' : `Вариант ${n}`);
    await page.click('.event-editor > .actions button[type=submit]');
    await page.waitForSelector('#event-closesAt[aria-invalid="true"]');
    const message = await page.textContent('#event-closesAt-error');
    assert.match(message ?? '', /от 15 до 30 календарных дней, а здесь — 10/);
    await checkScreen(page, 'event-term-refused');
    await context.close();
  });
});
