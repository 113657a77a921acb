// Events in the console, in Chromium (contexts in ru-RU and Asia/Barnaul, the Altai region's zone): an
// operator creates a poll of two question kinds for an audience, publishes it, a citizen answers through
// the API, the poll closes on its schedule and the operator sees its results; a budget vote of three
// projects is created, extended and cancelled; a citizen's project is moderated and the vote's pabulib
// file downloaded; a discussion's proposal is moderated and answered. Axe (and, on request, screenshots)
// on every screen.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { createUserWithToken } from '../../domain/identity/users';
import { call, type TestApi } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { pollUntil, startSeededPlatform, type SeededPlatform } from '../support/platform';
import { checkScreen, consolePage, openScreen } from './console-support';

const ZONE = 'Asia/Barnaul';

/** A datetime-local value of the region's wall time (the form reads it in the region's zone). */
function localInput(ms: number): string {
  return new Date(ms).toLocaleString('sv-SE', { timeZone: ZONE }).replace(' ', 'T');
}

const at = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('console: events are created, published, extended, cancelled, moderated, answered and their results seen', function () {
  this.timeout(420_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let browser: Browser;
  const token: Record<string, string> = {};

  before(async () => {
    platform = await startSeededPlatform('console-events', `console-events-${process.pid}`, async (db) => {
      token.operator = (await createUserWithToken(db, { role: 'operator', name: 'Организатор опроса', organisationId: 'altai.minzdrav' })).token;
      const citizen = await createUserWithToken(db, { role: 'citizen', name: 'Жительница', email: 'resident@example.org' });
      await db('users').where({ id: citizen.user.id }).update({ territory_id: 'altai.t.novoaltaysk', birth_date: '1990-05-01' });
      token.citizen = citizen.token;
    });
    ({ api } = platform);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function newEvent(page: Page, type: string, title: string, opensAt: number, closesAt: number): Promise<void> {
    await openScreen(page, api.url, '/events');
    await page.click('main >> text=Новое мероприятие');
    await page.selectOption('#event-type', type);
    await page.fill('#event-title', title);
    await page.waitForSelector('#event-zone >> text=Asia/Barnaul');
    await page.fill('#event-opensAt', localInput(opensAt));
    await page.fill('#event-closesAt', localInput(closesAt));
  }

  async function submitEvent(page: Page, prefix: RegExp): Promise<string> {
    await page.click('.event-editor > .actions button[type=submit]');
    await page.waitForSelector('#event-heading');
    const eventId = decodeURIComponent(new URL(page.url()).hash.replace('#/events/', ''));
    assert.match(eventId, prefix);
    return eventId;
  }

  /** An event made and published through the API, as another organiser's tool would. */
  async function published(body: Record<string, unknown>): Promise<string> {
    const created = await call(api, 'POST', '/events', { token: token.operator, headers: { 'idempotency-key': `k-${Math.random()}` }, body: { organisationId: 'altai.minzdrav', ...body } });
    assert.equal(created.status, 201, created.text);
    const r = await call(api, 'POST', `/events/${created.body.id}/publish`, { token: token.operator });
    assert.equal(r.status, 200, r.text);
    return created.body.id as string;
  }

  it('creates a poll of a choice and a scale for an audience, runs it and shows its results', async () => {
    const { context, page } = await consolePage(browser, api.url, token.operator);
    const now = Date.now();
    await newEvent(page, 'poll', 'Удобно ли записываться к врачу?', now + 25_000, now + 45_000);
    await page.check('#event-live');
    await page.check('[id="territory-altai.t.novoaltaysk"]');
    await page.fill('#event-min-age', '18');
    await page.fill('#q1-text', 'Как вы записываетесь к врачу?');
    await page.fill('#q1-o1', 'Через портал');
    await page.fill('#q1-o2', 'В регистратуре');
    await page.click('#q1-options-add');
    await page.waitForFunction("document.activeElement?.id === 'q1-o3'");
    await page.keyboard.type('По телефону');
    await page.keyboard.press('Alt+ArrowUp');
    assert.equal(await page.inputValue('#q1-o2'), 'По телефону', 'Alt+↑ moves the option up');
    await page.click('#poll-questions-add');
    await page.fill('#q2-text', 'Насколько это удобно?');
    await page.selectOption('#q2-kind', 'scale');
    await page.fill('#q2-max', '10');
    await page.uncheck('#q2-required');
    await checkScreen(page, 'event-create-poll');
    const eventId = await submitEvent(page, /^poll-/);
    const made = (await call(api, 'GET', `/events/${eventId}`, { token: token.operator })).body;
    assert.deepEqual(made.audience, { territoryIds: ['altai.t.novoaltaysk'], minAge: 18 });
    assert.equal(made.schedule.resultsVisibility, 'live');
    assert.equal(Date.parse(made.schedule.opensAt), Math.floor((now + 25_000) / 1000) * 1000, 'the time is read in the region\'s zone');
    assert.deepEqual(made.settings.questions.map((q: { kind: string; required: boolean }) => [q.kind, q.required]), [['single', true], ['scale', false]]);
    assert.deepEqual(made.settings.questions[1], { id: 'q2', kind: 'scale', text: 'Насколько это удобно?', required: false, scaleMin: 1, scaleMax: 10 });
    await page.click('[data-testid=lifecycle] button >> text=Опубликовать');
    await page.waitForSelector('[data-testid=event-status] >> text=Запланировано');
    await checkScreen(page, 'event');

    await pollUntil(api, `/events/${eventId}`, token.citizen, (e) => e?.status === 'open');
    const answered = await call(api, 'POST', `/events/${eventId}/responses`, { token: token.citizen, body: { answers: { q1: 'o2', q2: 8 } } });
    assert.equal(answered.status, 201, answered.text);
    await pollUntil(api, `/events/${eventId}`, token.citizen, (e) => e?.status === 'results_published');

    await page.reload();
    await page.waitForSelector('[data-testid=results] [data-option=o2]');
    assert.match((await page.textContent('[data-testid=results] [data-option=o2]')) ?? '', /По телефону: 1 \(100%\)/);
    assert.match((await page.textContent('[data-testid=results]')) ?? '', /Участников: 1/);
    await checkScreen(page, 'event-results');
    await openScreen(page, api.url, '/events');
    await page.waitForSelector(`[data-testid=events] tr[data-event="${eventId}"] >> text=Итоги опубликованы`);
    await checkScreen(page, 'events');
    await context.close();
  });

  it('creates a budget vote of three projects by equal shares, extends it and cancels it', async () => {
    const { context, page } = await consolePage(browser, api.url, token.operator);
    const now = Date.now();
    await newEvent(page, 'vote', 'Народный бюджет Новоалтайска', now + 3_600_000, now + 7 * 86_400_000);
    await page.selectOption('#vote-kind', 'budget');
    await page.selectOption('#vote-rule', 'equal_shares');
    await page.fill('#vote-budget', '1000000');
    const projects = [['Сквер у школы', 'Скамейки и освещение', '600000'], ['Спортплощадка', 'Тренажёры во дворе', '300000'], ['Пандусы', '', '250000']];
    for (const [i, [name, description, cost]] of projects.entries()) {
      if (i > 0) await page.click('#vote-projects-add');
      await page.fill(`#p${i + 1}-name`, name!);
      await page.fill(`#p${i + 1}-description`, description!);
      await page.fill(`#p${i + 1}-cost`, cost!);
    }
    await checkScreen(page, 'event-create-vote');
    const eventId = await submitEvent(page, /^vote-/);
    const made = (await call(api, 'GET', `/events/${eventId}`, { token: token.operator })).body;
    assert.equal(made.settings.kind, 'budget');
    assert.equal(made.settings.rule, 'equal_shares');
    assert.equal(made.settings.budget, 1_000_000);
    assert.deepEqual(made.settings.projects.map((p: { name: string; cost: number }) => [p.name, p.cost]), projects.map(([n, , c]) => [n, Number(c)]));

    await page.click('[data-testid=lifecycle] button >> text=Опубликовать');
    await page.waitForSelector('[data-testid=event-status] >> text=Запланировано');
    await page.click('[data-testid=lifecycle] button >> text=Продлить');
    assert.equal(await page.inputValue('#extend-closes'), localInput(Date.parse(made.schedule.closesAt)).slice(0, 16), 'the current close, in the region\'s time');
    await page.fill('#extend-closes', localInput(now + 10 * 86_400_000));
    await page.fill('#extend-event-reason', 'Просьбы жителей дать больше времени');
    await checkScreen(page, 'event-extend');
    await page.click('[data-testid=lifecycle] form button[type=submit]');
    await page.waitForSelector('#extend-closes', { state: 'detached' }); // the extension answered: its form closed
    const extended = await pollUntil(api, `/events/${eventId}`, token.operator, (e) => e?.extensions?.length === 1);
    assert.equal(Date.parse(extended.schedule.closesAt), Math.floor((now + 10 * 86_400_000) / 1000) * 1000);

    await page.click('[data-testid=lifecycle] button >> text=Отменить');
    await page.fill('#cancel-event-reason', 'Бюджет перераспределён решением думы');
    await page.click('[data-testid=lifecycle] form button[type=submit]');
    await page.waitForSelector('[data-testid=event-status] >> text=Отменено');
    await checkScreen(page, 'event-cancelled');
    assert.equal((await call(api, 'GET', `/events/${eventId}`, { token: token.operator })).body.cancelledReason, 'Бюджет перераспределён решением думы');
    await context.close();
  });

  it('moderates a citizen\'s project of a vote, and gives the vote\'s pabulib file', async () => {
    const eventId = await published({
      type: 'vote', title: 'Что построить во дворе', schedule: { opensAt: at(20_000), closesAt: at(35_000) },
      settings: {
        kind: 'budget', rule: 'greedy', budget: 1_000_000, acceptsProjects: true,
        projects: [{ id: 'p1', name: 'Детская площадка', cost: 300_000 }, { id: 'p2', name: 'Парковка', cost: 900_000 }],
      },
    });
    const proposed = await call(api, 'POST', `/events/${eventId}/projects`, { token: token.citizen, body: { name: 'Цветник', description: 'Клумбы у подъездов', cost: 200_000 } });
    assert.equal(proposed.status, 201, proposed.text);
    const { context, page } = await consolePage(browser, api.url, token.operator);
    await openScreen(page, api.url, `/events/${eventId}`);
    await page.waitForSelector('[aria-labelledby=projects-title] >> text=Цветник');
    await checkScreen(page, 'event-moderation-projects');
    await page.click('[aria-labelledby=projects-title] button >> text=Допустить');
    await page.waitForSelector('[aria-labelledby=projects-title] >> text=Ничего не ждёт модерации.');
    const listed = (await call(api, 'GET', `/events/${eventId}/projects`, { token: token.citizen })).body.items;
    assert.equal(listed.find((p: { name: string }) => p.name === 'Цветник')?.status, 'approved');

    await pollUntil(api, `/events/${eventId}`, token.citizen, (e) => e?.status === 'open');
    const ballot = await call(api, 'POST', `/events/${eventId}/responses`, { token: token.citizen, body: { approved: ['p1', 'c1'] } });
    assert.equal(ballot.status, 201, ballot.text);
    await pollUntil(api, `/events/${eventId}`, token.citizen, (e) => e?.status === 'results_published');
    await page.reload();
    await page.click('[data-testid=results] button >> text=pabulib');
    await page.waitForSelector('[data-testid=results] a[download], [data-testid=results] [data-testid=failure]');
    assert.equal(await page.$('[data-testid=results] [data-testid=failure]'), null, await page.textContent('[data-testid=results]') ?? '');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=results] a >> text=pabulib')]);
    assert.equal(download.suggestedFilename(), `${eventId}.pb`);
    const pb = fs.readFileSync((await download.path())!, 'utf8');
    assert.match(pb, /^META/);
    assert.match(pb, /Цветник/);
    await checkScreen(page, 'event-vote-results');
    await context.close();
  });

  it('moderates a discussion\'s proposal and answers it after the close', async () => {
    const eventId = await published({
      type: 'discussion', title: 'Правила благоустройства', schedule: { opensAt: at(3_000), closesAt: at(20_000) },
      settings: { draftText: '1. Газоны не занимать.\n2. Урны у каждого подъезда.', answerTermDays: 10 },
    });
    await pollUntil(api, `/events/${eventId}`, token.citizen, (e) => e?.status === 'open');
    const proposal = await call(api, 'POST', `/events/${eventId}/proposals`, { token: token.citizen, body: { pointNumber: 2, text: 'Ставить урны и у остановок.' } });
    assert.equal(proposal.status, 201, proposal.text);
    const { context, page } = await consolePage(browser, api.url, token.operator);
    await openScreen(page, api.url, `/events/${eventId}`);
    await page.waitForSelector('[aria-labelledby=proposals-title] >> text=Ставить урны и у остановок.');
    await checkScreen(page, 'event-moderation-proposals');
    await page.click('[aria-labelledby=proposals-title] button >> text=Допустить');
    await page.waitForSelector('[aria-labelledby=answers-title] >> text=Ставить урны и у остановок.');

    await pollUntil(api, `/events/${eventId}`, token.operator, (e) => e?.status === 'closed');
    await page.reload();
    const id = proposal.body.id as number;
    await page.selectOption(`#answer-kind-${id}`, 'partly');
    await page.fill(`#answer-reason-${id}`, 'Урны у остановок — в ведении транспортного управления; передано ему.');
    await checkScreen(page, 'event-answer');
    await page.click('[aria-labelledby=answers-title] button[type=submit]');
    await page.waitForSelector('[aria-labelledby=answers-title] >> text=Все допущенные предложения получили ответ.');
    const answered = (await call(api, 'GET', `/events/${eventId}/proposals?status=approved`, { token: token.operator })).body.items;
    assert.equal(answered[0]?.answer, 'partly');
    await context.close();
  });

  it('creates a discussion of numbered points and a hearing, showing the API\'s problems next to their fields', async () => {
    const { context, page } = await consolePage(browser, api.url, token.operator);
    const now = Date.now();
    await newEvent(page, 'discussion', 'Проект правил содержания дворов', now + 86_400_000, now + 15 * 86_400_000);
    await page.fill('#point-1', 'Дворы убираются ежедневно.');
    for (const [n, text] of [[2, 'Лишний пункт.'], [3, 'Снег вывозится в течение суток.']] as const) {
      await page.click('#draft-points-add');
      await page.fill(`#point-${n}`, text);
    }
    await page.click('[aria-label="Пункты проекта документа: удалить № 2"]');
    await page.fill('#discussion-answer-days', '20');
    await checkScreen(page, 'event-create-discussion');
    const discussion = await submitEvent(page, /^discussion-/);
    const points = (await call(api, 'GET', `/events/${discussion}/points`, { token: token.operator })).body;
    assert.deepEqual(points.points.map((p: { number: number; text: string }) => [p.number, p.text]), [[1, 'Дворы убираются ежедневно.'], [2, 'Снег вывозится в течение суток.']]);

    await newEvent(page, 'hearing', 'Слушания по генеральному плану', now + 86_400_000, now + 20 * 86_400_000);
    await page.fill('#event-description', 'Проект генерального плана размещён на сайте администрации; предложения принимаются письменно.');
    await page.fill('#hearing-subject', 'Г'.repeat(501));
    await page.fill('#hearing-at', localInput(now + 21 * 86_400_000).slice(0, 16));
    await page.fill('#hearing-place', 'Актовый зал администрации, ул. Ленина, 1');
    await page.click('.event-editor > .actions button[type=submit]');
    await page.waitForSelector('#hearing-subject-error');
    assert.equal(await page.getAttribute('#hearing-subject', 'aria-invalid'), 'true');
    assert.match((await page.textContent('#hearing-subject-error')) ?? '', /[А-Яа-я]/, 'in Russian');
    await page.fill('#hearing-subject', 'Проект генерального плана');
    await checkScreen(page, 'event-create-hearing');
    const hearing = await submitEvent(page, /^hearing-/);
    const made = (await call(api, 'GET', `/events/${hearing}`, { token: token.operator })).body;
    assert.equal(made.settings.subject, 'Проект генерального плана');
    assert.deepEqual([made.settings.announceDaysBefore, made.settings.protocolTermDays, made.settings.conclusionTermDays], [7, 10, 15]);
    await context.close();
  });
});
