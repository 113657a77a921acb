import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../db/connection';
import type { Actor } from '../../workflows/shared/actor';
import {
  cancelEventUpdate, eventStateQuery, extendEventUpdate, publishEventUpdate, type ParticipationInput, type ParticipationState,
} from '../../workflows/participation/messages';
import type { VoteEventSettings, VoteResults } from '../../domain/participation/vote';
import { startWorkflowHarness, type WorkflowHarness } from '../support/platform';
import { ORG, TEST_REGION, createTestRegion, createUser } from '../support/fixtures';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** Budget 100; A, B, C cost 50 each; 6 voters approve {A, B}, 4 approve {C}: greedy funds A and B, equal shares A and C. */
const projects = [{ id: 'A', name: 'Сквер', cost: 50 }, { id: 'B', name: 'Фонтан', cost: 50 }, { id: 'C', name: 'Детская площадка', cost: 50 }];
const settings = (rule: 'greedy' | 'equal_shares'): VoteEventSettings => ({ kind: 'approval', budget: 100, rule, projects });

describe('vote workflow (time-skipping server)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let db: Db;
  let harness: WorkflowHarness;
  let operator: Actor;
  let seq = 0;
  const taskQueue = 'vote-workflow-test';

  before(async () => {
    harness = await startWorkflowHarness('vote_wf', taskQueue, async (d) => {
      db = d;
      await createTestRegion(db);
      operator = { role: 'operator', organisationId: ORG.district, userId: await createUser(db, { role: 'operator', name: 'Оператор района', organisation_id: ORG.district }) };
    });
    env = harness.env;
  });

  after(async () => {
    await harness?.stop();
  });

  const row = (id: string) => db('participation_events').where({ id }).first();
  const log = async (id: string) => (await db('participation_event_log').where({ event_id: id }).orderBy('seq')).map((e) => e.type);
  async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('timed out waiting for the read model');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function start(s: VoteEventSettings, opensInMs = DAY, runsMs = 7 * DAY): Promise<WorkflowHandle> {
    const now = await env.currentTimeMs();
    const eventId = `vote-99-2026-${String(++seq).padStart(6, '0')}`;
    const input: ParticipationInput = {
      eventId, type: 'vote', regionId: TEST_REGION, organisationId: ORG.district, title: 'Инициативный бюджет',
      schedule: { opensAt: new Date(now + opensInMs).toISOString(), closesAt: new Date(now + opensInMs + runsMs).toISOString(), resultsVisibility: 'after_close' },
      audience: { territoryIds: [], minAge: null }, anonymous: true, settings: s as unknown as Record<string, unknown>, createdBy: operator,
    };
    const handle = await env.client.workflow.start('voteWorkflow', { taskQueue, workflowId: eventId, args: [input] });
    await until(async () => (await row(eventId))?.status === 'draft');
    return handle;
  }

  async function ballots(eventId: string, approved: string[], n: number, from: number) {
    const rows = Array.from({ length: n }, (_, i) => ({ event_id: eventId, participant_key: `k${from + i}`, payload: JSON.stringify({ approved: [...approved].sort() }) }));
    await db('participation_responses').insert(rows);
  }

  async function runTo(h: WorkflowHandle, cast: (id: string) => Promise<void>): Promise<VoteResults> {
    await h.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    assert.equal((await h.query(eventStateQuery)).status, 'scheduled');
    await env.sleep(DAY + HOUR);
    assert.equal((await h.query(eventStateQuery)).status, 'open');
    await until(async () => (await row(h.workflowId)).status === 'open');
    await cast(h.workflowId);
    await env.sleep(7 * DAY);
    assert.equal(((await h.result()) as ParticipationState).status, 'results_published');
    return (await row(h.workflowId)).results as VoteResults;
  }

  it('greedy: opens, closes on its timers and publishes winners by votes, skipping what no longer fits', async () => {
    const h = await start(settings('greedy'));
    const results = await runTo(h, async (id) => {
      await ballots(id, ['A', 'B'], 6, 0);
      await ballots(id, ['C'], 4, 100);
    });
    assert.equal(results.rule, 'greedy');
    assert.deepEqual(results.winners, ['A', 'B']);
    assert.deepEqual(results.participants, { online: 10, offline: 0, total: 10 });
    const c = results.projects.find((p) => p.id === 'C')!;
    assert.equal(c.votes, 4);
    assert.equal(c.selected, false);
    assert.match(c.explanation, /skipped|only 0 left/);
    for (const p of results.projects) assert.ok(p.explanation.length > 0 && !p.explanation.includes('\n'), 'one line each');
    assert.deepEqual(await log(h.workflowId), ['created', 'published', 'opened', 'closed', 'results_published']);
  });

  it('equal shares on the same ballots funds the minority\'s project instead', async () => {
    const h = await start(settings('equal_shares'));
    const results = await runTo(h, async (id) => {
      await ballots(id, ['A', 'B'], 6, 0);
      await ballots(id, ['C'], 4, 100);
    });
    assert.equal(results.rule, 'equal_shares');
    assert.deepEqual([...results.winners].sort(), ['A', 'C']);
    assert.equal(results.projects.find((p) => p.id === 'B')!.selected, false);
  });

  it('decides 100k ballots from Postgres (grouped in SQL) without them entering the workflow', async () => {
    // At this scale the money is scaled too (Add1 raises every voter's share by whole roubles).
    const h = await start({ kind: 'approval', budget: 1_000_000, rule: 'equal_shares', projects: projects.map((p) => ({ ...p, cost: p.cost * 10_000 })) });
    const results = await runTo(h, async (id) => {
      await db.raw(
        `insert into participation_responses (event_id, participant_key, payload)
         select ?, 'k' || g, case when g % 10 < 6 then '{"approved":["A","B"]}'::jsonb else '{"approved":["C"]}'::jsonb end
         from generate_series(1, 100000) g`,
        [id],
      );
    });
    assert.equal(results.participants.total, 100_000);
    assert.deepEqual([...results.winners].sort(), ['A', 'C']);
    assert.deepEqual(results.projects.map((p) => [p.id, p.votes]), [['A', 60_000], ['B', 60_000], ['C', 40_000]]);
    const history = await h.fetchHistory();
    assert.ok((history.events?.length ?? 0) < 100);
  });

  it('adds paper ballots to the online ones, shown apart', async () => {
    const h = await start(settings('greedy'));
    const results = await runTo(h, async (id) => {
      await ballots(id, ['A', 'B'], 3, 0);
      await ballots(id, ['C'], 2, 100);
      await db('participation_offline_results').insert({ event_id: id, payload: JSON.stringify({ ballots: [{ approved: ['C'], count: 5 }] }) });
    });
    assert.deepEqual(results.participants, { online: 5, offline: 5, total: 10 });
    const c = results.projects.find((p) => p.id === 'C')!;
    assert.deepEqual([c.onlineVotes, c.offlineVotes, c.votes], [2, 5, 7]);
    assert.equal(results.winners[0], 'C');
  });

  it('an extension of an open vote moves its close; a cancelled scheduled vote never opens', async () => {
    const h = await start(settings('greedy'));
    await h.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    await env.sleep(2 * DAY);
    const s = await h.query(eventStateQuery);
    assert.equal(s.status, 'open');
    const closesAt = new Date(Date.parse(s.schedule.closesAt) + 2 * DAY).toISOString();
    await h.executeUpdate(extendEventUpdate, { args: [{ actor: operator, closesAt, reason: 'Сбой связи в сёлах' }] });
    await env.sleep(6 * DAY + HOUR);
    assert.equal((await h.query(eventStateQuery)).status, 'open');
    await env.sleep(2 * DAY);
    assert.equal(((await h.result()) as ParticipationState).status, 'results_published');
    assert.deepEqual(await log(h.workflowId), ['created', 'published', 'opened', 'extended', 'closed', 'results_published']);

    const c = await start(settings('greedy'));
    await c.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    await c.executeUpdate(cancelEventUpdate, { args: [{ actor: operator, reason: 'Бюджет не утверждён' }] });
    await env.sleep(10 * DAY);
    assert.equal(((await c.result()) as ParticipationState).status, 'cancelled');
    assert.deepEqual(await log(c.workflowId), ['created', 'published', 'cancelled']);
  });
});
