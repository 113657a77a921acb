import assert from 'node:assert/strict';
import {
  ballotMinimumCost,
  compareProjects,
  decideVote,
  decideVoteSteps,
  equalSharesWinners,
  greedyWinners,
  mostVotedWinners,
  tally,
  validateBallot,
  validateProjects,
  validateVoteSettings,
  type Ballot,
  type Project,
  type VoteResult,
  type VoteSettings,
} from '../../workflows/rules/vote';

const ballots = (...groups: [number, string[]][]): Ballot[] =>
  groups.flatMap(([count, approved]) => Array.from({ length: count }, () => ({ approved: [...approved] })));

const explanation = (r: VoteResult, id: string) => r.projects.find((p) => p.id === id)!.explanation;
const stage = (r: VoteResult, id: string) => r.projects.find((p) => p.id === id)!.stage;

// The classic example: 60% of the voters approve the expensive A and B, 40% the cheap C and D.
const CLASSIC: Project[] = [
  { id: 'A', name: 'Skate park', cost: 150 },
  { id: 'B', name: 'Stadium lights', cost: 140 },
  { id: 'C', name: 'Benches', cost: 60 },
  { id: 'D', name: 'Library shelves', cost: 60 },
];
const CLASSIC_BALLOTS = ballots([6, ['A', 'B']], [4, ['C', 'D']]);

