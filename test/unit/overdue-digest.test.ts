// The supervisors' overdue digest's text (domain/cases/overdue-digest.ts digestText): the count with its
// Russian plural, the cases by organisation (the largest first), at most DIGEST_CASES_LISTED numbers each.
import assert from 'node:assert/strict';
import { DIGEST_CASES_LISTED, digestText } from '../../domain/cases/overdue-digest';
import { overdueDigestFromEnv } from '../../domain/config/outbox';

const notice = (i: number, org: string | null) => ({
  id: String(i), case_id: `22-2026-${String(i).padStart(6, '0')}`, organisation_id: org, org_name: org ? `Орг ${org}` : null,
  answer_due_at: new Date('2026-12-05T18:00:00Z'),
});

describe('overdue digest text', () => {
  it('counts the cases with the right plural', () => {
    const subject = (k: number) => digestText(Array.from({ length: k }, (_, i) => notice(i, 'a')), 'Asia/Barnaul').subject;
    assert.equal(subject(1), 'Просрочка: 1 обращение без ответа в срок');
    assert.equal(subject(3), 'Просрочка: 3 обращения без ответа в срок');
    assert.equal(subject(11), 'Просрочка: 11 обращений без ответа в срок');
    assert.equal(subject(21), 'Просрочка: 21 обращение без ответа в срок');
    assert.equal(subject(112), 'Просрочка: 112 обращений без ответа в срок');
    assert.match(digestText([notice(1, 'a')], 'UTC').body, /^Истёк срок ответа по 1 обращению\./);
  });

  it('lists the cases by organisation, the largest first, a limited number each, dates on the region\'s clock', () => {
    const many = Array.from({ length: DIGEST_CASES_LISTED + 5 }, (_, i) => notice(i, 'big'));
    const { body } = digestText([notice(900, 'small'), ...many, notice(901, null)], 'Asia/Barnaul');
    assert.ok(body.indexOf('«Орг big» — 25:') < body.indexOf('«Орг small» — 1:'));
    assert.match(body, /«—» — 1:/);
    assert.match(body, /и ещё 5/);
    assert.equal((body.match(/№ 22-2026-/g) ?? []).length, DIGEST_CASES_LISTED + 2);
    // On the region's clock: 18:00 UTC on the 5th is 01:00 on the 6th in Barnaul (UTC+7).
    assert.match(body, /№ 22-2026-000900 — срок до 06\.12\.2026/);
  });

  it('reads OTKLIK_OVERDUE_DIGEST_* and reports bad values', () => {
    const problems: string[] = [];
    assert.deepEqual(overdueDigestFromEnv({}, problems), { everyMs: 30_000, quietMs: 60_000, maxDelayMs: 900_000 });
    assert.deepEqual(overdueDigestFromEnv({ OTKLIK_OVERDUE_DIGEST_EVERY: '10s', OTKLIK_OVERDUE_DIGEST_QUIET: '2m', OTKLIK_OVERDUE_DIGEST_MAX_DELAY: '1h' }, problems),
      { everyMs: 10_000, quietMs: 120_000, maxDelayMs: 3_600_000 });
    assert.deepEqual(problems, []);
    overdueDigestFromEnv({ OTKLIK_OVERDUE_DIGEST_EVERY: '500ms', OTKLIK_OVERDUE_DIGEST_QUIET: '1h', OTKLIK_OVERDUE_DIGEST_MAX_DELAY: 'soon' }, problems);
    assert.equal(problems.length, 3, problems.join('\n'));
  });
});
