import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../db/connection';
import type { Actor } from '../../workflows/shared/actor';
import {
  cancelEventUpdate, eventStateQuery, extendEventUpdate, publishEventUpdate, type ParticipationState,
} from '../../workflows/participation/messages';
import { publishSummaryUpdate, reviseDraftUpdate, type DiscussionExtra, type DiscussionInput } from '../../workflows/discussion/messages';
import { startWorkflowHarness, type WorkflowHarness } from '../support/platform';
import { ORG, TEST_REGION, createTestRegion, createUser } from '../support/fixtures';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

/** The end of the local day `days` days after `from`, at a fixed UTC offset: checked by hand, not by the rule. */
function endOfLocalDay(from: string, days: number, offsetHours: number): string {
  const local = new Date(Date.parse(from) + offsetHours * 3600_000);
  const end = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, 23, 59, 59, 999) - offsetHours * 3600_000;
  return new Date(end).toISOString();
}

const DRAFT = [
  'Порядок благоустройства дворовых территорий',
  '1. Общие положения: порядок применяется ко всем дворам города.',
  '2. Жители подают заявки до 1 марта.',
  'Заявка подаётся через платформу.',
  '3. Комиссия рассматривает заявки в течение 30 дней.',
].join('\n');

describe('discussion workflow (time-skipping server)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let db: Db;
  let harness: WorkflowHarness;
  let operator: Actor;
  let otherOperator: Actor;
  let supervisorId: number;
  let seq = 0;
  const taskQueue = 'discussion-workflow-test';

  before(async () => {
    harness = await startWorkflowHarness('discussion_wf', taskQueue, async (d) => {
      db = d;
      await createTestRegion(db);
      operator = { role: 'operator', organisationId: ORG.ministry, userId: await createUser(db, { role: 'operator', name: 'Оператор', email: 'op@example.org', organisation_id: ORG.ministry }) };
      otherOperator = { role: 'operator', organisationId: ORG.transport, userId: await createUser(db, { role: 'operator', name: 'Чужой', organisation_id: ORG.transport }) };
      supervisorId = await createUser(db, { role: 'supervisor', name: 'ЦУР', email: 'cur@example.org', region_id: TEST_REGION });
    });
    env = harness.env;
  });

  after(async () => {
    await harness?.stop();
  });

  async function start(settings: Partial<DiscussionInput['settings']> = {}, opensInDays = 1, runsDays = 10): Promise<WorkflowHandle> {
    const now = await env.currentTimeMs();
    const eventId = `discussion-99-2026-${String(++seq).padStart(6, '0')}`;
    const input: DiscussionInput = {
      eventId, type: 'discussion', regionId: TEST_REGION, organisationId: ORG.ministry, title: 'Проект порядка благоустройства',
      schedule: { opensAt: new Date(now + opensInDays * DAY).toISOString(), closesAt: new Date(now + (opensInDays + runsDays) * DAY).toISOString(), resultsVisibility: 'after_close' },
      audience: { territoryIds: [], minAge: null }, anonymous: false,
      settings: { draftText: DRAFT, answerTermDays: 10, ...settings }, createdBy: operator,
    };
    const handle = await env.client.workflow.start('discussionWorkflow', { taskQueue, workflowId: eventId, args: [input] });
    await waitFor(async () => (await db('participation_events').where({ id: eventId }).first())?.last_seq >= 1);
    return handle;
  }

  async function waitFor(check: () => Promise<boolean>) {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('timed out waiting');
  }

  const log = async (eventId: string) => (await db('participation_event_log').where({ event_id: eventId }).orderBy('seq')).map((e) => e.type);
  const extraOf = (s: ParticipationState) => s.extra as unknown as DiscussionExtra;

  async function expectRejected(p: Promise<unknown>, type: string, pattern: RegExp) {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof WorkflowUpdateFailedError, `expected an update failure, got ${e}`);
      const cause = e.cause as { type?: string; message: string };
      assert.equal(cause.type, type);
      assert.match(cause.message, pattern);
      return true;
    });
  }

  async function addProposal(eventId: string, point: number, status: 'pending' | 'approved' | 'rejected', key: string) {
    const [row] = await db('event_proposals').insert({
      event_id: eventId, version: 1, point_number: point, kind: 'proposal', text: `Предложение к пункту ${point}`, participant_key: key, status,
    }).returning('id');
    return row.id as number;
  }

  it('stores the draft as numbered points, opens and closes on its timers, and versions the draft while open', async () => {
    const handle = await start();
    const id = handle.workflowId;
    const points = await db('discussion_points').where({ event_id: id, version: 1 }).orderBy('number');
    assert.deepEqual(points.map((p) => [p.number, p.label]), [[1, null], [2, '1.'], [3, '2.'], [4, '3.']]);
    assert.equal(points[2].text, 'Жители подают заявки до 1 марта.\nЗаявка подаётся через платформу.');

    await expectRejected(handle.executeUpdate(publishEventUpdate, { args: [{ actor: otherOperator }] }), 'Forbidden', /operator of the organising/);
    let state = await handle.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    assert.equal(state.status, 'scheduled');
    await env.sleep(DAY + HOUR);
    state = await handle.query(eventStateQuery);
    assert.equal(state.status, 'open');

    state = await handle.executeUpdate(reviseDraftUpdate, { args: [{ actor: operator, text: DRAFT.replace('до 1 марта', 'до 1 апреля'), note: 'Продлён срок заявок' }] });
    assert.equal(extraOf(state).draftVersion, 2);
    const revised = await db('participation_event_log').where({ event_id: id, type: 'draft_revised' }).first();
    assert.deepEqual(revised.details.changes, { unchanged: [{ number: 1, previousNumber: 1 }, { number: 2, previousNumber: 2 }, { number: 4, previousNumber: 4 }], changed: [3], added: [], removed: [] });
    assert.equal((await db('discussion_points').where({ event_id: id, version: 2 })).length, 4);
    await expectRejected(handle.executeUpdate(reviseDraftUpdate, { args: [{ actor: operator, text: '   ' }] }), 'InvalidInput', /must not be empty/);

    await env.sleep(10 * DAY);
    state = await handle.query(eventStateQuery);
    assert.equal(state.status, 'closed');
    assert.equal(state.phase, 'answering');
    const closedAt = (await db('participation_event_log').where({ event_id: id, type: 'closed' }).first()).occurred_at.toISOString();
    assert.equal(extraOf(state).answerDueAt, endOfLocalDay(closedAt, 10, 7), '10 days after the close, to the end of the day in Barnaul (UTC+7)');
    await expectRejected(handle.executeUpdate(reviseDraftUpdate, { args: [{ actor: operator, text: DRAFT }] }), 'InvalidTransition', /closed/);
    assert.deepEqual(await log(id), ['created', 'published', 'opened', 'draft_revised', 'closed', 'answering_started']);
    const told = await db('notifications').where({ event_id: id, recipient_kind: 'operator' });
    assert.equal(told.length, 1);
    assert.match(told[0].subject, /завершено/);
    const row = await db('participation_events').where({ id }).first();
    assert.equal(row.status, 'closed');
    assert.equal(row.phase, 'answering');
  });

  it('reminds before the answer term, flags it overdue and tells the supervisors, and publishes the summary only when every approved proposal is answered', async () => {
    const handle = await start({ answerTermDays: 10 });
    const id = handle.workflowId;
    await handle.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    await env.sleep(DAY + HOUR);
    const approved = await addProposal(id, 2, 'approved', 'u1');
    await addProposal(id, 3, 'rejected', 'u2');
    const pending = await addProposal(id, 3, 'pending', 'u3');
    await env.sleep(10 * DAY);
    let state = await handle.query(eventStateQuery);
    assert.equal(state.phase, 'answering');
    const due = Date.parse(extraOf(state).answerDueAt!);

    await expectRejected(handle.executeUpdate(publishSummaryUpdate, { args: [{ actor: operator, text: 'Итоги' }] }), 'InvalidTransition', /await moderation/);
    await db('event_proposals').where({ id: pending }).update({ status: 'approved' });
    await expectRejected(handle.executeUpdate(publishSummaryUpdate, { args: [{ actor: operator, text: 'Итоги' }] }), 'InvalidTransition', /2 approved proposal\(s\) have no answer/);

    await env.sleep(due - 2 * DAY - (await env.currentTimeMs()));
    assert.deepEqual((await log(id)).slice(-1), ['reminder']);
    await env.sleep(due - 12 * HOUR - (await env.currentTimeMs()));
    await env.sleep(due + HOUR - (await env.currentTimeMs()));
    state = await handle.query(eventStateQuery);
    assert.equal(extraOf(state).overdue, true);
    assert.equal(state.status, 'closed', 'an overdue discussion stays open for answers');
    assert.deepEqual((await log(id)).slice(-3), ['reminder', 'reminder', 'overdue']);
    const overdue = await db('participation_event_log').where({ event_id: id, type: 'overdue' }).first();
    assert.equal(overdue.details.unanswered, 2);
    const toSupervisor = await db('notifications').where({ event_id: id, recipient_kind: 'supervisor' });
    assert.equal(toSupervisor.length, 1);
    assert.equal(toSupervisor[0].recipient_user_id, supervisorId);
    assert.match(toSupervisor[0].subject, /Просрочка/);

    await db('event_proposals').whereIn('id', [approved, pending]).update({ answer: 'partly', answer_reason: 'Учтено в п. 2', answered_at: db.fn.now() });
    await expectRejected(handle.executeUpdate(publishSummaryUpdate, { args: [{ actor: otherOperator, text: 'Итоги' }] }), 'Forbidden', /operator/);
    state = await handle.executeUpdate(publishSummaryUpdate, { args: [{ actor: operator, text: 'Итоговый документ обсуждения' }] });
    assert.equal(state.status, 'results_published');
    const final = (await handle.result()) as ParticipationState;
    assert.equal(final.status, 'results_published');
    const row = await db('participation_events').where({ id }).first();
    assert.equal(row.status, 'results_published');
    assert.equal(row.results.summary, 'Итоговый документ обсуждения');
    assert.equal(row.results.onTime, false);
    assert.deepEqual({ approved: row.results.proposals.approved, partly: row.results.proposals.partly }, { approved: 2, partly: 2 });
  });

  it('publishes the summary before the term: no reminders after it, no overdue', async () => {
    const handle = await start({ answerTermDays: 5 }, 0, 3);
    const id = handle.workflowId;
    await handle.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    await expectRejected(handle.executeUpdate(publishSummaryUpdate, { args: [{ actor: operator, text: 'Рано' }] }), 'InvalidTransition', /after the discussion closes/);
    await env.sleep(3 * DAY + HOUR);
    await handle.executeUpdate(publishSummaryUpdate, { args: [{ actor: operator, text: 'Предложений не поступило' }] });
    await handle.result();
    assert.deepEqual(await log(id), ['created', 'published', 'closed', 'answering_started', 'results_published']);
    assert.equal((await db('participation_events').where({ id }).first()).results.onTime, true);
  });

  it('follows an extension of the close, and ends when cancelled', async () => {
    const handle = await start({}, 0, 2);
    const id = handle.workflowId;
    await handle.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    const closesAt = new Date((await env.currentTimeMs()) + 5 * DAY).toISOString();
    await handle.executeUpdate(extendEventUpdate, { args: [{ actor: operator, closesAt, reason: 'Много обращений' }] });
    await env.sleep(3 * DAY);
    assert.equal((await handle.query(eventStateQuery)).status, 'open');
    await handle.executeUpdate(cancelEventUpdate, { args: [{ actor: operator, reason: 'Проект отозван' }] });
    const final = (await handle.result()) as ParticipationState;
    assert.equal(final.status, 'cancelled');
    assert.deepEqual(await log(id), ['created', 'published', 'extended', 'cancelled'], 'published at its opening moment: open at once');
  });
});