describe('tally', () => {
  it('counts votes per project, every project present', () => {
    assert.deepEqual(tally(CLASSIC, CLASSIC_BALLOTS), { A: 6, B: 6, C: 4, D: 4 });
    assert.deepEqual(tally(CLASSIC, []), { A: 0, B: 0, C: 0, D: 0 });
  });

  it('refuses unknown projects and a project twice on one ballot, naming the ballot', () => {
    assert.throws(() => tally(CLASSIC, [{ approved: ['A'] }, { approved: ['Z'] }]), /^Error: Invalid ballot #2: unknown project "Z"$/);
    assert.throws(() => tally(CLASSIC, [{ approved: ['A', 'A'] }]), /^Error: Invalid ballot #1: project "A" is chosen more than once$/);
    assert.throws(() => tally(CLASSIC, [{ approved: 'A' } as unknown as Ballot]), /Invalid ballot #1: expected \{ approved: string\[\] \}/);
  });
});

describe('validateProjects', () => {
  it('accepts whole non-negative costs and optional names', () => {
    assert.doesNotThrow(() => validateProjects([{ id: 'a', cost: 0 }, { id: 'b', cost: 5, name: 'B' }]));
  });

  it('refuses duplicate ids, empty ids, fractional or negative costs', () => {
    assert.throws(() => validateProjects([{ id: 'a', cost: 1 }, { id: 'a', cost: 2 }]), /duplicate project id "a"/);
    assert.throws(() => validateProjects([{ id: ' ', cost: 1 }]), /Invalid project id/);
    assert.throws(() => validateProjects([{ id: 'a', cost: 1.5 }]), /Invalid cost of project "a": expected whole roubles/);
    assert.throws(() => validateProjects([{ id: 'a', cost: -1 }]), /Invalid cost of project "a"/);
    assert.throws(() => validateProjects([{ id: 'a', cost: '10' as unknown as number }]), /got "10"/);
  });
});

describe('greedyWinners', () => {
  it('funds by votes, skips a project that no longer fits and continues with the next', () => {
    const projects: Project[] = [
      { id: 'A', cost: 60 },
      { id: 'B', cost: 50 },
      { id: 'C', cost: 30 },
      { id: 'D', cost: 10 },
    ];
    const r = greedyWinners(projects, { A: 10, B: 8, C: 5, D: 0 }, 100);
    assert.equal(r.rule, 'greedy');
    assert.deepEqual(r.winners, ['A', 'C']);
    assert.equal(r.spent, 90);
    assert.equal(r.budget, 100);
    assert.deepEqual(r.projects.map((p) => [p.id, p.selected]), [['A', true], ['B', false], ['C', true], ['D', false]]);
    assert.equal(explanation(r, 'A'), 'won: 10 votes, fits the budget (remaining 40)');
    assert.equal(explanation(r, 'B'), 'skipped: 8 votes but costs 50, only 40 left');
    assert.equal(explanation(r, 'C'), 'won: 5 votes, fits the budget (remaining 10)');
    assert.equal(explanation(r, 'D'), 'not funded: no votes'); // fits, but nobody voted for it
    assert.equal(stage(r, 'A'), 'greedy');
  });

  it('formats large numbers with thousands separators', () => {
    const projects: Project[] = [
      { id: 'park', cost: 880_000 },
      { id: 'road', cost: 300_000 },
    ];
    const r = greedyWinners(projects, { park: 1234, road: 900 }, 1_000_000);
    assert.equal(explanation(r, 'park'), 'won: 1,234 votes, fits the budget (remaining 120,000)');
    assert.equal(explanation(r, 'road'), 'skipped: 900 votes but costs 300,000, only 120,000 left');
  });

  it('the classic example: the majority takes the whole budget', () => {
    const r = greedyWinners(CLASSIC, tally(CLASSIC, CLASSIC_BALLOTS), 300);
    assert.deepEqual(r.winners, ['B', 'A']); // same votes: the cheaper B first
    assert.equal(r.spent, 290);
    assert.equal(explanation(r, 'C'), 'skipped: 4 votes but costs 60, only 10 left');
  });

  it('votes missing from the record count as 0; unknown projects and bad counts are refused', () => {
    const r = greedyWinners([{ id: 'a', cost: 5 }, { id: 'b', cost: 5 }], { a: 1 }, 10);
    assert.deepEqual(r.winners, ['a']);
    assert.throws(() => greedyWinners([{ id: 'a', cost: 5 }], { z: 1 }, 10), /Invalid votes: unknown project "z"/);
    assert.throws(() => greedyWinners([{ id: 'a', cost: 5 }], { a: -1 }, 10), /Invalid votes for project "a"/);
    assert.throws(() => greedyWinners([{ id: 'a', cost: 5 }], { a: 1 }, 0), /Invalid budget/);
    assert.throws(() => greedyWinners([{ id: 'a', cost: 5 }], { a: 1 }, 10.5), /Invalid budget/);
  });
});

describe('tie-break rule (votes desc, then the tie rule, then id)', () => {
  const AB: Project[] = [
    { id: 'A', cost: 60 },
    { id: 'B', cost: 50 },
  ];

  it("default 'lower_cost': with equal votes the cheaper project goes first", () => {
    const r = greedyWinners(AB, { A: 5, B: 5 }, 100);
    assert.deepEqual(r.winners, ['B']);
    assert.deepEqual(r.projects.map((p) => p.id), ['B', 'A']);
    assert.equal(explanation(r, 'A'), 'lost the tie-break to B (same votes, lower cost): 5 votes, costs 60, only 50 left');
  });

  it("'higher_cost': the dearer project goes first", () => {
    const r = greedyWinners(AB, { A: 5, B: 5 }, 100, 'higher_cost');
    assert.deepEqual(r.winners, ['A']);
    assert.equal(explanation(r, 'B'), 'lost the tie-break to A (same votes, higher cost): 5 votes, costs 50, only 40 left');
  });

  it('a priority order (e.g. a public lot drawn before the vote)', () => {
    const r = greedyWinners(AB, { A: 5, B: 5 }, 100, { priority: ['A'] });
    assert.deepEqual(r.winners, ['A']);
    assert.equal(explanation(r, 'B'), 'lost the tie-break to A (same votes, earlier in the priority order): 5 votes, costs 50, only 40 left');
    assert.throws(() => greedyWinners(AB, { A: 5, B: 5 }, 100, { priority: ['Z'] }), /Invalid tie-break priority: unknown project "Z"/);
    assert.throws(() => greedyWinners(AB, { A: 5, B: 5 }, 100, { priority: ['A', 'A'] }), /listed more than once/);
    assert.throws(() => greedyWinners(AB, { A: 5, B: 5 }, 100, 'random' as never), /Invalid tie-break/);
  });

  it('same votes and cost: the smaller id by code units ("p10" before "p9")', () => {
    const r = greedyWinners([{ id: 'p9', cost: 60 }, { id: 'p10', cost: 60 }], { p9: 3, p10: 3 }, 100);
    assert.deepEqual(r.winners, ['p10']);
    assert.equal(explanation(r, 'p9'), 'lost the tie-break to p10 (same votes and cost, smaller id): 3 votes, costs 60, only 40 left');
  });

  it('more votes always beat the tie rule, and a skip with room for neither is a plain skip', () => {
    assert.deepEqual(greedyWinners(AB, { A: 6, B: 5 }, 100).winners, ['A']);
    const r = greedyWinners(AB, { A: 5, B: 5 }, 40);
    assert.deepEqual(r.winners, []);
    assert.equal(explanation(r, 'A'), 'skipped: 5 votes but costs 60, only 40 left');
    assert.equal(explanation(r, 'B'), 'skipped: 5 votes but costs 50, only 40 left');
  });

  it('tied projects that both fit are both funded', () => {
    assert.deepEqual(greedyWinners(AB, { A: 5, B: 5 }, 110).winners, ['B', 'A']);
  });

  it('compareProjects is the order used everywhere', () => {
    const a = { id: 'a', cost: 10, votes: 5 };
    const b = { id: 'b', cost: 20, votes: 5 };
    assert.ok(compareProjects(a, b) < 0);
    assert.ok(compareProjects(a, b, 'higher_cost') > 0);
    assert.ok(compareProjects(a, b, { priority: ['b'] }) > 0);
    assert.ok(compareProjects({ ...a, votes: 4 }, b) > 0);
    assert.equal(compareProjects(a, a), 0);
  });

  it('the input order of projects does not matter', () => {
    const projects: Project[] = [
      { id: 'x', cost: 30 },
      { id: 'y', cost: 30 },
      { id: 'z', cost: 20 },
    ];
    const votes = { x: 4, y: 4, z: 4 };
    const one = greedyWinners(projects, votes, 50);
    const two = greedyWinners([...projects].reverse(), votes, 50);
    assert.deepEqual(one, two);
    assert.deepEqual(one.winners, ['z', 'x']);
  });
});

describe('mostVotedWinners (single choice; approval without a budget)', () => {
  const TERRITORIES: Project[] = [
    { id: 'yard-12', name: 'Yard at Lenina 12', cost: 0 },
    { id: 'park-north', name: 'North park', cost: 0 },
    { id: 'square', name: 'Station square', cost: 0 },
    { id: 'embankment', cost: 0 },
  ];

  it('single choice: the most-voted wins', () => {
    const r = mostVotedWinners(TERRITORIES, { 'yard-12': 40, 'park-north': 55, square: 5, embankment: 0 });
    assert.equal(r.rule, 'most_votes');
    assert.equal(r.budget, null);
    assert.deepEqual(r.winners, ['park-north']);
    assert.equal(explanation(r, 'park-north'), 'won: 55 votes (place 1 of 4)');
    assert.equal(explanation(r, 'yard-12'), 'not chosen: 40 votes (place 2 of 4)');
    assert.equal(explanation(r, 'square'), 'not chosen: 5 votes (place 3 of 4)');
    assert.equal(explanation(r, 'embankment'), 'not chosen: no votes');
  });

  it('a tie for the last seat goes by the tie rule, and the loser is told', () => {
    const r = mostVotedWinners(TERRITORIES, { 'yard-12': 40, 'park-north': 40, square: 1 });
    assert.deepEqual(r.winners, ['park-north']);
    assert.equal(explanation(r, 'yard-12'), 'lost the tie-break to park-north (same votes and cost, smaller id): 40 votes (place 2 of 4)');
    const p = mostVotedWinners(TERRITORIES, { 'yard-12': 40, 'park-north': 40 }, 1, { priority: ['yard-12'] });
    assert.deepEqual(p.winners, ['yard-12']);
  });

  it('top-N for approval without a budget; nobody wins with no votes', () => {
    const r = mostVotedWinners(TERRITORIES, { 'yard-12': 40, 'park-north': 55, square: 1 }, 3);
    assert.deepEqual(r.winners, ['park-north', 'yard-12', 'square']);
    assert.deepEqual(mostVotedWinners(TERRITORIES, {}, 2).winners, []);
    assert.throws(() => mostVotedWinners(TERRITORIES, {}, 0), /Invalid number of winners/);
  });
});

describe('equalSharesWinners (Method of Equal Shares)', () => {
  it('the classic example: greedy and MES differ; MES gives the 40% their proportional share', () => {
    // 10 voters, 30 each. Round 1: C and D cost 60/4 = 15 per supporter, B 140/6 = 23.33, A 150/6 = 25:
    // C (tie with D on 15: same votes and cost, smaller id). Round 2: D at 15 (the minority is now spent).
    // Round 3: B at 23.33; the majority has 6.67 each left, 40 in all: A (150) is unaffordable.
    const r = equalSharesWinners(CLASSIC, CLASSIC_BALLOTS, 300, 'lower_cost', { completion: 'none' });
    assert.equal(r.rule, 'equal_shares');
    assert.deepEqual(r.winners, ['C', 'D', 'B']);
    assert.equal(r.spent, 260);
    assert.equal(explanation(r, 'C'), 'won under equal shares: 4 votes, its supporters paid at most 15.00 each (remaining 240)');
    assert.equal(explanation(r, 'D'), 'won under equal shares: 4 votes, its supporters paid at most 15.00 each (remaining 180)');
    assert.equal(explanation(r, 'B'), 'won under equal shares: 6 votes, its supporters paid at most 23.33 each (remaining 40)');
    assert.equal(explanation(r, 'A'), 'not funded: supporters could not afford it under equal shares (6 votes, costs 150)');
    const greedy = greedyWinners(CLASSIC, tally(CLASSIC, CLASSIC_BALLOTS), 300);
    assert.deepEqual(greedy.winners, ['B', 'A']);
    // With completion the result is the same: the 40 left cannot buy A.
    const add1 = equalSharesWinners(CLASSIC, CLASSIC_BALLOTS, 300);
    assert.deepEqual(add1.winners, ['C', 'D', 'B']);
    assert.equal(add1.equalShares!.add1Stop, 'exhaustive');
    assert.equal(add1.equalShares!.add1Rounds, 0);
    assert.equal(explanation(add1, 'A'), 'not funded: supporters could not afford it under equal shares (6 votes, costs 150); the completion step had only 40 left');
  });

  it('a supporter short of ρ pays all they have and the others pay more (hand-checked)', () => {
    // 3 voters with 10 each. A (2, v1 only): ρ = 2, v1 keeps 8. D (26, all three): 26/3 = 8.67 > 8, so v1
    // pays 8 and v2, v3 pay (26 - 8) / 2 = 9 each.
    const projects: Project[] = [
      { id: 'A', cost: 2 },
      { id: 'D', cost: 26 },
    ];
    const r = equalSharesWinners(projects, [{ approved: ['A', 'D'] }, { approved: ['D'] }, { approved: ['D'] }], 30, 'lower_cost', { completion: 'none' });
    assert.deepEqual(r.winners, ['A', 'D']);
    assert.equal(r.spent, 28);
    assert.equal(explanation(r, 'A'), 'won under equal shares: 1 vote, its supporters paid at most 2.00 each (remaining 28)');
    assert.equal(explanation(r, 'D'), 'won under equal shares: 3 votes, its supporters paid at most 9.00 each (remaining 2)');
  });

  it('exact arithmetic: 10 voters with 0.70 each can pay exactly 7 (floating-point sums make it 6.9999…)', () => {
    const r = equalSharesWinners([{ id: 'X', cost: 7 }], ballots([10, ['X']]), 7, 'lower_cost', { completion: 'none' });
    assert.deepEqual(r.winners, ['X']);
    assert.equal(explanation(r, 'X'), 'won under equal shares: 10 votes, its supporters paid at most 0.70 each (remaining 0)');
    const thirds = equalSharesWinners([{ id: 'Y', cost: 10 }], ballots([3, ['Y']]), 10, 'lower_cost', { completion: 'none' });
    assert.deepEqual(thirds.winners, ['Y']);
    assert.equal(thirds.equalShares!.initialPerVoterBudget, 3.33);
    // One rouble short: 3 voters with 3.33… each cannot pay 11.
    assert.deepEqual(equalSharesWinners([{ id: 'Y', cost: 11 }], ballots([3, ['Y']]), 10, 'lower_cost', { completion: 'none' }).winners, []);
  });

  it('ties on the payment per supporter go by the tie rule, and the loser is told', () => {
    const projects: Project[] = [
      { id: 'A', cost: 150 },
      { id: 'B', cost: 150 },
      { id: 'C', cost: 60 },
      { id: 'D', cost: 60 },
    ];
    const r = equalSharesWinners(projects, CLASSIC_BALLOTS, 300, 'lower_cost', { completion: 'none' });
    // C, D as before; then A and B both at 25: A by id; the majority keeps 5 each, not enough for B.
    assert.deepEqual(r.winners, ['C', 'D', 'A']);
    assert.equal(
      explanation(r, 'B'),
      'lost the tie-break to A (same payment per supporter, same votes and cost, smaller id), then its supporters could not afford it under equal shares (6 votes, costs 150)',
    );
    const byPriority = equalSharesWinners(projects, CLASSIC_BALLOTS, 300, { priority: ['B'] }, { completion: 'none' });
    assert.deepEqual(byPriority.winners, ['C', 'D', 'B']);
  });

  it('among equal payments, more votes go first', () => {
    // 4 voters with 4 each: A (8, two supporters), B and C (4, one supporter each) all cost 4 per supporter.
    const projects: Project[] = [
      { id: 'C', cost: 4 },
      { id: 'B', cost: 4 },
      { id: 'A', cost: 8 },
    ];
    const r = equalSharesWinners(projects, [{ approved: ['A'] }, { approved: ['A'] }, { approved: ['B'] }, { approved: ['C'] }], 16, 'lower_cost', { completion: 'none' });
    assert.deepEqual(r.winners, ['A', 'B', 'C']);
  });

  describe('utilities', () => {
    // 10 voters with 10 each. X (90) is approved by all, Y (10) by v1 and v2 only.
    const XY: Project[] = [
      { id: 'X', cost: 90 },
      { id: 'Y', cost: 10 },
    ];
    const bs = ballots([2, ['X', 'Y']], [8, ['X']]);

    it("'approval' (default): the least payment per supporter first — Y (5 each), then X (v1, v2 give their last 5, the others 10)", () => {
      const r = equalSharesWinners(XY, bs, 100, 'lower_cost', { completion: 'none' });
      assert.deepEqual(r.winners, ['Y', 'X']);
      assert.equal(r.equalShares!.utilities, 'approval');
      assert.equal(explanation(r, 'Y'), 'won under equal shares: 2 votes, its supporters paid at most 5.00 each (remaining 90)');
      assert.equal(explanation(r, 'X'), 'won under equal shares: 10 votes, its supporters paid at most 10.00 each (remaining 0)');
    });

    it("'cost': the least payment per rouble of cost first — X (9 of 90 = 0.1) before Y (5 of 10 = 0.5); then v1, v2 have 1 each", () => {
      const r = equalSharesWinners(XY, bs, 100, 'lower_cost', { utilities: 'cost', completion: 'none' });
      assert.deepEqual(r.winners, ['X']);
      assert.equal(explanation(r, 'X'), 'won under equal shares: 10 votes, its supporters paid at most 9.00 each (remaining 10)');
      assert.equal(explanation(r, 'Y'), 'not funded: supporters could not afford it under equal shares (2 votes, costs 10)');
      // Add1: at 14 each, v1 and v2 keep 5 after X and buy Y.
      const add1 = equalSharesWinners(XY, bs, 100, 'lower_cost', { utilities: 'cost' });
      assert.deepEqual(add1.winners, ['X', 'Y']);
      assert.equal(add1.equalShares!.add1Rounds, 4);
      assert.equal(explanation(add1, 'Y'), 'won in the completion step (Add1: per-voter budget raised from 10.00 to 14.00): 2 votes, its supporters paid at most 5.00 each (remaining 0)');
    });

    it("'cost': ties are on the payment per rouble", () => {
      // The classic election: A (150/6 = 25 each) and B (140/6 = 23.33 each) both cost 1/6 per rouble: B is cheaper.
      const r = equalSharesWinners(CLASSIC, CLASSIC_BALLOTS, 300, 'lower_cost', { utilities: 'cost', completion: 'none' });
      assert.deepEqual(r.winners, ['B', 'C', 'D']);
      assert.equal(
        explanation(r, 'A'),
        'lost the tie-break to B (same payment per rouble of cost, same votes, lower cost), then its supporters could not afford it under equal shares (6 votes, costs 150)',
      );
      assert.throws(() => equalSharesWinners(XY, bs, 100, 'lower_cost', { utilities: 'welfare' as never }), /Invalid utilities/);
    });

    it("'cost': a free project gives no utility and is left to the greedy fill", () => {
      const r = equalSharesWinners([...XY, { id: 'F', cost: 0 }], [...bs, { approved: ['F'] }], 100, 'lower_cost', { utilities: 'cost', completion: 'greedy' });
      assert.equal(stage(r, 'F'), 'greedy_completion');
      const a = equalSharesWinners([...XY, { id: 'F', cost: 0 }], [...bs, { approved: ['F'] }], 100, 'lower_cost', { completion: 'none' });
      assert.equal(stage(a, 'F'), 'equal_shares');
    });
  });

  describe('completion', () => {
    // 3 voters with 40 each: v1, v2 approve A (54) and B (60), v3 approves C (50).
    // Plain MES: A at 27 each; v1, v2 keep 13 each (26 < 60 for B); v3's 40 < 50 for C. 66 unspent.
    const projects: Project[] = [
      { id: 'A', cost: 54 },
      { id: 'B', cost: 60 },
      { id: 'C', cost: 50 },
    ];
    const votes = ballots([2, ['A', 'B']], [1, ['C']]);

    it("'none' leaves the money unspent", () => {
      const r = equalSharesWinners(projects, votes, 120, 'lower_cost', { completion: 'none' });
      assert.deepEqual(r.winners, ['A']);
      assert.equal(r.spent, 54);
      assert.equal(r.equalShares!.add1Stop, 'not_run');
      assert.equal(explanation(r, 'C'), 'not funded: supporters could not afford it under equal shares (1 vote, costs 50)');
    });

    it("'greedy' fills by votes: B (2 votes) takes the rest", () => {
      const r = equalSharesWinners(projects, votes, 120, 'lower_cost', { completion: 'greedy' });
      assert.deepEqual(r.winners, ['A', 'B']);
      assert.equal(r.spent, 114);
      assert.equal(stage(r, 'B'), 'greedy_completion');
      assert.equal(explanation(r, 'B'), 'won in the completion step (greedy fill): 2 votes, fits the remaining budget (remaining 6)');
      assert.equal(explanation(r, 'C'), 'not funded: supporters could not afford it under equal shares (1 vote, costs 50); the completion step had only 6 left');
    });

    it("'add1' (default): raising each voter's budget by 1 ten times lets v3 afford C — proportional, unlike greedy", () => {
      // At 41..49 each nothing changes (C needs 50 from v3; B needs 2 × (p − 27) >= 60, p >= 57).
      // At 50: A (27 each), then C (50 from v3): 104 <= 120, and the 16 left fit nothing: exhaustive, stop.
      const r = equalSharesWinners(projects, votes, 120);
      assert.deepEqual(r.winners, ['A', 'C']);
      assert.equal(r.spent, 104);
      assert.deepEqual(r.equalShares, {
        voters: 3,
        utilities: 'approval',
        completion: 'add1',
        initialPerVoterBudget: 40,
        finalPerVoterBudget: 50,
        add1Increment: 1,
        add1Rounds: 10,
        add1Stop: 'exhaustive',
      });
      assert.equal(stage(r, 'A'), 'equal_shares');
      assert.equal(stage(r, 'C'), 'add1');
      assert.equal(explanation(r, 'A'), 'won under equal shares: 2 votes, its supporters paid at most 27.00 each (remaining 66)');
      assert.equal(
        explanation(r, 'C'),
        'won in the completion step (Add1: per-voter budget raised from 40.00 to 50.00): 1 vote, its supporters paid at most 50.00 each (remaining 16)',
      );
      assert.equal(explanation(r, 'B'), 'not funded: supporters could not afford it under equal shares (2 votes, costs 60); the completion step had only 16 left');
    });

    it('a larger increment gets there in fewer rounds', () => {
      const r = equalSharesWinners(projects, votes, 120, 'lower_cost', { completion: 'add1', add1Increment: 10 });
      assert.deepEqual(r.winners, ['A', 'C']);
      assert.equal(r.equalShares!.add1Rounds, 1);
      assert.throws(() => equalSharesWinners(projects, votes, 120, 'lower_cost', { add1Increment: 0.5 }), /Invalid add1Increment/);
    });

    it('the round cap keeps the last outcome within the budget, then the greedy fill runs', () => {
      const r = equalSharesWinners(projects, votes, 120, 'lower_cost', { completion: 'add1', add1MaxRounds: 5 });
      assert.equal(r.equalShares!.add1Stop, 'max_rounds');
      assert.equal(r.equalShares!.add1Rounds, 5);
      assert.equal(r.equalShares!.finalPerVoterBudget, 45);
      assert.deepEqual(r.winners, ['A', 'B']);
    });

    it('with cost utilities a voted project of cost 0 does not keep Add1 going (issue 15; pabutools 1.2.3 gives {p1, p4, p5})', () => {
      const projects: Project[] = [
        { id: 'p4', cost: 153 },
        { id: 'p7', cost: 151 },
        { id: 'p5', cost: 105 },
        { id: 'p1', cost: 0 },
      ];
      const votes = ballots([3, ['p4']], [1, ['p1', 'p7']], [1, ['p4', 'p7']], [1, ['p5']], [1, ['p5', 'p7']]);
      const r = equalSharesWinners(projects, votes, 379, 'lower_cost', { utilities: 'cost', completion: 'add1', add1Increment: 1 });
      assert.deepEqual([...r.winners].sort(), ['p1', 'p4', 'p5']);
      assert.equal(r.equalShares!.add1Stop, 'exhaustive', 'p1 cannot be selected by MES: it does not count against exhaustiveness');
      assert.equal(r.equalShares!.add1Rounds, 0);
      assert.equal(stage(r, 'p1'), 'greedy_completion');
    });

    it('Add1 reruns no further than the round where every voter could pay for every selectable project alone', () => {
      // 10 voters with 10 each; A (30) has 1 supporter, B (30) 9. The bound: (60 × 10 − 100) / 10 = 50
      // reruns; A's supporter can pay it alone after 20, and then both are selected: exhaustive.
      const cheap: Project[] = [
        { id: 'A', cost: 30 },
        { id: 'B', cost: 30 },
        { id: 'free', cost: 0 },
      ];
      const r = equalSharesWinners(cheap, ballots([1, ['A', 'free']], [9, ['B']]), 100, 'lower_cost', { utilities: 'cost' });
      assert.deepEqual([...r.winners].sort(), ['A', 'B', 'free']);
      assert.deepEqual([r.equalShares!.add1Stop, r.equalShares!.add1Rounds], ['exhaustive', 20]);
    });

    it('as steps, pauses after each step of Add1 (the number of its last rerun) and ends with the same result (what the tally activity heartbeats on)', () => {
      const cheap: Project[] = [{ id: 'A', cost: 30 }, { id: 'B', cost: 30 }];
      const votes = ballots([1, ['A']], [9, ['B']]);
      const rule = { rule: 'equal_shares', utilities: 'cost' } as const;
      const steps = decideVoteSteps({ kind: 'approval', budget: 100 }, cheap, votes, rule);
      const paused: number[] = [];
      let step = steps.next();
      for (; !step.done; step = steps.next()) paused.push(step.value);
      // One step is one rerun, or a range of reruns that one float run proved to select the same projects.
      assert.ok(paused.length > 1 && paused.length <= 20, `paused ${paused.length} times`);
      assert.ok(paused.every((k, i) => i === 0 || k > paused[i - 1]), `increasing: ${paused.join(', ')}`);
      assert.equal(paused[paused.length - 1], 20);
      assert.deepEqual(step.value, decideVote({ kind: 'approval', budget: 100 }, cheap, votes, rule));
    });

    it('an outcome over the real budget ends Add1 and the previous outcome is kept', () => {
      // 4 voters with 3 each: nothing is affordable. At 4 each A (8), B (4), C (4) all are: 16 > 12, so
      // Add1 keeps the empty outcome and the greedy fill funds A then B.
      const abc: Project[] = [
        { id: 'A', cost: 8 },
        { id: 'B', cost: 4 },
        { id: 'C', cost: 4 },
      ];
      const r = equalSharesWinners(abc, ballots([2, ['A']], [1, ['B']], [1, ['C']]), 12);
      assert.equal(r.equalShares!.add1Stop, 'over_budget');
      assert.equal(r.equalShares!.add1Rounds, 0);
      assert.deepEqual(r.winners, ['A', 'B']);
      assert.equal(stage(r, 'A'), 'greedy_completion');
      assert.equal(explanation(r, 'C'), 'not funded: supporters could not afford it under equal shares (1 vote, costs 4); the completion step had only 0 left');
    });

    it('the completion never funds a project without votes', () => {
      const r = equalSharesWinners([...projects, { id: 'Z', cost: 1 }], votes, 120);
      assert.equal(explanation(r, 'Z'), 'not funded: no votes');
      assert.ok(!r.winners.includes('Z'));
    });
  });

  // Random instances whose outcomes were checked against pabutools 1.2.3 (method_of_equal_shares with
  // Cardinality_Sat and the same tie order; Add1 as exhaustion_by_budget_increase with a step of 1 per voter).
  // Cost-utility cases were checked against Cost_Sat.
  const PABUTOOLS_CHECKED: {
    utilities?: 'cost';
    budget: number;
    projects: [string, number][];
    ballots: string[][];
    plain: string[];
    add1: string[];
    rounds: number;
  }[] = [
    { budget: 41, projects: [['p0', 2], ['p1', 46], ['p2', 39], ['p3', 4], ['p4', 5], ['p5', 8]], ballots: [['p1'], ['p1', 'p2', 'p3', 'p4'], ['p0'], ['p4'], ['p4'], ['p0', 'p2', 'p4'], ['p0', 'p1', 'p2', 'p3', 'p4'], ['p5']], plain: ['p0', 'p3', 'p4'], add1: ['p0', 'p3', 'p4', 'p5'], rounds: 3 },
    { budget: 44, projects: [['p0', 17], ['p1', 4], ['p2', 55], ['p3', 3], ['p4', 72], ['p5', 7]], ballots: [['p0', 'p2', 'p5'], ['p0', 'p3', 'p4'], ['p4'], ['p0', 'p1', 'p3', 'p5'], ['p3'], ['p4'], ['p0'], ['p1', 'p3']], plain: ['p1', 'p3', 'p5'], add1: ['p0', 'p1', 'p3', 'p5'], rounds: 2 },
    { budget: 24, projects: [['p0', 5], ['p1', 27], ['p2', 4], ['p3', 4]], ballots: [['p1', 'p2', 'p3'], ['p0'], ['p1'], ['p1'], ['p2', 'p3'], ['p1', 'p2', 'p3']], plain: ['p2', 'p3'], add1: ['p0', 'p2', 'p3'], rounds: 1 },
    { budget: 171, projects: [['p0', 81], ['p1', 98], ['p2', 2], ['p3', 1], ['p4', 8], ['p5', 77]], ballots: [['p0', 'p1', 'p3'], ['p2', 'p5'], ['p1', 'p3'], ['p5'], ['p4']], plain: ['p2', 'p3', 'p4'], add1: ['p2', 'p3', 'p4', 'p5'], rounds: 15 },
    { budget: 11, projects: [['p0', 7], ['p1', 7], ['p2', 6], ['p3', 22]], ballots: [['p1', 'p3'], ['p3'], ['p2'], ['p1', 'p3'], ['p3'], ['p0', 'p3'], ['p2', 'p3'], ['p0', 'p1', 'p2', 'p3']], plain: [], add1: ['p2'], rounds: 1 },
    { budget: 58, projects: [['p0', 7], ['p1', 56], ['p2', 79], ['p3', 10], ['p4', 63]], ballots: [['p0'], ['p1'], ['p1', 'p2'], ['p0', 'p4'], ['p2'], ['p2'], ['p2', 'p3']], plain: ['p0'], add1: ['p0', 'p3'], rounds: 2 },
    { utilities: 'cost', budget: 44, projects: [['p0', 17], ['p1', 4], ['p2', 55], ['p3', 3], ['p4', 72], ['p5', 7]], ballots: [['p0', 'p2', 'p5'], ['p0', 'p3', 'p4'], ['p4'], ['p0', 'p1', 'p3', 'p5'], ['p3'], ['p4'], ['p0'], ['p1', 'p3']], plain: ['p0', 'p1', 'p3'], add1: ['p0', 'p1', 'p3', 'p5'], rounds: 4 },
    { utilities: 'cost', budget: 171, projects: [['p0', 81], ['p1', 98], ['p2', 2], ['p3', 1], ['p4', 8], ['p5', 77]], ballots: [['p0', 'p1', 'p3'], ['p2', 'p5'], ['p1', 'p3'], ['p5'], ['p4']], plain: ['p2', 'p3', 'p4'], add1: ['p2', 'p3', 'p4', 'p5'], rounds: 15 },
  ];

  it('matches pabutools on random instances (plain MES and Add1, both utilities)', () => {
    for (const [i, c] of PABUTOOLS_CHECKED.entries()) {
      const projects = c.projects.map(([id, cost]) => ({ id, cost }));
      const bs = c.ballots.map((approved) => ({ approved }));
      const utilities = c.utilities ?? 'approval';
      const plain = equalSharesWinners(projects, bs, c.budget, 'lower_cost', { utilities, completion: 'none' });
      assert.deepEqual([...plain.winners].sort(), c.plain, `instance ${i}: plain`);
      const add1 = equalSharesWinners(projects, bs, c.budget, 'lower_cost', { utilities });
      const mes = add1.projects.filter((p) => p.stage === 'equal_shares' || p.stage === 'add1').map((p) => p.id);
      assert.deepEqual(mes.sort(), c.add1, `instance ${i}: add1`);
      assert.equal(add1.equalShares!.add1Rounds, c.rounds, `instance ${i}: rounds`);
    }
  });

  it('no ballots: nothing is funded', () => {
    const r = equalSharesWinners(CLASSIC, [], 300);
    assert.deepEqual(r.winners, []);
    assert.equal(r.spent, 0);
    assert.ok(r.projects.every((p) => p.explanation === 'not funded: no votes'));
  });

  it('never spends more than the budget, and is deterministic (input order does not matter)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let t = 0; t < 40; t++) {
      const projects = Array.from({ length: 2 + Math.floor(rnd() * 6) }, (_, i) => ({ id: `p${i}`, cost: 1 + Math.floor(rnd() * 50) }));
      const bs = Array.from({ length: 1 + Math.floor(rnd() * 15) }, () => ({
        approved: projects.filter(() => rnd() < 0.4).map((p) => p.id),
      })).filter((b) => b.approved.length > 0);
      const budget = 1 + Math.floor(rnd() * 100);
      for (const completion of ['none', 'greedy', 'add1'] as const) {
        const r = equalSharesWinners(projects, bs, budget, 'lower_cost', { completion });
        assert.ok(r.spent <= budget, `${t} ${completion}: spent ${r.spent} > ${budget}`);
        const again = equalSharesWinners([...projects].reverse(), [...bs].reverse(), budget, 'lower_cost', { completion });
        assert.deepEqual(again, r);
      }
    }
  });

  it('refuses bad options', () => {
    assert.throws(() => equalSharesWinners(CLASSIC, CLASSIC_BALLOTS, 300, 'lower_cost', { completion: 'all' as never }), /Invalid completion/);
    assert.throws(() => equalSharesWinners(CLASSIC, CLASSIC_BALLOTS, 300, 'lower_cost', { add1MaxRounds: -1 }), /Invalid add1MaxRounds/);
    assert.throws(() => equalSharesWinners(CLASSIC, [{ approved: ['Q'] }], 300), /unknown project "Q"/);
  });
});

describe('validateBallot', () => {
  const projects: Project[] = [
    { id: 'a', cost: 400_000 },
    { id: 'b', cost: 300_000 },
    { id: 'c', cost: 200_000 },
    { id: 'd', cost: 100_000 },
  ];

  describe('every kind', () => {
    for (const settings of [{ kind: 'single_choice' }, { kind: 'approval' }, { kind: 'budget', budget: 1_000_000 }] as VoteSettings[]) {
      it(`${settings.kind}: empty, unknown project, duplicate, wrong shape`, () => {
        assert.throws(() => validateBallot(settings, projects, { approved: [] }), /^Error: Invalid ballot: no project chosen$/);
        assert.throws(() => validateBallot(settings, projects, { approved: ['zz'] }), /^Error: Invalid ballot: unknown project "zz"$/);
        assert.throws(() => validateBallot(settings, projects, { approved: ['a', 'a'] }), /^Error: Invalid ballot: project "a" is chosen more than once$/);
        assert.throws(() => validateBallot(settings, projects, { approved: [7 as unknown as string] }), /expected project ids \(strings\), got 7/);
        assert.throws(() => validateBallot(settings, projects, null as unknown as Ballot), /Invalid ballot: expected \{ approved: string\[\] \}, got null/);
        assert.doesNotThrow(() => validateBallot(settings, projects, { approved: ['b'] }));
      });
    }
  });

  it('single choice: exactly one project', () => {
    const s: VoteSettings = { kind: 'single_choice' };
    assert.throws(() => validateBallot(s, projects, { approved: ['a', 'b'] }), /^Error: Invalid ballot: a single-choice vote takes exactly one project, got 2$/);
  });

  it('approval: up to maxApprovals', () => {
    const s: VoteSettings = { kind: 'approval', maxApprovals: 2 };
    assert.doesNotThrow(() => validateBallot(s, projects, { approved: ['a', 'b'] }));
    assert.throws(() => validateBallot(s, projects, { approved: ['a', 'b', 'c'] }), /^Error: Invalid ballot: at most 2 projects may be chosen, got 3$/);
    assert.doesNotThrow(() => validateBallot({ kind: 'approval' }, projects, { approved: ['a', 'b', 'c', 'd'] }));
    // An approval vote's budget is for the winner rules only: a ballot may approve more than it.
    assert.doesNotThrow(() => validateBallot({ kind: 'approval', budget: 100_000 }, projects, { approved: ['a', 'b'] }));
  });

  it('budget: total cost within the budget (or ballotBudget), with an optional minimum share', () => {
    const s: VoteSettings = { kind: 'budget', budget: 1_000_000 };
    assert.doesNotThrow(() => validateBallot(s, projects, { approved: ['a', 'b', 'c', 'd'] })); // exactly 1,000,000
    assert.throws(
      () => validateBallot({ kind: 'budget', budget: 900_000 }, projects, { approved: ['a', 'b', 'c', 'd'] }),
      /^Error: Invalid ballot: the chosen projects cost 1,000,000 in total, over the ballot budget of 900,000$/,
    );
    const own: VoteSettings = { kind: 'budget', budget: 5_000_000, ballotBudget: 500_000 };
    assert.throws(() => validateBallot(own, projects, { approved: ['a', 'b'] }), /cost 700,000 in total, over the ballot budget of 500,000/);
    const half: VoteSettings = { kind: 'budget', budget: 1_000_000, minShareOfBudget: 0.5 };
    assert.doesNotThrow(() => validateBallot(half, projects, { approved: ['a', 'd'] })); // 500,000: exactly half
    assert.throws(
      () => validateBallot(half, projects, { approved: ['b', 'd'] }),
      /^Error: Invalid ballot: the chosen projects cost 400,000 in total, under the required minimum of 500,000 \(50% of 1,000,000\)$/,
    );
    assert.throws(() => validateBallot({ ...half, maxApprovals: 1 }, projects, { approved: ['a', 'd'] }), /at most 1 project may be chosen, got 2/);
  });

  it('the minimum is ceil(share × limit), robust to binary fractions', () => {
    assert.equal(ballotMinimumCost({ kind: 'budget', budget: 100_000, minShareOfBudget: 0.7 }), 70_000);
    assert.equal(ballotMinimumCost({ kind: 'budget', budget: 10, minShareOfBudget: 1 / 3 }), 4);
    assert.equal(ballotMinimumCost({ kind: 'budget', budget: 10 }), 0);
    assert.equal(ballotMinimumCost({ kind: 'budget', budget: 1_000, ballotBudget: 100, minShareOfBudget: 0.25 }), 25);
    assert.equal(ballotMinimumCost({ kind: 'approval' }), 0);
  });

  it('refuses invalid settings with a clear message', () => {
    assert.throws(() => validateVoteSettings({ kind: 'budget' }), /a budget vote needs a budget/);
    assert.throws(() => validateVoteSettings({ kind: 'ranked' as never }), /Invalid vote kind: expected one of single_choice, approval, budget, got "ranked"/);
    assert.throws(() => validateVoteSettings({ kind: 'approval', maxApprovals: 0 }), /Invalid maxApprovals/);
    assert.throws(() => validateVoteSettings({ kind: 'budget', budget: 10, minShareOfBudget: 1.5 }), /Invalid minShareOfBudget/);
    assert.throws(() => validateVoteSettings({ kind: 'budget', budget: -10 }), /Invalid budget/);
    assert.throws(() => validateVoteSettings({ kind: 'budget', budget: 10, ballotBudget: 0 }), /Invalid ballotBudget/);
    assert.throws(() => validateVoteSettings({ kind: 'approval', budget: 10, minShareOfBudget: 0.5 }), /apply to budget votes only/);
    assert.throws(() => validateVoteSettings({ kind: 'single_choice', maxApprovals: 2 }), /maxApprovals does not apply/);
    assert.throws(() => validateBallot({ kind: 'budget' }, projects, { approved: ['a'] }), /needs a budget/);
  });
});

describe('decideVote', () => {
  it('validates every ballot and names the one at fault', () => {
    assert.throws(
      () => decideVote({ kind: 'approval', maxApprovals: 1, budget: 300 }, CLASSIC, CLASSIC_BALLOTS, { rule: 'greedy' }),
      /^Error: Invalid ballot: at most 1 project may be chosen, got 2 \(ballot #1\)$/,
    );
  });

  it('applies the chosen rule', () => {
    const settings: VoteSettings = { kind: 'approval', budget: 300 };
    assert.deepEqual(decideVote(settings, CLASSIC, CLASSIC_BALLOTS, { rule: 'greedy' }).winners, ['B', 'A']);
    assert.deepEqual(decideVote(settings, CLASSIC, CLASSIC_BALLOTS, { rule: 'equal_shares', completion: 'none' }).winners, ['C', 'D', 'B']);
    assert.deepEqual(decideVote(settings, CLASSIC, CLASSIC_BALLOTS, { rule: 'equal_shares' }).equalShares!.completion, 'add1');
    assert.deepEqual(decideVote({ kind: 'approval' }, CLASSIC, CLASSIC_BALLOTS, { rule: 'most_votes', seats: 2 }).winners, ['B', 'A']);
    const single = decideVote({ kind: 'single_choice' }, CLASSIC, ballots([3, ['C']], [2, ['A']]), { rule: 'most_votes' });
    assert.deepEqual(single.winners, ['C']);
  });

  it('a budget rule needs a budget; an unknown rule is refused', () => {
    assert.throws(() => decideVote({ kind: 'approval' }, CLASSIC, CLASSIC_BALLOTS, { rule: 'greedy' }), /greedy needs a budget/);
    assert.throws(() => decideVote({ kind: 'approval', budget: 10 }, CLASSIC, CLASSIC_BALLOTS, { rule: 'borda' } as never), /Invalid winner rule/);
  });
});
