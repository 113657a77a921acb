// How long a large budget vote takes to count: 100 projects and 100,000 ballots under the Method of
// Equal Shares with Add1 (workflows/rules/vote.ts), with approval and with cost utilities. A figure for
// docs/benchmarks.md, never a test: nothing fails on a number.
//
//   npx tsx ops/bench/vote.ts [--projects 100] [--ballots 100000] [--seed 15]
//
// The instance is random but reproducible (ops/bench/vote-instance.ts). Each count runs as the tally
// activity runs it (ballots validated, then the rule, with a pause per step of Add1); it prints the wall
// time and the CPU time (the machine may be shared: the load average is printed too), the Add1 reruns and
// the steps they took (a step is one float run proving one rerun or a range of them, or one exact rerun).
import os from 'node:os';
import { parseArgs } from 'node:util';
import { decideVoteSteps, type Ballot, type Project, type Utilities } from '../../workflows/rules/vote';
import { benchVote } from './vote-instance';

/** One count as the tally activity runs it (decideVoteSteps: ballots validated, then the rule), timed. */
function count(projects: Project[], ballots: Ballot[], budget: number, utilities: Utilities): void {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const steps = decideVoteSteps({ kind: 'approval', budget }, projects, ballots, { rule: 'equal_shares', utilities, completion: 'add1' });
  let pauses = 0;
  let step = steps.next();
  for (; !step.done; step = steps.next()) pauses++;
  const used = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - wall) / 1e9;
  const r = step.value;
  const es = r.equalShares!;
  console.log(
    `MES + Add1, ${utilities} utilities: ${seconds.toFixed(2)} s (CPU ${((used.user + used.system) / 1e6).toFixed(2)} s); ${r.winners.length} winners, ` +
      `${es.add1Rounds} Add1 rounds (${es.add1Stop}) in ${pauses} steps, spent ${r.spent} of ${budget}`,
  );
}

function main(): void {
  const { values } = parseArgs({
    options: { projects: { type: 'string', default: '100' }, ballots: { type: 'string', default: '100000' }, seed: { type: 'string', default: '15' } },
  });
  const { projects, ballots, budget } = benchVote(Number(values.projects), Number(values.ballots), Number(values.seed));
  const distinct = new Set(ballots.map((b) => [...b.approved].sort().join(','))).size;
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  console.log(`${projects.length} projects, ${ballots.length} ballots (${distinct} distinct), budget ${budget}; node ${process.version}, ${os.cpus().length} CPUs, load average ${load}`);
  for (const utilities of ['approval', 'cost'] as Utilities[]) count(projects, ballots, budget, utilities);
}

main();
