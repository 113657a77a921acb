// An administrator in the console, in Chromium: adds an operator with their login at the identity
// provider, and that operator signs in through OpenID Connect and lands in the console with their role;
// answer templates, the embed snippet with its allowed sites, integrations and the monitoring place.
// Axe and screenshots on every screen. No case engine is needed: the API runs without Temporal.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createUserWithToken } from '../../domain/identity/users';
import { startApiServer } from '../../api/server';
import type { Db } from '../../db/connection';
import { loadSeeds } from '../../db/seed';
import { startOidcProvider, type EmbeddedOidcProvider } from '../../ops/oidc-provider';
import { offlineTemporal, type TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { freePort } from '../support/ports';
import { freshDatabase } from '../support/postgres';
import { checkScreen, consolePage, openScreen } from './console-support';

const MARIA = { username: 'maria.op', password: 'пароль-оператора-1', name: 'Мария Кузнецова', email: 'maria@minzdrav.example.org' };

describe('console: an administrator adds an operator, who then signs in', function () {
  this.timeout(240_000);
  let db: Db;
  let api: TestApi;
  let provider: EmbeddedOidcProvider;
  let browser: Browser;
  let admin: string;

  before(async () => {
    ({ db } = await freshDatabase('console-admin'));
    await loadSeeds(db);
    admin = (await createUserWithToken(db, { role: 'administrator', name: 'Администратор платформы' })).token;
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/auth/oidc/callback`;
    provider = await startOidcProvider({ port: 0, clients: [{ clientId: 'otklik', clientSecret: 'console-secret', redirectUris: [redirectUri] }], accounts: [MARIA], db });
    const server = await startApiServer({
      db, temporal: offlineTemporal(), taskQueue: 'console-admin', port, host: '127.0.0.1', recoverIntake: false, log: () => undefined,
      oidc: { issuer: provider.issuer, clientId: 'otklik', clientSecret: 'console-secret', redirectUri, returnUrl: `http://127.0.0.1:${port}/app/signed-in` },
    });
    api = { url: `http://127.0.0.1:${port}`, server, logs: [], close: () => server.close() };
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await api?.close();
    await provider?.close();
  });

  it('adds an operator of the Ministry of Health with their login', async () => {
    const { context, page } = await consolePage(browser, api.url, admin);
    await openScreen(page, api.url, '/staff');
    await page.waitForSelector('#staff-role');
    await page.fill('#staff-name', MARIA.name);
    await page.fill('#staff-email', MARIA.email);
    await page.selectOption('#staff-organisation', 'altai.minzdrav');
    await page.fill('#staff-login', MARIA.username);
    await page.click('form >> button[type=submit]');
    await page.waitForSelector(`text=Сотрудник «${MARIA.name}» добавлен.`);
    await page.waitForSelector(`[data-testid=staff] >> text=${MARIA.username}`);
    await checkScreen(page, 'staff');
    const row = await db('users').where({ name: MARIA.name }).first();
    assert.equal(row.role, 'operator');
    assert.equal(row.organisation_id, 'altai.minzdrav');
    await context.close();
  });

  it('the operator signs in through the identity provider and works in the console as an operator', async () => {
    const { context, page } = await consolePage(browser, api.url, null);
    await openScreen(page, api.url, '/queue');
    await page.waitForSelector('#signin-title');
    await checkScreen(page, 'sign-in');
    await page.fill('#api-key', 'otk_not-a-key');
    await page.click('text=Войти по ключу');
    await page.waitForSelector('text=Ключ не принят');
    await page.click('main >> text=Войти');
    await page.waitForURL((u) => u.origin === provider.issuer);
    await page.fill('#username', MARIA.username);
    await page.fill('#password', MARIA.password);
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/console');
    await page.waitForSelector('[data-testid=who]');
    assert.match((await page.textContent('[data-testid=who]')) ?? '', /Мария Кузнецова · Оператор · altai\.minzdrav/);
    await page.waitForSelector('#queue-title');
    await context.close();
  });

  it('keeps the organisation\'s answer templates, its embed snippet and sites, and shows integrations and the monitoring place', async () => {
    const { context, page } = await consolePage(browser, api.url, admin);
    await openScreen(page, api.url, '/templates');
    await page.selectOption('#org-picker', 'altai.minzdrav');
    await page.click('text=Добавить шаблон');
    await page.fill('#template-title', 'Перенаправление по подведомственности');
    await page.fill('#template-text', 'Уважаемый(ая) {{applicantName}}! Ваше обращение № {{caseId}} от {{registeredAt}} рассмотрено.');
    await page.click('form >> button[type=submit]');
    await page.waitForSelector('[data-testid=templates] >> text=Перенаправление по подведомственности');
    await checkScreen(page, 'templates');

    await openScreen(page, api.url, '/embed');
    await page.selectOption('#org-picker', 'altai.minzdrav');
    await page.waitForSelector('[data-testid=snippet]');
    assert.match((await page.textContent('[data-testid=snippet]')) ?? '', /data-organisation="altai\.minzdrav"/);
    await page.fill('#embed-origin', 'https://minzdrav.example.org');
    await page.click('form >> button[type=submit]');
    await page.waitForSelector('[data-testid=origins] >> text=https://minzdrav.example.org');
    await checkScreen(page, 'embed');

    for (const [route, name, ready] of [['/integration', 'integration', '#webhooks-title'], ['/dashboards', 'dashboards', '#dash-title']] as const) {
      await openScreen(page, api.url, route);
      await page.waitForSelector(ready);
      await page.waitForSelector('.loading', { state: 'detached' });
      await checkScreen(page, name);
    }
    await context.close();
  });
});
