// The browsable API reference at /docs: Swagger UI from the locally installed swagger-ui-dist, never a
// CDN, pointed at /openapi.json, under a Content-Security-Policy of its own that admits only this
// server's scripts and styles. Checked over HTTP (every asset it references is served, with its type,
// from node_modules) and in a real browser (Chromium renders every operation with no error, so the
// policy lets the page work).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/connection';
import { call, startTestApi, type TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { freshDatabase } from '../support/postgres';
import { specOperations } from '../../openapi/spec';

const DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));

describe('reference page: /docs', () => {
  let db: Db;
  let api: TestApi;

  before(async () => {
    ({ db } = await freshDatabase('reference_page'));
    api = await startTestApi(db);
  });

  after(async () => {
    await api?.close();
  });

  it('serves an HTML page whose every script, style sheet and icon comes from this server, with the right type', async () => {
    const page = await call(api, 'GET', '/docs');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.doesNotMatch(page.text, /https?:\/\/|\/\/cdn|unpkg|jsdelivr/i, 'nothing from elsewhere');
    assert.doesNotMatch(page.text, /<script>|<script [^>]*>[^<]+<\/script>|\son\w+=/i, 'no inline script');
    const refs = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(refs.includes('/docs/swagger-ui-bundle.js') && refs.includes('/docs/swagger-ui.css'), refs.join(' '));
    const expected: Record<string, RegExp> = { '.js': /^text\/javascript/, '.css': /^text\/css/, '.png': /^image\/png$/ };
    for (const ref of refs) {
      assert.match(ref, /^\/docs\/[\w.-]+$/);
      const res = await fetch(api.url + ref);
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, 200, ref);
      assert.match(res.headers.get('content-type') ?? '', expected[path.extname(ref)], ref);
      assert.equal(res.headers.get('content-length'), String(body.length), ref);
      assert.ok(body.length > 0, ref);
      const local = path.join(DIST, path.basename(ref));
      if (fs.existsSync(local)) assert.ok(body.equals(fs.readFileSync(local)), `${ref} is not the installed package's file`);
    }
  });

  it('renders every operation of the spec in Chromium, with no script error and no policy violation', async function () {
    this.timeout(120_000);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      await page.goto(`${api.url}/docs`);
      await page.waitForSelector('.opblock', { timeout: 30_000 });
      assert.equal(await page.title(), 'Otklik API reference');
      // Blocks have ids operations-<tag>-<operationId>; an operation with two tags is shown under both.
      // Swagger UI renders a large document's operations as they are scrolled into view: scroll to the end,
      // gathering the blocks, until a few scrolls show nothing new.
      const shown = new Set<string | undefined>();
      await page.setViewportSize({ width: 1280, height: 2000 });
      for (let idle = 0; idle < 8;) {
        const before = shown.size;
        for (const id of await page.locator('.opblock').evaluateAll((els) => els.map((e) => e.id))) shown.add(id.split('-').pop());
        idle = shown.size === before ? idle + 1 : 0;
        await page.mouse.wheel(0, 1000);
        await page.waitForTimeout(250);
      }
      assert.deepEqual([...shown].sort(), specOperations().map((o) => o.operationId).sort(), 'every operation, and only those');
      assert.deepEqual(errors, []);
      assert.deepEqual(requested.filter((u) => !u.startsWith(api.url)), [], 'nothing fetched from elsewhere');
    } finally {
      await browser.close();
    }
  });

  it("points Swagger UI at /openapi.json, which describes /docs itself", async () => {
    const init = await call(api, 'GET', '/docs/otklik-initializer.js');
    assert.equal(init.status, 200);
    assert.match(init.text, /url: '\/openapi\.json'/);
    assert.match(init.text, /validatorUrl: null/, 'no badge from the online validator');
    assert.doesNotMatch(init.text, /https?:\/\//);
    const spec = await call(api, 'GET', '/openapi.json');
    assert.equal(spec.status, 200);
    assert.ok(spec.body.paths['/docs']?.get && spec.body.paths['/docs/{asset}']?.get);
  });

  it('gives /docs a policy admitting its own scripts and styles only, and leaves the JSON API at default-src none', async () => {
    for (const p of ['/docs', '/docs/swagger-ui-bundle.js']) {
      const r = await call(api, 'GET', p);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/, p);
      assert.match(csp, /script-src 'self'(;|$)/, p);
      assert.match(csp, /style-src 'self' 'unsafe-inline'/, p);
      assert.match(csp, /connect-src 'self'/, p);
      assert.match(csp, /frame-ancestors 'none'/, p);
      assert.doesNotMatch(csp, /unsafe-eval|https?:|\*/, p);
      assert.equal(r.headers.get('x-frame-options'), 'DENY', p);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    }
    for (const p of ['/health', '/openapi.json']) {
      assert.equal((await call(api, 'GET', p)).headers.get('content-security-policy'), "default-src 'none';frame-ancestors 'none'", p);
    }
  });

  it('serves only the listed assets: other names, paths and the package default initializer are refused', async () => {
    for (const p of ['/docs/swagger-initializer.js', '/docs/package.json', '/docs/..%2Fpackage.json', '/docs/swagger-ui.js.map', '/docs/%2e%2e%2f%2e%2e%2fpackage.json']) {
      const r = await call(api, 'GET', p);
      assert.ok(r.status === 400 || r.status === 404, `${p}: ${r.status}`);
      assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/, p);
    }
    assert.equal((await call(api, 'GET', '/docs/a/b')).status, 404);
  });
});
