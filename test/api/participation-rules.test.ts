// The poll and vote checks the events API applies (pure: no server, no database).
import assert from 'node:assert/strict';
import { winnerRuleOf } from '../../domain/participation/vote';
import { voteSettingsProblems } from '../../domain/participation/vote';
import { offlinePollProblems, pollAnswerProblems, pollSettingsProblems, type PollSettings } from '../../workflows/poll/questions';

const poll: PollSettings = {
  questions: [
    { id: 'one', kind: 'single', text: 'One', options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }] },
    { id: 'many', kind: 'multiple', text: 'Many', maxChoices: 2, options: [{ id: 'x', text: 'X' }, { id: 'y', text: 'Y' }, { id: 'z', text: 'Z' }] },
    { id: 'scale', kind: 'scale', text: 'Scale', scaleMin: 0, scaleMax: 10 },
    { id: 'free', kind: 'text', text: 'Free', required: false, maxLength: 10 },
  ],
};

describe('poll rules of the events API', () => {
  it('accepts valid settings and names each problem of bad ones', () => {
    assert.deepEqual(pollSettingsProblems(poll), []);
    assert.deepEqual(pollSettingsProblems({ questions: [] }), ['a poll needs at least one question']);
    const bad = pollSettingsProblems({
      questions: [
        { id: 'q', kind: 'single', text: 'Q', options: [{ id: 'a', text: 'A' }] },
        { id: 'q', kind: 'multiple', text: 'Q', maxChoices: 5, options: [{ id: 'a', text: 'A' }, { id: 'a', text: 'B' }] },
        { id: 's', kind: 'scale', text: 'S', scaleMin: 5, scaleMax: 5 },
        { id: 't', kind: 'text', text: 'T', options: [{ id: 'a', text: 'A' }] },
      ],
    });
    assert.ok(bad.some((m) => /at least two options/.test(m)));
    assert.ok(bad.some((m) => /appears more than once/.test(m)));
    assert.ok(bad.some((m) => /same id/.test(m)));
    assert.ok(bad.some((m) => /maxChoices 5/.test(m)));
    assert.ok(bad.some((m) => /scaleMin must be less/.test(m)));
    assert.ok(bad.some((m) => /options apply to single and multiple/.test(m)));
  });

  it('checks answers: options, maximum of choices, scale range, required and optional, unknown questions', () => {
    const ok = { one: 'a', many: ['x', 'z'], scale: 0 };
    assert.deepEqual(pollAnswerProblems(poll, ok), []);
    assert.deepEqual(pollAnswerProblems(poll, { ...ok, free: 'короткий' }), []);
    assert.match(pollAnswerProblems(poll, { ...ok, one: 'c' })[0], /unknown option "c"/);
    assert.match(pollAnswerProblems(poll, { ...ok, many: ['x', 'y', 'z'] })[0], /too many choices: at most 2/);
    assert.match(pollAnswerProblems(poll, { ...ok, many: ['x', 'x'] })[0], /chosen more than once/);
    assert.match(pollAnswerProblems(poll, { ...ok, scale: 11 })[0], /integer from 0 to 10/);
    assert.match(pollAnswerProblems(poll, { ...ok, scale: 2.5 })[0], /out of scale/);
    assert.match(pollAnswerProblems(poll, { ...ok, free: 'слишком длинный ответ' })[0], /over the limit of 10/);
    assert.match(pollAnswerProblems(poll, { many: ['x'], scale: 1 })[0], /"one" is required/);
    assert.match(pollAnswerProblems(poll, { ...ok, other: 'a' })[0], /unknown question "other"/);
    assert.match(pollAnswerProblems(poll, { ...ok, free: '   ' })[0], /empty/, 'to skip an optional question, leave it out');
  });

  it('checks paper results against the questions', () => {
    assert.deepEqual(offlinePollProblems(poll, { respondents: 3, answers: { one: { counts: { a: 2, b: 1 } }, scale: { counts: { '0': 1, '10': 2 } }, free: { texts: ['x'] } } }), []);
    assert.match(offlinePollProblems(poll, { answers: {} })[0], /respondents/);
    assert.match(offlinePollProblems(poll, { respondents: 1, answers: { one: { counts: { a: 2 } } } })[0], /2 answers counted for 1/);
    assert.match(offlinePollProblems(poll, { respondents: 1, answers: { scale: { counts: { '11': 1 } } } })[0], /not on the scale/);
    assert.match(offlinePollProblems(poll, { respondents: 1, answers: { free: { counts: { a: 1 } } } })[0], /free text/);
    assert.match(offlinePollProblems(poll, { respondents: 1, answers: { nope: { counts: {} } } })[0], /no question nope/);
  });
});

describe('vote rules of the events API', () => {
  const projects = [{ id: 'p1', name: 'P1', cost: 40 }, { id: 'p2', name: 'P2', cost: 70 }];
  const opensAt = '2026-12-10T00:00:00Z';

  it('accepts the three kinds with their rules and refuses what cannot work', () => {
    assert.deepEqual(voteSettingsProblems({ kind: 'single_choice', projects }, opensAt), []);
    assert.deepEqual(voteSettingsProblems({ kind: 'approval', maxApprovals: 1, projects }, opensAt), []);
    assert.deepEqual(voteSettingsProblems({ kind: 'budget', budget: 100, minShareOfBudget: 0.5, rule: 'equal_shares', projects }, opensAt), []);
    assert.match(voteSettingsProblems({ kind: 'budget', rule: 'greedy', projects }, opensAt).join('; '), /needs a budget/);
    assert.match(voteSettingsProblems({ kind: 'single_choice', rule: 'greedy', budget: 100, projects }, opensAt).join('; '), /most votes/);
    assert.match(voteSettingsProblems({ kind: 'approval', projects: [] }, opensAt).join('; '), /needs projects/);
    assert.match(voteSettingsProblems({ kind: 'approval', projects: [{ id: 'c1', name: 'x', cost: 1 }] }, opensAt).join('; '), /reserved/);
    assert.match(voteSettingsProblems({ kind: 'approval', acceptsProjects: true, projectsCloseAt: '2026-12-11T00:00:00Z' }, opensAt).join('; '), /not be after opensAt/);
  });

  it('chooses greedy with a budget, the most votes without one', () => {
    assert.deepEqual(winnerRuleOf({ kind: 'budget', budget: 100 }), { rule: 'greedy' });
    assert.deepEqual(winnerRuleOf({ kind: 'approval' }), { rule: 'most_votes', seats: 1 });
    assert.deepEqual(winnerRuleOf({ kind: 'single_choice', budget: 100 }), { rule: 'most_votes', seats: 1 });
    assert.equal(winnerRuleOf({ kind: 'approval', budget: 100, rule: 'equal_shares' }).rule, 'equal_shares');
  });
});
