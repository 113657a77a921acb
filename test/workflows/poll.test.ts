import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../db/connection';
import type { Actor } from '../../workflows/shared/actor';
import {
  cancelEventUpdate, eventStateQuery, extendEventUpdate, publishEventUpdate, type ParticipationInput, type ParticipationState,
} from '../../workflows/participation/messages';
import type { PollSettings } from '../../workflows/poll/questions';
import type { PollResults } from '../../domain/participation/poll';
import { startWorkflowHarness, type WorkflowHarness } from '../support/platform';
import { ORG, TEST_REGION, createTestRegion, createUser } from '../support/fixtures';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export const POLL_SETTINGS: PollSettings = {
  questions: [
    { id: 'park', kind: 'single', text: 'Нужен ли парк?', options: [{ id: 'yes', text: 'Да' }, { id: 'no', text: 'Нет' }] },
    { id: 'sports', kind: 'multiple', text: 'Что построить?', maxChoices: 2, options: [{ id: 'field', text: 'Поле' }, { id: 'court', text: 'Корт' }, { id: 'track', text: 'Дорожка' }] },
    { id: 'mark', kind: 'scale', text: 'Оцените двор', scaleMin: 1, scaleMax: 5 },
    { id: 'comment', kind: 'text', text: 'Ваши предложения', required: false },
  ],
};

