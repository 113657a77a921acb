// How long a large budget vote takes to count: 100 projects and 100,000 ballots under the Method of
// Equal Shares with Add1 (workflows/rules/vote.ts), with approval and with cost utilities. A figure for
// docs/benchmarks.md, never a test: nothing fails on a number.
//
//   npx tsx ops/bench/vote.ts [--projects 100] [--ballots 100000] [--seed 15]
//
// The instance is random but reproducible (a seeded generator): costs from 100,000 to 3,000,000 roubles,
// a budget of a quarter of the total cost, each ballot approving 1 to 6 projects with some projects far
// more popular than others (as in real participatory budgets).
import { parseArgs } from 'node:util';
import { equalSharesWinners, type Utilities } from '../../workflows/rules/vote';
import { benchVote } from './vote-instance';

function main(): void {
  const { values } = parseArgs({
    options: { projects: { type: 'string', default: '100' }, ballots: { type: 'string', default: '100000' }, seed: { type: 'string', default: '15' } },
  });
  const { projects, ballots, budget } = benchVote(Number(values.projects), Number(values.ballots), Number(values.seed));
  const distinct = new Set(ballots.map((b) => [...b.approved].sort().join(','))).size;
  console.log(`${projects.length} projects, ${ballots.length} ballots (${distinct} distinct), budget ${budget}; node ${process.version}`);
  for (const utilities of ['approval', 'cost'] as Utilities[]) {
    const started = process.hrtime.bigint();
    const r = equalSharesWinners(projects, ballots, budget, 'lower_cost', { utilities, completion: 'add1' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const es = r.equalShares!;
    console.log(`MES + Add1, ${utilities} utilities: ${seconds.toFixed(2)} s; ${r.winners.length} winners, ${es.add1Rounds} Add1 rounds (${es.add1Stop}), spent ${r.spent} of ${budget}`);
  }
}

main();
