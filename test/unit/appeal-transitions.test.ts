// The appeal's transitions and guards without a Temporal server: every action, registration, reopen
// and timer, with the look-ups they ask for answered here. States are frozen, so a transition that
// changed its input instead of returning a new state would throw.
import assert from 'node:assert/strict';
import type { AppealInput, AppealRegulation, AppealState } from '../../workflows/appeal/messages';
import {
  ACTIONS, ActionRefused, act, nextDeadline, register, registration, reopen, startingState, timersDue,
  type ActionArgs, type ActionName, type LookupAnswer, type Outcome, type Step, type TransitionContext,
} from '../../workflows/appeal/transitions';
import { currentExternalRegistration } from '../../workflows/appeal/state';
import type { Actor } from '../../workflows/shared/actor';

const DAY = 86_400_000;
const REGISTERED_AT = '2026-03-02T09:00:00.000Z';
const NOW = '2026-03-10T12:00:00.000Z';
const DUE = '2026-04-01T09:00:00.000Z';
const REGULATION: AppealRegulation = { negativeRatingThreshold: 2, ratingWindowDays: 10, reminderOffsetsDays: [3, 1], extensionMaxDays: 30 };

const operator: Actor = { role: 'operator', userId: 11, organisationId: 'district' };
const otherOperator: Actor = { role: 'operator', userId: 12, organisationId: 'transport' };
const integration: Actor = { role: 'integration', userId: 13, organisationId: 'district' };
const administrator: Actor = { role: 'administrator', userId: 14 };
const applicant: Actor = { role: 'citizen', userId: 7 };
const stranger: Actor = { role: 'citizen', userId: 8 };
const supervisor: Actor = { role: 'supervisor', userId: 15, regionId: 'test' };
const supervisorElsewhere: Actor = { role: 'supervisor', userId: 16, regionId: 'altai' };

const input: AppealInput = {
  caseId: '99-2026-000001', kind: 'appeal', regionId: 'test',
  applicant: { userId: 7, name: 'Иван Петров' },
  categoryId: 'roads', subcategoryId: 'potholes', territoryId: 'village', text: 'Яма на дороге', receivedAt: REGISTERED_AT,
};
const ctx: TransitionContext = { now: NOW, input };

function frozen<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

/** A registered case at the district, one step projected; `changes` set the situation of a test. */
function caseWith(changes: Partial<AppealState> = {}): AppealState {
  return frozen({
    ...startingState(input),
    organisationId: 'district', registeredAt: REGISTERED_AT, answerDueAt: DUE, termDays: 30, regulation: REGULATION, seq: 1,
    ...changes,
  });
}

const answered = (changes: Partial<AppealState> = {}) => caseWith({
  status: 'answered', ratingDueAt: '2026-03-20T12:00:00.000Z',
  answer: { text: 'Яму засыпали', attachments: [], answeredAt: NOW, byUserId: 11, organisationId: 'district' }, ...changes,
});

type Answers = { [K in 'routeAppeal' | 'termForOrganisation' | 'checkOrganisation' | 'extendedTerm' | 'parentOrganisation']?: LookupAnswer<K> };

/** Answers the look-ups a step asks for, as the workflow would with activities; returns the end and what was asked. */
function settle(step: Step, answers: Answers = {}): { outcome: Outcome; asked: { ask: string; args: unknown }[] } {
  const asked: { ask: string; args: unknown }[] = [];
  while ('ask' in step) {
    asked.push({ ask: step.ask, args: step.args });
    assert.ok(step.ask in answers, `unexpected look-up ${step.ask}`);
    step = (step.then as (answer: unknown) => Step)(answers[step.ask]);
  }
  return { outcome: step, asked };
}

function perform<K extends ActionName>(name: K, state: AppealState, args: ActionArgs[K], answers: Answers = {}, at = ctx) {
  return settle(act(name, state, args, at), answers);
}

function refused(fn: () => unknown, type: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ActionRefused, `expected a refusal, got ${e}`);
    assert.equal(e.type, type);
    assert.match(e.message, pattern);
    return true;
  });
}

/** The guard refuses in the validator, and the handler's run of the action refuses the same way. */
function guardRefuses<K extends ActionName>(name: K, state: AppealState, args: ActionArgs[K], type: string, pattern: RegExp, at = ctx): void {
  refused(() => ACTIONS[name].guard(state, args, at), type, pattern);
  refused(() => act(name, state, args, at), type, pattern);
}