describe('poll workflow (time-skipping server)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let db: Db;
  let harness: WorkflowHarness;
  let operator: Actor;
  let stranger: Actor;
  let seq = 0;
  const taskQueue = 'poll-workflow-test';

  before(async () => {
    harness = await startWorkflowHarness('poll_wf', taskQueue, async (d) => {
      db = d;
      await createTestRegion(db);
      operator = { role: 'operator', organisationId: ORG.district, userId: await createUser(db, { role: 'operator', name: 'Оператор района', organisation_id: ORG.district }) };
      stranger = { role: 'operator', organisationId: ORG.ministry, userId: await createUser(db, { role: 'operator', name: 'Оператор министерства', organisation_id: ORG.ministry }) };
    });
    env = harness.env;
  });

  after(async () => {
    await harness?.stop();
  });

  async function start(opensInMs: number, runsMs: number, extra: Partial<ParticipationInput> = {}): Promise<WorkflowHandle> {
    const now = await env.currentTimeMs();
    const eventId = `poll-99-2026-${String(++seq).padStart(6, '0')}`;
    const input: ParticipationInput = {
      eventId, type: 'poll', regionId: TEST_REGION, organisationId: ORG.district, title: 'Благоустройство двора',
      schedule: { opensAt: new Date(now + opensInMs).toISOString(), closesAt: new Date(now + opensInMs + runsMs).toISOString(), resultsVisibility: 'after_close' },
      audience: { territoryIds: [], minAge: null }, anonymous: false, settings: POLL_SETTINGS as unknown as Record<string, unknown>,
      createdBy: operator, ...extra,
    };
    const handle = await env.client.workflow.start('pollWorkflow', { taskQueue, workflowId: eventId, args: [input] });
    await until(async () => (await row(eventId))?.status === 'draft');
    return handle;
  }

  const row = (id: string) => db('participation_events').where({ id }).first();
  const log = async (id: string) => (await db('participation_event_log').where({ event_id: id }).orderBy('seq')).map((e) => e.type);
  async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('timed out waiting for the read model');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  async function expectRejected(p: Promise<unknown>, type: string, pattern: RegExp) {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof WorkflowUpdateFailedError, `expected an update failure, got ${e}`);
      const cause = e.cause as { type?: string; message: string };
      assert.equal(cause.type, type);
      assert.match(cause.message, pattern);
      return true;
    });
  }
  async function answer(eventId: string, key: string, answers: Record<string, unknown>) {
    await db('participation_responses').insert({ event_id: eventId, participant_key: key, payload: JSON.stringify({ answers }) });
  }

  it('draft → scheduled → open at opensAt → closed at closesAt → results published, with counts and shares', async () => {
    const handle = await start(2 * DAY, 10 * DAY);
    assert.equal((await handle.query(eventStateQuery)).status, 'draft');
    await env.sleep(5 * DAY);
    assert.equal((await handle.query(eventStateQuery)).status, 'draft', 'a draft waits for publication, whatever the time');
    await handle.terminate('the schedule of this draft has passed');

    const h = await start(2 * DAY, 10 * DAY);
    const published = await h.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    assert.equal(published.status, 'scheduled');
    assert.equal((await row(h.workflowId)).status, 'scheduled');

    await env.sleep(2 * DAY - HOUR);
    assert.equal((await h.query(eventStateQuery)).status, 'scheduled');
    await env.sleep(2 * HOUR);
    assert.equal((await h.query(eventStateQuery)).status, 'open');
    await until(async () => (await row(h.workflowId)).status === 'open');

    await answer(h.workflowId, '1', { park: 'yes', sports: ['field', 'court'], mark: 4, comment: 'Скамейки' });
    await answer(h.workflowId, '2', { park: 'yes', sports: ['field'], mark: 5 });
    await answer(h.workflowId, '3', { park: 'no', sports: ['track'], mark: 2 });
    await db('participation_offline_results').insert({
      event_id: h.workflowId, payload: JSON.stringify({ respondents: 1, answers: { park: { counts: { no: 1 } }, comment: { texts: ['На бумаге'] } } }),
    });

    await env.sleep(10 * DAY - 2 * HOUR);
    assert.equal((await h.query(eventStateQuery)).status, 'open');
    await env.sleep(2 * HOUR);
    const final = (await h.result()) as ParticipationState;
    assert.equal(final.status, 'results_published');
    const r = await row(h.workflowId);
    assert.equal(r.status, 'results_published');
    const results = r.results as PollResults;
    assert.deepEqual(results.respondents, { online: 3, offline: 1, total: 4 });
    const park = results.questions.find((q) => q.id === 'park')!;
    assert.deepEqual(park.options!.map((o) => [o.id, o.online, o.offline, o.total, o.share]), [['yes', 2, 0, 2, 0.5], ['no', 1, 1, 2, 0.5]]);
    const sports = results.questions.find((q) => q.id === 'sports')!;
    assert.deepEqual(sports.options!.map((o) => [o.id, o.total]), [['field', 2], ['court', 1], ['track', 1]]);
    const mark = results.questions.find((q) => q.id === 'mark')!;
    assert.equal(mark.scale!.average, 3.67);
    const comment = results.questions.find((q) => q.id === 'comment')!;
    assert.deepEqual(comment.texts!.items, ['Скамейки', 'На бумаге']);
    assert.deepEqual(await log(h.workflowId), ['created', 'published', 'opened', 'closed', 'results_published']);
  });

  it('aggregates 100k responses in SQL, not in the workflow: counts exact, free texts listed up to the limit', async () => {
    const h = await start(DAY, 5 * DAY);
    await h.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    await env.sleep(DAY + HOUR);
    await until(async () => (await row(h.workflowId)).status === 'open');
    await db.raw(
      `insert into participation_responses (event_id, participant_key, payload)
       select ?, 'k' || g, jsonb_build_object('answers', jsonb_build_object(
         'park', case when g % 3 = 0 then 'no' else 'yes' end, 'sports', jsonb_build_array('field', 'track'), 'mark', (g % 5) + 1,
         'comment', 'предложение ' || g))
       from generate_series(1, 100000) g`,
      [h.workflowId],
    );
    const started = Date.now();
    await env.sleep(5 * DAY);
    const final = (await h.result()) as ParticipationState;
    assert.equal(final.status, 'results_published');
    assert.ok(Date.now() - started < 60_000, 'aggregated within a minute');
    const results = (await row(h.workflowId)).results as PollResults;
    assert.equal(results.respondents.total, 100_000);
    const park = results.questions.find((q) => q.id === 'park')!;
    assert.deepEqual(park.options!.map((o) => o.total), [66_667, 33_333]);
    const mark = results.questions.find((q) => q.id === 'mark')!;
    assert.deepEqual(mark.scale!.values.map((v) => v.total), [20_000, 20_000, 20_000, 20_000, 20_000]);
    assert.equal(mark.scale!.average, 3);
    const comment = results.questions.find((q) => q.id === 'comment')!;
    assert.equal(comment.texts!.count.total, 100_000);
    assert.equal(comment.texts!.items.length, 1000);
    assert.equal(comment.texts!.truncated, true);
    const history = await h.fetchHistory();
    assert.ok((history.events?.length ?? 0) < 100, 'the responses never entered the workflow history');
  });

  it('opens at once when published after opensAt', async () => {
    const h = await start(0, 3 * DAY);
    await env.sleep(HOUR);
    const s = await h.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    assert.equal(s.status, 'open');
    await h.executeUpdate(cancelEventUpdate, { args: [{ actor: operator, reason: 'Тест' }] });
  });

  it('an extension moves the close; an extension that is not later, or by another organisation, is refused', async () => {
    const h = await start(DAY, 5 * DAY);
    await h.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    await env.sleep(2 * DAY);
    const before = await h.query(eventStateQuery);
    assert.equal(before.status, 'open');
    const closesAt = new Date(Date.parse(before.schedule.closesAt) + 3 * DAY).toISOString();
    await expectRejected(h.executeUpdate(extendEventUpdate, { args: [{ actor: stranger, closesAt, reason: 'Мало ответов' }] }), 'Forbidden', /organising organisation/);
    await expectRejected(h.executeUpdate(extendEventUpdate, { args: [{ actor: operator, closesAt: before.schedule.opensAt, reason: 'Мало ответов' }] }), 'InvalidInput', /later than the current/);
    const s = await h.executeUpdate(extendEventUpdate, { args: [{ actor: operator, closesAt, reason: 'Мало ответов' }] });
    assert.equal(s.schedule.closesAt, closesAt);
    assert.equal(new Date((await row(h.workflowId)).closes_at).toISOString(), closesAt);

    await env.sleep(4 * DAY + HOUR); // past the original close
    assert.equal((await h.query(eventStateQuery)).status, 'open', 'the original close has passed; the poll stays open');
    await env.sleep(3 * DAY);
    assert.equal(((await h.result()) as ParticipationState).status, 'results_published');
    assert.deepEqual(await log(h.workflowId), ['created', 'published', 'opened', 'extended', 'closed', 'results_published']);
    const extended = await db('participation_event_log').where({ event_id: h.workflowId, type: 'extended' }).first();
    assert.equal(extended.details.reason, 'Мало ответов');
  });

  it('cancels an open poll with a reason: no results; a closed one cannot be cancelled or extended', async () => {
    const h = await start(DAY, 5 * DAY);
    await h.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    await expectRejected(h.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] }), 'InvalidTransition', /cannot publish an event that is scheduled/);
    await env.sleep(2 * DAY);
    await expectRejected(h.executeUpdate(cancelEventUpdate, { args: [{ actor: operator, reason: '  ' }] }), 'InvalidInput', /reason/);
    const s = await h.executeUpdate(cancelEventUpdate, { args: [{ actor: operator, reason: 'Вопрос решён' }] });
    assert.equal(s.status, 'cancelled');
    assert.equal(((await h.result()) as ParticipationState).status, 'cancelled');
    const r = await row(h.workflowId);
    assert.equal(r.status, 'cancelled');
    assert.equal(r.results, null);
    assert.deepEqual(await log(h.workflowId), ['created', 'published', 'opened', 'cancelled']);
  });

  it('cancels a scheduled poll before it opens: the opening timer never fires', async () => {
    const h = await start(3 * DAY, 5 * DAY);
    await h.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    await h.executeUpdate(cancelEventUpdate, { args: [{ actor: operator, reason: 'Перенос' }] });
    await env.sleep(10 * DAY);
    assert.equal(((await h.result()) as ParticipationState).status, 'cancelled');
    assert.deepEqual(await log(h.workflowId), ['created', 'published', 'cancelled']);
  });
});
