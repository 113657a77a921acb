// Votes' results from Postgres: the ballot's projects (the organiser's from the settings and citizens'
// approved ones), the tally of online ballots and offline ballot groups, and the winners by the event's
// rule (workflows/rules/vote.ts). Identical ballots are grouped in SQL, so 100k ballots are a few
// hundred rows here; nothing of it passes through a workflow's history but the aggregates.
import type { Db } from '../../db/connection';
import { toPabulib, type PabulibBallot } from '../../workflows/rules/pabulib';
import {
  decideVote, validateBallot, type Ballot, type Project, type TieBreak, type VoteResult, type VoteSettings, type WinnerRule,
} from '../../workflows/rules/vote';

/** A vote's settings as the event stores them (VoteSettings of the spec). */
export interface VoteEventSettings extends VoteSettings {
  rule?: 'greedy' | 'equal_shares' | 'most_votes';
  seats?: number;
  tieBreak?: 'lower_cost' | 'higher_cost';
  /** equal_shares: what a supporter gains from a project (default: cost for budget votes, approval otherwise). */
  utilities?: 'approval' | 'cost';
  projects?: { id: string; name: string; description?: string; cost: number }[];
  acceptsProjects?: boolean;
  projectsCloseAt?: string;
}

export interface BallotProject extends Project {
  name: string;
  description: string | null;
  source: 'organiser' | 'citizen';
}

/** The rule a vote uses: as set, else greedy with a budget, else the most votes. */
export function winnerRuleOf(settings: VoteEventSettings): WinnerRule {
  const rule = settings.rule ?? (settings.kind !== 'single_choice' && settings.budget !== undefined ? 'greedy' : 'most_votes');
  if (rule === 'most_votes') return { rule, seats: settings.seats ?? 1 };
  // Cost utilities for budget votes (the equalshares.net and pabulib variant), approval utilities otherwise.
  if (rule === 'equal_shares') return { rule, completion: 'add1', utilities: settings.utilities ?? (settings.kind === 'budget' ? 'cost' : 'approval') };
  return { rule };
}

/** The projects on the ballot: the organiser's, then citizens' approved ones (in order of submission). */
export async function ballotProjects(db: Db, eventId: string, settings?: VoteEventSettings): Promise<BallotProject[]> {
  const s = settings ?? ((await db('participation_events').where({ id: eventId }).first('settings'))?.settings as VoteEventSettings);
  const own: BallotProject[] = (s?.projects ?? []).map((p) => ({ id: p.id, name: p.name, description: p.description ?? null, cost: Number(p.cost), source: 'organiser' }));
  const citizens = await db('participation_projects').where({ event_id: eventId, status: 'approved' }).orderBy('n');
  return [
    ...own,
    ...citizens.map((r) => ({ id: r.project_id as string, name: r.name as string, description: (r.description as string | null) ?? null, cost: Number(r.cost), source: 'citizen' as const })),
  ];
}

interface BallotGroup { approved: string[]; count: number }

/** Online ballots grouped by their (sorted) choice, counted in SQL. */
export async function onlineBallotGroups(db: Db, eventId: string): Promise<BallotGroup[]> {
  const rows = await db.raw(
    `select payload->'approved' as approved, count(*)::int as n from participation_responses where event_id = ? group by payload->'approved'`,
    [eventId],
  );
  return rows.rows.map((r: { approved: string[]; n: number }) => ({ approved: r.approved, count: Number(r.n) }));
}

export async function offlineBallotGroups(db: Db, eventId: string): Promise<BallotGroup[]> {
  const rows = await db('participation_offline_results').where({ event_id: eventId }).orderBy('id').select('payload');
  return rows.flatMap((r) => ((r.payload?.ballots ?? []) as BallotGroup[]).map((g) => ({ approved: [...g.approved].sort(), count: Number(g.count) })));
}

function expand(groups: BallotGroup[]): Ballot[] {
  const out: Ballot[] = [];
  for (const g of groups) {
    const ballot = { approved: g.approved };
    for (let i = 0; i < g.count; i++) out.push(ballot);
  }
  return out;
}

function votesOf(projects: readonly Project[], groups: BallotGroup[]): Record<string, number> {
  const votes: Record<string, number> = Object.fromEntries(projects.map((p) => [p.id, 0]));
  for (const g of groups) for (const id of g.approved) if (id in votes) votes[id] += g.count;
  return votes;
}

export interface VoteResults extends Omit<VoteResult, 'projects'> {
  kind: VoteSettings['kind'];
  participants: { online: number; offline: number; total: number };
  /** Ballots left out because they no longer fit the ballot (0 in any ordinary vote). */
  excludedBallots: number;
  projects: (VoteResult['projects'][number] & { onlineVotes: number; offlineVotes: number; source: 'organiser' | 'citizen' })[];
}

