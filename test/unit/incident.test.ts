// The incident's pure rules: its term in hours and reminder, the keys that make a post reported twice
// one incident, the reply's address, and the transitions (register, reply, dismiss, timers).
import assert from 'node:assert/strict';
import { authorTextKey, incidentTerm, isReplyUrl, postUrlKey } from '../../workflows/rules/incident-term';
import type { IncidentInput } from '../../workflows/incident/messages';
import { IncidentRefused, dismiss, nextDeadline, register, reply, startingState, timersDue } from '../../workflows/incident/transitions';
import type { Actor } from '../../workflows/shared/actor';

const input: IncidentInput = {
  incidentId: 'inc-99-2026-000001', regionId: 'testland', network: 'vk', postUrl: 'https://vk.com/wall-1_2', text: 'Яма на дороге',
  authorHandle: '@ivan', foundAt: '2026-12-01T09:50:00Z', categoryId: 'testland.c.roads', subcategoryId: null, territoryId: null,
  receivedAt: '2026-12-01T10:00:00Z',
};
const operator: Actor = { userId: 7, role: 'operator', organisationId: 'org.a' };
const registered = () => register(startingState(input), input, { organisationId: 'org.a', explanation: 'rule 1', termHours: 24, reminderHours: 2 }).state;

function refusedWith(type: string, fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof IncidentRefused && e.type === type);
}

describe('incident term and keys (pure)', () => {
  it('counts the term in hours from registration, with the reminder before it', () => {
    assert.deepEqual(incidentTerm('2026-12-01T10:00:00Z', 24, 2), { answerDueAt: '2026-12-02T10:00:00.000Z', termHours: 24, remindAt: '2026-12-02T08:00:00.000Z' });
    assert.equal(incidentTerm('2026-12-01T10:00:00Z', 2, 0).remindAt, null, 'no reminder when 0');
    assert.equal(incidentTerm('2026-12-01T10:00:00Z', 2, 3).remindAt, null, 'no reminder before registration');
    assert.throws(() => incidentTerm('2026-12-01T10:00:00Z', 0, 0), /≥ 1/);
  });

  it('takes http(s) reply addresses only', () => {
    assert.ok(isReplyUrl('https://vk.com/wall-1_2?reply=5'));
    assert.ok(isReplyUrl('http://администрация.рф/ответ'));
    for (const bad of ['ftp://vk.com/x', 'vk.com/x', 'https://', 'https://user:pw@vk.com/x', 'https://vk.com/a b', 'javascript:alert(1)', 42, 'https://x.ru/' + 'a'.repeat(2000)]) {
      assert.equal(isReplyUrl(bad), false, String(bad).slice(0, 40));
    }
  });

  it('gives one URL key to the same post however it is written', () => {
    const key = postUrlKey('https://vk.com/wall-1_2');
    for (const same of ['http://www.vk.com/wall-1_2/', 'https://VK.com/wall-1_2?utm_source=monitor#reply', 'https://m.vk.com/wall-1_2']) assert.equal(postUrlKey(same), key, same);
    assert.notEqual(postUrlKey('https://vk.com/wall-1_3'), key);
    assert.notEqual(postUrlKey('https://vk.com/wall?w=1'), postUrlKey('https://vk.com/wall?w=2'));
  });

  it('gives one text key to the same text by the same author in the same network', () => {
    const key = authorTextKey('vk', '@Ivan', 'Яма  на\nдороге');
    assert.equal(authorTextKey('VK', 'ivan', 'яма на дороге'), key);
    assert.notEqual(authorTextKey('vk', 'petr', 'Яма на дороге'), key);
    assert.notEqual(authorTextKey('ok', 'ivan', 'Яма на дороге'), key);
  });
});

