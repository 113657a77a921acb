// End to end through HTTP: the API, the appeal workflow on a Temporal dev server with a real worker, and
// the read model in PostgreSQL.
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { startPendingIntake } from '../../domain/cases/intake';
import { requestHash } from '../../domain/intake';
import { registrationUpdate } from '../../workflows/appeal/messages';
import { organisationKey, statusKey } from '../../workflows/search-attributes';
import { compareWithFullScan } from '../../domain/monitoring/facts';
import type { Db } from '../../db/connection';
import { createWorker } from '../../ops/worker';
import { ADVISORY_SUBCATEGORY, CAT, ORG, TERRITORY, TEST_REGION, addAdvisoryMunicipalTerm, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { devServerEnv, workflowBundle } from '../support/temporal';
import { call, roleTokens, startTestApi, type RoleTokens, type TestApi } from './helpers';

describe('appeal flow through the API (Temporal dev server)', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `api-flow-${process.pid}`;
  let keyN = 0;
  const key = () => `api-flow-key-${process.pid}-${++keyN}`;

  const appeal = (over: Record<string, unknown> = {}) => ({
    kind: 'appeal', regionId: TEST_REGION, subcategoryId: CAT.potholes, territoryId: TERRITORY.village,
    text: 'A deep pothole on Lenina street.', address: 'Testovoe, Lenina 5',
    applicant: { name: 'Ivan Petrov', email: 'ivan@example.org', postalAddress: 'Testovoe, Lenina 1' }, ...over,
  });

  before(async () => {
    env = await devServerEnv();
    ({ db } = await freshDatabase('api_flow'));
    await createTestRegion(db);
    await addAdvisoryMunicipalTerm(db);
    t = await roleTokens(db);
    worker = await createWorker({ connection: env.nativeConnection, db, taskQueue, namespace: env.namespace ?? 'default', workflowBundle: await workflowBundle() });
    running = worker.run();
    api = await startTestApi(db, { temporal: env.client, taskQueue, waitMs: 60_000 });
  });

  after(async () => {
    await api?.close();
    worker?.shutdown();
    await running;
  });

  let first: string;

  it('registers a case: 201 with the routed case, a registration number, and the intake marked started', async () => {
    const k = key();
    const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': k }, body: appeal() });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    first = r.body.id;
    const year = new Date().getUTCFullYear();
    const prefix = (await db('regions').where({ id: TEST_REGION }).first('number_prefix')).number_prefix;
    assert.match(first, new RegExp(`^${prefix}-(${year}|${year + 1})-000001$`));
    assert.equal(r.headers.get('location'), `/cases/${first}`);
    assert.equal(r.body.status, 'registered');
    assert.equal(r.body.organisationId, ORG.district);
    assert.equal(r.body.categoryId, CAT.roads);
    assert.equal(r.body.termDays, 30);
    assert.ok(Date.parse(r.body.answerDueAt) > Date.now() + 29 * 86_400_000);
    assert.deepEqual(r.body.applicant, { name: 'Ivan Petrov', email: 'ivan@example.org', postalAddress: 'Testovoe, Lenina 1' });
    assert.equal(r.body.timeline[0].type, 'registered');
    assert.equal(r.body.location, null);
    assert.equal(r.body.mediaUrl, null);
    const intake = await db('case_intake').where({ case_id: first }).first();
    assert.ok(intake.started_at);
    assert.equal(intake.request.applicant.userId, t.citizenUser.id);

    // The same key and body: the same case, 200, Idempotent-Replayed.
    const again = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': k }, body: appeal() });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.body.id, first);
    // The same key, another body: 422, nothing new.
    const other = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': k }, body: appeal({ text: 'Something else' }) });
    assert.equal(other.status, 422);
    assert.equal(other.body.type, 'urn:otklik:problem:idempotency-key-reused');
    assert.equal(Number((await db('case_intake').count('* as n'))[0].n), 1);
    // The same key from another citizen is another submission.
    const second = await call(api, 'POST', '/appeals', { token: t.otherCitizen, headers: { 'idempotency-key': k }, body: appeal() });
    assert.equal(second.status, 201);
    assert.match(second.body.id, /-000002$/);
    assert.equal((await call(api, 'GET', `/cases/${second.body.id}`, { token: t.citizen })).status, 404);
  });

  it('keeps the place of a problem as a point and a media link, and refuses a point off the globe', async () => {
    const located = { location: { latitude: 53.3481, longitude: 83.7798 }, mediaUrl: 'https://photos.example.org/pothole.jpg' };
    const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal(located) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.location, r.body.mediaUrl], [located.location, located.mediaUrl]);
    const read = await call(api, 'GET', `/cases/${r.body.id}`, { token: t.district });
    assert.deepEqual([read.body.location, read.body.mediaUrl], [located.location, located.mediaUrl]);
    const before = Number((await db('case_intake').count('* as n'))[0].n);
    for (const bad of [{ location: { latitude: 91, longitude: 0 } }, { location: { latitude: 10 } }, { mediaUrl: 'javascript:alert(1)' }]) {
      const refused = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal(bad) });
      assert.equal(refused.status, 400, JSON.stringify(bad));
    }
    assert.equal(Number((await db('case_intake').count('* as n'))[0].n), before, 'nothing stored');
  });

  it('shows a municipality\'s advisory 10-day target beside its binding 30-day term, and lists missed targets apart', async () => {
    const preview = await call(api, 'POST', '/routing/preview', { token: t.citizen, body: { regionId: TEST_REGION, subcategoryId: ADVISORY_SUBCATEGORY, territoryId: TERRITORY.village } });
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    assert.deepEqual([preview.body.termDays, preview.body.advisory], [30, true]);
    const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal({ subcategoryId: ADVISORY_SUBCATEGORY }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const c = r.body;
    assert.equal(c.organisationId, ORG.district);
    assert.deepEqual([c.termDays, c.accelerated, c.termAdvisory, c.advisoryMissed, c.overdue], [30, true, true, false, false]);
    const days = (iso: string) => (Date.parse(iso) - Date.parse(c.registeredAt)) / 86_400_000;
    assert.ok(days(c.advisoryDueAt) > 10 && days(c.advisoryDueAt) <= 11, `advisory target ${c.advisoryDueAt}`);
    assert.ok(days(c.answerDueAt) > 30 && days(c.answerDueAt) <= 31, `binding term ${c.answerDueAt}`);
    const ordinary = await call(api, 'GET', `/cases/${first}`, { token: t.district });
    assert.deepEqual([ordinary.body.termAdvisory, ordinary.body.advisoryDueAt, ordinary.body.advisoryMissed], [false, null, false]);
    // The timer's flag (test/workflows/appeal.test.ts) as the lists read it: apart from the overdue ones.
    await db('cases').where({ id: c.id }).update({ advisory_missed: true });
    const missed = await call(api, 'GET', '/cases?advisoryMissed=true', { token: t.supervisor });
    assert.deepEqual(missed.body.items.map((x: { id: string }) => x.id), [c.id]);
    const overdue = await call(api, 'GET', '/supervision/overdue', { token: t.supervisor });
    assert.ok(!overdue.body.items.some((x: { id: string }) => x.id === c.id), 'a missed advisory target is not overdue');
  });

  it('runs the operator and applicant actions, mapping workflow refusals to 403/409/422', async () => {
    // Not the handling organisation: 404. The applicant cannot rate before an answer: 409.
    assert.equal((await call(api, 'POST', `/cases/${first}/take`, { token: t.ministry })).status, 404);
    const early = await call(api, 'POST', `/cases/${first}/rating`, { token: t.citizen, body: { rating: 5 } });
    assert.equal(early.status, 409, JSON.stringify(early.body));
    assert.equal(early.body.type, 'urn:otklik:problem:invalid-transition');

    const k = key();
    const take = await call(api, 'POST', `/cases/${first}/take`, { token: t.district, headers: { 'idempotency-key': k } });
    assert.equal(take.status, 200, JSON.stringify(take.body));
    assert.equal(take.body.status, 'in_work');
    // The same Idempotency-Key: the first result again, not a second (refused) take.
    const retake = await call(api, 'POST', `/cases/${first}/take`, { token: t.district, headers: { 'idempotency-key': k } });
    assert.equal(retake.status, 200);
    assert.equal(retake.body.status, 'in_work');
    const twice = await call(api, 'POST', `/cases/${first}/take`, { token: t.district });
    assert.equal(twice.status, 409);

    const ext = await call(api, 'POST', `/cases/${first}/extension`, { token: t.district, body: { days: 10, reason: 'Need a site visit' } });
    assert.equal(ext.status, 200, JSON.stringify(ext.body));
    assert.equal(ext.body.extended, true);
    const ext2 = await call(api, 'POST', `/cases/${first}/extension`, { token: t.district, body: { days: 5, reason: 'Again' } });
    assert.equal(ext2.status, 409);

    const unknownOrg = await call(api, 'POST', `/cases/${first}/redirect`, { token: t.district, body: { organisationId: 'nowhere', reason: 'x' } });
    assert.equal(unknownOrg.status, 422);

    const answer = await call(api, 'POST', `/cases/${first}/answer`, { token: t.district, body: { text: 'Repaired on Monday.' } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'answered');
    assert.equal(answer.body.answer.text, 'Repaired on Monday.');
    assert.deepEqual(answer.body.answer.attachments, []); // uploaded files and their references: test/integration/attachments.test.ts

    const rated = await call(api, 'POST', `/cases/${first}/rating`, { token: t.citizen, body: { rating: 5, comment: 'Thanks' } });
    assert.equal(rated.status, 200, JSON.stringify(rated.body));
    assert.equal(rated.body.status, 'closed');
    assert.equal(rated.body.resolution, 'rated_positive');
    assert.deepEqual(
      rated.body.timeline.map((e: { type: string }) => e.type),
      ['registered', 'taken_into_work', 'term_extended', 'answered', 'rated', 'closed'].filter((x) => rated.body.timeline.some((e: { type: string }) => e.type === x)),
    );
    const closedAction = await call(api, 'POST', `/cases/${first}/answer`, { token: t.district, body: { text: 'More' } });
    assert.equal(closedAction.status, 409);
  });

  it('reopens a case whose workflow has completed, in a new run, and shows the history of both runs', async () => {
    // Wait until the closed case's workflow has completed.
    const handle = env.client.workflow.getHandle(first);
    await handle.result();
    const reopened = await call(api, 'POST', `/cases/${first}/overrides/reopen`, { token: t.supervisor, body: { reason: 'The pothole is back' } });
    assert.equal(reopened.status, 200, JSON.stringify(reopened.body));
    assert.notEqual(reopened.body.status, 'closed');
    assert.equal(reopened.body.round, 2);
    assert.ok(reopened.body.timeline.some((e: { type: string }) => e.type === 'reopened'));

    const history = await call(api, 'GET', `/cases/${first}/history`, { token: t.supervisor });
    assert.equal(history.status, 200, JSON.stringify(history.body));
    assert.equal(history.body.runs.length, 2);
    const kinds = new Set(history.body.entries.map((e: { kind: string }) => e.kind));
    for (const k of ['workflow_started', 'update_accepted', 'update_completed', 'local_activity_completed', 'workflow_completed']) {
      assert.ok(kinds.has(k), `history lacks ${k}`);
    }
    const take = history.body.entries.find((e: { kind: string; name?: string }) => e.kind === 'update_accepted' && e.name === 'takeIntoWork');
    assert.equal(take.actor.role, 'operator');
    assert.equal(take.actor.organisationId, ORG.district);
    const restart = history.body.entries.filter((e: { kind: string }) => e.kind === 'workflow_started')[1];
    assert.match(restart.summary, /reopen.*The pothole is back/);
    assert.equal(restart.actor.role, 'supervisor');
    // Oldest run first, each run's entries in event order.
    const runOrder = history.body.runs.map((r: { runId: string }) => r.runId);
    const entryRuns = history.body.entries.map((e: { runId: string }) => runOrder.indexOf(e.runId));
    assert.deepEqual(entryRuns, [...entryRuns].sort((a, b) => a - b));
    for (const run of runOrder) {
      const ids = history.body.entries.filter((e: { runId: string }) => e.runId === run).map((e: { eventId: number }) => e.eventId);
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    }

    // Operators of the handling organisation may read it; citizens may not.
    assert.equal((await call(api, 'GET', `/cases/${first}/history`, { token: t.district })).status, 200);
    assert.equal((await call(api, 'GET', `/cases/${first}/history`, { token: t.citizen })).status, 403);
  });

  it('applies supervisor overrides on a running case: reassign, term, close', async () => {
    const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal({ kind: 'message' }) });
    assert.equal(r.status, 201);
    const id = r.body.id;
    const reassigned = await call(api, 'POST', `/cases/${id}/overrides/reassign`, { token: t.supervisor, body: { organisationId: ORG.transport, reason: 'Roads are regional' } });
    assert.equal(reassigned.status, 200, JSON.stringify(reassigned.body));
    assert.equal(reassigned.body.organisationId, ORG.transport);
    const due = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const term = await call(api, 'POST', `/cases/${id}/overrides/term`, { token: t.supervisor, body: { answerDueAt: due, reason: 'Urgent' } });
    assert.equal(term.status, 200, JSON.stringify(term.body));
    assert.equal(term.body.answerDueAt, due);
    const past = await call(api, 'POST', `/cases/${id}/overrides/term`, { token: t.supervisor, body: { answerDueAt: '2020-01-01T00:00:00Z', reason: 'x' } });
    assert.equal(past.status, 422);
    // The district operator lost the case with the reassignment.
    assert.equal((await call(api, 'GET', `/cases/${id}`, { token: t.district })).status, 404);
    const closed = await call(api, 'POST', `/cases/${id}/overrides/close`, { token: t.admin, body: { reason: 'Duplicate' } });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.status, 'closed');
    assert.equal(closed.body.resolution, 'closed_by_supervisor');
  });

  it('starts the workflow of an intake whose start was lost (startPendingIntake)', async () => {
    const caseId = `${(await db('regions').where({ id: TEST_REGION }).first('number_prefix')).number_prefix}-2026-900001`;
    await db('case_intake').insert({
      applicant_user_id: t.citizenUser.id, idempotency_key: 'lost-start-0001', request_hash: 'x', case_id: caseId,
      request: JSON.stringify({
        caseId, kind: 'appeal', regionId: TEST_REGION, applicant: { userId: t.citizenUser.id, name: 'Ivan Petrov', email: null, postalAddress: null },
        categoryId: CAT.medicine, subcategoryId: CAT.ambulance, territoryId: null, text: 'No ambulance came.', address: null, attachments: [],
      }),
      created_at: new Date(Date.now() - 60_000),
    });
    assert.equal(await startPendingIntake(env.client, db, taskQueue), 1);
    assert.equal(await startPendingIntake(env.client, db, taskQueue), 0);
    const deadline = Date.now() + 30_000;
    let row;
    while (!(row = await db('cases').where({ id: caseId }).first()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(row, 'the case was not registered');
    assert.equal(row.organisation_id, ORG.ministry);
    assert.ok((await db('case_intake').where({ case_id: caseId }).first()).started_at);
  });

  it('projects the registration of an intake whose start was lost and starts its workflow registered, with its search attributes', async () => {
    const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal({ text: 'Registered at intake.' }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    // As if the API had died right after the intake transaction of another case: its intake is there
    // (copied under a number no workflow has), not marked started; no case row, no workflow.
    const lost = `${(await db('regions').where({ id: TEST_REGION }).first('number_prefix')).number_prefix}-2026-900002`;
    const intake = await db('case_intake').where({ case_id: r.body.id }).first();
    await db('case_intake').insert({
      ...intake, idempotency_key: 'lost-start-0002', case_id: lost, request: JSON.stringify({ ...intake.request, caseId: lost }),
      created_at: new Date(Date.parse(r.body.registeredAt) - 60_000), started_at: null,
    });
    assert.equal(await startPendingIntake(env.client, db, taskQueue), 1);
    const row = await db('cases').where({ id: lost }).first();
    assert.deepEqual([row.status, row.organisation_id, row.last_seq], ['registered', ORG.district, 1]);
    assert.deepEqual((await db('case_events').where({ case_id: lost })).map((e) => [e.seq, e.type]), [[1, 'registered']]);
    const handle = env.client.workflow.getHandle(lost);
    const state = await handle.executeUpdate(registrationUpdate);
    assert.deepEqual([state.status, state.organisationId, state.seq, state.answerDueAt], ['registered', ORG.district, 1, row.answer_due_at.toISOString()]);
    const attributes = (await handle.describe()).typedSearchAttributes;
    assert.deepEqual([attributes.get(statusKey), attributes.get(organisationKey)], ['registered', ORG.district]);
    assert.ok((await db('case_intake').where({ case_id: lost }).first()).started_at);
    assert.equal(await startPendingIntake(env.client, db, taskQueue), 0);
    assert.equal(Number((await db('case_events').where({ case_id: lost }).count({ n: '*' }))[0].n), 1, 'projected once');
  });

  it('registers an intake accepted before cases were registered at intake when it is repeated: its workflow routes it', async () => {
    const body = appeal({ text: 'Accepted by the previous version.' });
    const caseId = `${(await db('regions').where({ id: TEST_REGION }).first('number_prefix')).number_prefix}-2026-900003`;
    await db('case_intake').insert({
      applicant_user_id: t.citizenUser.id, idempotency_key: 'before-registration-at-intake', request_hash: requestHash(body), case_id: caseId,
      request: JSON.stringify({
        caseId, kind: 'appeal', regionId: TEST_REGION, applicant: { userId: t.citizenUser.id, name: 'Ivan Petrov', email: 'ivan@example.org', postalAddress: 'Testovoe, Lenina 1' },
        categoryId: CAT.roads, subcategoryId: CAT.potholes, territoryId: TERRITORY.village, text: body.text, address: body.address, attachments: [],
      }),
      created_at: new Date(),
    });
    const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': 'before-registration-at-intake' }, body });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.id, r.body.status, r.body.organisationId], [caseId, 'registered', ORG.district]);
    assert.ok((await db('case_intake').where({ case_id: caseId }).first()).started_at);
  });

  it('keeps the monitoring rollups in step with every transition the workflows projected', async () => {
    const c = await compareWithFullScan(db, TEST_REGION);
    assert.deepEqual(c.stored, c.scanned);
    assert.deepEqual(c.storedAnswerDays, c.scannedAnswerDays);
    const cases = Number((await db('cases').where({ region_id: TEST_REGION }).count({ n: '*' }))[0].n);
    const received = c.stored.filter((r) => r.grain === 0).reduce((sum, r) => sum + Number(r.received), 0);
    assert.ok(cases > 3);
    assert.equal(received, cases);
    assert.deepEqual(await db('cases').where({ region_id: TEST_REGION }).distinct('channel').pluck('channel'), ['web']);
  });

  it('counts a case under the channel it came through: web by default, embed when the embedded form says so', async () => {
    const channelOf = async (id: string) => (await db('cases').where({ id }).first('channel')).channel;
    const web = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal() });
    const embedded = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal({ channel: 'embed' }) });
    assert.equal(embedded.status, 201, JSON.stringify(embedded.body));
    assert.deepEqual([await channelOf(web.body.id), await channelOf(embedded.body.id)], ['web', 'embed']);
    assert.deepEqual([web.body.channel, embedded.body.channel], ['web', 'embed'], 'the case says how it came in');
    const listed = await call(api, 'GET', '/cases?channel=embed', { token: t.supervisor });
    assert.deepEqual(listed.body.items.map((c: { channel: string }) => c.channel), ['embed']);
    const intakes = Number((await db('case_intake').count('* as n'))[0].n);
    const other = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal({ channel: 'open311' }) });
    assert.equal(other.status, 400, 'only web and embed are the form\'s to say');
    assert.equal(Number((await db('case_intake').count('* as n'))[0].n), intakes, 'nothing stored');
  });
});
