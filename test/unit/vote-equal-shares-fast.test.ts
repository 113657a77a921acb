// The fast Add1 of the Method of Equal Shares (certified floating-point reruns, workflows/rules/vote-equal-
// shares-float.ts) gives exactly the results of the exact-only implementation it replaced: compared with
// outputs recorded from that implementation (commit "Record the exact tally's outputs …"), and the float
// run's proofs checked against exact runs at every budget they cover.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { benchVote } from '../../ops/bench/vote-instance';
import { compareProjects, equalSharesWinners, tally, type Utilities, type VoteResult } from '../../workflows/rules/vote';
import { floatMes, type FloatMesInput } from '../../workflows/rules/vote-equal-shares-float';
import { RECORDED_INSTANCES, voteInstance, type VoteInstance } from '../support/vote-instances';

/** What was recorded per result: winners, Add1 rounds and stop, and a digest of the whole result (explanations included). */
function fingerprint(r: VoteResult): [string, number, string, string] {
  const digest = createHash('sha256').update(JSON.stringify(r)).digest('hex').slice(0, 16);
  return [r.winners.join(' '), r.equalShares!.add1Rounds, r.equalShares!.add1Stop, digest];
}

/** The instance's projects in tie order, one group per ballot, as the float run takes them. */
function floatInput(v: VoteInstance, utilities: Utilities): { input: FloatMesInput; ids: string[] } {
  const votes = tally(v.projects, v.ballots);
  const ranked = v.projects.map((p) => ({ ...p, votes: votes[p.id] })).sort((a, b) => compareProjects(a, b, v.tieBreak));
  const index = new Map(ranked.map((p, i) => [p.id, i] as const));
  const supporters: number[][] = ranked.map(() => []);
  v.ballots.forEach((b, g) => b.approved.forEach((id) => supporters[index.get(id)!].push(g)));
  const realUtility = ranked.map((p) => (utilities === 'cost' ? p.cost : 1));
  const input: FloatMesInput = {
    realCosts: ranked.map((p) => p.cost),
    realUtility,
    supporters,
    weights: v.ballots.map(() => 1),
    selectable: ranked.map((_, j) => j).filter((j) => supporters[j].length > 0 && realUtility[j] > 0),
  };
  return { input, ids: ranked.map((p) => p.id) };
}

describe('equal shares: the fast Add1 gives the exact results', () => {
  it(`matches the outputs recorded from the exact-only tally on ${RECORDED_INSTANCES} small random votes (ties, zero costs, both utilities, every completion)`, () => {
    const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, 'vote-equal-shares-recorded.json'), 'utf8')) as unknown[];
    assert.equal(recorded.length, RECORDED_INSTANCES);
    for (let i = 0; i < RECORDED_INSTANCES; i++) {
      const { projects, ballots, budget, tieBreak, options } = voteInstance(i);
      const got = fingerprint(equalSharesWinners(projects, ballots, budget, tieBreak, options));
      assert.deepEqual(got, recorded[i], `instance ${i}: ${JSON.stringify(voteInstance(i))}`);
    }
  });

  it('matches the exact-only tally on votes with hundreds and thousands of Add1 reruns (recorded)', () => {
    // [projects, ballots, utilities] of the bench's generator (seed 15) → fingerprint of the exact-only tally.
    const cases: [number, number, Utilities, string, number, string][] = [
      [10, 2000, 'approval', '0ed7279d7f5584da', 590, 'exhaustive'],
      [10, 2000, 'cost', 'e236eb7089da8ca1', 863, 'exhaustive'],
      [30, 3000, 'approval', 'bf24a52d5aa364e3', 3206, 'over_budget'],
      [30, 3000, 'cost', '9e5249259d3cb50e', 2931, 'exhaustive'],
    ];
    for (const [p, b, utilities, digest, rounds, stop] of cases) {
      const { projects, ballots, budget } = benchVote(p, b, 15);
      const [, gotRounds, gotStop, gotDigest] = fingerprint(equalSharesWinners(projects, ballots, budget, 'lower_cost', { utilities }));
      assert.deepEqual([gotDigest, gotRounds, gotStop], [digest, rounds, stop], `${p} projects, ${b} ballots, ${utilities} utilities`);
    }
  });

  it('a float run returns a selection only when the exact run makes it at every budget of its range, and proves most reruns', () => {
    let proved = 0;
    let undecided = 0;
    for (let i = 0; i < 160; i++) {
      const v = voteInstance(i);
      const n = v.ballots.length;
      for (const utilities of ['approval', 'cost'] as Utilities[]) {
        const { input, ids } = floatInput(v, utilities);
        const run = floatMes(input);
        for (const [from, span] of [[v.budget, 1], [v.budget + n, 1], [v.budget + 3 * n, 3 * n], [v.budget, 7]]) {
          const selection = run(from, from + span - 1, n);
          if (selection === null) {
            undecided++;
            continue;
          }
          proved++;
          for (let total = from; total < from + span; total++) {
            const exact = equalSharesWinners(v.projects, v.ballots, total, v.tieBreak, { utilities, completion: 'none' }).winners;
            assert.deepEqual(selection.map((j) => ids[j]), exact, `instance ${i}, ${utilities}, per-voter budget ${total}/${n}`);
          }
        }
      }
    }
    assert.ok(undecided > 0, 'some runs are too close to call (ties), and fall back to the exact run');
    assert.ok(proved > 2 * undecided, `most runs are proved: ${proved} proved, ${undecided} not`);
  });
});
