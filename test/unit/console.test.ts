// The console's pure rules (web/src/console): the marks and days left of a case in the queue, why a case
// stands still, which operator actions fit a case, the answer template's filling, the queue's filters as
// listCases takes them, and a new event's settings.
import assert from 'node:assert/strict';
import type { components } from '../../openapi/types';
import { fillTemplate } from '../../web/src/console/case/fill';
import { operatorBlock, supervisorAllowed } from '../../web/src/console/case/rules';
import { draftText, EMPTY_EVENT, EMPTY_PROJECT, eventCreate, moved, zonedInstant, zonedLocal } from '../../web/src/console/events/settings';
import { daysLeft, queueMarks, remainingText, stuckReason } from '../../web/src/console/marks';
import { fromQuery, NO_FILTERS, toQuery } from '../../web/src/console/queue/filters';

type Case = components['schemas']['Case'];
const NOW = Date.parse('2026-12-06T10:00:00Z');
const DAY = 86_400_000;

function aCase(over: Partial<Case> = {}): Case {
  return {
    id: '22-2026-000001', kind: 'appeal', status: 'registered', channel: 'web', regionId: 'altai', organisationId: 'altai.minzdrav', categoryId: null, subcategoryId: null,
    territoryId: null, text: 'Текст', address: null, location: null, mediaUrl: null, registeredAt: '2026-12-01T10:00:00Z',
    answerDueAt: new Date(NOW + 10 * DAY).toISOString(), termDays: 30, overdue: false, termAdvisory: false, accelerated: false, round: 1,
    extended: false, rating: null, resolution: null, answer: null, clarification: null, closedAt: null, updatedAt: '2026-12-01T10:00:00Z',
    externalNumber: null, externalRegisteredAt: null, advisoryDueAt: null, advisoryMissed: false, ...over,
  };
}

describe('console: a case in the queue', () => {
  it('counts whole days left, and a part of a day past the term as one', () => {
    assert.equal(daysLeft(aCase(), NOW), 10);
    assert.equal(daysLeft(aCase({ answerDueAt: new Date(NOW + 5 * 3600_000).toISOString() }), NOW), 0);
    assert.equal(daysLeft(aCase({ answerDueAt: new Date(NOW - 3600_000).toISOString() }), NOW), -1);
    assert.equal(daysLeft(aCase({ answerDueAt: new Date(NOW - 2 * DAY - 5000).toISOString() }), NOW), -2);
    assert.equal(daysLeft(aCase({ answerDueAt: null }), NOW), null);
    assert.equal(remainingText(aCase({ answerDueAt: new Date(NOW - 2 * DAY - 5000).toISOString() }), NOW), 'просрочено на 2 дн.');
    assert.equal(remainingText(aCase({ answerDueAt: null }), NOW), 'без срока');
  });

  it('marks overdue, near, extended, accelerated, advisory and repeat cases', () => {
    const keys = (c: Case) => queueMarks(c, NOW).map((m) => m.key);
    assert.deepEqual(keys(aCase()), []);
    assert.deepEqual(keys(aCase({ answerDueAt: new Date(NOW + 2 * DAY).toISOString() })), ['near']);
    assert.deepEqual(keys(aCase({ overdue: true, extended: true, accelerated: true, termAdvisory: true, round: 2 })), ['overdue', 'extended', 'accelerated', 'advisory', 'repeat']);
    assert.deepEqual(keys(aCase({ status: 'answered', answerDueAt: new Date(NOW - DAY).toISOString() })), [], 'an answered case is not overdue');
    assert.deepEqual(keys(aCase({ termAdvisory: true, advisoryMissed: true })), ['advisory', 'advisoryMissed'], 'a missed advisory target is marked apart, not overdue');
  });

  it('says why a case stands still, by what it waits for', () => {
    assert.equal(stuckReason(aCase({ updatedAt: new Date(NOW - 10 * DAY).toISOString() }), NOW), 'не взято в работу 10 дн.');
    assert.equal(stuckReason(aCase({ status: 'clarification_requested', updatedAt: new Date(NOW - 3 * DAY).toISOString() }), NOW), 'ждёт уточнения от заявителя 3 дн.');
  });
});

