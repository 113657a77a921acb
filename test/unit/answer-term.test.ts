import assert from 'node:assert/strict';
import {
  answerTerm,
  extendAnswerTerm,
  isOverdue,
  parseInstant,
  toIsoInstant,
  remindersFor,
  termFor,
  type TermProfile,
  type TermRule,
  type WorkingCalendar,
} from '../../workflows/rules/answer-term';

const ALTAI = 'Asia/Barnaul'; // UTC+7
const KHABAROVSK = 'Asia/Vladivostok'; // UTC+10 (Khabarovsk krai's zone in tzdb)
const ASTRAKHAN = 'Europe/Astrakhan'; // UTC+4

const cal = (days: number, timeZone = ALTAI): TermRule => ({ days, dayKind: 'calendar', timeZone });
const work = (days: number, calendar?: WorkingCalendar, timeZone = ALTAI): TermRule =>
  calendar ? { days, dayKind: 'working', timeZone, calendar } : { days, dayKind: 'working', timeZone };

// Illustrative production calendar: New Year holidays Jan 1–8 2027 and one transferred working Saturday.
const NEW_YEAR_2027: WorkingCalendar = {
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04', '2027-01-05', '2027-01-06', '2027-01-07', '2027-01-08'],
  workingWeekends: ['2027-01-16'],
};

describe('answerTerm: calendar days', () => {
  // 2026-01-15T03:00Z is 10:00 on Jan 15 in Barnaul.
  const registered = '2026-01-15T03:00:00Z';

  it('30 days: the default 59-FZ term ends at the end of the local day (Altai)', () => {
    assert.equal(answerTerm(registered, cal(30)), '2026-02-14T16:59:59.999Z');
  });

  it('10 days: accelerated track', () => {
    assert.equal(answerTerm(registered, cal(10)), '2026-01-25T16:59:59.999Z');
  });

  it('7 days: Altai COVID-era accelerated categories', () => {
    assert.equal(answerTerm(registered, cal(7)), '2026-01-22T16:59:59.999Z');
  });

  it('1 and 366 days are the bounds', () => {
    assert.equal(answerTerm(registered, cal(1)), '2026-01-16T16:59:59.999Z');
    assert.equal(answerTerm(registered, cal(366)), '2027-01-16T16:59:59.999Z');
  });

  it('accepts a Date and an instant with an explicit offset, with the same result', () => {
    assert.equal(answerTerm(new Date(registered), cal(30)), '2026-02-14T16:59:59.999Z');
    assert.equal(answerTerm('2026-01-15T10:00:00+07:00', cal(30)), '2026-02-14T16:59:59.999Z');
    assert.equal(answerTerm('2026-01-15T10:00:00.123456+0700', cal(30)), '2026-02-14T16:59:59.999Z');
  });

  it('month end: Jan 31 + 30 days is Mar 2 in non-leap 2026', () => {
    assert.equal(answerTerm('2026-01-31T05:00:00Z', cal(30)), '2026-03-02T16:59:59.999Z');
  });

  it('leap year 2028: Jan 31 + 30 is Mar 1, Feb 28 + 1 is Feb 29, Feb 29 + 30 is Mar 30', () => {
    assert.equal(answerTerm('2028-01-31T05:00:00Z', cal(30)), '2028-03-01T16:59:59.999Z');
    assert.equal(answerTerm('2028-02-28T05:00:00Z', cal(1)), '2028-02-29T16:59:59.999Z');
    assert.equal(answerTerm('2028-02-29T05:00:00Z', cal(30)), '2028-03-30T16:59:59.999Z');
  });

  it('year end: Dec 15 + 30 is Jan 14 of the next year', () => {
    assert.equal(answerTerm('2026-12-15T05:00:00Z', cal(30)), '2027-01-14T16:59:59.999Z');
  });

  it('the result is always the last millisecond of a local day', () => {
    for (const [tz, utcHour] of [[ALTAI, 16], [KHABAROVSK, 13], [ASTRAKHAN, 19]] as const) {
      const due = answerTerm('2026-06-01T12:00:00Z', cal(30, tz));
      assert.match(due, new RegExp(`^\\d{4}-\\d{2}-\\d{2}T${utcHour}:59:59\\.999Z$`), `${tz}: ${due}`);
    }
  });
});

