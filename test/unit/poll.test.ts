import assert from 'node:assert/strict';
import {
  DEFAULT_TEXT_MAX_LENGTH,
  mergeOfflineResults,
  pollResults,
  validatePollQuestions,
  validatePollResponse,
  type ChoiceResult,
  type PollQuestion,
  type PollResponse,
  type PollResults,
  type ScaleResult,
  type TextResult,
} from '../../workflows/rules/poll';

// A poll on a courtyard renovation.
const QUESTIONS: PollQuestion[] = [
  {
    id: 'priority',
    kind: 'single',
    required: true,
    text: 'What matters most?',
    options: [
      { id: 'playground', label: 'Playground' },
      { id: 'parking', label: 'Parking' },
      { id: 'greenery', label: 'Greenery' },
    ],
  },
  {
    id: 'extras',
    kind: 'multiple',
    required: false,
    maxChoices: 2,
    options: [{ id: 'benches' }, { id: 'lights' }, { id: 'bins' }, { id: 'bike-racks' }],
  },
  { id: 'satisfaction', kind: 'scale', required: true, min: 1, max: 5 },
  { id: 'comment', kind: 'text', required: false, maxLength: 20 },
];

const RESPONSES: PollResponse[] = [
  { priority: 'playground', extras: ['benches', 'lights'], satisfaction: 4, comment: '  More trees  ' },
  { priority: 'playground', extras: ['benches'], satisfaction: 5 },
  { priority: 'parking', satisfaction: 2, comment: 'Fix the drains' },
  { priority: 'greenery', extras: ['lights', 'bins'], satisfaction: 4, comment: null },
];

describe('validatePollResponse', () => {
  it('accepts complete responses and responses that leave optional questions out', () => {
    for (const r of RESPONSES) assert.doesNotThrow(() => validatePollResponse(QUESTIONS, r));
    assert.doesNotThrow(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 1, extras: undefined }));
  });

  it('missing required question', () => {
    assert.throws(() => validatePollResponse(QUESTIONS, { satisfaction: 3 }), /^Error: Invalid poll response: question "priority" is required$/);
    assert.throws(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: null }), /question "satisfaction" is required/);
  });

  it('unknown question or option', () => {
    assert.throws(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 3, age: 40 }), /^Error: Invalid poll response: unknown question "age"$/);
    assert.throws(() => validatePollResponse(QUESTIONS, { priority: 'pool', satisfaction: 3 }), /^Error: Invalid poll response: question "priority": unknown option "pool"$/);
    assert.throws(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 3, extras: ['swings'] }), /question "extras": unknown option "swings"/);
  });

  it('wrong answer types', () => {
    assert.throws(() => validatePollResponse(QUESTIONS, { priority: ['parking'], satisfaction: 3 }), /question "priority": expected one option id, got \["parking"\]/);
    assert.throws(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 3, extras: 'benches' }), /question "extras": expected a list of option ids/);
    assert.throws(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: '3' }), /question "satisfaction": out of scale: expected an integer from 1 to 5, got "3"/);
    assert.throws(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 3, comment: 5 }), /question "comment": expected text, got 5/);
    assert.throws(() => validatePollResponse(QUESTIONS, null as unknown as PollResponse), /expected an object of answers by question id, got null/);
    assert.throws(() => validatePollResponse(QUESTIONS, [] as unknown as PollResponse), /expected an object of answers/);
  });

  it('too many choices, none, or one twice', () => {
    assert.throws(
      () => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 3, extras: ['benches', 'lights', 'bins'] }),
      /^Error: Invalid poll response: question "extras": too many choices: at most 2, got 3$/,
    );
    assert.throws(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 3, extras: [] }), /question "extras": no option chosen/);
    assert.throws(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 3, extras: ['bins', 'bins'] }), /option "bins" is chosen more than once/);
  });

  it('out of scale: below, above, fractional', () => {
    for (const v of [0, 6, 3.5, NaN]) {
      assert.throws(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: v }), /question "satisfaction": out of scale: expected an integer from 1 to 5/, String(v));
    }
    assert.doesNotThrow(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 1 }));
    assert.doesNotThrow(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 5 }));
  });

  it('empty text and text over the limit (counted in characters, after trimming)', () => {
    assert.throws(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 3, comment: '   ' }), /^Error: Invalid poll response: question "comment": the text is empty$/);
    assert.throws(
      () => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 3, comment: 'x'.repeat(21) }),
      /question "comment": the text is 21 characters long, over the limit of 20/,
    );
    assert.doesNotThrow(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 3, comment: ` ${'x'.repeat(20)} ` }));
    assert.doesNotThrow(() => validatePollResponse(QUESTIONS, { priority: 'parking', satisfaction: 3, comment: '🌳'.repeat(20) })); // 20 characters, 40 UTF-16 units
    const long: PollQuestion[] = [{ id: 't', kind: 'text', required: true }];
    assert.doesNotThrow(() => validatePollResponse(long, { t: 'я'.repeat(DEFAULT_TEXT_MAX_LENGTH) }));
    assert.throws(() => validatePollResponse(long, { t: 'я'.repeat(DEFAULT_TEXT_MAX_LENGTH + 1) }), /2,001 characters long, over the limit of 2,000/);
  });
});

