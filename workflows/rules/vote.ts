// Votes on projects: ballot validation, tallies and the winner rules an event can choose (the greedy rule
// most cities use, the Method of Equal Shares with a completion step, and the most-voted for single-choice
// and unbudgeted approval votes). Pure and deterministic: imported by workflow code and by the API (no
// node: imports, no clock, no randomness, no I/O).
//
// Money is in whole roubles (integers). The Method of Equal Shares compares fractions, so it runs on exact
// BigInt arithmetic: no floating point decides who wins. Floating point appears only in display values (a
// per-voter budget or payment rounded to kopecks in an explanation or a summary field).
import { show } from './answer-term';
import { floatMes } from './vote-equal-shares-float';

// ---------------------------------------------------------------------------------------------------
// Types

export interface Project {
  id: string;
  name?: string;
  /** Whole roubles, a non-negative safe integer (0 is allowed, e.g. for a territory in a single-choice vote). */
  cost: number;
}

/** What one person chose. For a single-choice vote, a one-element list. */
export interface Ballot {
  approved: string[];
}

export type VoteKind = 'single_choice' | 'approval' | 'budget';

export interface VoteSettings {
  kind: VoteKind;
  /** approval (and optionally budget): a ballot approves at most this many projects. */
  maxApprovals?: number;
  /**
   * The money available to the event, in roubles. Required for kind 'budget' (where it is also the limit on
   * one ballot's total cost unless ballotBudget is given); optional for 'approval' (then only the winner rules
   * use it).
   */
  budget?: number;
  /** budget kind: the limit on one ballot's total cost, when it differs from the event's budget. */
  ballotBudget?: number;
  /** budget kind: a ballot must spend at least this share (0..1) of its limit (ballotBudget ?? budget). */
  minShareOfBudget?: number;
}

/**
 * How ties are broken, everywhere in this module (greedy order, equal-shares choice among projects with the
 * same payment per supporter, greedy completion, most-voted places):
 *   1. more votes first;
 *   2. then 'lower_cost' (the default: cheaper first, so the money funds more projects), 'higher_cost'
 *      (dearer first), or { priority: [...] } (the order given, e.g. a public lot drawn before the vote;
 *      projects not listed come after the listed ones and are equal among themselves at this step);
 *   3. then the project id, ascending by UTF-16 code units (plain `<` on strings: 'p10' comes before 'p9').
 * Ids are unique, so this is a total order and every result is deterministic.
 */
export type TieBreak = 'lower_cost' | 'higher_cost' | { priority: readonly string[] };
export const DEFAULT_TIE_BREAK: TieBreak = 'lower_cost';

export type Completion = 'add1' | 'greedy' | 'none';

/**
 * What a supporter gains from an approved project under equal shares. 'approval' (default): 1 per project,
 * so MES picks the project its supporters can buy with the least payment each. 'cost': the project's cost,
 * so MES picks the least payment per rouble of cost (the largest "effective vote count" cost/ρ); this is
 * the variant of the equalshares.net reference code and of the pabulib checker.
 */
export type Utilities = 'approval' | 'cost';

export interface EqualSharesOptions {
  /** Default 'approval'. */
  utilities?: Utilities;
  /**
   * 'add1' (default): Add1 completion (raise every voter's budget by add1Increment and rerun, see
   * equalSharesWinners), then a greedy fill; 'greedy': only the greedy fill; 'none': plain MES.
   */
  completion?: Completion;
  /** Add1 step: roubles added to every voter's budget per round; a positive integer, default 1. */
  add1Increment?: number;
  /** Add1: at most this many reruns of MES; default DEFAULT_ADD1_MAX_ROUNDS. */
  add1MaxRounds?: number;
}
export const DEFAULT_ADD1_INCREMENT = 1;
/**
 * Add1 stops after this many reruns (reported as add1Stop 'max_rounds'). Raising by 1 rouble a time, a
 * small electorate with a large budget per voter needs many rounds, but each is cheap; a large electorate
 * needs few (20,000 voters with 500 roubles each: about 250 rounds).
 */
export const DEFAULT_ADD1_MAX_ROUNDS = 100_000;

export type VoteRule = 'greedy' | 'equal_shares' | 'most_votes';

/** How a project ended up selected (absent for a project that was not). */
export type SelectionStage = 'greedy' | 'equal_shares' | 'add1' | 'greedy_completion' | 'most_votes';

export interface ProjectResult {
  id: string;
  name?: string;
  votes: number;
  cost: number;
  selected: boolean;
  stage?: SelectionStage;
  /** One line of English, e.g. 'won: 1,234 votes, fits the budget (remaining 120,000)'. */
  explanation: string;
}

export interface EqualSharesSummary {
  /** Number of ballots (voters); each starts with budget / voters roubles. */
  voters: number;
  utilities: Utilities;
  completion: Completion;
  /** Per-voter budget of the plain run, roubles, rounded to kopecks (display only). */
  initialPerVoterBudget: number;
  /** Per-voter budget of the run whose outcome was kept, roubles, rounded to kopecks (display only). */
  finalPerVoterBudget: number;
  add1Increment: number;
  /** Raises kept by Add1 (0 when it did not run or the plain outcome was kept). */
  add1Rounds: number;
  /** Why Add1 stopped. */
  add1Stop: 'not_run' | 'exhaustive' | 'over_budget' | 'max_rounds';
}

export interface VoteResult {
  rule: VoteRule;
  /** Selected project ids in the order they were selected. */
  winners: string[];
  /** Total cost of the winners. */
  spent: number;
  /** The budget the rule worked with (null for most_votes). */
  budget: number | null;
  /** Every project, in tie-break order (votes desc, then the tie rule, then id). */
  projects: ProjectResult[];
  tieBreak: TieBreak;
  equalShares?: EqualSharesSummary;
}

/** The winner rule an event chose, for decideVote. */
export type WinnerRule =
  | { rule: 'greedy' }
  | ({ rule: 'equal_shares' } & EqualSharesOptions)
  | { rule: 'most_votes'; seats?: number };

// ---------------------------------------------------------------------------------------------------
// Validation

const MAX_ID_LENGTH = 200;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

