import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../db/connection';
import type { Actor } from '../../workflows/shared/actor';
import { eventStateQuery, publishEventUpdate, type ParticipationState } from '../../workflows/participation/messages';
import { publishConclusionUpdate, publishProtocolUpdate, type HearingExtra, type HearingInput } from '../../workflows/hearing/messages';
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

describe('hearing workflow (time-skipping server)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let db: Db;
  let harness: WorkflowHarness;
  let operator: Actor;
  let citizenId: number;
  let seq = 0;
  const taskQueue = 'hearing-workflow-test';

  before(async () => {
    harness = await startWorkflowHarness('hearing_wf', taskQueue, async (d) => {
      db = d;
      await createTestRegion(db);
      operator = { role: 'operator', organisationId: ORG.district, userId: await createUser(db, { role: 'operator', name: 'Оператор района', email: 'district@example.org', organisation_id: ORG.district }) };
      citizenId = await createUser(db, { role: 'citizen', name: 'Житель' });
      await createUser(db, { role: 'supervisor', name: 'ЦУР', email: 'cur@example.org', region_id: TEST_REGION });
    });
    env = harness.env;
  });

  after(async () => {
    await harness?.stop();
  });

  /** Times in days from now. */
  async function start(t: { opens: number; closes: number; hearing: number; announce: number; protocol?: number; conclusion?: number }): Promise<WorkflowHandle> {
    const now = await env.currentTimeMs();
    const at = (d: number) => new Date(now + d * DAY).toISOString();
    const eventId = `hearing-99-2026-${String(++seq).padStart(6, '0')}`;
    const input: HearingInput = {
      eventId, type: 'hearing', regionId: TEST_REGION, organisationId: ORG.district, title: 'Публичные слушания по проекту планировки',
      schedule: { opensAt: at(t.opens), closesAt: at(t.closes), resultsVisibility: 'after_close' },
      audience: { territoryIds: [], minAge: null }, anonymous: false,
      settings: {
        hearingAt: at(t.hearing), place: 'Дом культуры, ул. Ленина, 5', subject: 'Проект планировки квартала', announceDaysBefore: t.announce,
        protocolTermDays: t.protocol ?? 5, conclusionTermDays: t.conclusion ?? 10,
      },
      createdBy: operator,
    };
    const handle = await env.client.workflow.start('hearingWorkflow', { taskQueue, workflowId: eventId, args: [input] });
    for (let i = 0; i < 200 && !((await db('participation_events').where({ id: eventId }).first())?.last_seq >= 1); i++) await new Promise((r) => setTimeout(r, 50));
    return handle;
  }

  const log = async (eventId: string) => (await db('participation_event_log').where({ event_id: eventId }).orderBy('seq')).map((e) => e.type);
  const extraOf = (s: ParticipationState) => s.extra as unknown as HearingExtra;

  async function expectRejected(p: Promise<unknown>, type: string, pattern: RegExp) {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof WorkflowUpdateFailedError, `expected an update failure, got ${e}`);
      const cause = e.cause as { type?: string; message: string };
      assert.equal(cause.type, type);
      assert.match(cause.message, pattern);
      return true;
    });
  }

  it('refuses to publish the announcement later than announceDaysBefore days before the hearing', async () => {
    const handle = await start({ opens: 1, closes: 4, hearing: 5, announce: 10 });
    await expectRejected(handle.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] }), 'InvalidInput', /at least 10 day\(s\) before it/);
    assert.equal((await handle.query(eventStateQuery)).status, 'draft');
    assert.deepEqual(await log(handle.workflowId), ['created']);
  });

  it('opens and closes the proposal window, holds the hearing on its date, reminds of the terms and flags a late conclusion', async () => {
    const handle = await start({ opens: 1, closes: 15, hearing: 20, announce: 10, protocol: 5, conclusion: 10 });
    const id = handle.workflowId;
    let state = await handle.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    assert.equal(state.status, 'scheduled');
    const published = await db('participation_event_log').where({ event_id: id, type: 'published' }).first();
    assert.equal(published.details.announcement.place, 'Дом культуры, ул. Ленина, 5');
    await env.sleep(DAY + HOUR);
    assert.equal((await handle.query(eventStateQuery)).status, 'open');
    await db('hearing_registrations').insert({ event_id: id, user_id: citizenId, name: 'Житель' });
    await env.sleep(14 * DAY);
    state = await handle.query(eventStateQuery);
    assert.equal(state.status, 'closed');
    assert.equal(extraOf(state).hearingHeld, false);
    await expectRejected(handle.executeUpdate(publishProtocolUpdate, { args: [{ actor: operator, text: 'Протокол' }] }), 'InvalidTransition', /after the hearing/);

    await env.sleep(5 * DAY);
    state = await handle.query(eventStateQuery);
    const extra = extraOf(state);
    assert.equal(extra.hearingHeld, true);
    assert.equal(state.phase, 'protocol');
    const hearingAt = (await db('participation_events').where({ id }).first()).settings.hearingAt;
    assert.equal(extra.protocolDueAt, endOfLocalDay(hearingAt, 5, 7));
    assert.equal(extra.conclusionDueAt, endOfLocalDay(hearingAt, 10, 7));
    await expectRejected(handle.executeUpdate(publishConclusionUpdate, { args: [{ actor: operator, text: 'Заключение' }] }), 'InvalidTransition', /after the protocol/);

    // Protocol: reminders 3 and 1 days before its term, then published in time.
    await env.sleep(Date.parse(extra.protocolDueAt!) - 12 * HOUR - (await env.currentTimeMs()));
    state = await handle.executeUpdate(publishProtocolUpdate, { args: [{ actor: operator, text: 'Протокол публичных слушаний', attachments: ['s3://protocol.pdf'] }] });
    assert.equal(state.phase, 'conclusion');
    await expectRejected(handle.executeUpdate(publishProtocolUpdate, { args: [{ actor: operator, text: 'Ещё раз' }] }), 'InvalidTransition', /already been published/);

    // Conclusion: late.
    await env.sleep(Date.parse(extra.conclusionDueAt!) + HOUR - (await env.currentTimeMs()));
    state = await handle.query(eventStateQuery);
    assert.equal(extraOf(state).conclusionOverdue, true);
    assert.equal(extraOf(state).protocolOverdue, false);
    const timeline = await db('participation_event_log').where({ event_id: id }).orderBy('seq');
    assert.deepEqual(timeline.map((e) => e.type), [
      'created', 'published', 'opened', 'closed', 'hearing_held', 'reminder', 'reminder', 'protocol_published', 'reminder', 'reminder', 'overdue',
    ]);
    assert.deepEqual(timeline.filter((e) => e.type === 'reminder').map((e) => [e.details.term, e.details.offsetDays]),
      [['protocol', 3], ['protocol', 1], ['conclusion', 3], ['conclusion', 1]]);
    assert.equal(timeline.at(-1).details.term, 'conclusion');
    const toSupervisor = await db('notifications').where({ event_id: id, recipient_kind: 'supervisor' });
    assert.equal(toSupervisor.length, 1);
    assert.match(toSupervisor[0].subject, /Просрочка: заключение/);

    state = await handle.executeUpdate(publishConclusionUpdate, { args: [{ actor: operator, text: 'Заключение о результатах публичных слушаний' }] });
    assert.equal(state.status, 'results_published');
    await handle.result();
    const row = await db('participation_events').where({ id }).first();
    assert.equal(row.status, 'results_published');
    assert.equal(row.results.conclusion.text, 'Заключение о результатах публичных слушаний');
    assert.equal(row.results.protocol.attachments[0], 's3://protocol.pdf');
    assert.deepEqual(row.results.onTime, { protocol: true, conclusion: false });
    assert.equal(row.results.registrations, 1);
  });

  it('holds a hearing that falls inside the proposal window, flags a late protocol, and takes the conclusion only after the close', async () => {
    // Terms end at the end of a local day, so the protocol falls due up to a day after hearing + 2 days,
    // whatever the hour the test starts at: the window closes a full day after that (9, not 8).
    const handle = await start({ opens: 0, closes: 9, hearing: 5, announce: 3, protocol: 2, conclusion: 7 });
    const id = handle.workflowId;
    let state = await handle.executeUpdate(publishEventUpdate, { args: [{ actor: operator }] });
    assert.equal(state.status, 'open');
    await env.sleep(5 * DAY + HOUR);
    state = await handle.query(eventStateQuery);
    assert.equal(state.status, 'open');
    assert.equal(extraOf(state).hearingHeld, true);
    await env.sleep(Date.parse(extraOf(state).protocolDueAt!) + HOUR - (await env.currentTimeMs()));
    state = await handle.query(eventStateQuery);
    assert.equal(extraOf(state).protocolOverdue, true);
    await handle.executeUpdate(publishProtocolUpdate, { args: [{ actor: operator, text: 'Протокол' }] });
    await expectRejected(handle.executeUpdate(publishConclusionUpdate, { args: [{ actor: operator, text: 'Заключение' }] }), 'InvalidTransition', /window for written proposals has closed/);
    await env.sleep(3 * DAY);
    assert.equal((await handle.query(eventStateQuery)).status, 'closed');
    await handle.executeUpdate(publishConclusionUpdate, { args: [{ actor: operator, text: 'Заключение' }] });
    const final = (await handle.result()) as ParticipationState;
    assert.equal(final.status, 'results_published');
    const types = await log(id);
    assert.deepEqual(types.filter((t) => ['hearing_held', 'overdue', 'protocol_published', 'closed', 'results_published'].includes(t)),
      ['hearing_held', 'overdue', 'protocol_published', 'closed', 'results_published']);
    const overdue = await db('participation_event_log').where({ event_id: id, type: 'overdue' }).first();
    assert.equal(overdue.details.term, 'protocol');
  });
});
