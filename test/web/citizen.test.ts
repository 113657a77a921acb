// The citizen's side in a real browser (Chromium through playwright-core): an organisation's site on
// another origin embeds the form with the snippet; a citizen fills it, signs in (the form's draft survives
// the trip), attaches a photo and sends; the operator finds the case in the queue and answers through the
// API; the citizen reads the answer in the frame and rates it 1, and the case is then with the parent
// organisation. The same on a 360 px phone screen; axe-core on every screen; a site not on the list cannot
// embed the form.
import assert from 'node:assert/strict';
import type { Browser, Frame, Page } from 'playwright-core';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { call, type TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { pollUntil, startSeededPlatform, type SeededPlatform } from '../support/platform';
import { assertAccessible, photoPng, screenshot, startEmbeddingSite, type Site } from './support';

const ORG = 'altai.minzdrav';

describe('web: the citizen embeds, sends, follows and rates a case in Chromium', function () {
  this.timeout(300_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let db: Db;
  let browser: Browser;
  let site: Site;
  let stranger: Site;
  const token: Record<string, string> = {};

  before(async () => {
    platform = await startSeededPlatform('web_citizen', `web-${process.pid}`, async (d) => {
      db = d;
      token.citizen = (await createUserWithToken(db, { role: 'citizen', name: 'Смирнова Анна Сергеевна', email: 'anna@example.org' })).token;
      token.phone = (await createUserWithToken(db, { role: 'citizen', name: 'Петров Пётр', email: 'petr@example.org' })).token;
      token.operator = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минздрава', organisationId: ORG })).token;
      token.admin = (await createUserWithToken(db, { role: 'administrator', name: 'Администратор' })).token;
    });
    ({ api } = platform);
    site = await startEmbeddingSite(api.url, ORG);
    stranger = await startEmbeddingSite(api.url, ORG);
    const added = await call(api, 'POST', `/organisations/${ORG}/embed-origins`, { token: token.admin, body: { origin: site.origin } });
    assert.equal(added.status, 201, added.text);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await stranger?.close();
    await platform?.stop();
  });

  /** Sign-in as the callback ends it (OIDC_RETURN_URL): /app/signed-in with the session token in the fragment. */
  async function openSite(width: number, citizenToken: string): Promise<{ page: Page; frame: () => Frame }> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
    await context.route('**/auth/oidc/login', (route) => route.fulfill({
      status: 303, headers: { Location: `${api.url}/app/signed-in#access_token=${citizenToken}&token_type=Bearer&expires_in=3600` },
    }));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.url()} ${r.status()}`); });
    await page.goto(site.origin);
    const frame = () => {
      const f = page.frames().find((x) => x.url().startsWith(`${api.url}/embed/`) || x.url().startsWith(`${api.url}/app`));
      assert.ok(f, `the form's frame (frames: ${page.frames().map((x) => x.url()).join(', ')})`);
      return f;
    };
    await page.waitForSelector('iframe');
    for (let i = 0; i < 150 && !page.frames().some((x) => x.url().startsWith(`${api.url}/embed/`)); i++) await page.waitForTimeout(100);
    await frame().waitForSelector('#form-title', { timeout: 15_000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}\nconsole errors: ${errors.join(' | ')}\nframe: ${(await frame().content()).slice(0, 1500)}`);
    });
    return { page, frame };
  }

  async function flow(width: number, label: string, citizenToken: string): Promise<void> {
    const { page, frame } = await openSite(width, citizenToken);
    const f = frame();
    assert.match(await f.textContent('#form-title') ?? '', /Министерство здравоохранения/);
    assert.match(await f.textContent('.header__org') ?? '', /Министерство здравоохранения/);
    // The frame grew to its content: no scroll box inside the organisation's page.
    await page.waitForFunction("(document.querySelector('iframe')?.getBoundingClientRect().height ?? 0) > 900");
    await assertAccessible(f, `${label}: the form`);
    await screenshot(page, `form-${label}`);

    await f.click('label[for="kind-appeal"]');
    // A subject the administration of the place handles asks for the place; an ambulance case does not.
    await f.fill('#category-search', 'отключение воды');
    await f.click('.result >> text=Отключение воды');
    await f.waitForSelector('#territory');
    assert.ok(await f.$('#territory option:text-is("Кулундинский район")'));
    await f.fill('#category-search', 'скорой');
    await f.click('.result >> text=Вызов скорой помощи');
    assert.notEqual(await f.inputValue('#subcategory'), '');
    assert.equal(await f.$('#territory'), null);
    await f.fill('#text', 'Скорая помощь ехала к пожилому соседу больше двух часов.');
    await f.fill('#address', 'Барнаул, ул. Ленина, 10');
    assert.match(await f.textContent('#text-counter') ?? '', /^56 из 10000/);
    // Sending without signing in: off to sign in, and back to the same form with everything typed. A
    // frame that may keep storage signs in inside the frame; one refused third-party storage (Chromium
    // blocking third-party cookies, Safari, Firefox strict) continues on the platform's page in a new tab,
    // which takes the draft along.
    // Whichever comes first: a new tab, or the form back in the frame (no fixed wait for a tab that
    // does not come).
    const popup = page.context().waitForEvent('page', { timeout: 30_000 }).catch(() => null);
    const inFrame = frame().waitForSelector('#files', { state: 'attached', timeout: 30_000 }).then(() => null, () => null);
    await f.click('button[type=submit]');
    const tab = await Promise.race([popup, inFrame]);
    let view: Page = page;
    let back: Frame;
    if (tab) {
      view = tab;
      await tab.waitForSelector('#form-title');
      assert.equal(new URL(tab.url()).hash, `#/form/${ORG}`, 'the draft is taken out of the address');
      await tab.click('button[type=submit]');
      await tab.waitForSelector('#files', { state: 'attached', timeout: 30_000 });
      back = tab.mainFrame();
    } else {
      await frame().waitForSelector('#files', { state: 'attached', timeout: 30_000 }).catch(async (e: Error) => {
        throw new Error(`${e.message}\nframes: ${page.frames().map((x) => x.url()).join(', ')}\n${(await frame().content()).slice(0, 3000)}`);
      });
      back = frame();
    }
    assert.equal(await back.inputValue('#text'), 'Скорая помощь ехала к пожилому соседу больше двух часов.');
    assert.equal(await back.inputValue('#address'), 'Барнаул, ул. Ленина, 10');
    assert.equal(await back.isChecked('#kind-appeal'), true);
    assert.ok((await back.inputValue('#applicant-name')).length > 0, 'the name comes from the signed-in person');

    assert.ok(await back.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), `nothing wider than ${width} px`);
    await back.setInputFiles('#files', { name: 'яма.png', mimeType: 'image/png', buffer: photoPng() });
    await back.waitForSelector('.file img.thumb');
    await assertAccessible(back, `${label}: the form, signed in, with a photo`);
    await screenshot(view, `form-filled-${label}`);
    // Two clicks at once: one case.
    await Promise.all([back.click('button[type=submit]'), back.click('button[type=submit]').catch(() => undefined)]);
    const numberText = (await (await back.waitForSelector('[data-testid=case-number]')).textContent())!.trim();
    assert.match(await back.textContent('.card--success') ?? '', /Сокращённый срок: 10 дн\./);
    await assertAccessible(back, `${label}: registered`);
    await screenshot(view, `submitted-${label}`);

    const mine = await call(api, 'GET', '/cases', { token: citizenToken });
    assert.equal(mine.body.items.length, 1, 'one case, however many clicks');
    const queue = await call(api, 'GET', `/cases?limit=100`, { token: token.operator });
    const queued = queue.body.items.find((c: { id: string }) => c.id === numberText);
    assert.ok(queued, 'the case is in the operator\'s queue');
    const detail = await call(api, 'GET', `/cases/${numberText}`, { token: token.operator });
    assert.equal(detail.body.kind, 'appeal');
    // Sent in the frame or on the page the draft continued on: either way it came through the embedded form.
    assert.equal((await db('cases').where({ id: numberText }).first('channel')).channel, 'embed');
    assert.equal(detail.body.address, 'Барнаул, ул. Ленина, 10');
    const linked = await db('case_attachments as l').join('attachments as a', 'a.id', 'l.attachment_id')
      .where({ 'l.case_id': numberText, 'l.referenced_in': 'appeal' }).select('a.file_name');
    assert.deepEqual(linked.map((a: { file_name: string }) => a.file_name), ['яма.png']);
    const answered = await call(api, 'POST', `/cases/${numberText}/answer`, { token: token.operator, body: { text: 'Проведена проверка, бригаде сделано замечание.' } });
    assert.equal(answered.status, 200, answered.text);

    await back.click('nav >> text=Мои обращения');
    await back.waitForSelector('.case-row');
    await assertAccessible(back, `${label}: my cases`);
    await screenshot(view, `my-cases-${label}`);
    await back.click(`.case-row__link >> text=${numberText}`);
    await back.waitForSelector('[data-testid=case-answer]');
    assert.match(await back.textContent('[data-testid=case-answer]') ?? '', /бригаде сделано замечание/);
    assert.match(await back.textContent('#rating-low') ?? '', /вышестоящую организацию/);
    await assertAccessible(back, `${label}: the case with its answer`);
    await screenshot(view, `case-answered-${label}`);

    await back.click('label[for="rating-1"]');
    await back.fill('#rating-comment', 'Отписка, проблема не решена.');
    await back.click('form[aria-labelledby="rating-title"] button[type=submit]');
    await back.waitForSelector('form[aria-labelledby="rating-title"]', { state: 'detached' });
    const escalated = await pollUntil(api, `/cases/${numberText}`, token.operator, (_b, status) => status === 404, 30_000);
    assert.ok(escalated, 'the ministry no longer sees the case');
    const now = await pollUntil(api, `/cases/${numberText}`, citizenToken, (b) => b.organisationId === 'altai.government' && b.round === 2);
    assert.equal(now.status, 'registered');
    await back.click('nav >> text=Мои обращения');
    await back.click(`.case-row__link >> text=${numberText}`);
    await back.waitForSelector('[data-testid=case-organisation]');
    assert.match(await back.textContent('[data-testid=case-organisation]') ?? '', /Правительство/);
    assert.match(await back.textContent('[data-testid=case-status]') ?? '', /Повторное рассмотрение/);
    await assertAccessible(back, `${label}: the case after a low rating`);
    await screenshot(view, `case-escalated-${label}`);
    await page.context().close();
  }

  it('on a desktop screen (1280 px): embed, sign in without losing the draft, send with a photo, answer, rate 1 → parent', async () => {
    await flow(1280, 'desktop', token.citizen);
  });

  it('on a phone screen (360 px): the same, with nothing wider than the screen', async () => {
    await flow(360, 'phone', token.phone);
  });

  it('refuses a site that is not on the list: the snippet says so, and the browser will not show the frame', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
    await page.goto(stranger.origin);
    await page.waitForSelector('#otklik-form [role=status]');
    assert.match(await page.textContent('#otklik-form') ?? '', /не может быть размещена на этом сайте/);
    assert.equal(await page.$('iframe'), null);
    await screenshot(page, 'refused-desktop');
    // Framing it by hand does not help: frame-ancestors lists only the allowed site.
    await page.setContent(`<iframe src="${api.url}/embed/${ORG}" title="x" style="width:600px;height:400px"></iframe>`);
    await page.waitForTimeout(1500);
    const framed = page.frames().find((f) => f !== page.mainFrame())!;
    const rendered = await framed.evaluate("!!document.getElementById('app')").catch(() => false);
    assert.equal(rendered, false, 'the form must not render inside a site that is not on the list');
    const r = await call(api, 'GET', `/embed/${ORG}`);
    assert.match(r.headers.get('content-security-policy') ?? '', new RegExp(`frame-ancestors 'self' ${site.origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(;|$)`));
    assert.equal(r.headers.get('x-frame-options'), null);
    await page.close();
  });
});
