// An operator groups duplicate appeals on the case page, in Chromium: the similar open appeals are listed,
// confirmed as a group, and answered once; the page says which cases the answer reached. The
// organisation's screen of groups, reached from the queue, lists another proposal and the answered group,
// and confirms the proposal. Axe and screenshots (OTKLIK_SCREENSHOTS=1) of the panel and the screen.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createUserWithToken } from '../../domain/identity/users';
import { call, type TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';
import { checkScreen, consolePage, openScreen } from './console-support';

describe('console: an operator answers duplicate appeals as one group', function () {
  this.timeout(240_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let browser: Browser;
  let operator = '';
  const cases: string[] = [];
  /** Two more appeals about snow, far from the first three: the screen of groups proposes them apart. */
  const elsewhere: string[] = [];

  before(async () => {
    const citizens: string[] = [];
    platform = await startSeededPlatform('console-duplicates', `console-duplicates-${process.pid}`, async (db) => {
      for (const name of ['Анна Смирнова', 'Борис Ковалёв', 'Вера Лосева']) citizens.push((await createUserWithToken(db, { role: 'citizen', name, email: `${citizens.length}@example.org` })).token);
      operator = (await createUserWithToken(db, { role: 'operator', name: 'Ольга Оператор', organisationId: 'altai.mintrans' })).token;
    });
    ({ api } = platform);
    const places = [
      { address: 'г. Барнаул, пр. Ленина, д. 40', location: { latitude: 53.3475, longitude: 83.7784 } },
      { address: 'Барнаул, проспект Ленина 42', location: { latitude: 53.3479, longitude: 83.7790 } },
      { address: 'Барнаул, Ленина 40' },
    ];
    for (const [i, place] of places.entries()) {
      const r = await call(api, 'POST', '/appeals', {
        token: citizens[i], headers: { 'idempotency-key': `console-dup-${i}-0001` },
        body: { kind: 'appeal', regionId: 'altai', subcategoryId: 'altai.c.roads.snow', text: 'Проезжая часть не расчищена от снега третий день.', applicant: { name: `Заявитель ${i + 1}` }, ...place },
      });
      assert.equal(r.status, 201, r.text);
      cases.push(r.body.id);
    }
    for (const i of [0, 1]) {
      const r = await call(api, 'POST', '/appeals', {
        token: citizens[i], headers: { 'idempotency-key': `console-dup-far-${i}-0001` },
        body: { kind: 'appeal', regionId: 'altai', subcategoryId: 'altai.c.roads.snow', text: 'Двор на улице Попова завален снегом, машины не проезжают.', applicant: { name: `Заявитель ${i + 1}` }, address: 'Барнаул, ул. Попова, 100', location: { latitude: 53.3631, longitude: 83.6471 } },
      });
      assert.equal(r.status, 201, r.text);
      elsewhere.push(r.body.id);
    }
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('lists the similar appeals, confirms them as a group and answers every applicant at once', async () => {
    const { context, page } = await consolePage(browser, api.url, operator);
    await openScreen(page, api.url, `/cases/${cases[0]}`);
    await page.waitForSelector('[data-testid=similar-list]');
    const listed = await page.$$eval('[data-testid=similar-list] li a', (as) => as.map((a) => a.textContent));
    assert.deepEqual(listed, [cases[1], cases[2]]);
    await checkScreen(page, 'case-similar');

    await page.getByRole('button', { name: 'Объединить в группу' }).click();
    await page.waitForSelector('[data-testid=case-group]');
    await page.fill('#group-answer-text', 'Снег на проспекте Ленина убран, проезд открыт.');
    await page.getByRole('button', { name: 'Отправить всем' }).click();
    await page.waitForSelector('[data-testid=group-results]');
    const results = (await page.textContent('[data-testid=group-results]')) ?? '';
    for (const id of cases) assert.match(results, new RegExp(`${id}: ответ отправлен`));
    await page.waitForSelector('[data-testid=case-answer]');
    await checkScreen(page, 'case-group-answered');
    await context.close();
    for (const id of cases) {
      const c = await call(api, 'GET', `/cases/${id}`, { token: operator });
      assert.equal(c.body.answer?.text, 'Снег на проспекте Ленина убран, проезд открыт.');
    }
  });

  it('shows the organisation\'s proposed and confirmed groups, reached from the queue, and confirms a proposal', async () => {
    const { context, page } = await consolePage(browser, api.url, operator);
    await openScreen(page, api.url, '/queue');
    await page.getByTestId('case-groups-link').click();
    await page.waitForSelector('[data-testid=proposed-groups] .case-group');
    const proposed = await page.$$eval('[data-testid=proposed-groups] .case-group li > a', (as) => as.map((a) => a.textContent));
    assert.deepEqual(proposed, elsewhere, 'the two far appeals, apart from the answered group');
    const answered = await page.$$eval('[data-testid=confirmed-groups] .case-group li > a', (as) => as.map((a) => a.textContent));
    assert.deepEqual(answered, cases, 'the group answered on the case page, with links to its cases');
    await checkScreen(page, 'case-groups');

    await page.getByRole('button', { name: 'Объединить в группу обращения предложения 1' }).click();
    await page.waitForSelector('text=Предложено объединить: 0');
    const groups = await page.$$eval('[data-testid=confirmed-groups] .case-group', (gs) => gs.map((g) => [...g.querySelectorAll('li > a')].map((a) => a.textContent)));
    assert.deepEqual(groups, [elsewhere, cases], 'newest first');
    await page.getByRole('link', { name: `Ответить группе — открыть обращение ${elsewhere[0]}` }).click();
    await page.waitForSelector('[data-testid=case-group]');
    await context.close();
  });
});
