// The console's pure rules (web/src/console): the marks and days left of a case in the queue, why a case
// stands still, which operator actions fit a case, the answer template's filling, the queue's filters as
// listCases takes them, and a new event's settings.
import assert from 'node:assert/strict';
import type { components } from '../../openapi/types';
import { fillTemplate } from '../../web/src/console/case/fill';
import { operatorBlock, supervisorAllowed } from '../../web/src/console/case/rules';
import { eventCreate, EMPTY_EVENT } from '../../web/src/console/events/settings';
import { daysLeft, queueMarks, remainingText, stuckReason } from '../../web/src/console/marks';
import { fromQuery, NO_FILTERS, toQuery } from '../../web/src/console/queue/filters';

type Case = components['schemas']['Case'];
const NOW = Date.parse('2026-12-06T10:00:00Z');
const DAY = 86_400_000;

function aCase(over: Partial<Case> = {}): Case {
  return {
    id: '22-2026-000001', kind: 'appeal', status: 'registered', regionId: 'altai', organisationId: 'altai.minzdrav', categoryId: null, subcategoryId: null,
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
    const form = { status: 'in_work', kind: 'appeal', overdue: 'true', open: '', organisationId: 'altai.minzdrav' } as const;
    assert.deepEqual(toQuery(form), { status: 'in_work', kind: 'appeal', overdue: true, organisationId: 'altai.minzdrav' });
    assert.deepEqual(fromQuery(toQuery(form)), form);
  });

  it('makes a poll with one single-choice question and a vote of approval from lines', () => {
    const base = { ...EMPTY_EVENT, organisationId: 'o', title: ' Опрос ', opensAt: '2026-12-10T10:00', closesAt: '2026-12-11T10:00' };
    const poll = eventCreate({ ...base, question: 'Как?', lines: 'Да\n\n Нет ' });
    assert.deepEqual(poll.settings, { questions: [{ id: 'q1', kind: 'single', text: 'Как?', options: [{ id: 'o1', text: 'Да' }, { id: 'o2', text: 'Нет' }] }] });
    assert.equal(poll.title, 'Опрос');
    const vote = eventCreate({ ...base, type: 'vote', lines: 'Сквер\nФонари' });
    assert.deepEqual(vote.settings, { kind: 'approval', projects: [{ id: 'p1', name: 'Сквер', cost: 0 }, { id: 'p2', name: 'Фонари', cost: 0 }] });
  });
});