/** Project ids unique and non-empty, costs non-negative whole roubles. */
export function validateProjects(projects: readonly Project[]): void {
  if (!Array.isArray(projects)) throw new Error(`Invalid projects: expected an array, got ${show(projects)}`);
  const seen = new Set<string>();
  for (const p of projects) {
    if (!isPlainObject(p)) throw new Error(`Invalid project: expected { id, cost }, got ${show(p)}`);
    if (typeof p.id !== 'string' || p.id.trim() === '' || p.id.length > MAX_ID_LENGTH) {
      throw new Error(`Invalid project id: expected a non-empty string of at most ${MAX_ID_LENGTH} characters, got ${show(p.id)}`);
    }
    if (seen.has(p.id)) throw new Error(`Invalid projects: duplicate project id ${show(p.id)}`);
    seen.add(p.id);
    if (!isCount(p.cost)) {
      throw new Error(`Invalid cost of project ${show(p.id)}: expected whole roubles (an integer >= 0), got ${show(p.cost)}`);
    }
    if (p.name !== undefined && typeof p.name !== 'string') {
      throw new Error(`Invalid name of project ${show(p.id)}: expected a string, got ${show(p.name)}`);
    }
  }
}

const KINDS: readonly VoteKind[] = ['single_choice', 'approval', 'budget'];

export function validateVoteSettings(settings: VoteSettings): void {
  if (!isPlainObject(settings)) throw new Error(`Invalid vote settings: expected an object, got ${show(settings)}`);
  if (!KINDS.includes(settings.kind)) {
    throw new Error(`Invalid vote kind: expected one of ${KINDS.join(', ')}, got ${show(settings.kind)}`);
  }
  if (settings.maxApprovals !== undefined && !isPositiveInt(settings.maxApprovals)) {
    throw new Error(`Invalid maxApprovals: expected a positive integer, got ${show(settings.maxApprovals)}`);
  }
  if (settings.budget !== undefined && !isPositiveInt(settings.budget)) {
    throw new Error(`Invalid budget: expected a positive whole number of roubles, got ${show(settings.budget)}`);
  }
  if (settings.ballotBudget !== undefined && !isPositiveInt(settings.ballotBudget)) {
    throw new Error(`Invalid ballotBudget: expected a positive whole number of roubles, got ${show(settings.ballotBudget)}`);
  }
  const share = settings.minShareOfBudget;
  if (share !== undefined && (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1)) {
    throw new Error(`Invalid minShareOfBudget: expected a number from 0 to 1, got ${show(share)}`);
  }
  if (settings.kind === 'budget' && settings.budget === undefined) {
    throw new Error('Invalid vote settings: a budget vote needs a budget');
  }
  if (settings.kind !== 'budget' && (settings.ballotBudget !== undefined || share !== undefined)) {
    throw new Error(`Invalid vote settings: ballotBudget and minShareOfBudget apply to budget votes only, not ${settings.kind}`);
  }
  if (settings.kind === 'single_choice' && settings.maxApprovals !== undefined) {
    throw new Error('Invalid vote settings: maxApprovals does not apply to a single-choice vote');
  }
}

/** budget kind: the limit on one ballot's total cost (ballotBudget, else the event's budget). */
export function ballotCostLimit(settings: VoteSettings): number | null {
  if (settings.kind !== 'budget') return null;
  return settings.ballotBudget ?? settings.budget ?? null;
}

/**
 * budget kind: the least total cost a ballot must reach, ceil(minShareOfBudget × limit) in whole roubles
 * (a product within 1e-6 of an integer counts as that integer, so 0.7 × 100,000 is 70,000, not 70,001).
 * 0 when there is no minimum.
 */
export function ballotMinimumCost(settings: VoteSettings): number {
  const limit = ballotCostLimit(settings);
  const share = settings.minShareOfBudget;
  if (limit === null || share === undefined || share === 0) return 0;
  const exact = share * limit;
  const nearest = Math.round(exact);
  return Math.abs(exact - nearest) < 1e-6 ? nearest : Math.ceil(exact);
}

/**
 * Throws an Error naming the problem when the ballot is not valid for the event. Checked in this order:
 * shape, empty, unknown project, duplicate, number of choices (single choice: exactly one; maxApprovals),
 * total cost over the ballot's limit (budget kind), total cost under the minimum share (budget kind).
 */
export function validateBallot(settings: VoteSettings, projects: readonly Project[], ballot: Ballot): void {
  validateVoteSettings(settings);
  checkBallot(settings, new Map(projects.map((p) => [p.id, p] as const)), ballot);
}

/** validateBallot for settings already validated, with the projects by id (built once for many ballots). */
function checkBallot(settings: VoteSettings, byId: ReadonlyMap<string, Project>, ballot: Ballot): void {
  if (!isPlainObject(ballot) || !Array.isArray(ballot.approved)) {
    throw new Error(`Invalid ballot: expected { approved: string[] }, got ${show(ballot)}`);
  }
  const approved = ballot.approved;
  if (approved.length === 0) throw new Error('Invalid ballot: no project chosen');
  const seen = new Set<string>();
  let total = 0;
  for (const id of approved) {
    if (typeof id !== 'string') throw new Error(`Invalid ballot: expected project ids (strings), got ${show(id)}`);
    const project = byId.get(id);
    if (!project) throw new Error(`Invalid ballot: unknown project ${show(id)}`);
    if (seen.has(id)) throw new Error(`Invalid ballot: project ${show(id)} is chosen more than once`);
    seen.add(id);
    total += project.cost;
  }
  if (settings.kind === 'single_choice' && approved.length !== 1) {
    throw new Error(`Invalid ballot: a single-choice vote takes exactly one project, got ${approved.length}`);
  }
  if (settings.maxApprovals !== undefined && approved.length > settings.maxApprovals) {
    throw new Error(`Invalid ballot: at most ${settings.maxApprovals} project${settings.maxApprovals === 1 ? '' : 's'} may be chosen, got ${approved.length}`);
  }
  const limit = ballotCostLimit(settings);
  if (limit !== null && total > limit) {
    throw new Error(`Invalid ballot: the chosen projects cost ${fmtInt(total)} in total, over the ballot budget of ${fmtInt(limit)}`);
  }
  const minimum = ballotMinimumCost(settings);
  if (limit !== null && total < minimum) {
    throw new Error(
      `Invalid ballot: the chosen projects cost ${fmtInt(total)} in total, under the required minimum of ${fmtInt(minimum)} ` +
        `(${fmtPercent(settings.minShareOfBudget!)} of ${fmtInt(limit)})`,
    );
  }
}