describe('validatePollQuestions', () => {
  it('refuses malformed polls', () => {
    assert.throws(() => validatePollQuestions([]), /non-empty list of questions/);
    const one = (q: object) => () => validatePollQuestions([q as PollQuestion]);
    assert.throws(() => validatePollQuestions([QUESTIONS[0], QUESTIONS[0]]), /duplicate question id "priority"/);
    assert.throws(one({ id: 'q', kind: 'single', required: true, options: [{ id: 'a' }] }), /needs at least 2 options/);
    assert.throws(one({ id: 'q', kind: 'single', required: true, options: [{ id: 'a' }, { id: 'a' }] }), /duplicate option id "a"/);
    assert.throws(one({ id: 'q', kind: 'multiple', required: true, options: [{ id: 'a' }, { id: 'b' }], maxChoices: 3 }), /maxChoices must be an integer from 1 to 2/);
    assert.throws(one({ id: 'q', kind: 'scale', required: true, min: 5, max: 1 }), /a scale needs integers min < max/);
    assert.throws(one({ id: 'q', kind: 'scale', required: true, min: 0, max: 1000 }), /at most 100 apart/);
    assert.throws(one({ id: 'q', kind: 'text', required: true, maxLength: 0 }), /maxLength must be an integer/);
    assert.throws(one({ id: 'q', kind: 'ranking', required: true }), /kind must be single, multiple, scale or text, got "ranking"/);
    assert.throws(one({ id: 'q', kind: 'text' }), /required must be true or false/);
  });
});