describe('answerTerm: time zones (the registration date is the local date)', () => {
  it('Altai: local midnight is the boundary, not UTC midnight', () => {
    assert.equal(answerTerm('2026-01-14T16:59:59.999Z', cal(30)), '2026-02-13T16:59:59.999Z'); // Jan 14 23:59:59.999 local
    assert.equal(answerTerm('2026-01-14T17:00:00.000Z', cal(30)), '2026-02-14T16:59:59.999Z'); // Jan 15 00:00 local
  });

  it('Khabarovsk: a submission at 20:00 UTC is already the next local day (06:00 UTC+10)', () => {
    // Mar 10 20:00Z = Mar 11 06:00 local: the term counts from Mar 11, not Mar 10.
    assert.equal(answerTerm('2026-03-10T20:00:00Z', cal(30, KHABAROVSK)), '2026-04-10T13:59:59.999Z');
  });

  it('Astrakhan: 19:00 UTC is still the same local day, 20:00 UTC is local midnight of the next', () => {
    assert.equal(answerTerm('2026-03-10T19:00:00Z', cal(30, ASTRAKHAN)), '2026-04-09T19:59:59.999Z');
    assert.equal(answerTerm('2026-03-10T20:00:00Z', cal(30, ASTRAKHAN)), '2026-04-10T19:59:59.999Z');
  });

  it('the same instant gives different terms in different regions', () => {
    const at = '2026-03-10T19:30:00Z'; // Astrakhan Mar 10 23:30, Altai Mar 11 02:30, Khabarovsk Mar 11 05:30
    assert.equal(answerTerm(at, cal(10, ASTRAKHAN)), '2026-03-20T19:59:59.999Z');
    assert.equal(answerTerm(at, cal(10, ALTAI)), '2026-03-21T16:59:59.999Z');
    assert.equal(answerTerm(at, cal(10, KHABAROVSK)), '2026-03-21T13:59:59.999Z');
  });
});

describe('answerTerm: working days', () => {
  // 2026-01-16 is a Friday; 03:00Z is 10:00 in Barnaul.
  it('skips weekends; the registration day is not counted', () => {
    assert.equal(answerTerm('2026-01-16T03:00:00Z', work(1)), '2026-01-19T16:59:59.999Z'); // Fri → Mon
    assert.equal(answerTerm('2026-01-16T03:00:00Z', work(5)), '2026-01-23T16:59:59.999Z');
    assert.equal(answerTerm('2026-01-16T03:00:00Z', work(10)), '2026-01-30T16:59:59.999Z');
    assert.equal(answerTerm('2026-01-16T03:00:00Z', work(30)), '2026-02-27T16:59:59.999Z'); // six full weeks
  });

  it('a registration on a weekend counts from the next working day', () => {
    assert.equal(answerTerm('2026-01-17T03:00:00Z', work(1)), '2026-01-19T16:59:59.999Z'); // Sat → Mon
    assert.equal(answerTerm('2026-01-18T03:00:00Z', work(1)), '2026-01-19T16:59:59.999Z'); // Sun → Mon
    assert.equal(answerTerm('2026-01-14T03:00:00Z', work(3)), '2026-01-19T16:59:59.999Z'); // Wed → Mon
  });

  it('skips New Year holidays (Jan 1–8 2027) and counts a transferred working Saturday', () => {
    // Wed Dec 30: Dec 31 (1), Jan 11–15 (2–6), Sat Jan 16 (7), Jan 18–20 (8–10).
    assert.equal(answerTerm('2026-12-30T03:00:00Z', work(10, NEW_YEAR_2027)), '2027-01-20T16:59:59.999Z');
    const noWorkingSaturday = { holidays: NEW_YEAR_2027.holidays, workingWeekends: [] };
    assert.equal(answerTerm('2026-12-30T03:00:00Z', work(10, noWorkingSaturday)), '2027-01-21T16:59:59.999Z');
    // Without a calendar only weekends are skipped.
    assert.equal(answerTerm('2026-12-30T03:00:00Z', work(10)), '2027-01-13T16:59:59.999Z');
  });

  it('a registration inside the holidays counts from the first working day after them', () => {
    assert.equal(answerTerm('2027-01-03T03:00:00Z', work(1, NEW_YEAR_2027)), '2027-01-11T16:59:59.999Z');
    assert.equal(answerTerm('2027-01-08T03:00:00Z', work(1, NEW_YEAR_2027)), '2027-01-11T16:59:59.999Z');
  });

  it('a date listed both as holiday and as working weekend is a working day', () => {
    const both = { holidays: ['2027-01-16'], workingWeekends: ['2027-01-16'] };
    assert.equal(answerTerm('2027-01-15T03:00:00Z', work(1, both)), '2027-01-16T16:59:59.999Z');
  });

  it('uses the local weekday: Thu 20:00 UTC is Fri morning in Khabarovsk', () => {
    // 2026-01-15 (Thu) 20:00Z = Fri Jan 16 06:00 local: the first working day after it is Mon Jan 19.
    assert.equal(answerTerm('2026-01-15T20:00:00Z', work(1, undefined, KHABAROVSK)), '2026-01-19T13:59:59.999Z');
    // In Astrakhan it is still Thu 23:59, so the first working day is Fri Jan 16.
    assert.equal(answerTerm('2026-01-15T19:59:00Z', work(1, undefined, ASTRAKHAN)), '2026-01-16T19:59:59.999Z');
  });
});