function validateTieBreak(tieBreak: TieBreak, projects: readonly Project[]): void {
  if (tieBreak === 'lower_cost' || tieBreak === 'higher_cost') return;
  if (!isPlainObject(tieBreak) || !Array.isArray(tieBreak.priority)) {
    throw new Error(`Invalid tie-break: expected 'lower_cost', 'higher_cost' or { priority: string[] }, got ${show(tieBreak)}`);
  }
  const ids = new Set(projects.map((p) => p.id));
  const seen = new Set<string>();
  for (const id of tieBreak.priority) {
    if (typeof id !== 'string' || !ids.has(id)) throw new Error(`Invalid tie-break priority: unknown project ${show(id)}`);
    if (seen.has(id)) throw new Error(`Invalid tie-break priority: project ${show(id)} is listed more than once`);
    seen.add(id);
  }
}

function validateBudget(budget: number): void {
  if (!isPositiveInt(budget)) throw new Error(`Invalid budget: expected a positive whole number of roubles, got ${show(budget)}`);
}

// ---------------------------------------------------------------------------------------------------
// Tally

/**
 * Votes per project id (every project present, 0 when nobody chose it). Throws on a ballot naming an
 * unknown project or the same project twice; run validateBallot for the event's other limits.
 */
export function tally(projects: readonly Project[], ballots: readonly Ballot[]): Record<string, number> {
  validateProjects(projects);
  const votes: Record<string, number> = {};
  for (const p of projects) votes[p.id] = 0;
  ballots.forEach((ballot, i) => {
    if (!isPlainObject(ballot) || !Array.isArray(ballot.approved)) {
      throw new Error(`Invalid ballot #${i + 1}: expected { approved: string[] }, got ${show(ballot)}`);
    }
    const seen = new Set<string>();
    for (const id of ballot.approved) {
      if (typeof id !== 'string' || !Object.prototype.hasOwnProperty.call(votes, id)) {
        throw new Error(`Invalid ballot #${i + 1}: unknown project ${show(id)}`);
      }
      if (seen.has(id)) throw new Error(`Invalid ballot #${i + 1}: project ${show(id)} is chosen more than once`);
      seen.add(id);
      votes[id] += 1;
    }
  });
  return votes;
}