const TERM = { answerDueAt: '2026-04-20T09:00:00.000Z', termDays: 30, accelerated: false, advisory: false, advisoryDueAt: null };

describe('appeal transitions: guards', () => {
  it('refuses actions on a case not registered yet', () => {
    const unregistered = frozen(startingState(input));
    guardRefuses('takeIntoWork', unregistered, { actor: operator }, 'InvalidTransition', /not registered yet/);
    guardRefuses('close', unregistered, { actor: supervisor, reason: 'Дубликат' }, 'InvalidTransition', /not registered yet/);
  });

  it('lets only the handling organisation\'s operators, its integration and administrators act as the organisation', () => {
    for (const actor of [otherOperator, applicant, supervisor, { ...integration, organisationId: 'transport' }]) {
      guardRefuses('takeIntoWork', caseWith(), { actor }, 'Forbidden', /operator of the organisation that handles the case/);
    }
    for (const actor of [operator, integration, administrator]) {
      assert.doesNotThrow(() => ACTIONS.takeIntoWork.guard(caseWith(), { actor }, ctx));
    }
  });

  it('lets only the applicant reply and rate', () => {
    const asking = caseWith({ status: 'clarification_requested', clarification: { question: 'Где?', askedAt: NOW } });
    for (const actor of [stranger, operator, administrator, { role: 'citizen', userId: null } as Actor]) {
      guardRefuses('replyToClarification', asking, { actor, text: 'Тут' }, 'Forbidden', /only the applicant/);
      guardRefuses('rate', answered(), { actor, rating: 5 }, 'Forbidden', /only the applicant/);
    }
  });

  it('lets only supervisors of the case region and administrators override', () => {
    for (const actor of [supervisorElsewhere, operator]) {
      guardRefuses('close', caseWith(), { actor, reason: 'Дубликат' }, 'Forbidden', /supervisor of the case region/);
      guardRefuses('reassign', caseWith(), { actor, organisationId: 'transport', reason: 'Дороги' }, 'Forbidden', /supervisor/);
      guardRefuses('changeTerm', caseWith(), { actor, answerDueAt: '2026-05-01T00:00:00Z', reason: 'Да' }, 'Forbidden', /supervisor/);
    }
    assert.doesNotThrow(() => ACTIONS.close.guard(caseWith(), { actor: administrator, reason: 'Дубликат' }, ctx));
  });

  it('allows each action only in its statuses', () => {
    const closed = caseWith({ status: 'closed' });
    guardRefuses('takeIntoWork', caseWith({ status: 'in_work' }), { actor: operator }, 'InvalidTransition', /cannot take into work: the case is in_work/);
    guardRefuses('answer', answered(), { actor: operator, text: 'Ещё' }, 'InvalidTransition', /cannot answer: the case is answered/);
    guardRefuses('redirect', caseWith({ status: 'clarification_requested' }), { actor: operator, organisationId: 'transport', reason: 'Дороги' }, 'InvalidTransition', /cannot redirect/);
    guardRefuses('requestClarification', caseWith({ status: 'clarification_requested' }), { actor: operator, question: 'Где?' }, 'InvalidTransition', /cannot ask for clarification/);
    guardRefuses('replyToClarification', caseWith({ status: 'in_work' }), { actor: applicant, text: 'Тут' }, 'InvalidTransition', /cannot reply to a clarification: the case is in_work/);
    guardRefuses('extendTerm', answered(), { actor: operator, days: 5, reason: 'Экспертиза' }, 'InvalidTransition', /cannot extend the term/);
    guardRefuses('leaveWithoutAnswer', answered(), { actor: operator, ground: 'unreadable', comment: 'Нечитаемо' }, 'InvalidTransition', /cannot leave without an answer/);
    guardRefuses('rate', caseWith({ status: 'in_work' }), { actor: applicant, rating: 5 }, 'InvalidTransition', /cannot rate: the case is in_work/);
    guardRefuses('reassign', closed, { actor: supervisor, organisationId: 'transport', reason: 'Дороги' }, 'InvalidTransition', /cannot reassign: the case is closed/);
    guardRefuses('changeTerm', answered(), { actor: supervisor, answerDueAt: '2026-05-01T00:00:00Z', reason: 'Да' }, 'InvalidTransition', /cannot change the term/);
    guardRefuses('acknowledgeRegistration', closed, { actor: operator, externalNumber: '01-1', externalRegisteredAt: '2026-03-02' }, 'InvalidTransition', /cannot acknowledge the registration/);
    guardRefuses('close', closed, { actor: supervisor, reason: 'Дубликат' }, 'InvalidTransition', /cannot close: the case is closed/);
  });

  it('checks every text: present, not blank, not too long', () => {
    guardRefuses('answer', caseWith(), { actor: operator, text: '   ' }, 'InvalidInput', /text must not be empty/);
    guardRefuses('answer', caseWith(), { actor: operator, text: 'я'.repeat(20_001) }, 'InvalidInput', /text is longer than 20000 characters/);
    guardRefuses('requestClarification', caseWith(), { actor: operator, question: '' }, 'InvalidInput', /question must not be empty/);
    guardRefuses('redirect', caseWith(), { actor: operator, organisationId: 'x'.repeat(201), reason: 'Дороги' }, 'InvalidInput', /organisationId is longer than 200/);
    guardRefuses('redirect', caseWith(), { actor: operator, organisationId: 'transport', reason: 'я'.repeat(2001) }, 'InvalidInput', /reason is longer than 2000/);
    guardRefuses('close', caseWith(), { actor: supervisor, reason: undefined as unknown as string }, 'InvalidInput', /reason must not be empty/);
    guardRefuses('acknowledgeRegistration', caseWith(), { actor: operator, externalNumber: '1'.repeat(101), externalRegisteredAt: '2026-03-02' }, 'InvalidInput', /externalNumber is longer than 100/);
  });

  it('refuses attachments that are not a list of references', () => {
    for (const attachments of ['a', [''], [1]] as unknown as string[][]) {
      guardRefuses('answer', caseWith(), { actor: operator, text: 'Ответ', attachments }, 'InvalidInput', /attachments must be a list of non-empty references/);
    }
  });

  it('refuses a hand-over to the organisation that has the case', () => {
    guardRefuses('redirect', caseWith(), { actor: operator, organisationId: 'district', reason: 'Сами' }, 'InvalidInput', /already with this organisation/);
    guardRefuses('reassign', caseWith(), { actor: supervisor, organisationId: 'district', reason: 'Сами' }, 'InvalidInput', /already with this organisation/);
  });

  it('allows one extension, before the term ends, of 1 to the profile\'s maximum days', () => {
    const extend = (days: number) => ({ actor: operator, days, reason: 'Экспертиза' });
    guardRefuses('extendTerm', caseWith({ extended: true }), extend(5), 'InvalidTransition', /already been extended once/);
    guardRefuses('extendTerm', caseWith({ overdue: true }), extend(5), 'InvalidTransition', /term has already passed/);
    // The term's instant has come and its timer has not run yet: passed all the same.
    guardRefuses('extendTerm', caseWith(), extend(5), 'InvalidTransition', /term has already passed/, { now: DUE, input });
    for (const days of [0, 31, 2.5]) guardRefuses('extendTerm', caseWith(), extend(days), 'InvalidInput', /days must be an integer from 1 to 30/);
    guardRefuses('extendTerm', caseWith({ regulation: { ...REGULATION, extensionMaxDays: 10 } }), extend(11), 'InvalidInput', /from 1 to 10/);
    guardRefuses('extendTerm', caseWith({ regulation: null }), extend(31), 'InvalidInput', /from 1 to 30/);
  });

  it('leaves only appeals without an answer, on a 59-FZ ground', () => {
    const leave = { actor: operator, ground: 'unreadable' as const, comment: 'Нечитаемо' };
    guardRefuses('leaveWithoutAnswer', caseWith({ kind: 'message' }), leave, 'InvalidTransition', /apply to appeals, not to messages/);
    guardRefuses('leaveWithoutAnswer', caseWith(), { ...leave, ground: 'boring' as never }, 'InvalidInput', /ground must be one of no_name_or_address, obscene_or_threatening/);
    guardRefuses('leaveWithoutAnswer', caseWith(), { ...leave, comment: '' }, 'InvalidInput', /comment must not be empty/);
  });

  it('refuses a rating other than an integer from 1 to 5', () => {
    for (const rating of [0, 6, 2.5, '4' as unknown as number]) {
      guardRefuses('rate', answered(), { actor: applicant, rating }, 'InvalidInput', /expected an integer from 1 to 5/);
    }
  });

  it('changes the term only to a future date-time', () => {
    const change = (answerDueAt: string) => ({ actor: supervisor, answerDueAt, reason: 'Согласовано' });
    guardRefuses('changeTerm', caseWith(), change('soon'), 'InvalidInput', /answerDueAt must be a date-time/);
    guardRefuses('changeTerm', caseWith(), change(NOW), 'InvalidInput', /answerDueAt must be in the future/);
    assert.doesNotThrow(() => ACTIONS.changeTerm.guard(caseWith(), change('2026-03-10T12:00:00.001Z'), ctx));
  });

  it('takes a СЭД registration date that exists, near the platform\'s registration, and one registration per organisation', () => {
    const ack = (externalRegisteredAt: string, externalNumber = '01-27/1234') => ({ actor: integration, externalNumber, externalRegisteredAt });
    for (const date of ['2026-02-30', '02.03.2026', '2026-3-2']) {
      guardRefuses('acknowledgeRegistration', caseWith(), ack(date), 'InvalidInput', /must be a date \(YYYY-MM-DD\)/);
    }
    guardRefuses('acknowledgeRegistration', caseWith(), ack('2026-03-12'), 'InvalidInput', /in the future/);
    assert.doesNotThrow(() => ACTIONS.acknowledgeRegistration.guard(caseWith(), ack('2026-03-11'), ctx), 'a day of slack ahead');
    guardRefuses('acknowledgeRegistration', caseWith(), ack('2026-02-28'), 'InvalidInput', /before the case was registered/);
    assert.doesNotThrow(() => ACTIONS.acknowledgeRegistration.guard(caseWith(), ack('2026-03-01'), ctx), 'slack behind');
    const registered = caseWith({ externalRegistrations: [{ organisationId: 'district', externalNumber: '01-27/1234', externalRegisteredAt: '2026-03-02', acknowledgedAt: NOW }] });
    assert.doesNotThrow(() => ACTIONS.acknowledgeRegistration.guard(registered, ack('2026-03-02'), ctx), 'the same acknowledgement again');
    guardRefuses('acknowledgeRegistration', registered, ack('2026-03-02', '01-27/9999'), 'InvalidTransition', /already registered by district as 01-27\/1234 of 2026-03-02/);
  });

  it('checks the guard against the moment it runs (the handler\'s, later than the validator\'s)', () => {
    const change = { actor: supervisor, answerDueAt: '2026-03-11T00:00:00.000Z', reason: 'Согласовано' };
    assert.doesNotThrow(() => ACTIONS.changeTerm.guard(caseWith(), change, ctx));
    guardRefuses('changeTerm', caseWith(), change, 'InvalidInput', /in the future/, { now: '2026-03-11T00:00:00.000Z', input });
  });
});

