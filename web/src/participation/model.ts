// What the participation screens read from the API, typed where the spec leaves an event's settings and
// results as plain objects (their shapes: openapi PollSettings / VoteSettings, activities/poll.ts and
// activities/vote.ts), and the pure rules of a ballot. Pure: the same input gives the same answer.
import type { Schemas } from '../api';

export type MyEvent = Schemas['MyEvent'];
export type EventDetail = Schemas['EventDetail'];
export type Standing = Schemas['AudienceStanding'];
export type PollQuestion = Schemas['PollQuestion'];
export type VoteSettings = Schemas['VoteSettings'];
export type VoteProject = Schemas['VoteProject'];
export type DraftPoint = Schemas['DraftPoint'];
export type Proposal = Schemas['EventProposal'];
export type Hearing = Schemas['Hearing'];

export function pollQuestions(e: { settings: unknown }): PollQuestion[] {
  return ((e.settings as { questions?: PollQuestion[] }).questions ?? []);
}

export function voteSettings(e: { settings: unknown }): VoteSettings {
  return e.settings as VoteSettings;
}

interface Split { online: number; offline: number; total: number }
export interface PollQuestionResult {
  id: string;
  kind: PollQuestion['kind'];
  text: string;
  answered: Split;
  options?: ({ id: string; text: string; share: number } & Split)[];
  scale?: { values: ({ value: number; share: number } & Split)[]; average: number | null };
  texts?: { count: Split; items: string[]; truncated: boolean };
}
export interface PollResults { respondents: Split; questions: PollQuestionResult[] }

export type SelectionStage = 'greedy' | 'equal_shares' | 'add1' | 'greedy_completion' | 'most_votes';
export interface ProjectResult {
  id: string;
  name?: string;
  votes: number;
  cost: number;
  selected: boolean;
  stage?: SelectionStage;
  source: 'organiser' | 'citizen';
}
export interface VoteResults {
  rule: 'greedy' | 'equal_shares' | 'most_votes';
  kind: VoteSettings['kind'];
  winners: string[];
  spent: number;
  budget: number | null;
  participants: Split;
  projects: ProjectResult[];
}

/** Where an event is for a citizen: open now, still to come, or over (results or cancelled). */
export type EventPhase = 'open' | 'upcoming' | 'finished';
export function eventPhase(status: Schemas['EventStatus']): EventPhase {
  if (status === 'open') return 'open';
  if (status === 'scheduled' || status === 'draft') return 'upcoming';
  return 'finished';
}

/** The most a budget ballot may cost (the ballot budget, or the whole budget); null for other kinds. */
export function ballotLimit(s: VoteSettings): number | null {
  if (s.kind !== 'budget') return null;
  return s.ballotBudget ?? s.budget ?? null;
}

/** The least a budget ballot must cost (minShareOfBudget of the limit, rounded up; 0 when none). */
export function ballotMinimum(s: VoteSettings): number {
  const limit = ballotLimit(s);
  if (limit === null || !s.minShareOfBudget) return 0;
  const exact = s.minShareOfBudget * limit;
  return Math.abs(exact - Math.round(exact)) < 1e-6 ? Math.round(exact) : Math.ceil(exact);
}

/** The most projects a ballot may approve (1 for a single choice; undefined: no limit). */
export function ballotMaxChoices(s: VoteSettings): number | undefined {
  return s.kind === 'single_choice' ? 1 : s.maxApprovals;
}

export function ballotTotal(projects: readonly { id: string; cost: number }[], chosen: ReadonlySet<string>): number {
  return projects.reduce((sum, p) => sum + (chosen.has(p.id) ? p.cost : 0), 0);
}

/** Why a ballot cannot be cast yet, as a code the screen words; null when it can. */
export type BallotProblem = 'empty' | 'too_many' | 'over_budget' | 'under_minimum';
export function ballotProblem(s: VoteSettings, projects: readonly { id: string; cost: number }[], chosen: ReadonlySet<string>): BallotProblem | null {
  if (chosen.size === 0) return 'empty';
  const max = ballotMaxChoices(s);
  if (max !== undefined && chosen.size > max) return 'too_many';
  const limit = ballotLimit(s);
  const total = ballotTotal(projects, chosen);
  if (limit !== null && total > limit) return 'over_budget';
  if (limit !== null && total < ballotMinimum(s)) return 'under_minimum';
  return null;
}

/**
 * What each project's outcome was, with the money left at its turn under the greedy rule: projects come
 * in the rule's order (votes, then the tie rule), so the remainder is the budget less the winners before.
 */
export interface ProjectOutcome { project: ProjectResult; place: number; remainingAfter: number | null }
export function projectOutcomes(r: VoteResults): ProjectOutcome[] {
  let remaining = r.budget;
  return r.projects.map((project, i) => {
    if (remaining !== null && project.selected && r.rule === 'greedy') remaining -= project.cost;
    return { project, place: i + 1, remainingAfter: r.rule === 'greedy' ? remaining : null };
  });
}
