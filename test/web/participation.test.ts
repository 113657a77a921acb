// Taking part through the browser (web/src/participation), on the seeded Altai krai as `npm start` runs
// it (Temporal dev server, worker, embedded PostgreSQL, the API serving /app): a citizen sees the events
// with the reason one is closed to them, answers a poll of every question type and casts a budget ballot
// with its running total, at 1280 px and at 360 px; a second poll and vote, answered through the API and
// closing on their own timers while the browser works, show the results with the winners explained. axe-core checks every screen (no serious or critical issue),
// and the main screens are saved under docs/screenshots/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { projectRoot } from '../../ops/embedded';
import { call, type TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { pollUntil, startSeededPlatform, type SeededPlatform } from '../support/platform';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VIEWPORTS = [{ width: 1280, height: 900 }, { width: 360, height: 780 }] as const;
/** How long the poll and the vote stay open: both viewports take part in both within it. */
const OPEN_MS = 300_000;
/**
 * How long the results' poll and vote stay open: their ballots go in through the API in `before`, and they
 * close on their own timers while the browser tests run, so the results test rarely waits (it did 90 s when
 * it waited for the browser's own events to close).
 */
const RESULTS_OPEN_MS = 15_000;

const DRAFT = [
  'Правила благоустройства территории муниципального образования',
  '1. Правила устанавливают требования к содержанию территорий.',
  '2. Уборка дворов проводится ежедневно.',
  '3. Зимняя уборка включает вывоз снега.',
].join('\n');

/** The poll both viewports answer, and its twin for the results. */
function sportsPoll(title: string, opensAt: string, closesAt: string) {
  return {
    type: 'poll', organisationId: 'altai.minsport', title,
    description: 'Министерство спорта выбирает площадку для строительства в 2027 году.',
    schedule: { opensAt, closesAt }, audience: { territoryIds: ['altai.t.novoaltaysk'], minAge: 14 }, anonymous: true,
    settings: {
      questions: [
        { id: 'ground', kind: 'single', text: 'Какая площадка нужнее?', options: [{ id: 'football', text: 'Футбольное поле' }, { id: 'workout', text: 'Воркаут' }] },
        { id: 'extras', kind: 'multiple', text: 'Что добавить?', maxChoices: 2, options: [{ id: 'light', text: 'Освещение' }, { id: 'benches', text: 'Скамейки' }, { id: 'fence', text: 'Ограждение' }] },
        { id: 'need', kind: 'scale', text: 'Насколько нужна площадка?', scaleMin: 1, scaleMax: 10 },
        { id: 'ideas', kind: 'text', text: 'Ваши идеи', required: false },
      ],
    },
  };
}

/** The budget vote both viewports take part in, and its twin for the results. */
function budgetVote(title: string, opensAt: string, closesAt: string) {
  return {
    type: 'vote', organisationId: 'altai.government', title,
    schedule: { opensAt, closesAt }, audience: { territoryIds: [], minAge: 16 },
    settings: {
      kind: 'budget', budget: 1_000_000, rule: 'greedy',
      projects: [
        { id: 'A', name: 'Сквер у школы № 3', description: 'Благоустройство сквера: дорожки, освещение, скамейки.', cost: 600_000 },
        { id: 'B', name: 'Фонтан на площади', cost: 500_000 },
        { id: 'C', name: 'Детская площадка', cost: 300_000 },
      ],
    },
  };
}

describe('web: taking part in polls, votes, discussions and hearings in the browser', function () {
  this.timeout(300_000);
  let db: Db;
  let api: TestApi;
  let platform: SeededPlatform;
  let browser: Browser;
  const taskQueue = `web-part-${process.pid}`;
  const token: Record<string, string> = {};
  /** Uncaught errors and console errors of the pages: none expected. */
  const pageErrors: string[] = [];
  const event: Record<'poll' | 'vote' | 'discussion' | 'hearing' | 'elsewhere' | 'pollResults' | 'voteResults', string> = {
    poll: '', vote: '', discussion: '', hearing: '', elsewhere: '', pollResults: '', voteResults: '',
  };

  async function citizen(name: string, territoryId: string, birthDate: string) {
    const c = await createUserWithToken(db, { role: 'citizen', name });
    await db('users').where({ id: c.user.id }).update({ territory_id: territoryId, birth_date: birthDate });
    token[name] = c.token;
  }

  async function published(by: string, key: string, body: Record<string, unknown>): Promise<string> {
    const created = await call(api, 'POST', '/events', { token: token[by], headers: { 'idempotency-key': key }, body });
    assert.equal(created.status, 201, created.text);
    const r = await call(api, 'POST', `/events/${created.body.id}/publish`, { token: token[by] });
    assert.equal(r.status, 200, r.text);
    return created.body.id as string;
  }

  /**
   * The results' twins of the poll and the vote, answered by both citizens through the API as the browser
   * tests answer theirs, open at once and closing RESULTS_OPEN_MS later on their own timers.
   */
  async function resultsEvents(at: (ms: number) => string): Promise<void> {
    event.pollResults = await published('minsport', 'web-poll-results', sportsPoll('Какой стадион отремонтировать в Новоалтайске?', at(0), at(RESULTS_OPEN_MS)));
    event.voteResults = await published('government', 'web-vote-results', budgetVote('Инициативный бюджет Новоалтайска', at(0), at(RESULTS_OPEN_MS)));
    const ballots: [string, string, Record<string, unknown>][] = [
      ['anna', event.pollResults, { answers: { ground: 'football', extras: ['light', 'benches'], need: 9, ideas: 'Трибуны для зрителей' } }],
      ['petr', event.pollResults, { answers: { ground: 'workout', extras: ['light', 'benches'], need: 6 } }],
      ['anna', event.voteResults, { approved: ['A', 'C'] }],
      ['petr', event.voteResults, { approved: ['A', 'C'] }],
    ];
    for (const id of [event.pollResults, event.voteResults]) await pollUntil(api, `/events/${id}`, token.anna, (e) => e?.status === 'open');
    for (const [who, id, body] of ballots) {
      const r = await call(api, 'POST', `/events/${id}/responses`, { token: token[who], body });
      assert.equal(r.status, 201, r.text);
    }
  }

  before(async () => {
    platform = await startSeededPlatform('web_part', taskQueue, async (d) => {
      db = d;
      token.minsport = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минспорта', organisationId: 'altai.minsport' })).token;
      token.government = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Правительства', organisationId: 'altai.government' })).token;
      token.omsu = (await createUserWithToken(db, { role: 'operator', name: 'Оператор ОМСУ', organisationId: 'altai.omsu' })).token;
      await citizen('anna', 'altai.t.novoaltaysk', '1985-03-12');
      await citizen('petr', 'altai.t.novoaltaysk', '1999-11-30');
    });
    ({ api } = platform);
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    await resultsEvents(at);
    event.poll = await published('minsport', 'web-poll', sportsPoll('Какую спортивную площадку построить в Новоалтайске?', at(2000), at(OPEN_MS)));
    event.vote = await published('government', 'web-vote', budgetVote('Инициативный бюджет Алтайского края', at(2000), at(OPEN_MS)));
    event.discussion = await published('omsu', 'web-discussion', {
      type: 'discussion', organisationId: 'altai.omsu', title: 'Обсуждение проекта правил благоустройства',
      schedule: { opensAt: at(1000), closesAt: at(86_400_000) }, settings: { draftText: DRAFT, answerTermDays: 10 },
    });
    event.hearing = await published('omsu', 'web-hearing', {
      type: 'hearing', organisationId: 'altai.omsu', title: 'Публичные слушания по проекту планировки квартала',
      schedule: { opensAt: at(3_600_000), closesAt: at(2 * 86_400_000) }, audience: { territoryIds: ['altai.t.novoaltaysk'] },
      settings: {
        hearingAt: at(3 * 86_400_000), place: 'Новоалтайск, ДК «Современник»', subject: 'Проект планировки квартала 12',
        announceDaysBefore: 0, protocolTermDays: 5, conclusionTermDays: 10,
      },
    });
    event.elsewhere = await published('omsu', 'web-elsewhere', {
      type: 'poll', organisationId: 'altai.omsu', title: 'Благоустройство набережной в Славгороде',
      schedule: { opensAt: at(1000), closesAt: at(86_400_000) }, audience: { territoryIds: ['altai.t.slavgorod'] },
      settings: { questions: [{ id: 'q', kind: 'text', text: 'Что сделать на набережной?' }] },
    });
    await Promise.all(['poll', 'vote', 'discussion'].map((k) =>
      pollUntil(api, `/events/${event[k as keyof typeof event]}`, token.anna, (e) => e?.status === 'open')));
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  /** A page of a citizen signed in as the app's sign-in landing does it (the token in the fragment). */
  async function signedInPage(who: string, viewport: { width: number; height: number }): Promise<Page> {
    // The app's policy allows only its own scripts; axe is injected as a script of the test.
    const context = await browser.newContext({ viewport, bypassCSP: true, locale: 'ru-RU' });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${e.message}\n${e.stack ?? ''}`));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    await page.goto(`${api.url}/app/signed-in#access_token=${token[who]}&expires_in=3600`);
    await page.waitForURL(/\/app(#.*)?$/);
    return page;
  }

  async function go(page: Page, route: string, heading: string | RegExp): Promise<void> {
    await page.goto(`${api.url}/app#${route}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 15_000 }).catch(async (e) => {
      await page.screenshot({ path: path.join(require('node:os').tmpdir(), `web-part-failure-${Date.now()}.png`) });
      throw new Error(`${e.message}\nat ${page.url()}: ${await page.locator('body').innerText()}\nerrors in the page: ${pageErrors.join('\n')}`);
    });
  }

  /** axe-core on the page as it is: no serious or critical violation. */
  async function checkAccessibility(page: Page, screen: string): Promise<void> {
    await page.addScriptTag({ content: AXE });
    // A string runs in the page as it is (the test's tsconfig has no DOM types).
    const violations = await page.evaluate(`axe.run(document).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    })))`) as { id: string; impact: string; nodes: string[] }[];
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad, [], `${screen} at ${page.viewportSize()!.width} px`);
  }

  /**
   * The whole page; `fullPage: false` shows the screen as it is scrolled (a ballot's total stays at its bottom).
   * Made on request (OTKLIK_SCREENSHOTS=1), as test/web/support.ts does: an ordinary run leaves the work tree as it was.
   */
  async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
    if (!process.env.OTKLIK_SCREENSHOTS) return;
    await page.screenshot({ path: path.join(SCREENSHOTS, `participation-${name}-${page.viewportSize()!.width}.png`), fullPage });
  }

  for (const [i, viewport] of VIEWPORTS.entries()) {
    const who = i === 0 ? 'anna' : 'petr';

    it(`lists the events with the citizen's standing, at ${viewport.width} px`, async () => {
      const page = await signedInPage(who, viewport);
      await page.getByRole('link', { name: 'Участие' }).click();
      await page.getByRole('heading', { level: 1, name: 'Опросы, голосования, обсуждения' }).waitFor();
      const open = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Идут сейчас' }) });
      await open.getByRole('link', { name: 'Какую спортивную площадку построить в Новоалтайске?' }).waitFor();
      const elsewhere = page.locator('li', { has: page.getByRole('link', { name: 'Благоустройство набережной в Славгороде' }) });
      await elsewhere.getByText('Вам недоступно: событие для жителей других территорий.').waitFor();
      const poll = page.locator('li', { has: page.getByRole('link', { name: /спортивную площадку/ }) });
      await poll.getByText('Жители: город Новоалтайск, с 14 лет').waitFor();
      await poll.getByText('Вы можете участвовать').waitFor();
      const upcoming = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Скоро начнутся' }) });
      await upcoming.getByRole('link', { name: /Публичные слушания/ }).waitFor();
      await checkAccessibility(page, 'the events list');
      await screenshot(page, 'events');
      await page.context().close();
    });

    it(`answers a poll of every question type, at ${viewport.width} px`, async () => {
      const page = await signedInPage(who, viewport);
      await go(page, `/events/${event.poll}`, /спортивную площадку/);
      await page.getByRole('group', { name: /Какая площадка нужнее/ }).waitFor();
      await checkAccessibility(page, 'the poll');
      await screenshot(page, 'poll');
      // Sent empty: the required questions say so, and focus goes to the first.
      await page.getByRole('button', { name: 'Отправить ответы' }).click();
      await page.getByText('Проверьте ответы').waitFor();
      assert.equal(await page.getByText('Ответьте на этот вопрос.').count(), 3);
      await page.getByRole('radio', { name: i === 0 ? 'Футбольное поле' : 'Воркаут' }).check();
      await page.getByRole('checkbox', { name: 'Освещение' }).check();
      await page.getByRole('checkbox', { name: 'Скамейки' }).check();
      await page.getByRole('group', { name: /Насколько нужна/ }).getByRole('radio', { name: i === 0 ? '9' : '6' }).check();
      if (i === 0) await page.getByRole('textbox', { name: /Ваши идеи/ }).fill('Трибуны для зрителей');
      await page.getByRole('button', { name: 'Отправить ответы' }).click();
      await page.getByText('Вы уже участвовали').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Отправить ответы' }).count(), 0, 'one response per person');
      await page.context().close();
    });

    it(`casts a budget ballot with a running total against the budget, at ${viewport.width} px`, async () => {
      const page = await signedInPage(who, viewport);
      await go(page, `/events/${event.vote}`, 'Инициативный бюджет Алтайского края');
      const ballot = page.getByRole('group', { name: /общая стоимость которых не больше 1\s000\s000\s₽/ });
      await ballot.waitFor();
      const tally = page.locator('#ballot-tally');
      assert.equal(await tally.getAttribute('aria-live'), 'polite');
      await ballot.getByRole('checkbox', { name: 'Сквер у школы № 3' }).check();
      assert.match(await tally.innerText(), /Выбрано на 600\s000\s₽ из 1\s000\s000\s₽, осталось 400\s000\s₽/);
      await ballot.getByRole('checkbox', { name: 'Фонтан на площади' }).check();
      assert.match(await tally.innerText(), /на 100\s000\s₽ больше бюджета 1\s000\s000\s₽/);
      await checkAccessibility(page, 'the budget ballot');
      await ballot.getByRole('checkbox', { name: 'Детская площадка' }).scrollIntoViewIfNeeded();
      await screenshot(page, 'budget-ballot', false);
      await page.getByRole('button', { name: 'Проголосовать' }).click();
      await page.getByText('Выбранные проекты стоят больше бюджета бюллетеня.').waitFor();
      await ballot.getByRole('checkbox', { name: 'Фонтан на площади' }).uncheck();
      await ballot.getByRole('checkbox', { name: 'Детская площадка' }).check();
      assert.match(await tally.innerText(), /Выбрано на 900\s000\s₽/);
      await page.getByRole('button', { name: 'Проголосовать' }).click();
      await page.getByText('Вы уже участвовали').waitFor();
      await page.context().close();
    });

    it(`shows a discussion's points with a proposal form, and a hearing's registration, at ${viewport.width} px`, async () => {
      const page = await signedInPage(who, viewport);
      await go(page, `/events/${event.discussion}`, 'Обсуждение проекта правил благоустройства');
      await page.getByRole('heading', { level: 3, name: 'Пункт 2' }).waitFor();
      await page.getByText('Предложение или замечание: Пункт 2').click();
      await page.getByRole('radio', { name: 'Замечание' }).check();
      await page.getByRole('textbox', { name: /Текст/ }).fill(i === 0 ? 'Убирать дворы дважды в день' : 'Уточнить, кто убирает дворы');
      await page.getByRole('button', { name: 'Отправить', exact: true }).click();
      await page.getByText('Отправлено. Текст появится для всех после проверки модератором.').waitFor();
      await page.getByText('На проверке').waitFor();
      await checkAccessibility(page, 'the discussion');
      if (i === 0) await screenshot(page, 'discussion');

      await go(page, `/events/${event.hearing}`, /Публичные слушания/);
      await page.getByRole('heading', { name: 'Запись на слушания' }).waitFor();
      await checkAccessibility(page, 'the hearing');
      await page.getByRole('textbox', { name: /Фамилия, имя, отчество/ }).fill(i === 0 ? 'Анна Смирнова' : 'Пётр Иванов');
      await page.getByRole('checkbox', { name: 'Хочу выступить на слушаниях' }).check();
      await page.getByRole('button', { name: 'Записаться' }).click();
      await page.getByText('Вы записаны на слушания.').waitFor();
      if (i === 0) await screenshot(page, 'hearing');
      await page.context().close();
    });
  }

  it('shows the results after the close: the poll as bars with numbers, the vote\'s winners with each project\'s explanation', async () => {
    for (const id of [event.pollResults, event.voteResults]) {
      await pollUntil(api, `/events/${id}`, token.anna, (e) => e?.status === 'results_published', RESULTS_OPEN_MS + 60_000);
    }
    const mine = await call(api, 'GET', '/me/events?type=vote', { token: token.anna });
    assert.equal(mine.status, 200, mine.text);
    const voted = mine.body.items.find((e: { id: string }) => e.id === event.voteResults);
    assert.deepEqual(voted.standing, { inAudience: true, reason: null, minAge: 16, participated: true });
    for (const [i, viewport] of VIEWPORTS.entries()) {
      const page = await signedInPage(i === 0 ? 'anna' : 'petr', viewport);
      await go(page, `/events/${event.pollResults}`, /стадион/);
      const results = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Итоги' }) });
      await results.getByText('Всего: 2 участника.').waitFor();
      const ground = results.getByRole('list', { name: /Какая площадка нужнее/ });
      assert.match(await ground.innerText(), /Футбольное поле\s+1 \(50\s%\)/);
      assert.match(await results.innerText(), /Средняя оценка: 7,5\./);
      assert.match(await results.innerText(), /Трибуны для зрителей/);
      await checkAccessibility(page, 'the poll results');
      await screenshot(page, 'poll-results');

      await go(page, `/events/${event.voteResults}`, 'Инициативный бюджет Новоалтайска');
      const vote = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Итоги' }) });
      await vote.getByRole('heading', { name: 'Победители' }).waitFor();
      // Greedy in the rule's order: equal votes, the cheaper first (the tie rule); both fit the budget.
      assert.deepEqual(await vote.locator('.winners li').allInnerTexts(), ['Детская площадка', 'Сквер у школы № 3']);
      const text = await vote.innerText();
      assert.match(text, /На победителей распределено 900\s000\s₽ из 1\s000\s000\s₽/);
      assert.match(text, /Прошёл: 2 голоса, укладывается в бюджет \(после него осталось 100\s000\s₽\)/);
      assert.match(text, /Не прошёл: нет голосов\./);
      await checkAccessibility(page, 'the vote results');
      await screenshot(page, 'vote-results');
      await page.context().close();
    }
  });
});
