// A supervisor of a region in the console, in Chromium: finds an overdue case and a stuck one (with the
// reason it stands still), reassigns the overdue case with a reason, and reads the reassignment in the
// case's audit trail; the workflow's link points at the Temporal Web UI. Axe and screenshots on each screen.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { call, type TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';
import { checkScreen, consolePage, openScreen } from './console-support';

describe('console: a supervisor finds an overdue case and reassigns it with a reason, and the audit shows it', function () {
  this.timeout(240_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let db: Db;
  let browser: Browser;
  const token: Record<string, string> = {};
  let overdue: string;
  let stuck: string;

  async function submit(key: string, text: string): Promise<string> {
    const r = await call(api, 'POST', '/appeals', {
      token: token.citizen, headers: { 'idempotency-key': key },
      body: { kind: 'appeal', regionId: 'altai', subcategoryId: 'altai.c.medicine.ambulance', text, applicant: { name: 'Пётр Иванов', email: 'petr@example.org' } },
    });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  }

  before(async () => {
    platform = await startSeededPlatform('console-supervisor', `console-supervisor-${process.pid}`, async (d) => {
      db = d;
      token.citizen = (await createUserWithToken(db, { role: 'citizen', name: 'Пётр Иванов', email: 'petr@example.org' })).token;
      token.supervisor = (await createUserWithToken(db, { role: 'supervisor', name: 'Куратор ЦУР', regionId: 'altai' })).token;
    });
    ({ api } = platform);
    overdue = await submit('console-sup-overdue-1', 'Не приехала скорая помощь по вызову.');
    stuck = await submit('console-sup-stuck-0001', 'Нет лекарств в аптеке районной больницы.');
    // The read model as the term's timer and ten quiet days would leave it (the workflow's own timers are
    // 10 days away): one case past its term, the other untouched for ten days.
    const past = new Date(Date.now() - 2 * 86_400_000);
    await db('cases').where({ id: overdue }).update({ overdue: true, answer_due_at: past });
    const quiet = new Date(Date.now() - 10 * 86_400_000);
    await db('cases').where({ id: stuck }).update({ last_action_at: quiet, registered_at: quiet, updated_at: quiet });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('lists the overdue and the stuck cases of the region, with why each stands still', async () => {
    const { context, page } = await consolePage(browser, api.url, token.supervisor);
    await openScreen(page, api.url, '/supervision');
    await page.waitForSelector(`[data-testid=supervision] tr[data-case="${overdue}"]`);
    assert.match((await page.textContent(`tr[data-case="${overdue}"]`)) ?? '', /просрочено на 2 дн\./);
    assert.equal(await page.locator(`tr[data-case="${overdue}"] [data-mark=overdue]`).count(), 1);
    await checkScreen(page, 'supervision-overdue');
    await page.click('button.tab >> text=Без движения');
    await page.waitForSelector(`[data-testid=supervision] tr[data-case="${stuck}"]`);
    assert.match((await page.textContent(`tr[data-case="${stuck}"]`)) ?? '', /не взято в работу 10 дн\./);
    await checkScreen(page, 'supervision-stuck');
    await context.close();
  });

  it('reassigns the overdue case with its reason; the audit trail and the timeline show it', async () => {
    const { context, page } = await consolePage(browser, api.url, token.supervisor);
    await openScreen(page, api.url, '/supervision');
    await page.click(`tr[data-case="${overdue}"] a`);
    await page.waitForSelector('[data-testid=overrides]');
    assert.equal(await page.locator('[data-testid=operator-actions]').count(), 0, 'a supervisor has no operator actions');
    const link = await page.getAttribute('[data-testid=temporal-link]', 'href');
    assert.equal(link, `http://localhost:8233/namespaces/default/workflows/${overdue}`);
    await page.click('[data-action=reassign] button >> text=Передать в другую организацию');
    await page.selectOption('#reassign-org', 'altai.government');
    await page.fill('#reassign-reason', 'Министерство не отвечает: передаём в Правительство края.');
    await checkScreen(page, 'case-reassign');
    await page.click('[data-action=reassign] button[type=submit]');
    await page.waitForSelector('[data-testid=case-organisation] >> text=Правительство');
    await page.waitForSelector('[data-testid=audit] [data-action=reassignCase]');
    assert.match((await page.textContent('[data-testid=audit]')) ?? '', /Куратор ЦУР.*Передано куратором.*altai\.minzdrav → altai\.government/s);
    assert.match((await page.textContent('[data-testid=timeline]')) ?? '', /Министерство не отвечает/);
    await checkScreen(page, 'case-audit');
    const stored = await call(api, 'GET', `/cases/${overdue}`, { token: token.supervisor });
    assert.equal(stored.body.organisationId, 'altai.government');
    await context.close();
  });
});