describe('appeal transitions: actions', () => {
  it('takes a case into work', () => {
    const { outcome } = perform('takeIntoWork', caseWith(), { actor: operator });
    assert.equal(outcome.state.status, 'in_work');
    assert.equal(outcome.state.seq, 2);
    assert.deepEqual(outcome.event, { type: 'taken_into_work', actor: operator, details: {} });
  });

  it('answers: the answer, the status and the rating window from now', () => {
    const { outcome } = perform('answer', caseWith({ status: 'in_work' }), { actor: operator, text: 'Яму засыпали' });
    assert.deepEqual(outcome.state.answer, { text: 'Яму засыпали', attachments: [], answeredAt: NOW, byUserId: 11, organisationId: 'district' });
    assert.equal(outcome.state.status, 'answered');
    assert.equal(outcome.state.ratingDueAt, new Date(Date.parse(NOW) + 10 * DAY).toISOString());
    assert.deepEqual(outcome.event, { type: 'answered', actor: operator, details: { text: 'Яму засыпали', attachments: [] } });
    const withFiles = perform('answer', caseWith({ regulation: null }), { actor: operator, text: 'Фото', attachments: ['a1'] }).outcome;
    assert.deepEqual(withFiles.state.answer?.attachments, ['a1']);
    assert.equal(withFiles.state.ratingDueAt, new Date(Date.parse(NOW) + 10 * DAY).toISOString(), 'ten days without a profile');
  });

  it('redirects to an organisation that checks out, within the same term', () => {
    const { outcome, asked } = perform('redirect', caseWith({ status: 'in_work' }), { actor: operator, organisationId: 'transport', reason: 'Дороги' }, { checkOrganisation: null });
    assert.deepEqual(asked, [{ ask: 'checkOrganisation', args: { regionId: 'test', organisationId: 'transport' } }]);
    assert.equal(outcome.state.organisationId, 'transport');
    assert.equal(outcome.state.status, 'registered');
    assert.deepEqual(outcome.state.previousOrganisations, ['district']);
    assert.equal(outcome.state.answerDueAt, DUE);
    assert.deepEqual(outcome.event, { type: 'redirected', actor: operator, details: { from: 'district', to: 'transport', reason: 'Дороги' } });
  });

  it('refuses a redirect to an organisation that does not check out', () => {
    refused(() => perform('redirect', caseWith(), { actor: operator, organisationId: 'school', reason: 'Школа' }, { checkOrganisation: 'organisation school does not handle appeals' }),
      'InvalidInput', /^organisation school does not handle appeals$/);
  });

  it('asks the applicant for a clarification and takes the reply', () => {
    const asking = perform('requestClarification', caseWith(), { actor: operator, question: 'Уточните адрес' }).outcome;
    assert.equal(asking.state.status, 'clarification_requested');
    assert.deepEqual(asking.state.clarification, { question: 'Уточните адрес', askedAt: NOW });
    assert.deepEqual(asking.event?.details, { question: 'Уточните адрес' });
    const later = { now: '2026-03-11T08:00:00.000Z', input };
    const replied = perform('replyToClarification', frozen(asking.state), { actor: applicant, text: 'ул. Ленина, 1' }, {}, later).outcome;
    assert.equal(replied.state.status, 'in_work');
    assert.deepEqual(replied.state.clarification, { question: 'Уточните адрес', askedAt: NOW, reply: 'ул. Ленина, 1', repliedAt: later.now });
    assert.deepEqual(replied.event, { type: 'clarification_replied', actor: applicant, details: { text: 'ул. Ленина, 1' } });
    assert.equal(replied.state.seq, 3);
  });

  it('extends the term by the region\'s calendar, once', () => {
    const { outcome, asked } = perform('extendTerm', caseWith(), { actor: operator, days: 30, reason: 'Экспертиза' }, { extendedTerm: '2026-05-01T09:00:00.000Z' });
    assert.deepEqual(asked, [{ ask: 'extendedTerm', args: { regionId: 'test', answerDueAt: DUE, days: 30 } }]);
    assert.equal(outcome.state.answerDueAt, '2026-05-01T09:00:00.000Z');
    assert.equal(outcome.state.extended, true);
    assert.deepEqual(outcome.event?.details, { days: 30, reason: 'Экспертиза', previousAnswerDueAt: DUE });
  });

  it('leaves an appeal without an answer: closed now', () => {
    const { outcome } = perform('leaveWithoutAnswer', caseWith(), { actor: operator, ground: 'obscene_or_threatening', comment: 'Угрозы' });
    assert.equal(outcome.state.status, 'closed');
    assert.equal(outcome.state.resolution, 'left_without_answer');
    assert.equal(outcome.state.closedAt, NOW);
    assert.deepEqual(outcome.event?.details, { ground: 'obscene_or_threatening', comment: 'Угрозы' });
  });

  it('closes on a positive rating', () => {
    const { outcome, asked } = perform('rate', answered(), { actor: applicant, rating: 4, comment: 'Спасибо' });
    assert.deepEqual(asked, []);
    assert.equal(outcome.state.status, 'closed');
    assert.equal(outcome.state.resolution, 'rated_positive');
    assert.equal(outcome.state.rating, 4);
    assert.equal(outcome.state.ratingDueAt, null);
    assert.deepEqual(outcome.event, { type: 'rated', actor: applicant, details: { rating: 4, comment: 'Спасибо' } });
  });

  it('escalates a negative rating to the parent organisation: a new round with a fresh term', () => {
    const { outcome, asked } = perform('rate', answered({ extended: true }), { actor: applicant, rating: 2 },
      { parentOrganisation: 'government', termForOrganisation: TERM });
    assert.deepEqual(asked, [
      { ask: 'parentOrganisation', args: { regionId: 'test', organisationId: 'district' } },
      { ask: 'termForOrganisation', args: { regionId: 'test', organisationId: 'government', subcategoryId: 'potholes', from: NOW } },
    ]);
    const s = outcome.state;
    assert.deepEqual([s.organisationId, s.status, s.round, s.previousOrganisations], ['government', 'registered', 2, ['district']]);
    assert.deepEqual([s.answerDueAt, s.termDays, s.extended, s.overdue], [TERM.answerDueAt, 30, false, false]);
    assert.deepEqual([s.answer, s.rating, s.ratingDueAt, s.resolution, s.closedAt], [null, null, null, null, null]);
    assert.deepEqual(outcome.event, { type: 'escalated', actor: applicant, details: { rating: 2, comment: null, from: 'district', to: 'government' } });
  });

  it('closes a negative rating at the top, and takes the threshold from the profile', () => {
    const top = perform('rate', answered(), { actor: applicant, rating: 1, comment: 'Плохо' }, { parentOrganisation: null }).outcome;
    assert.equal(top.state.resolution, 'negative_at_top');
    assert.equal(top.state.rating, 1);
    assert.deepEqual(top.event, { type: 'closed', actor: applicant, details: { rating: 1, comment: 'Плохо', resolution: 'negative_at_top' } });
    const strict = answered({ regulation: { ...REGULATION, negativeRatingThreshold: 3 } });
    assert.deepEqual(perform('rate', strict, { actor: applicant, rating: 3 }, { parentOrganisation: null }).outcome.state.resolution, 'negative_at_top');
    assert.deepEqual(perform('rate', strict, { actor: applicant, rating: 4 }).outcome.state.resolution, 'rated_positive');
  });

  it('reassigns to another organisation, dropping an answer not yet rated', () => {
    const { outcome, asked } = perform('reassign', answered(), { actor: supervisor, organisationId: 'transport', reason: 'Дороги' }, { checkOrganisation: null });
    assert.equal(asked.length, 1);
    assert.deepEqual([outcome.state.organisationId, outcome.state.status, outcome.state.answer, outcome.state.ratingDueAt], ['transport', 'registered', null, null]);
    assert.deepEqual(outcome.event, { type: 'reassigned', actor: supervisor, details: { from: 'district', to: 'transport', reason: 'Дороги' } });
    refused(() => perform('reassign', caseWith(), { actor: supervisor, organisationId: 'elsewhere', reason: 'Нет' }, { checkOrganisation: 'organisation elsewhere is in another region' }),
      'InvalidInput', /another region/);
  });

  it('changes the term to the given instant, lifting the overdue flag', () => {
    const { outcome } = perform('changeTerm', caseWith({ overdue: true }), { actor: supervisor, answerDueAt: '2026-04-10T12:00:00+03:00', reason: 'Согласовано' });
    assert.equal(outcome.state.answerDueAt, '2026-04-10T09:00:00.000Z');
    assert.equal(outcome.state.overdue, false);
    assert.deepEqual(outcome.event?.details, { previousAnswerDueAt: DUE, answerDueAt: '2026-04-10T09:00:00.000Z', reason: 'Согласовано' });
  });

  it('closes by a supervisor', () => {
    const { outcome } = perform('close', answered(), { actor: supervisor, reason: 'Дубликат' });
    assert.deepEqual([outcome.state.status, outcome.state.resolution, outcome.state.closedAt, outcome.state.ratingDueAt], ['closed', 'closed_by_supervisor', NOW, null]);
    assert.deepEqual(outcome.event, { type: 'closed', actor: supervisor, details: { reason: 'Дубликат', resolution: 'closed_by_supervisor' } });
  });

  it('acknowledges the СЭД registration once per organisation', () => {
    const ack = { actor: integration, externalNumber: '01-27/1234', externalRegisteredAt: '2026-03-02' };
    const first = perform('acknowledgeRegistration', caseWith(), ack).outcome;
    assert.deepEqual(first.state.externalRegistrations, [{ organisationId: 'district', externalNumber: '01-27/1234', externalRegisteredAt: '2026-03-02', acknowledgedAt: NOW }]);
    assert.deepEqual(currentExternalRegistration(first.state)?.externalNumber, '01-27/1234');
    assert.deepEqual(first.event, { type: 'acknowledged', actor: integration, details: { externalNumber: '01-27/1234', externalRegisteredAt: '2026-03-02' } });
    const again = perform('acknowledgeRegistration', frozen(first.state), ack).outcome;
    assert.equal(again.event, null, 'a retry with a new key changes nothing');
    assert.equal(again.state, first.state);
    const moved = frozen({ ...first.state, organisationId: 'transport' });
    assert.equal(currentExternalRegistration(moved), null);
    const theirs = perform('acknowledgeRegistration', moved, { ...ack, actor: otherOperator, externalNumber: 'T-5' }).outcome;
    assert.deepEqual(theirs.state.externalRegistrations?.map((r) => r.organisationId), ['district', 'transport']);
  });
});

