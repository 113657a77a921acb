import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../db/connection';
import {
  answerUpdate, changeTermUpdate, closeUpdate, extendTermUpdate, rateUpdate, reassignUpdate, redirectUpdate,
  registrationUpdate, replyToClarificationUpdate, requestClarificationUpdate, runInput, stateQuery, takeIntoWorkUpdate,
  type AppealInput, type AppealState,
} from '../../workflows/appeal/messages';
import type { Actor } from '../../workflows/shared/actor';
import { composeOverdueDigests } from '../../domain/cases/overdue-digest';
import { appealRouting, type CaseClassification } from '../../domain/reference/routing';
import { registration, startingState } from '../../workflows/appeal/transitions';
import { Worker } from '@temporalio/worker';
import { startWorkflowHarness, type WorkflowHarness } from '../support/platform';
import { workflowBundle } from '../support/temporal';
import { ADVISORY_SUBCATEGORY, CAT, ORG, TERRITORY, TEST_REGION, addAdvisoryMunicipalTerm, createTestRegion, createUser } from '../support/fixtures';

const DAY = 24 * 60 * 60 * 1000;

describe('appeal workflow (time-skipping server)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let db: Db;
  let harness: WorkflowHarness;
  let citizen: Actor;
  let operators: Record<string, Actor>;
  let supervisor: Actor;
  let seq = 0;
  const taskQueue = 'appeal-workflow-test';

  before(async () => {
    harness = await startWorkflowHarness('appeal_wf', taskQueue, async (d) => {
      db = d;
      await createTestRegion(db);
      await addAdvisoryMunicipalTerm(db);
      citizen = { role: 'citizen', userId: await createUser(db, { role: 'citizen', name: 'Иван Петров', email: 'ivan@example.org' }) };
      operators = {};
      for (const org of Object.values(ORG)) {
        operators[org] = { role: 'operator', organisationId: org, userId: await createUser(db, { role: 'operator', name: `Оператор ${org}`, email: `${org}@example.org`, organisation_id: org }) };
      }
      supervisor = { role: 'supervisor', regionId: TEST_REGION, userId: await createUser(db, { role: 'supervisor', name: 'ЦУР', email: 'cur@example.org', region_id: TEST_REGION }) };
    });
    env = harness.env;
  });

  after(async () => {
    await harness?.stop();
  });

  /** Starts a case as the platform does (runInput); `startedBefore`: with an input from before AppealInput.localActivities. */
  async function submit(subcategoryId: string, territoryId: string | null = TERRITORY.village, extra: Partial<AppealInput> = {}, startedBefore = false): Promise<WorkflowHandle> {
    const caseId = `99-2026-${String(++seq).padStart(6, '0')}`;
    const input: AppealInput = {
      caseId, kind: 'appeal', regionId: TEST_REGION,
      applicant: { userId: citizen.userId, name: 'Иван Петров', email: 'ivan@example.org', postalAddress: 'с. Тестовое, ул. Ленина, 1' },
      categoryId: subcategoryId === CAT.ambulance ? CAT.medicine : CAT.roads, subcategoryId, territoryId,
      text: 'Скорая помощь не приехала по вызову', receivedAt: new Date(await env.currentTimeMs()).toISOString(), ...extra,
    };
    const args = [startedBefore ? input : runInput(input)];
    const handle = await env.client.workflow.start('appealWorkflow', { taskQueue, workflowId: caseId, args });
    await handle.executeUpdate(registrationUpdate);
    return handle;
  }

  /** Starts a case as the API does since it registers cases at intake: its registration carried into the first run. */
  async function submitRegistered(c: CaseClassification, receivedAt: string): Promise<WorkflowHandle> {
    const caseId = `99-2026-${String(++seq).padStart(6, '0')}`;
    const input: AppealInput = runInput({
      caseId, kind: 'appeal', regionId: c.regionId, applicant: { userId: citizen.userId, name: 'Иван Петров', email: 'ivan@example.org' },
      categoryId: c.categoryId, subcategoryId: c.subcategoryId, territoryId: c.territoryId, text: 'Скорая помощь не приехала по вызову', receivedAt,
    });
    const { state } = registration(startingState(input), input, await appealRouting(db, c, receivedAt));
    return env.client.workflow.start('appealWorkflow', { taskQueue, workflowId: caseId, args: [{ ...input, carried: state }] });
  }

  const events = async (caseId: string) => (await db('case_events').where({ case_id: caseId }).orderBy('seq')).map((e) => e.type);

  async function expectRejected(p: Promise<unknown>, type: string, pattern: RegExp) {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof WorkflowUpdateFailedError, `expected an update failure, got ${e}`);
      const cause = e.cause as { type?: string; message: string };
      assert.equal(cause.type, type);
      assert.match(cause.message, pattern);
      return true;
    });
  }

  it('routes an accelerated case, goes overdue after 10 days and notifies the supervisor', async () => {
    const handle = await submit(CAT.ambulance);
    let state = await handle.query(stateQuery);
    assert.equal(state.organisationId, ORG.ministry);
    assert.equal(state.termDays, 10);
    assert.equal(state.accelerated, true);
    const row = await db('cases').where({ id: handle.workflowId }).first();
    assert.equal(row.organisation_id, ORG.ministry);
    assert.equal(row.status, 'registered');
    assert.equal(new Date(row.answer_due_at).toISOString(), state.answerDueAt);

    await env.sleep(9 * DAY);
    state = await handle.query(stateQuery);
    assert.equal(state.overdue, false);
    await env.sleep(2 * DAY);
    state = await handle.query(stateQuery);
    assert.equal(state.overdue, true);
    assert.equal(state.status, 'registered', 'an overdue case stays open for its organisation');
    assert.deepEqual(await events(handle.workflowId), ['registered', 'reminder', 'reminder', 'overdue']);
    // The supervisors are told in their next digest (domain/cases/overdue-digest.ts), not by a mail per case.
    assert.equal((await db('notifications').where({ case_id: handle.workflowId, recipient_kind: 'supervisor' })).length, 0);
    assert.equal((await db('overdue_notices').where({ case_id: handle.workflowId, digest_id: null })).length, 1);
    assert.equal(await composeOverdueDigests(db, { quietSeconds: 0, maxDelaySeconds: 0 }), 1);
    const toSupervisor = await db('notifications').where({ recipient_kind: 'supervisor', recipient_user_id: supervisor.userId });
    assert.equal(toSupervisor.length, 1);
    assert.match(toSupervisor[0].subject, /^Просрочка: 1 обращение без ответа в срок$/);
    assert.ok(toSupervisor[0].body.includes(`№ ${handle.workflowId}`));
    const caseRow = await db('cases').where({ id: handle.workflowId }).first();
    assert.equal(caseRow.overdue, true);
  });

  it('flags a municipality\'s advisory 10-day target as missed after 10 days, and overdue only after the binding 30', async () => {
    const handle = await submit(ADVISORY_SUBCATEGORY);
    let state = await handle.query(stateQuery);
    assert.equal(state.organisationId, ORG.district);
    assert.deepEqual([state.termDays, state.accelerated, state.advisory], [30, true, true]);
    assert.equal(Date.parse(state.answerDueAt!) - Date.parse(state.advisoryDueAt!), 20 * DAY);
    await env.sleep(9 * DAY);
    state = await handle.query(stateQuery);
    assert.deepEqual([state.advisoryMissed, state.overdue], [false, false]);
    await env.sleep(2 * DAY);
    state = await handle.query(stateQuery);
    assert.deepEqual([state.advisoryMissed, state.overdue], [true, false]);
    let row = await db('cases').where({ id: handle.workflowId }).first();
    assert.deepEqual([row.advisory_missed, row.overdue], [true, false]);
    assert.equal((await db('overdue_notices').where({ case_id: handle.workflowId })).length, 0, 'a missed advisory target is not reported as a violation');
    await env.sleep(20 * DAY);
    state = await handle.query(stateQuery);
    assert.deepEqual([state.advisoryMissed, state.overdue], [true, true]);
    row = await db('cases').where({ id: handle.workflowId }).first();
    assert.equal(row.overdue, true);
    const types = await events(handle.workflowId);
    assert.deepEqual(types.filter((t) => t !== 'reminder'), ['registered', 'advisory_term_missed', 'overdue']);
    assert.equal((await db('overdue_notices').where({ case_id: handle.workflowId })).length, 1);
  });

  it('escalates a negative rating to the parent with a new term, up to the top', async () => {
    const handle = await submit(CAT.potholes);
    let state = await handle.query(stateQuery);
    assert.equal(state.organisationId, ORG.district);
    assert.equal(state.termDays, 30);
    await handle.executeUpdate(takeIntoWorkUpdate, { args: [{ actor: operators[ORG.district] }] });
    await handle.executeUpdate(answerUpdate, { args: [{ actor: operators[ORG.district], text: 'Яму засыпали' }] });
    await env.sleep(DAY);
    const before = Date.parse(state.answerDueAt!);
    state = await handle.executeUpdate(rateUpdate, { args: [{ actor: citizen, rating: 1 }] });
    assert.equal(state.organisationId, ORG.government);
    assert.equal(state.status, 'registered');
    assert.equal(state.round, 2);
    assert.deepEqual(state.previousOrganisations, [ORG.district]);
    assert.ok(Date.parse(state.answerDueAt!) > before, 'the repeat processing has a new term');
    assert.equal((await db('cases').where({ id: handle.workflowId }).first()).organisation_id, ORG.government);

    await handle.executeUpdate(answerUpdate, { args: [{ actor: operators[ORG.government], text: 'Поручили району' }] });
    state = await handle.executeUpdate(rateUpdate, { args: [{ actor: citizen, rating: 2 }] });
    assert.equal(state.status, 'closed');
    assert.equal(state.resolution, 'negative_at_top');
    const final = (await handle.result()) as AppealState;
    assert.equal(final.status, 'closed');
    assert.deepEqual(await events(handle.workflowId), ['registered', 'taken_into_work', 'answered', 'escalated', 'answered', 'closed']);
  });

  it('allows one extension only, of at most 30 days', async () => {
    const handle = await submit(CAT.potholes);
    const op = operators[ORG.district];
    await expectRejected(handle.executeUpdate(extendTermUpdate, { args: [{ actor: op, days: 31, reason: 'Нужна экспертиза' }] }), 'InvalidInput', /1 to 30/);
    const before = (await handle.query(stateQuery)).answerDueAt!;
    const state = await handle.executeUpdate(extendTermUpdate, { args: [{ actor: op, days: 30, reason: 'Нужна экспертиза' }] });
    assert.equal(Date.parse(state.answerDueAt!) - Date.parse(before), 30 * DAY);
    await expectRejected(handle.executeUpdate(extendTermUpdate, { args: [{ actor: op, days: 5, reason: 'Ещё' }] }), 'InvalidTransition', /already been extended/);
    await expectRejected(handle.executeUpdate(extendTermUpdate, { args: [{ actor: operators[ORG.ministry], days: 5, reason: 'Чужой' }] }), 'Forbidden', /operator of the organisation/);
    assert.deepEqual(await events(handle.workflowId), ['registered', 'term_extended']);
  });

  it('redirects to another organisation and rejects a redirect to an unknown one', async () => {
    const handle = await submit(CAT.ambulance);
    await expectRejected(handle.executeUpdate(redirectUpdate, { args: [{ actor: operators[ORG.ministry], organisationId: 'nowhere', reason: 'Не наш вопрос' }] }), 'InvalidInput', /does not exist/);
    await expectRejected(handle.executeUpdate(redirectUpdate, { args: [{ actor: operators[ORG.ministry], organisationId: ORG.school, reason: 'Не наш вопрос' }] }), 'InvalidInput', /does not handle appeals/);
    const state = await handle.executeUpdate(redirectUpdate, { args: [{ actor: operators[ORG.ministry], organisationId: ORG.transport, reason: 'Вопрос дорог' }] });
    assert.equal(state.organisationId, ORG.transport);
    await expectRejected(handle.executeUpdate(takeIntoWorkUpdate, { args: [{ actor: operators[ORG.ministry] }] }), 'Forbidden', /operator/);
    await handle.executeUpdate(takeIntoWorkUpdate, { args: [{ actor: operators[ORG.transport] }] });
    const notes = await db('notifications').where({ case_id: handle.workflowId, recipient_kind: 'applicant' }).orderBy('id');
    assert.deepEqual(notes.map((n) => n.subject.split(' ')[0]), ['Ваше', 'Обращение']);
    assert.match(notes[1].subject, /перенаправлено/);
  });

  it('round-trips a clarification with the applicant', async () => {
    const handle = await submit(CAT.ambulance);
    const op = operators[ORG.ministry];
    await handle.executeUpdate(takeIntoWorkUpdate, { args: [{ actor: op }] });
    await expectRejected(handle.executeUpdate(replyToClarificationUpdate, { args: [{ actor: citizen, text: 'Адрес: ул. Ленина, 1' }] }), 'InvalidTransition', /clarification_requested|in_work/);
    let state = await handle.executeUpdate(requestClarificationUpdate, { args: [{ actor: op, question: 'Уточните адрес' }] });
    assert.equal(state.status, 'clarification_requested');
    const stranger: Actor = { role: 'citizen', userId: 999_999 };
    await expectRejected(handle.executeUpdate(replyToClarificationUpdate, { args: [{ actor: stranger, text: 'Чужой' }] }), 'Forbidden', /applicant/);
    state = await handle.executeUpdate(replyToClarificationUpdate, { args: [{ actor: citizen, text: 'Адрес: ул. Ленина, 1' }] });
    assert.equal(state.status, 'in_work');
    assert.equal(state.clarification?.reply, 'Адрес: ул. Ленина, 1');
  });

  it('closes on a positive rating, and on a silent rating window', async () => {
    const positive = await submit(CAT.ambulance);
    await positive.executeUpdate(answerUpdate, { args: [{ actor: operators[ORG.ministry], text: 'Бригада выехала' }] });
    const rated = await positive.executeUpdate(rateUpdate, { args: [{ actor: citizen, rating: 5 }] });
    assert.equal(rated.resolution, 'rated_positive');
    assert.equal(((await positive.result()) as AppealState).status, 'closed');

    const silent = await submit(CAT.ambulance);
    await silent.executeUpdate(answerUpdate, { args: [{ actor: operators[ORG.ministry], text: 'Бригада выехала' }] });
    await expectRejected(silent.executeUpdate(rateUpdate, { args: [{ actor: citizen, rating: 7 }] }), 'InvalidInput', /1 and 5|1 to 5|1–5|1-5/);
    await env.sleep(11 * DAY);
    const final = (await silent.result()) as AppealState;
    assert.equal(final.resolution, 'rating_window_expired');
    assert.equal((await db('cases').where({ id: silent.workflowId }).first()).status, 'closed');
  });

  it('applies supervisor overrides: reassign, change the term, close, reopen', async () => {
    const handle = await submit(CAT.ambulance);
    await expectRejected(handle.executeUpdate(closeUpdate, { args: [{ actor: operators[ORG.ministry], reason: 'Хочу закрыть' }] }), 'Forbidden', /supervisor/);
    let state = await handle.executeUpdate(reassignUpdate, { args: [{ actor: supervisor, organisationId: ORG.transport, reason: 'Дороги' }] });
    assert.equal(state.organisationId, ORG.transport);
    const due = new Date(Date.parse(state.answerDueAt!) + 5 * DAY).toISOString();
    state = await handle.executeUpdate(changeTermUpdate, { args: [{ actor: supervisor, answerDueAt: due, reason: 'Согласовано' }] });
    assert.equal(state.answerDueAt, due);
    state = await handle.executeUpdate(closeUpdate, { args: [{ actor: supervisor, reason: 'Дубликат' }] });
    assert.equal(state.resolution, 'closed_by_supervisor');
    const final = (await handle.result()) as AppealState;

    // A closed case's workflow has completed: a reopen starts a new run that carries the state.
    const reopened = await env.client.workflow.start('appealWorkflow', {
      taskQueue, workflowId: handle.workflowId, workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      args: [{ ...inputOf(final, citizen), carried: final, reopen: { actor: supervisor, reason: 'Жалоба заявителя' } }],
    });
    state = await reopened.executeUpdate(registrationUpdate);
    assert.equal(state.status, 'registered');
    assert.equal(state.round, 2);
    assert.equal(state.organisationId, ORG.transport);
    const types = await events(handle.workflowId);
    assert.deepEqual(types, ['registered', 'reassigned', 'term_changed', 'closed', 'reopened']);
    const detail = await db('case_events').where({ case_id: handle.workflowId, type: 'closed' }).first();
    assert.equal(detail.actor_user_id, supervisor.userId);
    assert.equal(detail.details.reason, 'Дубликат');
  });

  it('continues as new when the history grows, keeping the state, the timers and the projection', async () => {
    const handle = await submit(CAT.ambulance, TERRITORY.village, { historyLimit: 20 });
    const firstRun = (await handle.describe()).runId;
    const op = operators[ORG.ministry];
    await handle.executeUpdate(takeIntoWorkUpdate, { args: [{ actor: op }] });
    // Each clarification round trip adds update and activity events until the run passes the limit.
    for (let i = 0; i < 4; i++) {
      await handle.executeUpdate(requestClarificationUpdate, { args: [{ actor: op, question: `Вопрос ${i}` }] });
      await handle.executeUpdate(replyToClarificationUpdate, { args: [{ actor: citizen, text: `Ответ ${i}` }] });
    }
    await env.sleep(60_000); // a timer turn of the main loop, where it checks the history length
    const current = env.client.workflow.getHandle(handle.workflowId);
    const description = await current.describe();
    assert.notEqual(description.runId, firstRun, 'a new run has started');
    const state = await current.query(stateQuery);
    assert.equal(state.status, 'in_work');
    assert.equal(state.clarification?.reply, 'Ответ 3');
    assert.equal(state.seq, 10);
    // The term timer lives on in the new run.
    await env.sleep(11 * DAY);
    assert.equal((await current.query(stateQuery)).overdue, true);
    assert.equal((await db('cases').where({ id: handle.workflowId }).first()).overdue, true);
    const types = await events(handle.workflowId);
    assert.equal(types.filter((t) => t === 'overdue').length, 1);
    const seqs = (await db('case_events').where({ case_id: handle.workflowId }).orderBy('seq')).map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'one event per step across both runs, none lost or repeated');
  });

  it('runs locally without a patch marker when its input says so, asks the patch when it does not, starts registered when registered at intake, and all replay', async () => {
    const markers = async (handle: WorkflowHandle) => ((await handle.fetchHistory()).events ?? [])
      .map((e) => e.markerRecordedEventAttributes?.markerName).filter((name): name is string => Boolean(name));
    // A run started by today's code (runInput): local activities only, no patch marker.
    const current = await submit(CAT.ambulance);
    assert.deepEqual(await markers(current), ['core_local_activity', 'core_local_activity']);
    // A run whose input does not say (started before the flag): the patch marker first, then the same.
    const earlier = await submit(CAT.ambulance, TERRITORY.village, {}, true);
    assert.deepEqual(await markers(earlier), ['core_patch', 'core_local_activity', 'core_local_activity']);
    // Registered at intake, as the API starts a case now (domain/cases/intake.ts appealInputOf): the run
    // starts from the registered state, with nothing to look up or project, and answers the registration.
    const receivedAt = new Date(await env.currentTimeMs()).toISOString();
    const classification = { regionId: TEST_REGION, categoryId: CAT.medicine, subcategoryId: CAT.ambulance, territoryId: TERRITORY.village };
    const registeredAtIntake = await submitRegistered(classification, receivedAt);
    const registered = (s: AppealState) => [s.status, s.organisationId, s.termDays, s.accelerated, s.regulation, s.seq];
    assert.deepEqual(registered(await registeredAtIntake.executeUpdate(registrationUpdate)), registered(await current.query(stateQuery)));
    // Read after the update answered, so the run's first task is in its history.
    const history = (await registeredAtIntake.fetchHistory()).events ?? [];
    assert.ok(history.some((e) => e.timerStartedEventAttributes), 'its first task set the term timer');
    assert.deepEqual(await markers(registeredAtIntake), []);
    for (const handle of [current, earlier, registeredAtIntake]) {
      assert.equal((await handle.query(stateQuery)).status, 'registered');
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await handle.fetchHistory(), handle.workflowId);
      // Left running, their term timers would fire in later files' skipped time on a queue no worker
      // polls any more, and the time-skipping server stops skipping while their tasks wait.
      await handle.terminate('test done');
    }
  });

  it('keeps its deadline timer through a take, replaces it when the answer moves the deadline, and a run started before waits as it did', async () => {
    const timers = async (handle: WorkflowHandle) => {
      const history = (await handle.fetchHistory()).events ?? [];
      return { started: history.filter((e) => e.timerStartedEventAttributes).length, cancelled: history.filter((e) => e.timerCanceledEventAttributes).length };
    };
    const take = (handle: WorkflowHandle) => handle.executeUpdate(takeIntoWorkUpdate, { args: [{ actor: operators[ORG.district] }] });
    const current = await submit(CAT.potholes);
    await take(current);
    assert.deepEqual(await timers(current), { started: 1, cancelled: 0 }, 'the take left the first reminder where it was');
    const answered = await current.executeUpdate(answerUpdate, { args: [{ actor: operators[ORG.district], text: 'Яму засыпали' }] });
    assert.ok(answered.ratingDueAt, 'the answer opened the rating window');
    assert.deepEqual(await timers(current), { started: 2, cancelled: 1 }, 'the answer moved the deadline to the end of the rating window');
    // Started before AppealInput.keepsDeadlineTimer: a new timer after every transition, as its history has it.
    const earlier = await submit(CAT.potholes, TERRITORY.village, { localActivities: true }, true);
    await take(earlier);
    assert.deepEqual(await timers(earlier), { started: 2, cancelled: 1 });
    for (const handle of [current, earlier]) {
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await handle.fetchHistory(), handle.workflowId);
      await handle.terminate('test done');
    }
  });
});

function inputOf(state: AppealState, citizen: Actor): AppealInput {
  return {
    caseId: state.caseId, kind: state.kind, regionId: state.regionId,
    applicant: { userId: citizen.userId, name: 'Иван Петров', email: 'ivan@example.org' },
    categoryId: CAT.medicine, subcategoryId: CAT.ambulance, territoryId: TERRITORY.village,
    text: 'Скорая помощь не приехала по вызову', receivedAt: state.registeredAt!,
  };
}
