// The organisation console in Chromium, for the test/web/console-*.test.ts files: a browser context per
// person signed in with their API key (the web app keeps the session token in sessionStorage, as
// /app/signed-in leaves it), axe-core on the screen shown, and screenshots at 1280 and 360 px under
// docs/screenshots/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../ops/embedded';

const AXE = require.resolve('axe-core/axe.min.js');
export const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');

/** A page of the console at `apiUrl`, signed in with `token` (or nobody). Axe is injected, so the CSP is bypassed. */
export async function consolePage(browser: Browser, apiUrl: string, token: string | null, width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true, locale: 'ru-RU', timezoneId: 'Asia/Barnaul' });
  if (token) {
    // Runs in the page (the test's own lib has no DOM): the session as /app/signed-in stores it.
    await context.addInitScript({ content: `sessionStorage.setItem('otklik.token', JSON.stringify({ token: ${JSON.stringify(token)}, expiresAt: Date.now() + 3600000 }));` });
  }
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
  return { context, page };
}

export async function openScreen(page: Page, apiUrl: string, route: string): Promise<void> {
  await page.goto(`${apiUrl}/console#${route}`);
  await page.waitForSelector('#main');
}

/** axe-core on the page as it is: no serious or critical violations. */
export async function assertAccessible(page: Page, screen: string): Promise<void> {
  if (!(await page.evaluate('"axe" in window'))) await page.addScriptTag({ path: AXE });
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
  })))`)) as { id: string; impact: string; help: string; targets: string[] }[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${screen}: axe found ${JSON.stringify(bad, null, 2)}`);
}

/** Saves the screen at the page's width and again at 360 px (docs/screenshots/console-<name>-<width>.png), on request. */
export async function screenshots(page: Page, name: string): Promise<void> {
  // Made on request (OTKLIK_SCREENSHOTS=1), as test/web/support.ts does: an ordinary run leaves the work tree as it was.
  if (!process.env.OTKLIK_SCREENSHOTS) return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize()!;
  await page.screenshot({ path: path.join(SCREENSHOTS, `console-${name}-${size.width}.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(100);
  await page.screenshot({ path: path.join(SCREENSHOTS, `console-${name}-360.png`), fullPage: true });
  await page.setViewportSize(size);
}

/** Axe, then the screenshots, of one screen. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await assertAccessible(page, name);
  await screenshots(page, name);
}
