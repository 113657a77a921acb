// The random but reproducible budget vote of ops/bench/vote.ts (a seeded generator): costs from 100,000
// to 3,000,000 roubles, a budget of a quarter of the total cost, each ballot approving 1 to 6 projects with
// some projects far more popular than others (as in real participatory budgets). The unit tests count
// smaller ones to compare the tally with outputs recorded from the exact-only implementation.
import type { Ballot, Project } from '../../workflows/rules/vote';

/** mulberry32: a small seeded generator, so that every run counts the same vote. */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function benchVote(projectCount: number, ballotCount: number, seed: number): { projects: Project[]; ballots: Ballot[]; budget: number } {
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