describe('answerTerm: invalid input', () => {
  const at = '2026-01-15T03:00:00Z';

  it('rejects days outside 1..366 or not an integer', () => {
    for (const days of [0, -1, 367, 1.5, NaN, Infinity]) {
      assert.throws(() => answerTerm(at, cal(days)), /Invalid days: expected an integer from 1 to 366/, String(days));
    }
    assert.throws(() => answerTerm(at, { ...cal(30), days: '30' as unknown as number }), /Invalid days/);
  });

  it('rejects an unknown time zone', () => {
    assert.throws(() => answerTerm(at, cal(30, 'Mars/Olympus_Mons')), /Unknown time zone.*Mars\/Olympus_Mons/);
    assert.throws(() => answerTerm(at, cal(30, '')), /Unknown time zone/);
  });

  it('rejects an unknown day kind', () => {
    assert.throws(() => answerTerm(at, { days: 30, dayKind: 'weekly' as never, timeZone: ALTAI }), /Invalid dayKind/);
  });

  it('rejects malformed or offset-less instants and invalid Dates', () => {
    for (const from of ['not a date', '2026-01-15', '2026-01-15T10:00:00', '2026-02-30T10:00:00Z', '15.01.2026 10:00', '']) {
      assert.throws(() => answerTerm(from, cal(30)), /Invalid registration instant/, from);
    }
    assert.throws(() => answerTerm(new Date('nonsense'), cal(30)), /Invalid registration instant: the Date is invalid/);
  });

  it('rejects malformed calendar dates', () => {
    assert.throws(() => answerTerm(at, work(5, { holidays: ['2027-1-1'], workingWeekends: [] })), /Invalid calendar.holidays entry.*2027-1-1/);
    assert.throws(() => answerTerm(at, work(5, { holidays: [], workingWeekends: ['2027-02-30'] })), /Invalid calendar.workingWeekends entry/);
  });
});

describe('extendAnswerTerm', () => {
  it('adds calendar days to the local date of the current due instant', () => {
    assert.equal(extendAnswerTerm('2026-02-14T16:59:59.999Z', 30, { dayKind: 'calendar', timeZone: ALTAI }), '2026-03-16T16:59:59.999Z');
    assert.equal(extendAnswerTerm('2026-04-10T13:59:59.999Z', 30, { dayKind: 'calendar', timeZone: KHABAROVSK }), '2026-05-10T13:59:59.999Z');
  });

  it('adds working days with the same calendar rules', () => {
    // Due Fri Feb 27 2026 (Altai) + 5 working days = Fri Mar 6.
    assert.equal(extendAnswerTerm('2026-02-27T16:59:59.999Z', 5, { dayKind: 'working', timeZone: ALTAI }), '2026-03-06T16:59:59.999Z');
    // Due Thu Dec 31 2026 + 1 working day skips the New Year holidays.
    assert.equal(
      extendAnswerTerm('2026-12-31T16:59:59.999Z', 1, { dayKind: 'working', timeZone: ALTAI, calendar: NEW_YEAR_2027 }),
      '2027-01-11T16:59:59.999Z',
    );
  });

  it('uses the days argument even if a full rule with days is passed', () => {
    const full = { ...cal(30) } as TermRule;
    assert.equal(extendAnswerTerm('2026-02-14T16:59:59.999Z', 10, full), '2026-02-24T16:59:59.999Z');
  });

  it('rejects invalid days and a malformed current due instant', () => {
    assert.throws(() => extendAnswerTerm('2026-02-14T16:59:59.999Z', 0, { dayKind: 'calendar', timeZone: ALTAI }), /Invalid extension days/);
    assert.throws(() => extendAnswerTerm('tomorrow', 30, { dayKind: 'calendar', timeZone: ALTAI }), /Invalid current due instant/);
    assert.throws(() => extendAnswerTerm('2026-02-14T16:59:59.999Z', 30, { dayKind: 'calendar', timeZone: 'Nowhere' }), /Unknown time zone/);
  });
});

