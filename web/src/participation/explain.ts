// Each project's one-line explanation of a vote's outcome, in Russian, from the results' structured
// fields (votes, cost, stage, the rule's order): the API's own explanations are English lines for
// auditors. Pure: the same results give the same lines.
import { T } from '../text';
import type { ProjectOutcome, VoteResults } from './model';
import { counted, formatMoney } from './words';

export function explainProject(o: ProjectOutcome, r: VoteResults): string {
  const x = T.participation.results.explain;
  const p = o.project;
  const votes = counted(p.votes, T.participation.results.votes);
  if (p.votes === 0) return x.noVotes;
  if (r.rule === 'most_votes') return (p.selected ? x.placeWon : x.placeLost)(votes, o.place, r.projects.length);
  if (r.rule === 'greedy') {
    const left = formatMoney(o.remainingAfter ?? 0);
    return p.selected ? x.greedyWon(votes, left) : x.greedyLost(votes, formatMoney(p.cost), left);
  }
  if (p.stage === 'add1') return x.add1Won(votes);
  if (p.stage === 'greedy_completion') return x.completionWon(votes);
  return p.selected ? x.sharesWon(votes) : x.sharesLost(votes);
}