interface LoadedVote {
  settings: VoteEventSettings;
  ruleSettings: VoteSettings;
  projects: BallotProject[];
  ruleProjects: Project[];
  online: BallotGroup[];
  offline: BallotGroup[];
  onlineUsable: BallotGroup[];
  offlineUsable: BallotGroup[];
  result: VoteResult;
}

/** Everything a vote's results and export are made of, from what Postgres holds now. */
async function loadVote(db: Db, eventId: string): Promise<LoadedVote> {
  const event = await db('participation_events').where({ id: eventId }).first('settings');
  if (!event) throw new Error(`no event ${eventId}`);
  const settings = event.settings as VoteEventSettings;
  const projects = await ballotProjects(db, eventId, settings);
  const online = await onlineBallotGroups(db, eventId);
  const offline = await offlineBallotGroups(db, eventId);
  const ruleProjects: Project[] = projects.map((p) => ({ id: p.id, name: p.name, cost: p.cost }));
  // Settings without the event-only fields, as the rules know them.
  const ruleSettings: VoteSettings = {
    kind: settings.kind,
    ...(settings.maxApprovals !== undefined ? { maxApprovals: settings.maxApprovals } : {}),
    ...(settings.budget !== undefined ? { budget: settings.budget } : {}),
    ...(settings.ballotBudget !== undefined ? { ballotBudget: settings.ballotBudget } : {}),
    ...(settings.minShareOfBudget !== undefined ? { minShareOfBudget: settings.minShareOfBudget } : {}),
  };
  // Every ballot was checked when it was cast; one that no longer fits the ballot (it cannot happen once
  // the vote is open) is left out whole and counted, so that results are always computed.
  const usable = (g: BallotGroup) => {
    try {
      validateBallot(ruleSettings, ruleProjects, { approved: g.approved });
      return true;
    } catch {
      return false;
    }
  };
  const onlineUsable = online.filter(usable);
  const offlineUsable = offline.filter(usable);
  const tieBreak: TieBreak = settings.tieBreak ?? 'lower_cost';
  const result = decideVote(ruleSettings, ruleProjects, expand([...onlineUsable, ...offlineUsable]), winnerRuleOf(settings), tieBreak);
  return { settings, ruleSettings, projects, ruleProjects, online, offline, onlineUsable, offlineUsable, result };
}

const count = (gs: BallotGroup[]) => gs.reduce((n, g) => n + g.count, 0);

/** The results of a vote from what Postgres holds now (aggregates only). */
export async function computeVoteResults(db: Db, eventId: string): Promise<VoteResults> {
  const v = await loadVote(db, eventId);
  const onlineVotes = votesOf(v.ruleProjects, v.onlineUsable);
  const offlineVotes = votesOf(v.ruleProjects, v.offlineUsable);
  const source = new Map(v.projects.map((p) => [p.id, p.source] as const));
  return {
    ...v.result,
    kind: v.settings.kind,
    participants: { online: count(v.online), offline: count(v.offline), total: count(v.online) + count(v.offline) },
    excludedBallots: count(v.online) + count(v.offline) - count(v.onlineUsable) - count(v.offlineUsable),
    projects: v.result.projects.map((p) => ({ ...p, onlineVotes: onlineVotes[p.id] ?? 0, offlineVotes: offlineVotes[p.id] ?? 0, source: source.get(p.id) ?? 'organiser' })),
  };
}

// ---------------------------------------------------------------------------------------------------
// pabulib (.pb) export (workflows/rules/pabulib.ts). Voters are numbered 1, 2, …: nobody is named.

/** The vote's projects, result and every counted ballot (online, then paper groups expanded) as a .pb file. */
export async function toPabulibText(db: Db, row: { id: string; title: string; region_id: string; opens_at: Date; closes_at: Date }): Promise<string> {
  const v = await loadVote(db, row.id);
  const ballots: PabulibBallot[] = [];
  let voter = 0;
  for (const [groups, method] of [[v.onlineUsable, 'internet'], [v.offlineUsable, 'paper']] as const) {
    for (const g of groups) for (let i = 0; i < g.count; i++) ballots.push({ voterId: String(++voter), approved: g.approved, votingMethod: method });
  }
  const day = (d: Date) => new Date(d).toISOString().slice(0, 10);
  return toPabulib({
    meta: {
      description: row.title, country: 'Russia', unit: row.region_id, instance: row.id,
      date_begin: day(row.opens_at), date_end: day(row.closes_at), currency: 'RUB', language: 'ru',
    },
    settings: v.ruleSettings,
    projects: v.ruleProjects,
    ballots,
    result: v.result,
  });
}
