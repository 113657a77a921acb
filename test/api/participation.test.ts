// The events API through HTTP (Temporal dev server, real worker, PostgreSQL): creation and its errors,
// visibility of drafts, the lifecycle actions, responses (eligibility, one per person, anonymity),
// results visibility, offline results, citizens' projects with moderation.
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { createWorker } from '../../ops/worker';
import { ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { devServerEnv, workflowBundle } from '../support/temporal';
import { call, roleTokens, startTestApi, type RoleTokens, type TestApi } from './helpers';

const SECOND = 1000;
const DAY = 24 * 60 * 60 * 1000;

const questions = [
  { id: 'park', kind: 'single', text: 'Нужен ли парк?', options: [{ id: 'yes', text: 'Да' }, { id: 'no', text: 'Нет' }] },
  { id: 'sports', kind: 'multiple', text: 'Что построить?', maxChoices: 2, options: [{ id: 'field', text: 'Поле' }, { id: 'court', text: 'Корт' }, { id: 'track', text: 'Дорожка' }] },
  { id: 'mark', kind: 'scale', text: 'Оцените двор', scaleMin: 1, scaleMax: 5 },
  { id: 'comment', kind: 'text', text: 'Предложения', required: false },
];

describe('participation events through the API (Temporal dev server)', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `api-participation-${process.pid}`;
  let keyN = 0;
  const key = () => `participation-key-${process.pid}-${++keyN}`;
  const tok: Record<string, string> = {};
  const uid: Record<string, number> = {};

  async function citizen(name: string, territoryId: string | null, birthDate: string | null): Promise<void> {
    const c = await createUserWithToken(db, { role: 'citizen', name });
    await db('users').where({ id: c.user.id }).update({ territory_id: territoryId, birth_date: birthDate });
    tok[name] = c.token;
    uid[name] = c.user.id;
  }

  before(async () => {
    env = await devServerEnv();
    ({ db } = await freshDatabase('api_participation'));
    await createTestRegion(db);
    await db('territories').insert({ id: 'testland.t.other', region_id: TEST_REGION, parent_id: 'testland.t', name: 'Другой район', kind: 'municipal_district' });
    t = await roleTokens(db);
    await citizen('villager', TERRITORY.village, '1980-05-01');
    await citizen('neighbour', TERRITORY.village, '1990-01-01');
    await citizen('outsider', 'testland.t.other', '1980-05-01');
    await citizen('teen', TERRITORY.village, `${new Date().getUTCFullYear() - 15}-01-01`);
    await citizen('unknownAge', TERRITORY.village, null);
    worker = await createWorker({ connection: env.nativeConnection, db, taskQueue, namespace: env.namespace ?? 'default', workflowBundle: await workflowBundle() });
    running = worker.run();
    api = await startTestApi(db, { temporal: env.client, taskQueue, waitMs: 60_000 });
  });

  after(async () => {
    await api?.close();
    worker?.shutdown();
    await running;
  });

  const iso = (ms: number) => new Date(Date.now() + ms).toISOString();
  const poll = (over: Record<string, unknown> = {}) => ({
    type: 'poll', organisationId: ORG.district, title: 'Благоустройство двора', description: 'Опрос жителей села',
    schedule: { opensAt: iso(0), closesAt: iso(20 * DAY) },
    audience: { territoryIds: [TERRITORY.district], minAge: 18 }, anonymous: false, settings: { questions }, ...over,
  });
  const answers = { park: 'yes', sports: ['field', 'court'], mark: 4, comment: 'Больше скамеек' };

  async function create(body: Record<string, unknown>, token = t.district) {
    const r = await call(api, 'POST', '/events', { token, body, headers: { 'idempotency-key': key() } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  }
  async function published(body: Record<string, unknown>) {
    const e = await create(body);
    const p = await call(api, 'POST', `/events/${e.id}/publish`, { token: t.district });
    assert.equal(p.status, 200, p.text);
    return p.body;
  }
  const respond = (eventId: string, token: string, body: unknown) => call(api, 'POST', `/events/${eventId}/responses`, { token, body });
  const count = async (eventId: string) => Number((await db('participation_responses').where({ event_id: eventId }).count('* as n'))[0].n);
  async function waitFor(eventId: string, status: string, ms = 30_000) {
    const end = Date.now() + ms;
    for (;;) {
      const r = await call(api, 'GET', `/events/${eventId}`, { token: t.district });
      if (r.body.status === status) return r.body;
      if (Date.now() > end) throw new Error(`event ${eventId} is ${r.body.status}, not ${status}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }

  it('creates a draft with a readable number, idempotently; only its organisers and supervisors see it', async () => {
    const headers = { 'idempotency-key': key() };
    const r = await call(api, 'POST', '/events', { token: t.district, body: poll(), headers });
    assert.equal(r.status, 201, r.text);
    const year = new Date().getUTCFullYear();
    const prefix = (await db('regions').where({ id: TEST_REGION }).first('number_prefix')).number_prefix;
    assert.match(r.body.id, new RegExp(`^poll-${prefix}-(${year}|${year + 1})-\\d{6}$`));
    assert.equal(r.headers.get('location'), `/events/${r.body.id}`);
    assert.equal(r.body.status, 'draft');
    assert.equal(r.body.description, 'Опрос жителей села');
    assert.equal(r.body.settings.questions[3].required, false);
    assert.equal(r.body.settings.questions[0].required, true, 'required by default');
    assert.deepEqual(r.body.timeline.map((e: { type: string }) => e.type), ['created']);
    const again = await call(api, 'POST', '/events', { token: t.district, body: poll(), headers });
    assert.equal(again.status, 422, 'the same key with another body (the schedule moved on)');

    assert.equal((await call(api, 'GET', `/events/${r.body.id}`, { token: tok.villager })).status, 404);
    assert.equal((await call(api, 'GET', `/events/${r.body.id}`, { token: t.ministry })).status, 404);
    assert.equal((await call(api, 'GET', `/events/${r.body.id}`, { token: t.supervisor })).status, 200);
    const listed = await call(api, 'GET', '/events?type=poll', { token: tok.villager });
    assert.ok(!listed.body.items.some((e: { id: string }) => e.id === r.body.id), 'drafts are not listed for citizens');
    const mine = await call(api, 'GET', `/events?status=draft&organisationId=${ORG.district}`, { token: t.district });
    assert.ok(mine.body.items.some((e: { id: string }) => e.id === r.body.id));
  });

  it('replays the same request with the same Idempotency-Key as the same event', async () => {
    const body = poll();
    const headers = { 'idempotency-key': key() };
    const a = await call(api, 'POST', '/events', { token: t.district, body, headers });
    const b = await call(api, 'POST', '/events', { token: t.district, body, headers });
    assert.equal(a.status, 201);
    assert.equal(b.status, 200);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    assert.equal(a.body.id, b.body.id);
  });

  it('refuses events the caller may not create, and settings or schedules that cannot be used', async () => {
    const k = () => ({ 'idempotency-key': key() });
    const intakeBefore = Number((await db('participation_intake').count('* as n'))[0].n);
    assert.equal((await call(api, 'POST', '/events', { token: t.citizen, body: poll(), headers: k() })).status, 403);
    assert.equal((await call(api, 'POST', '/events', { token: t.ministry, body: poll(), headers: k() })).status, 403);
    const unknownOrg = await call(api, 'POST', '/events', { token: t.admin, body: poll({ organisationId: 'nowhere' }), headers: k() });
    assert.equal(unknownOrg.status, 400);
    const oneOption = await call(api, 'POST', '/events', { token: t.district, headers: k(), body: poll({ settings: { questions: [{ id: 'q', kind: 'single', text: 'Q', options: [{ id: 'a', text: 'A' }] }] } }) });
    assert.equal(oneOption.status, 422, oneOption.text);
    assert.match(oneOption.body.detail, /at least two options/);
    const badSchema = await call(api, 'POST', '/events', { token: t.district, headers: k(), body: poll({ settings: { questions: [{ id: 'q', kind: 'essay', text: 'Q' }] } }) });
    assert.equal(badSchema.status, 400, 'settings are validated against PollSettings');
    const backwards = await call(api, 'POST', '/events', { token: t.district, headers: k(), body: poll({ schedule: { opensAt: iso(DAY), closesAt: iso(0) } }) });
    assert.equal(backwards.status, 422);
    assert.match(backwards.body.detail, /closesAt must be after opensAt/);
    const badVote = await call(api, 'POST', '/events', { token: t.district, headers: k(), body: { ...poll(), type: 'vote', settings: { kind: 'budget', rule: 'greedy', projects: [{ id: 'p1', name: 'P', cost: 5 }] } } });
    assert.equal(badVote.status, 422, badVote.text);
    assert.match(badVote.body.detail, /budget/);
    assert.equal(Number((await db('participation_intake').count('* as n'))[0].n), intakeBefore, 'nothing stored');
  });

  it('takes one response per eligible person; a second is refused with 409 and changes nothing', async () => {
    const e = await published(poll());
    assert.equal(e.status, 'open', 'published after opensAt: open at once');
    const first = await respond(e.id, tok.villager, { answers });
    assert.equal(first.status, 201, first.text);
    const stored = await db('participation_responses').where({ event_id: e.id });
    assert.equal(stored.length, 1);
    assert.equal(stored[0].participant_key, String(uid.villager));

    const second = await respond(e.id, tok.villager, { answers: { ...answers, park: 'no' } });
    assert.equal(second.status, 409);
    assert.match(second.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.match(second.body.detail, /already taken part/);
    const after = await db('participation_responses').where({ event_id: e.id });
    assert.deepEqual(after, stored, 'nothing changed');

    // Sent at the same moment: exactly one is accepted (the unique constraint decides, not a read).
    const both = await Promise.all([respond(e.id, tok.neighbour, { answers }), respond(e.id, tok.neighbour, { answers })]);
    assert.deepEqual(both.map((r) => r.status).sort(), [201, 409]);
    assert.equal(await count(e.id), 2);

    const detail = await call(api, 'GET', `/events/${e.id}`, { token: tok.villager });
    assert.equal(detail.body.participated, true);
    assert.equal(detail.body.results, null, 'no results while open');
    const early = await call(api, 'GET', `/events/${e.id}/results`, { token: t.district });
    assert.equal(early.status, 409, 'organisers see results at the same moment as everyone');
  });

  it('refuses people outside the audience (territory, age) and invalid answers, storing nothing', async () => {
    const e = await published(poll());
    const outsider = await respond(e.id, tok.outsider, { answers });
    assert.equal(outsider.status, 403);
    assert.match(outsider.body.detail, /residents of other territories/);
    const teen = await respond(e.id, tok.teen, { answers });
    assert.equal(teen.status, 403);
    assert.match(teen.body.detail, /aged 18 or older/);
    const unknown = await respond(e.id, tok.unknownAge, { answers });
    assert.equal(unknown.status, 403);
    assert.match(unknown.body.detail, /date of birth is unknown/);
    const noTerritory = await respond(e.id, t.citizen, { answers });
    assert.equal(noTerritory.status, 403);
    for (const bad of [
      { answers: { ...answers, park: 'maybe' } },
      { answers: { ...answers, sports: ['field', 'court', 'track'] } },
      { answers: { ...answers, mark: 9 } },
      { answers: { sports: ['field'], mark: 3 } },
      { answers: { ...answers, extra: 'x' } },
      { approved: ['p1'] },
    ]) {
      const r = await respond(e.id, tok.villager, bad);
      assert.equal(r.status, 422, `${JSON.stringify(bad)} → ${r.status} ${r.text}`);
    }
    const operator = await respond(e.id, t.district, { answers });
    assert.equal(operator.status, 403);
    assert.equal(await count(e.id), 0);
    const ok = await respond(e.id, tok.villager, { answers: { park: 'no', sports: ['track'], mark: 1 } });
    assert.equal(ok.status, 201, 'an optional question may be left out');
  });

  it('stores an anonymous response with a salted hash, never with the person', async () => {
    const e = await published(poll({ anonymous: true }));
    assert.equal((await respond(e.id, tok.villager, { answers })).status, 201);
    assert.equal((await respond(e.id, tok.neighbour, { answers: { park: 'no', sports: ['track'], mark: 2 } })).status, 201);
    const rows = await db('participation_responses').where({ event_id: e.id });
    assert.equal(rows.length, 2);
    for (const r of rows) {
      assert.match(r.participant_key, /^[0-9a-f]{64}$/);
      assert.notEqual(r.participant_key, String(uid.villager));
      assert.notEqual(r.participant_key, String(uid.neighbour));
      assert.deepEqual(Object.keys(r).sort(), ['created_at', 'event_id', 'id', 'participant_key', 'payload'], 'no column names the person');
    }
    const salt = (await db('participation_salts').where({ event_id: e.id }).first()).salt;
    assert.ok(salt.length >= 32);
    const again = await respond(e.id, tok.villager, { answers });
    assert.equal(again.status, 409, 'the same person is recognised through the hash');
    assert.equal((await call(api, 'GET', `/events/${e.id}`, { token: tok.villager })).body.participated, true);
  });

  it('extends and cancels through the API; a cancelled event takes no responses and has no results', async () => {
    const e = await published(poll());
    const closesAt = new Date(Date.parse(e.schedule.closesAt) + 5 * DAY).toISOString();
    const stranger = await call(api, 'POST', `/events/${e.id}/extend`, { token: t.ministry, body: { closesAt, reason: 'Мало ответов' } });
    assert.equal(stranger.status, 403);
    const earlier = await call(api, 'POST', `/events/${e.id}/extend`, { token: t.district, body: { closesAt: e.schedule.opensAt, reason: 'Мало ответов' } });
    assert.equal(earlier.status, 422);
    const ext = await call(api, 'POST', `/events/${e.id}/extend`, { token: t.district, body: { closesAt, reason: 'Мало ответов' } });
    assert.equal(ext.status, 200, ext.text);
    assert.equal(ext.body.schedule.closesAt, closesAt);
    assert.equal(ext.body.extensions[0].reason, 'Мало ответов');
    const cancelled = await call(api, 'POST', `/events/${e.id}/cancel`, { token: t.district, body: { reason: 'Решение отменено' } });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal(cancelled.body.cancelledReason, 'Решение отменено');
    const again = await call(api, 'POST', `/events/${e.id}/cancel`, { token: t.district, body: { reason: 'Ещё раз' } });
    assert.equal(again.status, 409, again.text);
    assert.equal((await respond(e.id, tok.villager, { answers })).status, 409);
    assert.equal((await call(api, 'GET', `/events/${e.id}/results`, { token: tok.villager })).status, 409);
    const publishAgain = await call(api, 'POST', `/events/${e.id}/publish`, { token: t.district });
    assert.equal(publishAgain.status, 409);
  });

  it('closes on its timer: results visible to all, paper results added apart', async () => {
    const e = await published(poll({ schedule: { opensAt: iso(0), closesAt: iso(6 * SECOND) }, audience: { territoryIds: [], minAge: null } }));
    assert.equal((await respond(e.id, tok.villager, { answers })).status, 201);
    assert.equal((await respond(e.id, tok.outsider, { answers: { park: 'no', sports: ['track'], mark: 2 } })).status, 201);
    const paperEarly = await call(api, 'POST', `/events/${e.id}/offline-results`, { token: t.district, body: { results: { respondents: 1, answers: { park: { counts: { no: 1 } } } }, note: 'Пункт в клубе' } });
    assert.equal(paperEarly.status, 201, paperEarly.text);
    assert.equal(paperEarly.body.results, null);
    const done = await waitFor(e.id, 'results_published');
    assert.deepEqual(done.timeline.map((x: { type: string }) => x.type), ['created', 'published', 'closed', 'results_published']);
    assert.equal((await respond(e.id, tok.neighbour, { answers })).status, 409, 'closed');
    const r = await call(api, 'GET', `/events/${e.id}/results`, { token: tok.neighbour });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.results.respondents, { online: 2, offline: 1, total: 3 });
    const park = r.body.results.questions.find((q: { id: string }) => q.id === 'park');
    assert.deepEqual(park.options.map((o: { id: string; total: number; share: number }) => [o.id, o.total, o.share]), [['yes', 1, 0.3333], ['no', 2, 0.6667]]);
    const badPaper = await call(api, 'POST', `/events/${e.id}/offline-results`, { token: t.district, body: { results: { respondents: 1, answers: { park: { counts: { maybe: 1 } } } } } });
    assert.equal(badPaper.status, 422);
    const late = await call(api, 'POST', `/events/${e.id}/offline-results`, { token: t.district, body: { results: { respondents: 2, answers: { park: { counts: { yes: 2 } } } } } });
    assert.equal(late.status, 201);
    assert.deepEqual(late.body.results.respondents, { online: 2, offline: 3, total: 5 }, 'published results are refreshed');
    const shown = await call(api, 'GET', `/events/${e.id}`, { token: tok.villager });
    assert.equal(shown.body.results.respondents.total, 5);
    const citizenPaper = await call(api, 'POST', `/events/${e.id}/offline-results`, { token: tok.villager, body: { results: { respondents: 1 } } });
    assert.equal(citizenPaper.status, 403);
  });

  it('shows results while open when the event says live', async () => {
    const e = await published(poll({ schedule: { opensAt: iso(0), closesAt: iso(DAY), resultsVisibility: 'live' } }));
    assert.equal(e.resultsVisible, true);
    assert.equal((await respond(e.id, tok.villager, { answers })).status, 201);
    const r = await call(api, 'GET', `/events/${e.id}/results`, { token: tok.neighbour });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.results.respondents.total, 1);
    const detail = await call(api, 'GET', `/events/${e.id}`, { token: t.district });
    assert.equal(detail.body.results.questions[0].options[0].total, 1);
  });

  it('lists events with filters and cursor pagination', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string; status: string }[]; nextCursor: string | null } } =
        await call(api, 'GET', `/events?type=poll&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: tok.villager });
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 2);
      for (const e of page.body.items) assert.notEqual(e.status, 'draft');
      all.push(...page.body.items.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(new Set(all).size, all.length);
    const inDb = await db('participation_events').where({ type: 'poll' }).whereNot('status', 'draft').count('* as n');
    assert.equal(all.length, Number(inDb[0].n));
    assert.equal((await call(api, 'GET', '/events?cursor=garbage', { token: tok.villager })).status, 400);
    const cancelled = await call(api, 'GET', '/events?status=cancelled', { token: tok.villager });
    assert.ok(cancelled.body.items.every((e: { status: string }) => e.status === 'cancelled'));
  });

  it('citizens propose projects before a vote opens; only approved ones are on the ballot', async () => {
    const vote = {
      type: 'vote', organisationId: ORG.district, title: 'Народный бюджет',
      schedule: { opensAt: iso(8 * SECOND), closesAt: iso(20 * DAY) },
      audience: { territoryIds: [TERRITORY.district], minAge: null }, anonymous: true,
      settings: { kind: 'budget', budget: 1000, rule: 'greedy', acceptsProjects: true, projects: [{ id: 'road', name: 'Дорога', cost: 600 }] },
    };
    const draft = await create(vote);
    const tooEarly = await call(api, 'POST', `/events/${draft.id}/projects`, { token: tok.villager, body: { name: 'Горка', cost: 100 } });
    assert.equal(tooEarly.status, 404, 'a draft is not visible to citizens');
    const e = (await call(api, 'POST', `/events/${draft.id}/publish`, { token: t.district })).body;
    assert.equal(e.status, 'scheduled');
    const slide = await call(api, 'POST', `/events/${e.id}/projects`, { token: tok.villager, body: { name: 'Горка', description: 'Зимняя горка у школы', cost: 300 } });
    assert.equal(slide.status, 201, slide.text);
    assert.equal(slide.body.status, 'pending');
    assert.equal(slide.body.mine, true);
    const bench = await call(api, 'POST', `/events/${e.id}/projects`, { token: tok.neighbour, body: { name: 'Скамейки', cost: 200 } });
    assert.equal(bench.status, 201);
    const pricey = await call(api, 'POST', `/events/${e.id}/projects`, { token: tok.neighbour, body: { name: 'Стадион', cost: 5000 } });
    assert.equal(pricey.status, 422);
    assert.equal((await call(api, 'POST', `/events/${e.id}/projects`, { token: tok.outsider, body: { name: 'Чужое', cost: 1 } })).status, 403);

    const seenByOther = await call(api, 'GET', `/events/${e.id}/projects`, { token: tok.outsider });
    assert.deepEqual(seenByOther.body.items.map((p: { id: string }) => p.id), ['road'], 'pending projects are not public');
    assert.equal((await call(api, 'POST', `/events/${e.id}/projects/${slide.body.id}/moderation`, { token: tok.villager, body: { decision: 'approved', reason: 'Сам' } })).status, 403);
    const approved = await call(api, 'POST', `/events/${e.id}/projects/${slide.body.id}/moderation`, { token: t.district, body: { decision: 'approved', reason: 'Соответствует условиям' } });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.status, 'approved');
    const rejected = await call(api, 'POST', `/events/${e.id}/projects/${bench.body.id}/moderation`, { token: t.district, body: { decision: 'rejected', reason: 'Уже в плане района' } });
    assert.equal(rejected.body.status, 'rejected');
    const organiserView = await call(api, 'GET', `/events/${e.id}/projects`, { token: t.district });
    assert.deepEqual(organiserView.body.items.map((p: { id: string; status: string }) => [p.id, p.status]), [['road', 'approved'], [slide.body.id, 'approved'], [bench.body.id, 'rejected']]);

    await waitFor(e.id, 'open');
    const late = await call(api, 'POST', `/events/${e.id}/projects`, { token: tok.villager, body: { name: 'Поздно', cost: 1 } });
    assert.equal(late.status, 409);
    const lateModeration = await call(api, 'POST', `/events/${e.id}/projects/${bench.body.id}/moderation`, { token: t.district, body: { decision: 'approved', reason: 'Передумали' } });
    assert.equal(lateModeration.status, 409);
    assert.equal((await respond(e.id, tok.villager, { approved: [bench.body.id] })).status, 422, 'a rejected project is not on the ballot');
    assert.equal((await respond(e.id, tok.villager, { approved: ['road', slide.body.id, 'x'] })).status, 422);
    const over = await respond(e.id, tok.villager, { approved: ['road', slide.body.id] });
    assert.equal(over.status, 201, over.text);
    assert.equal((await respond(e.id, tok.villager, { approved: [slide.body.id] })).status, 409);
    const exportEarly = await call(api, 'GET', `/events/${e.id}/export.pb`, { token: tok.villager });
    assert.equal(exportEarly.status, 409);
  });

  it('refuses the pabulib export of a vote without a budget with 409, not an error', async () => {
    const single = await create({
      type: 'vote', organisationId: ORG.district, title: 'Выбор дизайн-проекта',
      schedule: { opensAt: iso(8 * SECOND), closesAt: iso(20 * DAY) },
      audience: { territoryIds: [TERRITORY.district], minAge: null }, anonymous: true,
      settings: { kind: 'single_choice', projects: [{ id: 'a', name: 'Проект А', cost: 0 }, { id: 'b', name: 'Проект Б', cost: 0 }] },
    });
    const pb = await call(api, 'GET', `/events/${single.id}/export.pb`, { token: t.district });
    assert.equal(pb.status, 409, pb.text);
    assert.match(pb.body.detail, /no budget/);
  });
});