describe('termFor', () => {
  const altai: TermProfile = { defaultTermDays: 30, dayKind: 'calendar', municipalTermsAdvisory: true, timeZone: ALTAI };
  const khabarovsk: TermProfile = { defaultTermDays: 30, dayKind: 'calendar', municipalTermsAdvisory: false, timeZone: KHABAROVSK };

  it('default term for a ministry: 30 days, binding, not accelerated', () => {
    const t = termFor(altai, null, 'executive_body');
    assert.deepEqual(t, { days: 30, accelerated: false, advisory: false, rule: { days: 30, dayKind: 'calendar', timeZone: ALTAI } });
  });

  it('default term for a municipality stays binding (the 59-FZ term)', () => {
    assert.equal(termFor(altai, null, 'municipality').advisory, false);
    assert.equal(termFor(altai, null, 'settlement').advisory, false);
  });

  it('accelerated term for a ministry is binding', () => {
    const t = termFor(altai, { termDays: 10 }, 'executive_body');
    assert.equal(t.days, 10);
    assert.equal(t.accelerated, true);
    assert.equal(t.advisory, false);
    assert.equal(t.rule.days, 10);
  });

  it('accelerated term for local self-government is advisory in Altai', () => {
    assert.equal(termFor(altai, { termDays: 10 }, 'municipality').advisory, true);
    assert.equal(termFor(altai, { termDays: 7 }, 'settlement').advisory, true);
    assert.equal(termFor(altai, { termDays: 10 }, 'institution').advisory, false);
  });

  it('an advisory municipal term keeps the 59-FZ term binding, with the accelerated one as its advisory target', () => {
    const t = termFor(altai, { termDays: 10 }, 'municipality');
    assert.deepEqual(t, {
      days: 30, accelerated: true, advisory: true, rule: { days: 30, dayKind: 'calendar', timeZone: ALTAI },
      advisoryTarget: { days: 10, rule: { days: 10, dayKind: 'calendar', timeZone: ALTAI } },
    });
    const s = termFor(altai, { termDays: 7 }, 'settlement');
    assert.deepEqual([s.days, s.advisoryTarget?.days], [30, 7]);
    assert.equal(termFor(altai, { termDays: 10 }, 'executive_body').advisoryTarget, undefined);
    assert.equal(termFor(khabarovsk, { termDays: 10 }, 'municipality').advisoryTarget, undefined);
  });

  it('accelerated term for a municipality is binding where the profile says so (Khabarovsk)', () => {
    const t = termFor(khabarovsk, { termDays: 10 }, 'municipality');
    assert.equal(t.advisory, false);
    assert.equal(t.accelerated, true);
    assert.equal(t.rule.timeZone, KHABAROVSK);
  });

  it('carries the day kind and production calendar into the rule, usable by answerTerm', () => {
    const profile: TermProfile = { ...altai, dayKind: 'working', calendar: NEW_YEAR_2027 };
    const t = termFor(profile, { termDays: 10 }, 'executive_body');
    assert.deepEqual(t.rule, { days: 10, dayKind: 'working', timeZone: ALTAI, calendar: NEW_YEAR_2027 });
    assert.equal(answerTerm('2026-12-30T03:00:00Z', t.rule), '2027-01-20T16:59:59.999Z');
  });

  it('rejects invalid term days and time zones', () => {
    assert.throws(() => termFor(altai, { termDays: 0 }, 'executive_body'), /Invalid accelerated termDays/);
    assert.throws(() => termFor({ ...altai, defaultTermDays: 400 }, null, 'executive_body'), /Invalid defaultTermDays/);
    assert.throws(() => termFor({ ...altai, timeZone: 'Altai/Barnaul' }, null, 'executive_body'), /Unknown time zone/);
  });
});