function checkVotes(projects: readonly Project[], votes: Readonly<Record<string, number>>): void {
  if (!isPlainObject(votes)) throw new Error(`Invalid votes: expected a record of counts by project id, got ${show(votes)}`);
  const ids = new Set(projects.map((p) => p.id));
  for (const [id, n] of Object.entries(votes)) {
    if (!ids.has(id)) throw new Error(`Invalid votes: unknown project ${show(id)}`);
    if (!isCount(n)) throw new Error(`Invalid votes for project ${show(id)}: expected an integer >= 0, got ${show(n)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Tie-break order and explanations

interface Standing {
  id: string;
  name?: string;
  cost: number;
  votes: number;
}

function tiePosition(tieBreak: TieBreak, id: string): number {
  if (typeof tieBreak === 'string') return 0;
  const i = tieBreak.priority.indexOf(id);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

/** Negative when a comes first under the documented tie rule (see TieBreak). */
export function compareProjects(a: Standing, b: Standing, tieBreak: TieBreak = DEFAULT_TIE_BREAK): number {
  if (a.votes !== b.votes) return b.votes - a.votes;
  if (tieBreak === 'lower_cost' && a.cost !== b.cost) return a.cost - b.cost;
  if (tieBreak === 'higher_cost' && a.cost !== b.cost) return b.cost - a.cost;
  if (typeof tieBreak !== 'string') {
    const d = tiePosition(tieBreak, a.id) - tiePosition(tieBreak, b.id);
    if (d !== 0) return d;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Why `winner` comes before `loser` in the tie order, e.g. 'same votes, lower cost'. */
function tieReason(winner: Standing, loser: Standing, tieBreak: TieBreak): string {
  if (winner.votes !== loser.votes) return 'more votes';
  if (tieBreak === 'lower_cost' && winner.cost !== loser.cost) return 'same votes, lower cost';
  if (tieBreak === 'higher_cost' && winner.cost !== loser.cost) return 'same votes, higher cost';
  if (typeof tieBreak !== 'string') {
    if (tiePosition(tieBreak, winner.id) !== tiePosition(tieBreak, loser.id)) return 'same votes, earlier in the priority order';
    return 'same votes, neither in the priority order, smaller id';
  }
  return 'same votes and cost, smaller id';
}

function rankProjects(projects: readonly Project[], votes: Readonly<Record<string, number>>, tieBreak: TieBreak): Standing[] {
  return projects
    .map((p) => ({ id: p.id, ...(p.name !== undefined ? { name: p.name } : {}), cost: p.cost, votes: votes[p.id] ?? 0 }))
    .sort((a, b) => compareProjects(a, b, tieBreak));
}

/** 1234567 → '1,234,567' (fixed format, no locale). */
function fmtInt(n: number): string {
  const s = String(Math.abs(Math.trunc(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fmtVotes(n: number): string {
  return n === 1 ? '1 vote' : `${fmtInt(n)} votes`;
}

function fmtPercent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}

/** Per project id, how it was selected (absent when it was not) and why. */
type ProjectOutcomes = Map<string, { stage?: SelectionStage; explanation: string }>;

function result(
  rule: VoteRule,
  ranked: readonly Standing[],
  winners: string[],
  budget: number | null,
  tieBreak: TieBreak,
  outcome: ProjectOutcomes,
  equalShares?: EqualSharesSummary,
): VoteResult {
  const cost = new Map(ranked.map((s) => [s.id, s.cost] as const));
  const projects: ProjectResult[] = ranked.map((s) => {
    const o = outcome.get(s.id)!;
    return {
      id: s.id,
      ...(s.name !== undefined ? { name: s.name } : {}),
      votes: s.votes,
      cost: s.cost,
      selected: o.stage !== undefined,
      ...(o.stage !== undefined ? { stage: o.stage } : {}),
      explanation: o.explanation,
    };
  });
  return {
    rule,
    winners,
    spent: winners.reduce((sum, id) => sum + cost.get(id)!, 0),
    budget,
    projects,
    tieBreak,
    ...(equalShares ? { equalShares } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// Greedy

/**
 * The greedy rule most cities use: projects in tie order (votes desc, then the tie rule); each one that
 * still fits in the remaining budget is funded, one that no longer fits is skipped and the next is tried.
 * A project with no votes is never funded.
 *
 * Explanations: 'won: N votes, fits the budget (remaining R)' where R is what is left after funding it;
 * 'skipped: N votes but costs C, only R left'; 'lost the tie-break to X (same votes, lower cost): …' when a
 * funded project X with the same votes came first only by the tie rule and this one would have fitted in
 * its place; 'not funded: no votes'.
 */
export function greedyWinners(
  projects: readonly Project[],
  votes: Readonly<Record<string, number>>,
  budget: number,
  tieBreak: TieBreak = DEFAULT_TIE_BREAK,
): VoteResult {
  validateProjects(projects);
  checkVotes(projects, votes);
  validateBudget(budget);
  validateTieBreak(tieBreak, projects);
  const ranked = rankProjects(projects, votes, tieBreak);
  const outcome: ProjectOutcomes = new Map();
  const winners: string[] = [];
  const remainingBefore = new Map<string, number>();
  let remaining = budget;
  for (const s of ranked) {
    remainingBefore.set(s.id, remaining);
    if (s.votes === 0) {
      outcome.set(s.id, { explanation: 'not funded: no votes' });
    } else if (s.cost <= remaining) {
      remaining -= s.cost;
      winners.push(s.id);
      outcome.set(s.id, { stage: 'greedy', explanation: `won: ${fmtVotes(s.votes)}, fits the budget (remaining ${fmtInt(remaining)})` });
    } else {
      const rivals = ranked.filter(
        (w) => w.votes === s.votes && w.id !== s.id && winners.includes(w.id) && s.cost <= remainingBefore.get(w.id)!,
      );
      const skipped = `${fmtVotes(s.votes)}, costs ${fmtInt(s.cost)}, only ${fmtInt(remaining)} left`;
      outcome.set(s.id, {
        explanation:
          rivals.length > 0
            ? `lost the tie-break to ${rivals[0].id} (${tieReason(rivals[0], s, tieBreak)}): ${skipped}`
            : `skipped: ${fmtVotes(s.votes)} but costs ${fmtInt(s.cost)}, only ${fmtInt(remaining)} left`,
      });
    }
  }
  return result('greedy', ranked, winners, budget, tieBreak, outcome);
}

// ---------------------------------------------------------------------------------------------------
// Most votes (single choice; approval without a budget)

/**
 * The `seats` most-voted projects (1 for a single-choice vote: one territory or one design project; N for
 * an approval vote without a budget). Places follow the tie order; a project with no votes never wins.
 */
export function mostVotedWinners(
  projects: readonly Project[],
  votes: Readonly<Record<string, number>>,
  seats = 1,
  tieBreak: TieBreak = DEFAULT_TIE_BREAK,
): VoteResult {
  validateProjects(projects);
  checkVotes(projects, votes);
  if (!isPositiveInt(seats)) throw new Error(`Invalid number of winners: expected a positive integer, got ${show(seats)}`);
  validateTieBreak(tieBreak, projects);
  const ranked = rankProjects(projects, votes, tieBreak);
  const outcome: ProjectOutcomes = new Map();
  const winners: string[] = [];
  const of = ranked.length;
  ranked.forEach((s, i) => {
    const place = `place ${i + 1} of ${of}`;
    if (s.votes === 0) {
      outcome.set(s.id, { explanation: 'not chosen: no votes' });
    } else if (winners.length < seats) {
      winners.push(s.id);
      outcome.set(s.id, { stage: 'most_votes', explanation: `won: ${fmtVotes(s.votes)} (${place})` });
    } else {
      const rival = [...ranked].reverse().find((w) => winners.includes(w.id) && w.votes === s.votes);
      outcome.set(s.id, {
        explanation: rival
          ? `lost the tie-break to ${rival.id} (${tieReason(rival, s, tieBreak)}): ${fmtVotes(s.votes)} (${place})`
          : `not chosen: ${fmtVotes(s.votes)} (${place})`,
      });
    }
  });
  return result('most_votes', ranked, winners, null, tieBreak, outcome);
}

// ---------------------------------------------------------------------------------------------------
// Exact fractions (for display of the Method of Equal Shares' payments)

interface Q {
  readonly n: bigint;
  readonly d: bigint; // > 0, gcd(n, d) = 1
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
function rat(n: bigint, d: bigint = 1n): Q {
  if (d < 0n) [n, d] = [-n, -d];
  if (d === 1n) return { n, d };
  const g = gcd(n, d);
  return g > 1n ? { n: n / g, d: d / g } : { n, d };
}
/** a / k rounded half up to 2 decimals, as a number (display only). */
function qToKopecks(a: Q, k: bigint): number {
  const den = a.d * k;
  const hundredths = (a.n * 200n + den) / (2n * den);
  return Number(hundredths) / 100;
}
function fmtMoney(x: number): string {
  const [whole, frac] = x.toFixed(2).split('.');
  return `${fmtInt(Number(whole))}.${frac}`;
}

// ---------------------------------------------------------------------------------------------------
// Method of Equal Shares

/** A computation that pauses after each step (of Add1: one or more reruns), yielding a number that grows, and returns T. */
export type TallySteps<T> = Generator<number, T, void>;

/** Runs steps to their end without pausing. */
function toTheEnd<T>(steps: TallySteps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

interface MesInstance {
  /** Costs scaled by the number of voters n (so that each voter's initial budget budget/n is an integer). */
  costs: bigint[];
  /** Per project, the indices of the voter groups approving it. */
  supporters: number[][];
  /** Per group, the indices of the projects it approves. */
  approves: number[][];
  /** Per group, how many voters cast exactly this ballot (voters with equal ballots always hold equal budgets). */
  weights: number[];
  /** Per project, its place in the tie order (0 first). */
  rank: number[];
  /** Per project, a supporter's utility: 1 (approval utilities) or its cost (cost utilities). */
  utility: bigint[];
}

interface MesOutcome {
  /** Project indices in selection order. */
  selected: number[];
  /** For each selected project, ρ: the most one supporter paid (scaled by n). */
  rho: Q[];
  /** A project that tied on ρ with the selected one and lost on the tie order (last such round). */
  tieLostTo: Map<number, number>;
}

/** The budget class of voters with nothing left. */
const SPENT = -1;

/** The state of one MES run (see runMes): every budget is a numerator over the common denominator D. */
interface MesRun {
  readonly inst: MesInstance;
  D: bigint;
  /** Per budget class, the remaining budget of each of its voters. */
  readonly classBudget: bigint[];
  /** Per voter group, its budget class (SPENT when it has nothing left). */
  readonly classOf: number[];
  /** Per project: budget class → number of its supporters in that class (plain numbers: counts of voters). */
  readonly weightIn: Map<number, number>[];
  /** Per project, a lower bound of its ρ: lowerNum / lowerDen, over D. */
  readonly lowerNum: bigint[];
  readonly lowerDen: bigint[];
}

/** A ρ as [numerator, denominator] over D. */
type Rho = [bigint, bigint];

/** The project a round selects, and the candidates left for the next rounds (including it). */
interface MesPick {
  best: number;
  rho: Rho;
  still: number[];
}

function startMes(inst: MesInstance, perVoter: bigint): MesRun {
  return {
    inst,
    D: 1n,
    classBudget: [perVoter], // every voter starts in class 0
    classOf: inst.weights.map(() => 0),
    weightIn: inst.supporters.map((gs) => new Map([[0, gs.reduce((sum, g) => sum + inst.weights[g], 0)]])),
    lowerNum: inst.costs.map(() => 0n),
    lowerDen: inst.costs.map(() => 1n),
  };
}

/** The least ρ (over D) at which project j's supporters can pay for it, or null when they cannot. */
function rhoOf(run: MesRun, j: number): Rho | null {
  const { classBudget } = run;
  let need = run.inst.costs[j] * run.D;
  if (need === 0n) return [0n, 1n];
  const levels = [...run.weightIn[j]].sort(([a], [b]) => (classBudget[a] < classBudget[b] ? -1 : classBudget[a] > classBudget[b] ? 1 : 0));
  let rest = 0n;
  for (const [, w] of levels) rest += BigInt(w);
  for (const [c, w] of levels) {
    const b = classBudget[c];
    if (need <= b * rest) return [need, rest]; // ρ = need / rest is within every remaining supporter's budget
    need -= b * BigInt(w); // these supporters cannot cover ρ: they give all they have
    rest -= BigInt(w);
  }
  return null;
}

/** Compares projects a and b by ρ per unit of utility: (an / ad) / utility[a] against (bn / bd) / utility[b]. */
function compareRho(inst: MesInstance, a: number, [an, ad]: Rho, b: number, [bn, bd]: Rho): number {
  const l = an * bd * inst.utility[b];
  const r = bn * ad * inst.utility[a];
  return l < r ? -1 : l > r ? 1 : 0;
}

/**
 * One round's choice: the affordable candidate with the least ρ per unit of utility (ties: the tie order),
 * evaluating candidates in the order of their lower bounds and stopping at the first whose bound exceeds
 * the best ρ found. Records in tieLostTo the evaluated candidates that tied with the choice. Null when no
 * candidate is affordable.
 */
function cheapestProject(run: MesRun, candidates: number[], tieLostTo: Map<number, number>): MesPick | null {
  const { inst, lowerNum, lowerDen } = run;
  const lower = (j: number): Rho => [lowerNum[j], lowerDen[j]];
  candidates.sort((a, b) => compareRho(inst, a, lower(a), b, lower(b)) || inst.rank[a] - inst.rank[b]);
  let best = -1;
  let bestRho: Rho = [0n, 1n];
  const evaluated: [number, Rho][] = [];
  const still: number[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const j = candidates[i];
    if (best >= 0 && compareRho(inst, j, lower(j), best, bestRho) > 0) {
      still.push(...candidates.slice(i));
      break;
    }
    const rho = rhoOf(run, j);
    if (rho === null) continue; // unaffordable now, so for the rest of this run
    [lowerNum[j], lowerDen[j]] = rho;
    still.push(j);
    evaluated.push([j, rho]);
    const c = best < 0 ? -1 : compareRho(inst, j, rho, best, bestRho);
    if (c < 0 || (c === 0 && inst.rank[j] < inst.rank[best])) [best, bestRho] = [j, rho];
  }
  if (best < 0) return null;
  for (const [j, rho] of evaluated) if (j !== best && compareRho(inst, j, rho, best, bestRho) === 0) tieLostTo.set(j, best);
  return { best, rho: bestRho, still };
}

/** Multiplies the common denominator D by den, and every stored numerator with it. */
function rescale(run: MesRun, den: bigint): void {
  run.D *= den;
  for (let c = 0; c < run.classBudget.length; c++) run.classBudget[c] *= den;
  for (let k = 0; k < run.lowerNum.length; k++) run.lowerNum[k] *= den;
}

/** The supporters of project `best` pay min(budget, rho): within each class they move together to a new class. */
function payFor(run: MesRun, best: number, rho: bigint): void {
  const { inst, classBudget, classOf, weightIn } = run;
  const moved = new Map<number, number>();
  for (const g of inst.supporters[best]) {
    const from = classOf[g];
    if (from === SPENT) continue;
    let to = moved.get(from);
    if (to === undefined) {
      to = classBudget[from] > rho ? classBudget.push(classBudget[from] - rho) - 1 : SPENT;
      moved.set(from, to);
    }
    classOf[g] = to;
    const w = inst.weights[g];
    for (const k of inst.approves[g]) {
      const m = weightIn[k];
      const left = m.get(from)! - w;
      if (left === 0) m.delete(from);
      else m.set(from, left);
      if (to !== SPENT) m.set(to, (m.get(to) ?? 0) + w);
    }
  }
}

/**
 * One run of MES with approval utilities (utility 1 per approved project) and every voter starting with
 * `perVoter` (scaled by n). Each round: a project is ρ-affordable when its supporters can pay its cost with
 * each paying min(own remaining budget, ρ); the project with the least such ρ is selected (ties: the tie
 * order) and its supporters pay exactly that; stop when no project is affordable. A project unaffordable in
 * one round stays so (budgets only shrink), and its ρ can only grow, so the last ρ is a lower bound used to
 * skip recomputation (the standard lazy evaluation of the equalshares.net implementations).
 *
 * Exact integers throughout: budgets are BigInt numerators over one common denominator D. A candidate ρ is
 * need / rest over D; when the selected ρ has a denominator, D is multiplied by it (and every stored
 * numerator with it), so payments stay integers. D grows by at most a factor n per round.
 *
 * Speed: voters are kept in budget classes (all voters start in one; paying for a project moves its
 * supporters of a class to a new class), and each project keeps the weight of its supporters per class,
 * so finding ρ looks at a few classes rather than at every ballot.
 *
 * Pure and deterministic: the same instance and budget always give the same outcome.
 */
function runMes(inst: MesInstance, perVoter: bigint): MesOutcome {
  const run = startMes(inst, perVoter);
  let candidates = selectable(inst);
  const out: MesOutcome = { selected: [], rho: [], tieLostTo: new Map() };
  for (;;) {
    const pick = cheapestProject(run, candidates, out.tieLostTo);
    if (pick === null) break;
    const g0 = gcd(pick.rho[0], pick.rho[1]);
    const den = pick.rho[1] / g0;
    const rho = pick.rho[0] / g0; // over D × den
    if (den > 1n) rescale(run, den);
    payFor(run, pick.best, rho);
    out.selected.push(pick.best);
    out.rho.push(rat(rho, run.D));
    candidates = pick.still.filter((j) => j !== pick.best);
  }
  return out;
}

const NO_OUTCOME: MesOutcome = { selected: [], rho: [], tieLostTo: new Map() };

/** equalSharesWinners' options with their defaults, validated. */
interface EqualSharesConfig {
  completion: Completion;
  utilities: Utilities;
  increment: number;
  maxRounds: number;
}

function equalSharesConfig(options: EqualSharesOptions): EqualSharesConfig {
  const completion = options.completion ?? 'add1';
  const utilities = options.utilities ?? 'approval';
  if (utilities !== 'approval' && utilities !== 'cost') {
    throw new Error(`Invalid utilities: expected 'approval' or 'cost', got ${show(utilities)}`);
  }
  const increment = options.add1Increment ?? DEFAULT_ADD1_INCREMENT;
  const maxRounds = options.add1MaxRounds ?? DEFAULT_ADD1_MAX_ROUNDS;
  if (!['add1', 'greedy', 'none'].includes(completion)) {
    throw new Error(`Invalid completion: expected 'add1', 'greedy' or 'none', got ${show(completion)}`);
  }
  if (!isPositiveInt(increment)) throw new Error(`Invalid add1Increment: expected a positive whole number of roubles, got ${show(increment)}`);
  if (!isCount(maxRounds)) throw new Error(`Invalid add1MaxRounds: expected an integer >= 0, got ${show(maxRounds)}`);
  return { completion, utilities, increment, maxRounds };
}

/** The MES instance of ranked projects (index = place in the tie order) and ballots, n = max(voters, 1). */
function mesInstance(ranked: readonly Standing[], ballots: readonly Ballot[], utilities: Utilities, n: bigint): MesInstance {
  const index = new Map(ranked.map((s, i) => [s.id, i] as const));
  const groupOf = new Map<string, number>();
  const weights: number[] = [];
  const supporters: number[][] = ranked.map(() => []);
  const approves: number[][] = [];
  for (const ballot of ballots) {
    const ids = [...ballot.approved].sort();
    const key = ids.join('\u0000');
    let g = groupOf.get(key);
    if (g === undefined) {
      g = weights.length;
      groupOf.set(key, g);
      weights.push(0);
      approves.push(ids.map((id) => index.get(id)!));
      for (const id of ids) supporters[index.get(id)!].push(g);
    }
    weights[g] += 1;
  }
  return {
    costs: ranked.map((s) => BigInt(s.cost) * n),
    supporters,
    approves,
    weights,
    rank: ranked.map((_, i) => i),
    utility: ranked.map((s) => (utilities === 'cost' ? BigInt(s.cost) : 1n)),
  };
}

/** The plain MES run and the outcome Add1 kept (the plain one when Add1 did not run or kept nothing). */
interface Add1Outcome {
  base: MesOutcome;
  kept: MesOutcome;
  rounds: number;
  stop: EqualSharesSummary['add1Stop'];
}

/** Projects MES can select: voted for, and of positive utility (with cost utilities a free project has none). */
function selectable(inst: MesInstance): number[] {
  return inst.costs.map((_, j) => j).filter((j) => inst.supporters[j].length > 0 && inst.utility[j] > 0n);
}

/**
 * The Add1 rerun after which no rerun can change the outcome: once each voter's budget covers the cost
 * of every project MES can select, every one of them is selected, in every later rerun too.
 */
function lastUsefulRound(inst: MesInstance, budget: number, n: bigint, increment: number): number {
  const total = selectable(inst).reduce((sum, j) => sum + inst.costs[j], 0n); // scaled by n, like perVoter
  const missing = total - BigInt(budget);
  if (missing <= 0n) return 0;
  const step = BigInt(increment) * n;
  return Number((missing + step - 1n) / step);
}

/**
 * Runs MES, then Add1 when the configuration asks for it (see equalSharesWinners). At least one voter.
 * Exhaustiveness counts only the projects MES can select (as pabutools does): a free project under cost
 * utilities never is, and is left to the greedy fill. The reruns end at lastUsefulRound at the latest:
 * there every selectable project is selected, so the outcome is exhaustive or over the budget.
 *
 * The reruns only need the selection (its cost and whether it is exhaustive), so each is first tried in
 * certified floating point (vote-equal-shares-float.ts), which falls back to the exact run when a decision
 * is too close to call; the outcome kept is then rerun exactly for its payments and tie-breaks.
 */
function* runAdd1(inst: MesInstance, ranked: readonly Standing[], budget: number, n: bigint, config: EqualSharesConfig): TallySteps<Add1Outcome> {
  const costOf = (selected: readonly number[]) => selected.reduce((sum, j) => sum + ranked[j].cost, 0);
  const candidates = selectable(inst);
  const exhaustive = (selected: readonly number[]) => {
    const left = budget - costOf(selected);
    const taken = new Set(selected);
    return !candidates.some((j) => !taken.has(j) && ranked[j].cost <= left);
  };
  const base = runMes(inst, BigInt(budget));
  if (config.completion !== 'add1') return { base, kept: base, rounds: 0, stop: 'not_run' };
  if (exhaustive(base.selected)) return { base, kept: base, rounds: 0, stop: 'exhaustive' };
  const perVoter = (k: number) => BigInt(budget) + BigInt(k) * BigInt(config.increment) * n; // scaled by n
  const fast = floatMes({
    realCosts: ranked.map((s) => s.cost),
    realUtility: inst.utility.map(Number),
    supporters: inst.supporters,
    weights: inst.weights,
    selectable: candidates,
  });
  let rounds = 0;
  let keptSelection = base.selected;
  let stop: Add1Outcome['stop'] = 'max_rounds';
  const limit = Math.min(config.maxRounds, lastUsefulRound(inst, budget, n, config.increment));
  // Reruns k .. last all select `next` (proved by one float run over their range of budgets, or one exact
  // rerun): the first of them decides over the budget or exhaustive, else the last is kept. The range
  // doubles while proofs succeed; after a failed proof it is one rerun for a while (longer after each
  // failure in a row), since close rivals tend to stay close for many reruns.
  const reach = { span: 1, hold: 0, failures: 0 };
  for (let k = 1; k <= limit; ) {
    const last = Math.min(limit, k + reach.span - 1);
    const proved = fast(Number(perVoter(k)), Number(perVoter(last)), Number(n));
    if (proved === null && last > k) {
      reach.failures++;
      [reach.span, reach.hold] = [1, 2 ** Math.min(reach.failures, 6)];
      continue;
    }
    const next = proved ?? runMes(inst, perVoter(k)).selected;
    yield last;
    if (costOf(next) > budget) {
      stop = 'over_budget';
      break;
    }
    if (exhaustive(next)) {
      [keptSelection, rounds, stop] = [next, k, 'exhaustive'];
      break;
    }
    [keptSelection, rounds] = [next, last];
    if (last > k) [reach.span, reach.failures] = [reach.span * 2, 0];
    else if (reach.hold > 0) reach.hold--;
    else reach.span = proved === null ? 1 : 2;
    k = last + 1;
  }
  const kept = rounds === 0 ? base : runMes(inst, perVoter(rounds));
  if (kept.selected.join() !== keptSelection.join()) throw new Error(`Equal shares: the certified rerun ${rounds} disagrees with the exact one`);
  return { base, kept, rounds, stop };
}

/** The explanations written so far, the winners in selection order and the real budget left. */
interface Explained {
  outcome: ProjectOutcomes;
  winners: string[];
  remaining: number;
}

/** Explains the projects of the kept MES outcome: won under equal shares, or in the Add1 step. */
function explainMesWinners(ranked: readonly Standing[], add1: Add1Outcome, budget: number, n: bigint, finalPerVoter: bigint): Explained {
  const { base, kept, rounds } = add1;
  const perVoterText = (scaled: bigint) => fmtMoney(qToKopecks(rat(scaled), n));
  const explained: Explained = { outcome: new Map(), winners: [], remaining: budget };
  const inBase = new Set(base.selected);
  kept.selected.forEach((j, i) => {
    const s = ranked[j];
    explained.remaining -= s.cost;
    explained.winners.push(s.id);
    const paid = `${fmtVotes(s.votes)}, its supporters paid at most ${fmtMoney(qToKopecks(kept.rho[i], n))} each (remaining ${fmtInt(explained.remaining)})`;
    explained.outcome.set(
      s.id,
      inBase.has(j) || rounds === 0
        ? { stage: 'equal_shares', explanation: `won under equal shares: ${paid}` }
        : {
            stage: 'add1',
            explanation: `won in the completion step (Add1: per-voter budget raised from ${perVoterText(BigInt(budget))} to ${perVoterText(finalPerVoter)}): ${paid}`,
          },
    );
  });
  return explained;
}

/** The greedy fill: unselected projects with votes, in tie order, funded while they fit the budget left. */
function fillGreedily(ranked: readonly Standing[], explained: Explained): void {
  for (const s of ranked) {
    if (explained.outcome.has(s.id) || s.votes === 0 || s.cost > explained.remaining) continue;
    explained.remaining -= s.cost;
    explained.winners.push(s.id);
    explained.outcome.set(s.id, {
      stage: 'greedy_completion',
      explanation: `won in the completion step (greedy fill): ${fmtVotes(s.votes)}, fits the remaining budget (remaining ${fmtInt(explained.remaining)})`,
    });
  }
}

/** Explains every project not funded: no votes, a lost tie-break, or supporters who could not afford it. */
function explainUnfunded(ranked: readonly Standing[], kept: MesOutcome, explained: Explained, greedyFill: boolean, utilities: Utilities, tieBreak: TieBreak): void {
  const { outcome, remaining } = explained;
  ranked.forEach((s, j) => {
    if (outcome.has(s.id)) return;
    if (s.votes === 0) {
      outcome.set(s.id, { explanation: 'not funded: no votes' });
      return;
    }
    const tail = `(${fmtVotes(s.votes)}, costs ${fmtInt(s.cost)})${greedyFill ? `; the completion step had only ${fmtInt(remaining)} left` : ''}`;
    const rival = kept.tieLostTo.get(j);
    outcome.set(s.id, {
      explanation:
        rival !== undefined
          ? `lost the tie-break to ${ranked[rival].id} (same payment ${utilities === 'cost' ? 'per rouble of cost' : 'per supporter'}, ${tieReason(ranked[rival], s, tieBreak)}), ` +
            `then its supporters could not afford it under equal shares ${tail}`
          : `not funded: supporters could not afford it under equal shares ${tail}`,
    });
  });
}

/**
 * The Method of Equal Shares (MES) for approval ballots, with a completion step: the rule of Peters &
 * Skowron, "Proportional participatory budgeting with additive utilities" (NeurIPS 2021), as described on
 * equalshares.net, with the utilities chosen by options.utilities:
 *
 *  1. Each of the n voters (n = number of ballots) gets budget / n roubles.
 *  2. A project is ρ-affordable when its supporters can pay its cost with each paying min(remaining
 *     budget, ρ × utility). Repeatedly select the project affordable with the least ρ — with 'approval'
 *     utilities (default; utility 1) the least payment per supporter, with 'cost' utilities (utility =
 *     cost) the least payment per rouble of cost — ties broken by the documented tie order, and charge its
 *     supporters exactly that. Stop when no project is affordable. (With 'cost' utilities a project that
 *     costs nothing gives no utility and is left to the greedy fill.) Arithmetic is exact (BigInt integers
 *     over a common denominator), so equal payments compare equal and supporters who together hold
 *     exactly the cost can pay it.
 *  3. Completion, per options.completion:
 *     - 'add1' (default; the "Add1" completion of equalshares.net, as pabutools' exhaustion_by_budget_
 *       increase with voter_budget_increment): while the outcome is not exhaustive (some unselected project
 *       that MES can select, i.e. with votes and, under cost utilities, a cost, still fits in the unspent
 *       real budget), raise every voter's initial budget by
 *       add1Increment roubles (default 1 rouble per voter, i.e. n roubles in total per round) and rerun
 *       MES from scratch. An outcome whose total cost stays within the real budget is kept (even when it
 *       equals the previous one); the first outcome over the real budget ends Add1 and the previous one is
 *       kept; Add1 also ends after add1MaxRounds reruns (default 100,000). It never reruns past the round
 *       where each voter's budget reaches the total cost of the projects MES can select: there every one of
 *       them is selected, which is either exhaustive or over the budget. Then the greedy fill below.
 *       (equalshares.net's reference code first rounds the per-voter budget down to whole units; this
 *       implementation starts from the exact budget / n, like pabutools, whose results it matches.)
 *     - 'greedy': the unselected projects in tie order (votes desc …) are funded while they fit in the
 *       unspent real budget (a project with no votes never is).
 *     - 'none': the plain MES outcome.
 *
 * Explanations: 'won under equal shares: N votes, its supporters paid at most P each (remaining R)';
 * 'won in the completion step (Add1: per-voter budget raised from A to B): …' for a project the plain
 * run did not select; 'won in the completion step (greedy fill): N votes, fits the remaining budget
 * (remaining R)'; 'not funded: supporters could not afford it under equal shares (N votes, costs C)'
 * (+ '; the completion step had only R left' after a greedy fill); 'lost the tie-break to X (same payment
 * per supporter, …), then …'; 'not funded: no votes'. R is the real budget left after funding the
 * project, in selection order.
 *
 * Cost: identical ballots are counted once, as a weighted group. The plain run and the outcome Add1 keeps
 * run on exact BigInt arithmetic; the Add1 reruns in between, which only need the selection, run in
 * certified floating point (vote-equal-shares-float.ts: a rerun it cannot prove is rerun exactly, so the
 * result is the exact one), a few milliseconds each for 63,000 distinct ballots over 100 projects, and one
 * float run may prove several reruns at once. 100,000 ballots over 100 projects with 500 Add1 rounds: about
 * 4 s of CPU (ops/bench/vote.ts, docs/benchmarks.md). Compute a large event's result in an activity, not
 * in workflow code (decideVoteSteps lets it pause between reruns).
 */
export function equalSharesWinners(
  projects: readonly Project[],
  ballots: readonly Ballot[],
  budget: number,
  tieBreak: TieBreak = DEFAULT_TIE_BREAK,
  options: EqualSharesOptions = {},
): VoteResult {
  return toTheEnd(equalSharesSteps(projects, ballots, budget, tieBreak, options));
}

/** equalSharesWinners, pausing after each step of Add1. */
function* equalSharesSteps(
  projects: readonly Project[],
  ballots: readonly Ballot[],
  budget: number,
  tieBreak: TieBreak,
  options: EqualSharesOptions,
): TallySteps<VoteResult> {
  const config = equalSharesConfig(options);
  validateBudget(budget);
  const votes = tally(projects, ballots); // validates projects and ballots
  validateTieBreak(tieBreak, projects);
  const ranked = rankProjects(projects, votes, tieBreak);
  const voters = ballots.length;
  const n = BigInt(Math.max(voters, 1));
  const add1: Add1Outcome =
    voters > 0
      ? yield* runAdd1(mesInstance(ranked, ballots, config.utilities, n), ranked, budget, n, config)
      : { base: NO_OUTCOME, kept: NO_OUTCOME, rounds: 0, stop: 'not_run' };
  const finalPerVoter = BigInt(budget) + BigInt(add1.rounds) * BigInt(config.increment) * n;
  const explained = explainMesWinners(ranked, add1, budget, n, finalPerVoter);
  const greedyFill = config.completion !== 'none';
  if (greedyFill) fillGreedily(ranked, explained);
  explainUnfunded(ranked, add1.kept, explained, greedyFill, config.utilities, tieBreak);

  return result('equal_shares', ranked, explained.winners, budget, tieBreak, explained.outcome, {
    voters,
    utilities: config.utilities,
    completion: config.completion,
    initialPerVoterBudget: voters > 0 ? qToKopecks(rat(BigInt(budget)), n) : 0,
    finalPerVoterBudget: voters > 0 ? qToKopecks(rat(finalPerVoter), n) : 0,
    add1Increment: config.increment,
    add1Rounds: add1.rounds,
    add1Stop: add1.stop,
  });
}

// ---------------------------------------------------------------------------------------------------
// The event's choice

/**
 * Validates the settings and every ballot (the error names the ballot's position), then applies the rule
 * the event chose: 'most_votes' (single choice, or approval without a budget; `seats` winners, default 1),
 * 'greedy' or 'equal_shares' (both need settings.budget).
 */
export function decideVote(
  settings: VoteSettings,
  projects: readonly Project[],
  ballots: readonly Ballot[],
  winnerRule: WinnerRule,
  tieBreak: TieBreak = DEFAULT_TIE_BREAK,
): VoteResult {
  return toTheEnd(decideVoteSteps(settings, projects, ballots, winnerRule, tieBreak));
}

/**
 * decideVote as steps: it pauses after each step of Add1 (one MES rerun, or a range of reruns proved to
 * select the same projects by one float run), yielding the number of the step's last rerun, so that the
 * caller may do something between them (an activity heartbeats and lets its event loop run). The same
 * result as decideVote; pure and deterministic like it.
 */
export function* decideVoteSteps(
  settings: VoteSettings,
  projects: readonly Project[],
  ballots: readonly Ballot[],
  winnerRule: WinnerRule,
  tieBreak: TieBreak = DEFAULT_TIE_BREAK,
): TallySteps<VoteResult> {
  validateVoteSettings(settings);
  validateProjects(projects);
  const byId = new Map(projects.map((p) => [p.id, p] as const));
  ballots.forEach((ballot, i) => {
    try {
      checkBallot(settings, byId, ballot);
    } catch (e) {
      throw new Error(`${(e as Error).message} (ballot #${i + 1})`);
    }
  });
  if (typeof winnerRule !== 'object' || winnerRule === null) {
    throw new Error(`Invalid winner rule: expected an object, got ${show(winnerRule)}`);
  }
  switch (winnerRule.rule) {
    case 'most_votes':
      return mostVotedWinners(projects, tally(projects, ballots), winnerRule.seats ?? 1, tieBreak);
    case 'greedy':
    case 'equal_shares': {
      if (settings.budget === undefined) throw new Error(`Invalid winner rule: ${winnerRule.rule} needs a budget in the vote settings`);
      if (winnerRule.rule === 'greedy') return greedyWinners(projects, tally(projects, ballots), settings.budget, tieBreak);
      const { utilities, completion, add1Increment, add1MaxRounds } = winnerRule;
      return yield* equalSharesSteps(projects, ballots, settings.budget, tieBreak, { utilities, completion, add1Increment, add1MaxRounds });
    }
    default:
      throw new Error(`Invalid winner rule: expected 'greedy', 'equal_shares' or 'most_votes', got ${show((winnerRule as { rule: unknown }).rule)}`);
  }
}