describe('incident transitions (pure)', () => {
  it('registers with the routed organisation and the term', () => {
    const { state, event } = register(startingState(input), input, { organisationId: 'org.a', explanation: 'rule 1', termHours: 24, reminderHours: 2 });
    assert.equal(state.organisationId, 'org.a');
    assert.equal(state.answerDueAt, '2026-12-02T10:00:00.000Z');
    assert.equal(state.seq, 1);
    assert.equal(event?.type, 'registered');
  });

  it('reminds, then goes overdue once, and stays open for the reply', () => {
    let s = registered();
    assert.equal(nextDeadline(s), Date.parse('2026-12-02T08:00:00Z'));
    assert.equal(timersDue(s, '2026-12-02T07:59:59Z').event, null);
    const reminded = timersDue(s, '2026-12-02T08:00:00Z');
    assert.equal(reminded.event?.type, 'reminder');
    s = reminded.state;
    assert.equal(nextDeadline(s), Date.parse('2026-12-02T10:00:00Z'));
    const overdue = timersDue(s, '2026-12-02T10:00:00Z');
    assert.equal(overdue.event?.type, 'overdue');
    s = overdue.state;
    assert.equal(s.overdue, true);
    assert.equal(s.status, 'registered');
    assert.equal(nextDeadline(s), undefined);
    assert.equal(timersDue(s, '2026-12-03T00:00:00Z').event, null);
    // After an outage past the term, only the overdue is recorded.
    assert.equal(timersDue(registered(), '2026-12-05T00:00:00Z').event?.type, 'overdue');
  });

  it('records the reply with its URL and closes; refuses what does not fit', () => {
    const s = registered();
    refusedWith('Forbidden', () => reply(s, { actor: { ...operator, organisationId: 'org.b' }, text: 'Ответ', replyUrl: 'https://vk.com/r' }, input.receivedAt));
    refusedWith('Forbidden', () => reply(s, { actor: { userId: 1, role: 'supervisor', regionId: 'testland' }, text: 'Ответ', replyUrl: 'https://vk.com/r' }, input.receivedAt));
    refusedWith('InvalidInput', () => reply(s, { actor: operator, text: ' ', replyUrl: 'https://vk.com/r' }, input.receivedAt));
    refusedWith('InvalidInput', () => reply(s, { actor: operator, text: 'Ответ', replyUrl: 'not a url' }, input.receivedAt));
    const { state, event } = reply(s, { actor: operator, text: 'Ответ', replyUrl: 'https://vk.com/wall-1_2?reply=9' }, '2026-12-01T12:00:00Z');
    assert.equal(state.status, 'closed');
    assert.equal(state.resolution, 'answered');
    assert.deepEqual(state.reply, { text: 'Ответ', url: 'https://vk.com/wall-1_2?reply=9', repliedAt: '2026-12-01T12:00:00Z', byUserId: 7, organisationId: 'org.a' });
    assert.equal(event?.type, 'answered');
    assert.equal(nextDeadline(state), undefined);
    refusedWith('InvalidTransition', () => reply(state, { actor: operator, text: 'Ещё', replyUrl: 'https://vk.com/r' }, input.receivedAt));
  });

  it('is dismissed with a reason by the organisation or the region\'s supervisor', () => {
    const s = registered();
    refusedWith('InvalidInput', () => dismiss(s, { actor: operator, reason: '' }, input.receivedAt));
    refusedWith('Forbidden', () => dismiss(s, { actor: { userId: 2, role: 'supervisor', regionId: 'other' }, reason: 'Спам' }, input.receivedAt));
    const { state } = dismiss(s, { actor: { userId: 2, role: 'supervisor', regionId: 'testland' }, reason: 'Спам' }, '2026-12-01T11:00:00Z');
    assert.equal(state.resolution, 'dismissed');
    assert.deepEqual(state.dismissal, { reason: 'Спам', dismissedAt: '2026-12-01T11:00:00Z', byUserId: 2, byRole: 'supervisor' });
    refusedWith('InvalidTransition', () => dismiss(state, { actor: operator, reason: 'Ещё раз' }, input.receivedAt));
  });
});
