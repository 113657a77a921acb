// An operator works a case in the console, in Chromium: the queue of their organisation (sorted by term,
// marked), the case page with its rules, a conflict shown when someone acted meanwhile, the shortcuts'
// help, and the answer filled from the organisation's template. Axe and screenshots on every screen.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { call, type TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';
import { checkScreen, consolePage, openScreen } from './console-support';

describe('console: an operator works a case from the queue to the answer with a template', function () {
  this.timeout(240_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let db: Db;
  let browser: Browser;
  const token: Record<string, string> = {};
  const cases: string[] = [];

  before(async () => {
    platform = await startSeededPlatform('console-operator', `console-operator-${process.pid}`, async (d) => {
      db = d;
      token.citizen = (await createUserWithToken(db, { role: 'citizen', name: 'Анна Смирнова', email: 'anna@example.org' })).token;
      token.operator = (await createUserWithToken(db, { role: 'operator', name: 'Ольга Оператор', organisationId: 'altai.minzdrav' })).token;
      token.colleague = (await createUserWithToken(db, { role: 'operator', name: 'Коллега', organisationId: 'altai.minzdrav' })).token;
      token.admin = (await createUserWithToken(db, { role: 'administrator', name: 'Админ' })).token;
    });
    ({ api } = platform);
    for (const [i, text] of ['Скорая помощь ехала к соседу больше двух часов.', 'В поликлинике нет записи к терапевту на месяц вперёд.'].entries()) {
      const r = await call(api, 'POST', '/appeals', {
        token: token.citizen, headers: { 'idempotency-key': `console-op-${i}-0001` },
        body: { kind: 'appeal', regionId: 'altai', subcategoryId: 'altai.c.medicine.ambulance', text, applicant: { name: 'Анна Смирнова', email: 'anna@example.org', postalAddress: 'г. Барнаул, ул. Ленина, 1' } },
      });
      assert.equal(r.status, 201, r.text);
      cases.push(r.body.id);
    }
    const t = await call(api, 'POST', '/organisations/altai.minzdrav/answer-templates', {
      token: token.admin, body: { title: 'Проверка проведена', text: 'Уважаемый(ая) {{applicantName}}! По обращению № {{caseId}} от {{registeredAt}} проведена проверка. {{organisationName}}' },
    });
    assert.equal(t.status, 201, t.text);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('shows the organisation\'s queue, earliest term first, with marks, and saves a view', async () => {
    const { context, page } = await consolePage(browser, api.url, token.operator);
    await openScreen(page, api.url, '/queue');
    await page.waitForSelector('[data-testid=queue]');
    const rows = await page.$$eval('[data-testid=queue] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-case')));
    assert.deepEqual(rows, cases, 'both cases, earliest term first');
    assert.equal(await page.locator(`tr[data-case="${cases[0]}"] [data-mark=accelerated]`).count(), 1, 'the accelerated term is marked');
    assert.match((await page.textContent('[data-testid=who]')) ?? '', /Ольга Оператор · Оператор · altai\.minzdrav/);
    // Administrators' screens are not in an operator's navigation.
    assert.equal(await page.locator('nav a', { hasText: 'Сотрудники' }).count(), 0);
    await page.fill('#view-name', 'Мои открытые');
    await page.click('text=Сохранить вид');
    await page.waitForSelector('.views >> text=Мои открытые');
    await checkScreen(page, 'queue');
    // "?" shows the shortcuts, Esc hides them.
    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid=shortcuts][open]');
    await checkScreen(page, 'shortcuts');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=shortcuts]', { state: 'detached' });
    await context.close();
  });

  it('takes a case by keyboard, shows a conflict when a colleague acted meanwhile, and answers with a template', async () => {
    const { context, page } = await consolePage(browser, api.url, token.operator);
    await openScreen(page, api.url, '/queue');
    await page.waitForSelector('[data-testid=queue]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#case-title');
    assert.equal(await page.textContent('#case-title'), cases[0]);
    assert.match((await page.textContent('[data-action=leave]')) ?? '', /59-ФЗ/, 'the rule is shown before the action is tried');
    await checkScreen(page, 'case');

    // A colleague takes the case meanwhile: our "take" is refused as a conflict, shown, and the case reloads.
    const taken = await call(api, 'POST', `/cases/${cases[0]}/take`, { token: token.colleague });
    assert.equal(taken.status, 200, taken.text);
    await page.keyboard.press('t');
    await page.waitForSelector('[data-testid=conflict]');
    await page.waitForSelector('[data-testid=case-status] >> text=В работе');
    await checkScreen(page, 'case-conflict');

    await page.keyboard.press('a');
    await page.waitForSelector('#answer-text:focus');
    await page.selectOption('#answer-template', { label: 'Проверка проведена' });
    const filled = await page.inputValue('#answer-text');
    assert.match(filled, new RegExp(`Уважаемый\\(ая\\) Анна Смирнова! По обращению № ${cases[0]} от \\d+ \\S+ 20\\d\\d г\\. проведена проверка\\. Министерство`));
    await checkScreen(page, 'case-answer');
    await page.click('[data-action=answer] button[type=submit]');
    await page.waitForSelector('[data-testid=case-answer]');
    assert.equal(await page.textContent('[data-testid=case-answer]'), filled);
    const stored = await call(api, 'GET', `/cases/${cases[0]}`, { token: token.citizen });
    assert.equal(stored.body.status, 'answered');
    assert.equal(stored.body.answer.text, filled);
    await context.close();
  });

  it('a citizen cannot use the console', async () => {
    const { context, page } = await consolePage(browser, api.url, token.citizen);
    await openScreen(page, api.url, '/queue');
    await page.waitForSelector('text=Рабочее место доступно операторам');
    await checkScreen(page, 'not-staff');
    await context.close();
  });
});
