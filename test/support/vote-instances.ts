// Small random budget votes for the Method of Equal Shares, reproducible from a seed: the instances on
// which test/unit/vote-equal-shares-recorded.test.ts compares the tally with outputs recorded from the
// exact-only implementation (before the certified floating-point reruns of Add1).
import { generator as seeded } from '../../ops/bench/vote-instance';
import type { EqualSharesOptions, Ballot, Project, TieBreak } from '../../workflows/rules/vote';

export interface VoteInstance {
  projects: Project[];
  ballots: Ballot[];
  budget: number;
  tieBreak: TieBreak;
  options: EqualSharesOptions;
}

/**
 * Instance `i` of the recorded set. Even instances are tiny with costs from a few values (0 included),
 * so that ties and zero costs are frequent; odd ones have more voters and spread costs, so that most
 * reruns are decided without a tie.
 */
export function voteInstance(i: number): VoteInstance {
  const random = seeded(1000 + i);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const tiny = i % 2 === 0;
  const projectCount = tiny ? int(1, 6) : int(3, 9);
  const projects: Project[] = Array.from({ length: projectCount }, (_, j) => ({
    id: `p${j + 1}`,
    cost: tiny ? [0, 1, 2, 3, 5, 8, 10, 10][int(0, 7)] : random() < 0.05 ? 0 : int(1, 400),
  }));
  const voterCount = tiny ? int(1, 10) : int(10, 80);
  const ballots: Ballot[] = Array.from({ length: voterCount }, () => {
    const approved = projects.filter(() => random() < (tiny ? 0.4 : 0.3)).map((p) => p.id);
    return { approved: approved.length > 0 ? approved : [projects[int(0, projectCount - 1)].id] };
  });
  const total = projects.reduce((s, p) => s + p.cost, 0);
  const budget = Math.max(1, Math.floor(total * (0.2 + 0.6 * random())));
  const ties: TieBreak[] = ['lower_cost', 'higher_cost', { priority: projects.slice(0, 2).map((p) => p.id).reverse() }];
  const tieBreak = ties[int(0, 2)];
  const completion = (['add1', 'add1', 'add1', 'greedy', 'none'] as const)[int(0, 4)];
  const options: EqualSharesOptions = {
    utilities: random() < 0.5 ? 'approval' : 'cost',
    completion,
    add1Increment: int(1, 3),
    ...(random() < 0.2 ? { add1MaxRounds: int(0, 20) } : {}),
  };
  return { projects, ballots, budget, tieBreak, options };
}

export const RECORDED_INSTANCES = 600;