describe('isOverdue', () => {
  const due = '2026-02-14T16:59:59.999Z';

  it('is false up to and including the due instant, true strictly after', () => {
    assert.equal(isOverdue(due, '2026-02-14T10:00:00Z'), false);
    assert.equal(isOverdue(due, due), false);
    assert.equal(isOverdue(due, '2026-02-14T17:00:00.000Z'), true);
    assert.equal(isOverdue(due, '2026-02-15T00:00:00+07:00'), true); // same instant in local notation
  });

  it('rejects malformed instants', () => {
    assert.throws(() => isOverdue(due, 'now'), /Invalid now/);
    assert.throws(() => isOverdue('2026-02-14', '2026-02-14T17:00:00Z'), /Invalid answer due instant/);
  });
});

describe('remindersFor', () => {
  const due = '2026-02-14T16:59:59.999Z';

  it('due minus whole days, ascending by instant, keeping the time of day', () => {
    assert.deepEqual(remindersFor(due, [1, 3]), [
      { offsetDays: 3, at: '2026-02-11T16:59:59.999Z' },
      { offsetDays: 1, at: '2026-02-13T16:59:59.999Z' },
    ]);
  });

  it('removes duplicates and non-positive offsets', () => {
    assert.deepEqual(remindersFor(due, [1, 3, 3, 0, -2, 1]), [
      { offsetDays: 3, at: '2026-02-11T16:59:59.999Z' },
      { offsetDays: 1, at: '2026-02-13T16:59:59.999Z' },
    ]);
    assert.deepEqual(remindersFor(due, []), []);
    assert.deepEqual(remindersFor(due, [0, -1]), []);
  });

  it('crosses month boundaries by exact 24 h steps', () => {
    assert.deepEqual(remindersFor('2026-03-02T16:59:59.999Z', [5]), [{ offsetDays: 5, at: '2026-02-25T16:59:59.999Z' }]);
  });

  it('rejects non-integer offsets and a malformed due instant', () => {
    assert.throws(() => remindersFor(due, [1.5]), /Invalid reminder offset/);
    assert.throws(() => remindersFor(due, [NaN]), /Invalid reminder offset.*NaN/);
    assert.throws(() => remindersFor('soon', [1]), /Invalid answer due instant/);
  });
});

describe('parseInstant', () => {
  it('reads instants with Z or a numeric offset to epoch milliseconds', () => {
    assert.equal(parseInstant('2026-01-15T03:00:00Z'), Date.UTC(2026, 0, 15, 3));
    assert.equal(parseInstant('2026-01-15T10:00:00+07:00'), Date.UTC(2026, 0, 15, 3));
    assert.equal(parseInstant('2026-01-15T10:00+07'), Date.UTC(2026, 0, 15, 3));
  });

  it('reads the canonical form (toIsoInstant) by the engine and refuses an impossible date there as everywhere', () => {
    assert.equal(parseInstant('2026-01-15T03:00:00.123Z'), Date.UTC(2026, 0, 15, 3, 0, 0, 123));
    assert.equal(parseInstant(toIsoInstant(Date.UTC(2028, 1, 29, 23, 59, 59, 999))), Date.UTC(2028, 1, 29, 23, 59, 59, 999));
    for (const impossible of ['2026-02-30T00:00:00.000Z', '2026-02-29T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-01-15T10:60:00.000Z']) {
      assert.throws(() => parseInstant(impossible), /Invalid instant/, impossible);
    }
    // Every form of an instant reads the same through either path.
    for (const ms of [0, Date.UTC(2026, 11, 31, 16, 59, 59, 999), Date.UTC(1999, 0, 1)]) {
      assert.equal(parseInstant(toIsoInstant(ms)), ms);
      assert.equal(parseInstant(toIsoInstant(ms).replace('Z', '+00:00')), ms);
    }
  });
});
