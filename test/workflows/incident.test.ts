// The incident workflow on the time-skipping server with the real activities and PostgreSQL: the term
// in hours from the region's profile, the reminder, the overdue that reaches the region's supervisor,
// and the public reply recorded with its URL.
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../db/connection';
import { compareWithFullScan } from '../../domain/monitoring/facts';
import {
  dismissIncidentUpdate, incidentRegistrationUpdate, incidentStateQuery, replyToIncidentUpdate, type IncidentInput,
} from '../../workflows/incident/messages';
import type { Actor } from '../../workflows/shared/actor';
import { startWorkflowHarness, type WorkflowHarness } from '../support/platform';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion, createUser } from '../support/fixtures';

const HOUR = 60 * 60 * 1000;

describe('incident workflow (time-skipping server)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let db: Db;
  let harness: WorkflowHarness;
  let districtOperator: Actor;
  let supervisorId: number;
  let seq = 0;
  const taskQueue = 'incident-workflow-test';

  before(async () => {
    harness = await startWorkflowHarness('incident_wf', taskQueue, async (d) => {
      db = d;
      // A short term for the test: 3 hours, the reminder an hour before.
      await createTestRegion(db, { incident_term_hours: 3, incident_reminder_hours: 1 });
      districtOperator = { role: 'operator', organisationId: ORG.district, userId: await createUser(db, { role: 'operator', name: 'Оператор района', email: 'district@example.org', organisation_id: ORG.district }) };
      supervisorId = await createUser(db, { role: 'supervisor', name: 'ЦУР', email: 'cur@example.org', region_id: TEST_REGION });
    });
    env = harness.env;
  });

  after(async () => {
    await harness?.stop();
  });

  async function ingest(): Promise<WorkflowHandle> {
    const incidentId = `inc-99-2026-${String(++seq).padStart(6, '0')}`;
    const receivedAt = new Date(await env.currentTimeMs()).toISOString();
    const input: IncidentInput = {
      incidentId, regionId: TEST_REGION, network: 'vk', postUrl: `https://vk.com/wall-1_${seq}`, text: 'Яма на дороге у школы', authorHandle: '@ivan',
      foundAt: receivedAt, categoryId: CAT.roads, subcategoryId: CAT.potholes, territoryId: TERRITORY.village, receivedAt,
    };
    // The incidents row comes from the ingestion API; here the workflow is started directly.
    await db('incidents').insert({ id: incidentId, region_id: TEST_REGION, network: 'vk', post_url: input.postUrl, post_url_key: input.postUrl, author_handle: '@ivan', author_text_key: `k${seq}`, request: JSON.stringify(input) });
    const handle = await env.client.workflow.start('incidentWorkflow', { taskQueue, workflowId: incidentId, args: [input] });
    await handle.executeUpdate(incidentRegistrationUpdate);
    return handle;
  }

  /** The region's incidents in the monitoring rollups: the channel grain, summed over months. */
  async function incidentRollup(): Promise<Record<string, number>> {
    const measures = ['received', 'answered', 'answered_on_time', 'closed', 'open_now', 'overdue_now'];
    const row = await db('monitoring_rollup').where({ region_id: TEST_REGION, grain: 4, channel: 'incident' })
      .select(measures.map((m) => db.raw(`coalesce(sum(${m}), 0)::int as ${m}`))).first();
    return row as Record<string, number>;
  }

  const notices = (id: string) => db('notifications').where({ case_id: id }).orderBy('id').select('recipient_kind', 'recipient_user_id', 'subject');

  it('is routed by the region\'s rules, reminds, goes overdue and reaches the supervisor; the late reply is recorded with its URL', async () => {
    const handle = await ingest();
    const id = handle.workflowId;
    let state = await handle.query(incidentStateQuery);
    assert.equal(state.organisationId, ORG.district, 'the roads rule sends it to the district serving the village');
    assert.equal(state.termHours, 3);
    assert.equal(Date.parse(state.answerDueAt!) - Date.parse(state.registeredAt!), 3 * HOUR);
    const row = await db('cases').where({ id }).first();
    assert.equal(row.case_type, 'incident');
    assert.equal(row.kind, 'incident');
    assert.equal(row.organisation_id, ORG.district);
    assert.deepEqual((await notices(id)).map((n) => n.recipient_kind), ['operator']);

    await env.sleep(2 * HOUR + 60_000);
    state = await handle.query(incidentStateQuery);
    assert.equal(state.reminded, true);
    assert.equal(state.overdue, false);

    await env.sleep(HOUR);
    state = await handle.query(incidentStateQuery);
    assert.equal(state.overdue, true);
    assert.equal(state.status, 'registered', 'an overdue incident still waits for its reply');
    const sent = await notices(id);
    const toSupervisor = sent.filter((n) => n.recipient_kind === 'supervisor');
    assert.equal(toSupervisor.length, 1);
    assert.equal(toSupervisor[0].recipient_user_id, supervisorId);
    assert.match(toSupervisor[0].subject, /Просрочка: инцидент/);
    assert.deepEqual(sent.filter((n) => n.recipient_kind === 'operator').map((n) => n.subject.split(' ')[0]), ['Новый', 'Напоминание:', 'Просрочен']);
    assert.equal((await db('cases').where({ id }).first()).overdue, true);
    assert.deepEqual(await incidentRollup(), { received: 1, answered: 0, answered_on_time: 0, closed: 0, open_now: 1, overdue_now: 1 });

    state = await handle.executeUpdate(replyToIncidentUpdate, { args: [{ actor: districtOperator, text: 'Яму заделают до пятницы', replyUrl: 'https://vk.com/wall-1_1?reply=77' }] });
    assert.equal(state.resolution, 'answered');
    const final = await handle.result();
    assert.equal(final.reply?.url, 'https://vk.com/wall-1_1?reply=77');
    const closed = await db('cases').where({ id }).first();
    assert.equal(closed.status, 'closed');
    assert.equal(closed.resolution, 'answered');
    assert.equal(closed.overdue, true);
    assert.ok(closed.answered_at);
    assert.equal((await db('incidents').where({ id }).first()).reply_url, 'https://vk.com/wall-1_1?reply=77');
  });

  it('is dismissed with a reason before its term and sends nothing more', async () => {
    const handle = await ingest();
    await assert.rejects(handle.executeUpdate(dismissIncidentUpdate, { args: [{ actor: districtOperator, reason: '  ' }] }),
      (e: { cause?: { type?: string; message?: string } }) => e.cause?.type === 'InvalidInput' && /reason must not be empty/.test(e.cause.message ?? ''));
    const state = await handle.executeUpdate(dismissIncidentUpdate, { args: [{ actor: districtOperator, reason: 'Не относится к компетенции края' }] });
    assert.equal(state.resolution, 'dismissed');
    await handle.result();
    await env.sleep(4 * HOUR);
    assert.deepEqual((await notices(handle.workflowId)).map((n) => n.recipient_kind), ['operator']);
    assert.equal((await db('cases').where({ id: handle.workflowId }).first()).resolution, 'dismissed');
  });

  it('counts in the monitoring rollups under the channel incident (the late reply, the dismissal) as a full scan does', async () => {
    // The first incident: received, answered after its term in hours; the second: received, dismissed.
    assert.deepEqual(await incidentRollup(), { received: 2, answered: 1, answered_on_time: 0, closed: 2, open_now: 0, overdue_now: 0 });
    const scan = await compareWithFullScan(db, TEST_REGION);
    assert.deepEqual(scan.stored, scan.scanned);
    assert.deepEqual(scan.storedAnswerDays, scan.scannedAnswerDays);
  });
});