describe('pollResults', () => {
  const results = pollResults(QUESTIONS, RESPONSES);

  it('single choice: counts and shares of those who answered', () => {
    assert.equal(results.respondents, 4);
    assert.deepEqual(results.questions[0], {
      questionId: 'priority',
      kind: 'single',
      answered: 4,
      options: [
        { optionId: 'playground', label: 'Playground', count: 2, share: 0.5 },
        { optionId: 'parking', label: 'Parking', count: 1, share: 0.25 },
        { optionId: 'greenery', label: 'Greenery', count: 1, share: 0.25 },
      ],
    });
  });

  it('multiple choice: shares of the 3 who answered, rounded to 4 decimals; they may add up to more than 1', () => {
    assert.deepEqual(results.questions[1], {
      questionId: 'extras',
      kind: 'multiple',
      answered: 3,
      options: [
        { optionId: 'benches', count: 2, share: 0.6667 },
        { optionId: 'lights', count: 2, share: 0.6667 },
        { optionId: 'bins', count: 1, share: 0.3333 },
        { optionId: 'bike-racks', count: 0, share: 0 },
      ],
    });
  });

  it('scale: distribution over every value and the mean', () => {
    assert.deepEqual(results.questions[2], {
      questionId: 'satisfaction',
      kind: 'scale',
      answered: 4,
      distribution: [
        { value: 1, count: 0, share: 0 },
        { value: 2, count: 1, share: 0.25 },
        { value: 3, count: 0, share: 0 },
        { value: 4, count: 2, share: 0.5 },
        { value: 5, count: 1, share: 0.25 },
      ],
      mean: 3.75,
    });
  });

  it('free text: the texts, trimmed, in response order', () => {
    assert.deepEqual(results.questions[3], { questionId: 'comment', kind: 'text', answered: 2, texts: ['More trees', 'Fix the drains'] });
  });

  it('rounds half up with exact integer arithmetic', () => {
    const q: PollQuestion[] = [{ id: 's', kind: 'scale', required: true, min: -2, max: 2 }];
    const r = pollResults(q, [{ s: 2 }, { s: 1 }, { s: 1 }]);
    assert.equal((r.questions[0] as ScaleResult).mean, 1.3333);
    assert.equal((r.questions[0] as ScaleResult).distribution[4].share, 0.3333);
    assert.equal((r.questions[0] as ScaleResult).distribution[3].share, 0.6667);
    const neg = pollResults(q, [{ s: -2 }, { s: -1 }, { s: -1 }]);
    assert.equal((neg.questions[0] as ScaleResult).mean, -1.3333);
    // 1/8 = 0.125 exactly; 1/16 = 0.0625 exactly; 1/32 = 0.03125 rounds half up to 0.0313.
    const c: PollQuestion[] = [{ id: 'c', kind: 'single', required: true, options: [{ id: 'a' }, { id: 'b' }] }];
    const oneIn32 = pollResults(c, [{ c: 'a' }, ...Array.from({ length: 31 }, () => ({ c: 'b' }))]);
    assert.equal((oneIn32.questions[0] as ChoiceResult).options[0].share, 0.0313);
  });

  it('no responses: zero counts, zero shares, no mean', () => {
    const empty = pollResults(QUESTIONS, []);
    assert.equal(empty.respondents, 0);
    assert.ok((empty.questions[0] as ChoiceResult).options.every((o) => o.count === 0 && o.share === 0));
    assert.equal((empty.questions[2] as ScaleResult).mean, null);
    assert.deepEqual((empty.questions[3] as TextResult).texts, []);
  });

  it('an invalid response is refused, naming its position', () => {
    assert.throws(() => pollResults(QUESTIONS, [RESPONSES[0], { priority: 'x', satisfaction: 1 }]), /question "priority": unknown option "x" \(response #2\)$/);
  });
});

describe('mergeOfflineResults', () => {
  const online = pollResults(QUESTIONS, RESPONSES);
  // Paper forms collected at the district council: 2 people, transcribed.
  const offline = pollResults(QUESTIONS, [
    { priority: 'greenery', extras: ['bike-racks'], satisfaction: 3, comment: 'Need a ramp' },
    { priority: 'greenery', satisfaction: 1 },
  ]);
  const merged = mergeOfflineResults(online, offline);

  it('adds the counts and keeps online and offline visible', () => {
    assert.deepEqual(merged.respondents, { online: 4, offline: 2, total: 6 });
    const priority = merged.questions[0];
    assert.equal(priority.kind, 'single');
    assert.deepEqual(priority.online, online.questions[0]);
    assert.deepEqual(priority.offline, offline.questions[0]);
    assert.deepEqual(priority.total, {
      questionId: 'priority',
      kind: 'single',
      answered: 6,
      options: [
        { optionId: 'playground', label: 'Playground', count: 2, share: 0.3333 },
        { optionId: 'parking', label: 'Parking', count: 1, share: 0.1667 },
        { optionId: 'greenery', label: 'Greenery', count: 3, share: 0.5 },
      ],
    });
  });

  it('multiple choice, scale (mean recomputed from the added distribution) and text', () => {
    const extras = merged.questions[1].total as ChoiceResult;
    assert.equal(extras.answered, 4);
    assert.deepEqual(extras.options.map((o) => [o.optionId, o.count, o.share]), [
      ['benches', 2, 0.5],
      ['lights', 2, 0.5],
      ['bins', 1, 0.25],
      ['bike-racks', 1, 0.25],
    ]);
    const satisfaction = merged.questions[2].total as ScaleResult;
    assert.deepEqual(satisfaction.distribution.map((d) => d.count), [1, 1, 1, 2, 1]);
    assert.equal(satisfaction.mean, 3.1667); // (1 + 2 + 3 + 8 + 5) / 6
    assert.deepEqual((merged.questions[3].total as TextResult).texts, ['More trees', 'Fix the drains', 'Need a ramp']);
  });

  it('offline figures typed in as counts: shares and mean are recomputed, not trusted', () => {
    const typed: PollResults = JSON.parse(JSON.stringify(offline));
    (typed.questions[0] as ChoiceResult).options[2].share = 0.99;
    (typed.questions[2] as ScaleResult).mean = 42;
    const m = mergeOfflineResults(online, typed);
    assert.equal((m.questions[0].offline as ChoiceResult).options[2].share, 1);
    assert.equal((m.questions[2].offline as ScaleResult).mean, 2);
  });

  it('refuses offline results for another poll or with inconsistent counts', () => {
    const other = pollResults([QUESTIONS[0]], []);
    assert.throws(() => mergeOfflineResults(online, other), /Offline results do not match the poll: 1 questions, expected 4/);
    const renamed: PollResults = JSON.parse(JSON.stringify(offline));
    (renamed.questions[0] as ChoiceResult).options[0].optionId = 'pool';
    assert.throws(() => mergeOfflineResults(online, renamed), /do not match the poll at question "priority"/);
    const tooMany: PollResults = JSON.parse(JSON.stringify(offline));
    (tooMany.questions[0] as ChoiceResult).options[0].count = 1;
    assert.throws(() => mergeOfflineResults(online, tooMany), /Invalid offline results for question "priority": option counts add up to 3, not 2/);
    const negative: PollResults = JSON.parse(JSON.stringify(offline));
    (negative.questions[2] as ScaleResult).distribution[0].count = -1;
    assert.throws(() => mergeOfflineResults(online, negative), /count for 1 must be an integer >= 0, got -1/);
    const overAnswered: PollResults = JSON.parse(JSON.stringify(offline));
    overAnswered.questions[1].answered = 3;
    assert.throws(() => mergeOfflineResults(online, overAnswered), /3 answers but only 2 respondents/);
    const texts: PollResults = JSON.parse(JSON.stringify(offline));
    (texts.questions[3] as TextResult).texts.push('extra');
    assert.throws(() => mergeOfflineResults(online, texts), /expected 1 texts/);
  });

  it('does not change its inputs', () => {
    const before = JSON.stringify([online, offline]);
    mergeOfflineResults(online, offline);
    assert.equal(JSON.stringify([online, offline]), before);
  });
});