describe('console: actions that fit a case', () => {
  it('follows the workflow\'s rules', () => {
    assert.equal(operatorBlock(aCase(), 'take'), null);
    assert.equal(operatorBlock(aCase({ status: 'in_work' }), 'take'), 'обращение уже взято в работу');
    assert.equal(operatorBlock(aCase({ status: 'clarification_requested' }), 'redirect'), 'после уточнения или ответа перенаправить нельзя');
    assert.equal(operatorBlock(aCase({ extended: true }), 'extend'), 'Срок уже продлевался: повторное продление не допускается.');
    assert.equal(operatorBlock(aCase({ overdue: true }), 'extend'), 'Срок уже истёк: продлить нельзя.');
    assert.match(operatorBlock(aCase({ kind: 'message' }), 'leave')!, /не применяется/);
    assert.equal(operatorBlock(aCase({ status: 'closed' }), 'answer'), 'обращение не открыто');
    assert.equal(supervisorAllowed(aCase({ status: 'answered' }), 'reassign'), true);
    assert.equal(supervisorAllowed(aCase({ status: 'answered' }), 'term'), false);
    assert.equal(supervisorAllowed(aCase({ status: 'closed' }), 'reopen'), true);
  });
});

describe('console: answer templates', () => {
  it('fills the placeholders from the case and leaves unknown ones as they are', () => {
    const text = fillTemplate('{{applicantName}}, № {{ caseId }} от {{registeredAt}}, срок {{answerDueAt}}. {{unknown}}', {
      applicantName: 'Анна', caseId: '22-2026-000001', registeredAt: '1 декабря 2026 г.', answerDueAt: null, today: '', organisationName: null,
    });
    assert.equal(text, 'Анна, № 22-2026-000001 от 1 декабря 2026 г., срок —. {{unknown}}');
  });
});