describe('appeal transitions: registration, reopen, timers', () => {
  const ROUTED = { organisationId: 'district', ...TERM, regulation: REGULATION, routing: { ruleId: 3, step: 'territory', explanation: 'по территории' } };

  it('starts a new case, or from a carried state (older ones without СЭД registrations)', () => {
    const fresh = startingState(input);
    assert.deepEqual([fresh.status, fresh.organisationId, fresh.applicantUserId, fresh.round, fresh.seq], ['registered', null, 7, 1, 0]);
    const { externalRegistrations: _, ...older } = caseWith({ status: 'in_work', seq: 5 });
    const carried = startingState({ ...input, carried: older as AppealState });
    assert.deepEqual([carried.status, carried.seq, carried.externalRegistrations], ['in_work', 5, []]);
  });

  it('registers: routed by the routing activity, the term from it, recorded by the system', () => {
    const { outcome, asked } = settle(register(frozen(startingState(input)), ctx), { routeAppeal: ROUTED });
    assert.deepEqual(asked, [{ ask: 'routeAppeal', args: input }]);
    const s = outcome.state;
    assert.deepEqual([s.organisationId, s.registeredAt, s.answerDueAt, s.termDays, s.regulation, s.seq], ['district', REGISTERED_AT, TERM.answerDueAt, 30, REGULATION, 1]);
    assert.deepEqual(outcome.event, { type: 'registered', actor: { userId: null, role: 'system' }, details: { routing: ROUTED.routing } });
  });

  it('registers at intake to the same state and event as the workflow routed by its activity', () => {
    const asked = settle(register(frozen(startingState(input)), ctx), { routeAppeal: ROUTED });
    assert.deepEqual(registration(frozen(startingState(input)), input, ROUTED), asked.outcome);
  });

  it('reopens a closed case as a new round at the same organisation; an open one stays as it is', () => {
    const closed = answered({ status: 'closed', resolution: 'closed_by_supervisor', closedAt: NOW, previousOrganisations: ['ministry'] });
    const { outcome, asked } = settle(reopen(closed, { actor: supervisor, reason: 'Жалоба' }, ctx), { termForOrganisation: TERM });
    assert.deepEqual(asked, [{ ask: 'termForOrganisation', args: { regionId: 'test', organisationId: 'district', subcategoryId: 'potholes', from: NOW } }]);
    assert.deepEqual([outcome.state.status, outcome.state.round, outcome.state.organisationId, outcome.state.previousOrganisations], ['registered', 2, 'district', ['ministry']]);
    assert.deepEqual([outcome.state.resolution, outcome.state.closedAt, outcome.state.answer], [null, null, null]);
    assert.deepEqual(outcome.event, { type: 'reopened', actor: supervisor, details: { reason: 'Жалоба' } });
    const open = caseWith();
    assert.deepEqual(settle(reopen(open, { actor: supervisor, reason: 'Жалоба' }, ctx)), { outcome: { state: open, event: null }, asked: [] });
  });

  it('wakes for the next reminder, the term, or the end of the rating window', () => {
    assert.equal(nextDeadline(caseWith()), Date.parse(DUE) - 3 * DAY);
    assert.equal(nextDeadline(caseWith({ remindersSent: [`1:${new Date(Date.parse(DUE) - 3 * DAY).toISOString()}`] })), Date.parse(DUE) - DAY);
    assert.equal(nextDeadline(caseWith({ regulation: { ...REGULATION, reminderOffsetsDays: [] } })), Date.parse(DUE));
    assert.equal(nextDeadline(caseWith({ registeredAt: '2026-03-31T10:00:00.000Z' })), Date.parse(DUE), 'no reminder before registration');
    assert.equal(nextDeadline(caseWith({ overdue: true })), undefined);
    assert.equal(nextDeadline(answered()), Date.parse('2026-03-20T12:00:00.000Z'));
    assert.equal(nextDeadline(caseWith({ status: 'closed' })), undefined);
  });

  it('sends the latest reminder due (marking every one due as sent), once', () => {
    const now = new Date(Date.parse(DUE) - DAY + 1).toISOString();
    const { state, event } = timersDue(caseWith(), now);
    assert.deepEqual(event, { type: 'reminder', actor: { userId: null, role: 'system' }, details: { offsetDays: 1, answerDueAt: DUE } });
    assert.equal(state.remindersSent.length, 2);
    assert.deepEqual(timersDue(frozen(state), now).event, null);
  });

  it('flags the term overdue once it has come, and the case stays open', () => {
    const { state, event } = timersDue(caseWith({ status: 'in_work' }), DUE);
    assert.deepEqual([state.overdue, state.status], [true, 'in_work']);
    assert.deepEqual(event?.details, { answerDueAt: DUE, advisory: false });
    assert.equal(timersDue(frozen(state), '2026-04-02T00:00:00.000Z').event, null);
  });

  it('flags a missed advisory target apart, and makes the case overdue only at the binding term', () => {
    const ADVISORY = '2026-03-12T16:59:59.999Z';
    const advisoryCase = caseWith({ status: 'in_work', advisory: true, advisoryDueAt: ADVISORY, regulation: { ...REGULATION, reminderOffsetsDays: [] } });
    assert.equal(nextDeadline(advisoryCase), Date.parse(ADVISORY));
    assert.equal(timersDue(advisoryCase, '2026-03-12T16:59:59.998Z').event, null);
    const missed = timersDue(advisoryCase, ADVISORY);
    assert.deepEqual(missed.event, { type: 'advisory_term_missed', actor: { userId: null, role: 'system' }, details: { advisoryDueAt: ADVISORY, answerDueAt: DUE } });
    assert.deepEqual([missed.state.advisoryMissed, missed.state.overdue, missed.state.status], [true, false, 'in_work']);
    const after = frozen(missed.state);
    assert.equal(nextDeadline(after), Date.parse(DUE), 'the binding term is next');
    assert.equal(timersDue(after, '2026-03-31T00:00:00.000Z').event, null);
    const overdue = timersDue(after, DUE);
    assert.equal(overdue.event?.type, 'overdue');
    assert.deepEqual([overdue.state.overdue, overdue.state.advisoryMissed], [true, true]);
    // After an outage past both: the advisory target first, then the binding term.
    const late = timersDue(advisoryCase, '2026-04-02T00:00:00.000Z');
    assert.equal(late.event?.type, 'advisory_term_missed');
    assert.equal(timersDue(frozen(late.state), '2026-04-02T00:00:00.000Z').event?.type, 'overdue');
    // Answered in time: the advisory target no longer runs.
    assert.equal(timersDue(answered({ advisory: true, advisoryDueAt: ADVISORY }), '2026-03-13T00:00:00.000Z').event, null);
  });

  it('carries the advisory target of a new round, and clears its flag', () => {
    const term = { ...TERM, advisory: true, advisoryDueAt: '2026-03-20T16:59:59.999Z' };
    const { outcome } = settle(reopen(caseWith({ status: 'closed', advisory: true, advisoryMissed: true }), { actor: supervisor, reason: 'Повторно' }, ctx), { termForOrganisation: term });
    assert.deepEqual([outcome.state.advisoryDueAt, outcome.state.advisoryMissed, outcome.state.answerDueAt], [term.advisoryDueAt, false, TERM.answerDueAt]);
  });

  it('closes an answer not rated within the window', () => {
    const waiting = answered();
    assert.equal(timersDue(waiting, '2026-03-20T11:59:59.999Z').event, null);
    const { state, event } = timersDue(waiting, '2026-03-20T12:00:00.000Z');
    assert.deepEqual([state.status, state.resolution, state.closedAt], ['closed', 'rating_window_expired', '2026-03-20T12:00:00.000Z']);
    assert.deepEqual(event?.details, { resolution: 'rating_window_expired' });
  });
});
