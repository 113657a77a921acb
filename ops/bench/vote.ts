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
import { equalSharesWinners, type Ballot, type Project, type Utilities } from '../../workflows/rules/vote';

/** mulberry32: a small seeded generator, so that every run counts the same vote. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function instance(projectCount: number, ballotCount: number, seed: number): { projects: Project[]; ballots: Ballot[]; budget: number } {
  const random = generator(seed);
  const projects: Project[] = Array.from({ length: projectCount }, (_, i) => ({
    id: `p${i + 1}`,
    cost: 100_000 + Math.floor(random() * 2_900_000),
  }));
  // Popularity: project i is chosen with weight 1 / (i + 1)^0.8.
  const weights = projects.map((_, i) => 1 / (i + 1) ** 0.8);
  const total = weights.reduce((a, b) => a + b, 0);
  const pick = (): string => {
    let r = random() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r <= 0) return projects[i].id;
    }
    return projects[projects.length - 1].id;
  };
  const ballots: Ballot[] = Array.from({ length: ballotCount }, () => {
    const size = 1 + Math.floor(random() * 6);
    const approved = new Set<string>();
    while (approved.size < Math.min(size, projectCount)) approved.add(pick());
    return { approved: [...approved] };
  });
  const budget = Math.floor(projects.reduce((sum, p) => sum + p.cost, 0) / 4);
  return { projects, ballots, budget };
}

function main(): void {
  const { values } = parseArgs({
    options: { projects: { type: 'string', default: '100' }, ballots: { type: 'string', default: '100000' }, seed: { type: 'string', default: '15' } },
  });
  const { projects, ballots, budget } = instance(Number(values.projects), Number(values.ballots), Number(values.seed));
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
