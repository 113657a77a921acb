import assert from 'node:assert/strict';
import { pageUrlProblem } from '../../domain/pages/registry';
import { Refused } from '../../workflows/shared/failures';
import { approve, cancel, isDue, reschedule, startingPublication } from '../../workflows/rules/publication';
import type { PublicationInput } from '../../workflows/publication/messages';
import type { Actor } from '../../workflows/shared/actor';

const input: PublicationInput = {
  publicationId: 'p1', pageId: 1, organisationId: 'org', regionId: 'r', text: 'Текст', authorUserId: 7,
  publishAt: '2026-12-07T10:00:00.000Z', createdAt: '2026-12-06T10:00:00.000Z',
  delivery: { timeoutMs: 1000, retry: { initialIntervalMs: 100, maximumIntervalMs: 1000, maximumAttempts: 3 } },
};
const operator = (userId: number): Actor => ({ userId, role: 'operator', organisationId: 'org' });

describe('publication rules (workflows/rules/publication.ts)', () => {
  it('refuses approval by the author, and gives a second person the draft to schedule', () => {
    const draft = startingPublication(input);
    assert.throws(() => approve(draft, { actor: operator(7) }, '2026-12-06T11:00:00.000Z'),
      (e: unknown) => e instanceof Refused && e.type === 'Forbidden' && /second person, not by its author/.test(e.message));
    const scheduled = approve(draft, { actor: operator(8) }, '2026-12-06T11:00:00.000Z');
    assert.equal(scheduled.status, 'scheduled');
    assert.equal(scheduled.approvedBy, 8);
    assert.throws(() => approve(scheduled, { actor: operator(9) }, '2026-12-06T11:00:00.000Z'), (e: unknown) => (e as Refused).type === 'InvalidTransition');
  });

  it('is due at its time once approved; a reschedule moves it, nothing changes it once it is being published', () => {
    const scheduled = approve(startingPublication(input), { actor: operator(8) }, '2026-12-06T11:00:00.000Z');
    assert.equal(isDue(scheduled, '2026-12-07T09:59:59.000Z'), false);
    assert.equal(isDue(scheduled, '2026-12-07T10:00:00.000Z'), true);
    assert.equal(isDue(startingPublication(input), '2026-12-08T00:00:00.000Z'), false, 'a draft is never due');
    const later = reschedule(scheduled, { actor: operator(7), publishAt: '2026-12-08T10:00:00+03:00' });
    assert.equal(later.publishAt, '2026-12-08T07:00:00.000Z');
    const publishing = { ...later, status: 'publishing' as const };
    assert.throws(() => reschedule(publishing, { actor: operator(7), publishAt: '2026-12-09T10:00:00Z' }), /publishing; its time can no longer change/);
    assert.throws(() => cancel(publishing, { actor: operator(7), reason: 'передумали' }), /can no longer be cancelled/);
    assert.equal(cancel(later, { actor: operator(7), reason: 'передумали' }).status, 'cancelled');
    assert.throws(() => reschedule(scheduled, { actor: operator(7), publishAt: '9999-12-31T23:00:00-10:00' }), /before the year 10000/);
    assert.throws(() => reschedule(scheduled, { actor: operator(7), publishAt: 'завтра' }), /must be a date and time/);
  });
});

describe('official page addresses (domain/pages/registry.ts pageUrlProblem)', () => {
  it('accepts a page on its network\'s host and refuses others', () => {
    assert.equal(pageUrlProblem('vk', 'https://vk.com/minzdrav22'), null);
    assert.equal(pageUrlProblem('telegram', 'https://t.me/minzdrav22'), null);
    assert.equal(pageUrlProblem('ok', 'https://ok.ru/group/123'), null);
    assert.match(pageUrlProblem('vk', 'https://t.me/minzdrav22')!, /expected https:\/\/vk.com/);
    assert.match(pageUrlProblem('vk', 'http://vk.com/minzdrav22')!, /expected https/);
    assert.match(pageUrlProblem('vk', 'https://vk.com/')!, /the page itself/);
    assert.equal(pageUrlProblem('ok', 'not a url'), 'expected a URL');
  });
});
