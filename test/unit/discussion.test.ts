import assert from 'node:assert/strict';
import { compareVersions, draftProblems, splitDraft, summaryBlocker, type ProposalCounts } from '../../workflows/rules/discussion';
import { discussionSettingsProblems } from '../../workflows/discussion/messages';
import { announcementProblem, hearingSettingsProblems, latestAnnouncement } from '../../workflows/hearing/messages';

const counts = (c: Partial<ProposalCounts>): ProposalCounts => ({
  total: 0, pending: 0, approved: 0, rejected: 0, answered: 0, accepted: 0, partly: 0, answeredRejected: 0, ...c,
});

describe('discussion rules: points of a draft', () => {
  it('splits a draft that numbers its clauses at the markers, with a preamble and continuation lines', () => {
    const points = splitDraft('Проект решения\n1. Первое.\n2) Второе,\nпродолжение второго.\n2.1. Подпункт.\n');
    assert.deepEqual(points, [
      { number: 1, label: null, text: 'Проект решения' },
      { number: 2, label: '1.', text: 'Первое.' },
      { number: 3, label: '2)', text: 'Второе,\nпродолжение второго.' },
      { number: 4, label: '2.1.', text: 'Подпункт.' },
    ]);
  });

  it('recognises articles and chapters as markers', () => {
    const points = splitDraft('Статья 1. Предмет регулирования\nТекст статьи.\r\nСтатья 2. Термины\r\nТекст.');
    assert.deepEqual(points.map((p) => p.label), ['Статья 1.', 'Статья 2.']);
    assert.equal(points[0].text, 'Предмет регулирования\nТекст статьи.');
  });

  it('splits unnumbered text by paragraphs, skipping empty ones', () => {
    const points = splitDraft('Первый абзац\nещё строка\n\n\n\nВторой абзац\n  \nТретий');
    assert.deepEqual(points.map((p) => [p.number, p.text]), [[1, 'Первый абзац\nещё строка'], [2, 'Второй абзац'], [3, 'Третий']]);
  });

  it('does not treat a single numbered line as numbering', () => {
    assert.deepEqual(splitDraft('2026. Год принятия\n\nТекст').map((p) => p.text), ['2026. Год принятия', 'Текст']);
  });

  it('refuses an empty or oversized draft', () => {
    assert.deepEqual(draftProblems('  \n '), ['the draft text must not be empty']);
    assert.match(draftProblems('x'.repeat(200_001))[0], /longer than/);
    assert.match(draftProblems(Array.from({ length: 2001 }, (_, i) => `${i + 1}. п`).join('\n'))[0], /at most 2000/);
    assert.throws(() => splitDraft(''), /must not be empty/);
  });
});

describe('discussion rules: versions', () => {
  it('matches moved, changed, added and removed points', () => {
    const v1 = splitDraft('1. Альфа\n2. Бета\n3. Гамма\n4. Дельта');
    const v2 = splitDraft('1. Бета\n2. Альфа\n3. Гамма изменена\n5. Эпсилон');
    assert.deepEqual(compareVersions(v1, v2), {
      unchanged: [{ number: 1, previousNumber: 2 }, { number: 2, previousNumber: 1 }],
      changed: [3],
      added: [4],
      removed: [4],
    });
  });

  it('ignores differences of whitespace only', () => {
    const v1 = splitDraft('Один  абзац\n\nДругой');
    const v2 = splitDraft('Один абзац\n\nДругой ');
    assert.deepEqual(compareVersions(v1, v2).unchanged.length, 2);
  });
});

describe('discussion rules: the summary', () => {
  it('is blocked by proposals awaiting moderation and by unanswered approved ones', () => {
    assert.match(summaryBlocker(counts({ total: 2, pending: 1, approved: 1, answered: 1 }))!, /1 proposal\(s\) still await moderation/);
    assert.match(summaryBlocker(counts({ total: 3, approved: 3, answered: 1 }))!, /2 approved proposal\(s\) have no answer/);
    assert.equal(summaryBlocker(counts({ total: 3, approved: 2, rejected: 1, answered: 2 })), null);
    assert.equal(summaryBlocker(counts({})), null, 'a discussion without proposals may publish its summary');
  });
});

describe('discussion and hearing settings', () => {
  it('checks a discussion\'s settings', () => {
    assert.deepEqual(discussionSettingsProblems({ draftText: '1. a\n2. b', answerTermDays: 30 }), []);
    assert.deepEqual(discussionSettingsProblems({ draftText: '', answerTermDays: 0, reminderOffsetsDays: [0], colour: 'red' }), [
      'settings.draftText: the draft text must not be empty',
      'settings.answerTermDays must be an integer from 1 to 366',
      'settings.reminderOffsetsDays must be a list of at most 10 integers from 1 to 366',
      'settings.colour is not a discussion setting',
    ]);
    assert.deepEqual(discussionSettingsProblems(null), ['settings must be an object']);
  });

  const hearing = {
    hearingAt: '2026-12-20T15:00:00+07:00', place: 'ДК', subject: 'Проект планировки', announceDaysBefore: 10, protocolTermDays: 5, conclusionTermDays: 10,
  };

  it('checks a hearing\'s settings against its schedule', () => {
    assert.deepEqual(hearingSettingsProblems(hearing, { opensAt: '2026-12-01T00:00:00Z', closesAt: '2026-12-19T00:00:00Z' }), []);
    assert.deepEqual(hearingSettingsProblems({ ...hearing, hearingAt: '2026-12-20 15:00', place: ' ' }), [
      'settings.hearingAt must be a date-time with an offset, e.g. 2026-12-20T15:00:00+07:00',
      'settings.place must not be empty',
    ]);
    assert.match(hearingSettingsProblems({ ...hearing, conclusionTermDays: 3 })[0], /must not be shorter than protocolTermDays/);
    assert.match(hearingSettingsProblems(hearing, { opensAt: '2026-12-21T00:00:00Z', closesAt: '2026-12-25T00:00:00Z' })[0], /hearingAt must be after opensAt/);
  });

  it('allows the announcement up to announceDaysBefore days before the hearing, and refuses it after', () => {
    assert.equal(latestAnnouncement(hearing), '2026-12-10T08:00:00.000Z');
    assert.equal(announcementProblem(hearing, '2026-12-10T08:00:00.000Z'), null);
    assert.match(announcementProblem(hearing, '2026-12-10T08:00:00.001Z')!, /at least 10 day\(s\) before it .* by 2026-12-10T08:00:00.000Z/);
  });
});