describe('console: queue filters and new events', () => {
  it('turns the filter form into listCases filters and back', () => {
    assert.deepEqual(toQuery(NO_FILTERS), { open: true });
    const form = { ...NO_FILTERS, status: 'in_work', kind: 'appeal', overdue: 'true', open: '', organisationId: 'altai.minzdrav' } as const;
    assert.deepEqual(toQuery(form), { status: 'in_work', kind: 'appeal', overdue: true, organisationId: 'altai.minzdrav' });
    assert.deepEqual(fromQuery(toQuery(form)), form);
  });

  it('reads the schedule as wall time of the region, whatever the computer\'s zone', () => {
    assert.equal(zonedInstant('2026-12-10T09:00', 'Asia/Barnaul'), '2026-12-10T09:00:00+07:00');
    assert.equal(zonedInstant('2026-07-01T00:30', 'Europe/Kaliningrad'), '2026-07-01T00:30:00+02:00');
    assert.equal(Date.parse(zonedInstant('2026-12-10T09:00', 'Asia/Barnaul')), Date.parse('2026-12-10T02:00:00Z'));
    assert.equal(zonedLocal('2026-12-10T02:00:00Z', 'Asia/Barnaul'), '2026-12-10T09:00');
    assert.equal(zonedLocal(zonedInstant('2027-03-01T23:59', 'Asia/Kamchatka'), 'Asia/Kamchatka'), '2027-03-01T23:59');
  });

  it('moves an item of a list, numbers a draft\'s points', () => {
    assert.deepEqual(moved(['a', 'b', 'c'], 2, 0), ['c', 'a', 'b']);
    assert.deepEqual(moved(['a', 'b', 'c'], 0, 1), ['b', 'a', 'c']);
    assert.equal(draftText([' Первое. ', '', 'Второе\nи продолжение']), '1. Первое.\n2. Второе\nи продолжение');
  });

  it('makes a poll of several question kinds with its audience and live results', () => {
    const base = { ...EMPTY_EVENT, organisationId: 'o', title: ' Опрос ', opensAt: '2026-12-10T10:00', closesAt: '2026-12-11T10:00' };
    const poll = eventCreate({
      ...base, liveResults: true, anonymous: true, territoryIds: ['t1'], minAge: '18',
      questions: [
        { ...EMPTY_EVENT.questions[0]!, kind: 'multiple', text: 'Что?', options: ['Да', ' Нет '], maxChoices: '2' },
        { ...EMPTY_EVENT.questions[0]!, kind: 'scale', text: 'Оценка', required: false, scaleMin: '1', scaleMax: '10' },
        { ...EMPTY_EVENT.questions[0]!, kind: 'text', text: 'Почему?', maxLength: '' },
      ],
    }, 'Asia/Barnaul');
    assert.equal(poll.title, 'Опрос');
    assert.deepEqual(poll.audience, { territoryIds: ['t1'], minAge: 18 });
    assert.equal(poll.anonymous, true);
    assert.deepEqual(poll.schedule, { opensAt: '2026-12-10T10:00:00+07:00', closesAt: '2026-12-11T10:00:00+07:00', resultsVisibility: 'live' });
    assert.deepEqual(poll.settings, { questions: [
      { id: 'q1', kind: 'multiple', text: 'Что?', required: true, options: [{ id: 'o1', text: 'Да' }, { id: 'o2', text: 'Нет' }], maxChoices: 2 },
      { id: 'q2', kind: 'scale', text: 'Оценка', required: false, scaleMin: 1, scaleMax: 10 },
      { id: 'q3', kind: 'text', text: 'Почему?', required: true },
    ] });
  });

  it('makes a budget vote decided by equal shares, and a single-choice vote without a rule', () => {
    const base = { ...EMPTY_EVENT, type: 'vote' as const, organisationId: 'o', title: 'Бюджет', opensAt: '2026-12-10T10:00', closesAt: '2026-12-11T10:00' };
    const projects = [{ name: 'Сквер', description: 'У школы', cost: '500000' }, { ...EMPTY_PROJECT, name: 'Фонари', cost: '200000' }];
    const budget = eventCreate({ ...base, vote: { ...EMPTY_EVENT.vote, kind: 'budget', rule: 'equal_shares', budget: '600000', projects, acceptsProjects: true, projectsCloseAt: '2026-12-09T18:00' } }, 'Asia/Barnaul');
    assert.deepEqual(budget.settings, {
      kind: 'budget', rule: 'equal_shares', budget: 600000, acceptsProjects: true, projectsCloseAt: '2026-12-09T18:00:00+07:00',
      projects: [{ id: 'p1', name: 'Сквер', description: 'У школы', cost: 500000 }, { id: 'p2', name: 'Фонари', cost: 200000 }],
    });
    const single = eventCreate({ ...base, vote: { ...EMPTY_EVENT.vote, kind: 'single_choice', maxApprovals: '3', projects } }, 'Asia/Barnaul');
    assert.deepEqual(Object.keys(single.settings as object).sort(), ['acceptsProjects', 'kind', 'projects']);
    assert.equal((eventCreate({ ...base, vote: { ...EMPTY_EVENT.vote, kind: 'budget', rule: 'most_votes', budget: '1', projects } }, 'UTC').settings as { rule?: string }).rule, 'greedy');
  });

  it('makes a discussion of numbered points and a hearing with its terms', () => {
    const base = { ...EMPTY_EVENT, organisationId: 'o', title: 'Проект', opensAt: '2026-12-10T10:00', closesAt: '2026-12-20T18:00' };
    const discussion = eventCreate({ ...base, type: 'discussion', discussion: { points: ['Первое', 'Второе'], answerTermDays: '15' } }, 'Asia/Barnaul');
    assert.deepEqual(discussion.settings, { draftText: '1. Первое\n2. Второе', answerTermDays: 15 });
    const hearing = eventCreate({ ...base, type: 'hearing', hearing: { hearingAt: '2026-12-25T15:00', place: ' Зал ', subject: 'Генплан', announceDaysBefore: '7', protocolTermDays: '10', conclusionTermDays: '15' } }, 'Asia/Barnaul');
    assert.deepEqual(hearing.settings, { hearingAt: '2026-12-25T15:00:00+07:00', place: 'Зал', subject: 'Генплан', announceDaysBefore: 7, protocolTermDays: 10, conclusionTermDays: 15 });
    assert.equal(hearing.audience, undefined);
  });
});
