// Votes' results from Postgres: the ballot's projects (the organiser's from the settings and citizens'
// approved ones), the tally of online ballots and offline ballot groups, and the winners by the event's
// rule (workflows/rules/vote.ts). Identical ballots are grouped in SQL, so 100k ballots are a few
// hundred rows here; nothing of it passes through a workflow's history but the aggregates.
import type { Db } from '../../db/connection';
import { resultsVisible } from '../../workflows/participation/lifecycle';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { canOrganise, organisedEvent, visibleEvent } from './access';
import { resultsOf, type EventRow } from './read-model';
import type { ParticipationManifest } from './manifest';
import { eligibilityProblem } from './participants';
import { toPabulib, type PabulibBallot } from '../../workflows/rules/pabulib';
import {
  decideVoteSteps, validateBallot, validateProjects, validateVoteSettings, type Ballot, type Project, type TallySteps, type TieBreak, type VoteResult, type VoteSettings, type WinnerRule,
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

/** Called between the steps of a long count (Add1 reruns): a heartbeat, a turn of the event loop. */
export type TallyPace = (step: number) => Promise<void>;

/** Runs the steps of a count, awaiting `pace` between them when given. */
async function counted<T>(steps: TallySteps<T>, pace?: TallyPace): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (pace) await pace(step.value);
  }
}

/** Everything a vote's results and export are made of, from what Postgres holds now. */
async function loadVote(db: Db, eventId: string, pace?: TallyPace): Promise<LoadedVote> {
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
  const steps = decideVoteSteps(ruleSettings, ruleProjects, expand([...onlineUsable, ...offlineUsable]), winnerRuleOf(settings), tieBreak);
  const result = await counted(steps, pace);
  return { settings, ruleSettings, projects, ruleProjects, online, offline, onlineUsable, offlineUsable, result };
}

const count = (gs: BallotGroup[]) => gs.reduce((n, g) => n + g.count, 0);

/** The results of a vote from what Postgres holds now (aggregates only); `pace` runs between the steps of the count. */
export async function computeVoteResults(db: Db, eventId: string, pace?: TallyPace): Promise<VoteResults> {
  const v = await loadVote(db, eventId, pace);
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
// The vote's rules in the events core, and its projects as the API reads and writes them.

function ruleSettingsOf(s: VoteEventSettings): VoteSettings {
  return {
    kind: s.kind,
    ...(s.maxApprovals !== undefined ? { maxApprovals: s.maxApprovals } : {}),
    ...(s.budget !== undefined ? { budget: s.budget } : {}),
    ...(s.ballotBudget !== undefined ? { ballotBudget: s.ballotBudget } : {}),
    ...(s.minShareOfBudget !== undefined ? { minShareOfBudget: s.minShareOfBudget } : {}),
  };
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/^Invalid [a-z ]+: /, '');
}

/** Problems with a vote's settings (empty when they can be used). */
export function voteSettingsProblems(s: VoteEventSettings, opensAt: string): string[] {
  const out: string[] = [];
  try {
    validateVoteSettings(ruleSettingsOf(s));
  } catch (e) {
    out.push(messageOf(e));
  }
  const projects = s.projects ?? [];
  try {
    validateProjects(projects.map((p) => ({ id: p.id, name: p.name, cost: p.cost })));
  } catch (e) {
    out.push(messageOf(e));
  }
  for (const p of projects) if (/^c\d+$/.test(p.id)) out.push(`project id ${p.id} is reserved for citizens' projects (c1, c2, …)`);
  if (projects.length === 0 && !s.acceptsProjects) out.push('a vote needs projects, or acceptsProjects for citizens to propose them');
  const rule = winnerRuleOf(s).rule;
  if ((rule === 'greedy' || rule === 'equal_shares') && s.budget === undefined) out.push(`the ${rule} rule needs a budget`);
  if (s.kind === 'single_choice' && rule !== 'most_votes') out.push('a single-choice vote is decided by the most votes (rule most_votes)');
  if (s.projectsCloseAt !== undefined) {
    if (!s.acceptsProjects) out.push('projectsCloseAt applies only when acceptsProjects is true');
    else if (Date.parse(s.projectsCloseAt) > Date.parse(opensAt)) out.push('projectsCloseAt must not be after opensAt');
  }
  return out;
}

/** Problems with one ballot for this event (empty when valid). */
async function ballotProblems(db: Db, row: EventRow, approved: unknown): Promise<string[]> {
  if (!Array.isArray(approved)) return ['a ballot needs approved: the chosen project ids'];
  const projects = await ballotProjects(db, row.id, row.settings as unknown as VoteEventSettings);
  try {
    validateBallot(ruleSettingsOf(row.settings as unknown as VoteEventSettings), projects, { approved: approved as string[] });
    return [];
  } catch (e) {
    return [messageOf(e)];
  }
}

/** A vote's manifest (domain/participation/registry.ts): its rules in the events core. */
export const voteManifest: ParticipationManifest<'vote'> = {
  type: 'vote',
  workflowType: 'voteWorkflow',
  async settings(_db, settings, event) {
    const s = settings as unknown as VoteEventSettings;
    return { problems: voteSettingsProblems(s, event.schedule.opensAt) };
  },
  async response(db, row, body) {
    if (body.answers !== undefined) return { problems: ['a vote takes a ballot (approved), not poll answers'] };
    const issues = await ballotProblems(db, row, body.approved);
    return issues.length > 0 ? { problems: issues } : { problems: [], payload: { approved: [...(body.approved as string[])].sort() } };
  },
  async offline(db, row, payload) {
    const p = (payload ?? {}) as { ballots?: { approved: string[]; count: number }[]; answers?: unknown; respondents?: unknown };
    if (p.answers !== undefined || p.respondents !== undefined) return ['a vote takes offline ballots (ballots), not poll answers'];
    if (!p.ballots || p.ballots.length === 0) return ['ballots: at least one group of paper ballots is needed'];
    const out: string[] = [];
    for (const [i, g] of p.ballots.entries()) for (const m of await ballotProblems(db, row, g.approved)) out.push(`ballots/${i}: ${m}`);
    return out;
  },
  results: (db, eventId) => computeVoteResults(db, eventId),
};


function projectView(p: BallotProject & { status?: string; moderationReason?: string | null; submittedBy?: number | null }, votes: number | null, viewer: AuthUser) {
  return {
    id: p.id, name: p.name, description: p.description, cost: p.cost, source: p.source,
    status: (p.status ?? 'approved') as 'pending' | 'approved' | 'rejected', moderationReason: p.moderationReason ?? null, votes,
    ...(viewer.role === 'citizen' ? { mine: p.submittedBy === viewer.id } : {}),
  };
}

async function voteEvent(db: Db, user: AuthUser, eventId: string, organiser = false): Promise<EventRow> {
  const row = organiser ? await organisedEvent(db, user, eventId) : await visibleEvent(db, user, eventId);
  if (row.type !== 'vote') throw problems.notFound(`Event ${eventId} is a ${row.type}, not a vote: it has no projects.`);
  return row;
}

function citizenProjectOf(r: Record<string, unknown>) {
  return {
    id: r.project_id as string, name: r.name as string, description: (r.description as string | null) ?? null, cost: Number(r.cost),
    source: 'citizen' as const, status: r.status as string, moderationReason: (r.moderation_reason as string | null) ?? null,
    submittedBy: (r.submitted_by as number | null) ?? null,
  };
}


/** The vote's projects as the viewer may see them: the organiser's, citizens' approved (or own), votes once visible. */
export async function listVoteProjects(db: Db, user: AuthUser, eventId: string) {
  const row = await voteEvent(db, user, eventId);
  const settings = row.settings as unknown as VoteEventSettings;
  const own = (settings.projects ?? []).map((p) => ({ id: p.id, name: p.name, description: p.description ?? null, cost: p.cost, source: 'organiser' as const }));
  const seesAll = canOrganise(user, row) || user.role === 'supervisor';
  const rows = await db('participation_projects').where({ event_id: row.id })
    .where((w) => { if (!seesAll) w.where('status', 'approved').orWhere('submitted_by', user.id); })
    .orderBy('n');
  let votes: Record<string, number> | null = null;
  if (resultsVisible(row.status, row.results_visibility)) {
    const results = (await resultsOf(db, row, computeVoteResults)) as { projects?: { id: string; votes: number }[] } | null;
    votes = Object.fromEntries((results?.projects ?? []).map((p) => [p.id, p.votes]));
  }
  const items = [...own, ...rows.map(citizenProjectOf)].map((p) => projectView(p, votes ? (votes[p.id] ?? 0) : null, user));
  // Ranked by votes once they are visible (the order of the results), else in order of listing.
  if (votes) items.sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0));
  return items;
}

/** A citizen's project for the vote, while the vote accepts them (after publication, before projectsCloseAt and the opening). */
export async function submitVoteProject(db: Db, user: AuthUser, eventId: string, body: { name: string; description?: string | null; cost: number }) {
  const row = await voteEvent(db, user, eventId);
  const settings = row.settings as unknown as VoteEventSettings;
  if (!settings.acceptsProjects) throw problems.invalidTransition(`Vote ${row.id} does not accept citizens' projects.`);
  const until = settings.projectsCloseAt ? Math.min(Date.parse(settings.projectsCloseAt), new Date(row.opens_at).getTime()) : new Date(row.opens_at).getTime();
  if (row.status !== 'scheduled' || Date.now() >= until) {
    throw problems.invalidTransition(`Projects for vote ${row.id} are accepted after publication and until ${new Date(until).toISOString()}; the vote is ${row.status}.`);
  }
  const ineligible = await eligibilityProblem(db, row, user.id);
  if (ineligible) throw problems.forbidden(`You cannot propose projects for this vote: ${ineligible}.`);
  const limit = settings.kind === 'budget' ? (settings.ballotBudget ?? settings.budget) : settings.budget;
  if (limit !== undefined && body.cost > limit) throw problems.unprocessable(`The project costs ${body.cost}, over the vote's budget of ${limit}.`);
  const inserted = await db.raw(
    `insert into participation_projects (n, event_id, project_id, name, description, cost, submitted_by)
     select n, ?, 'c' || n, ?, ?, ?, ? from (select nextval(pg_get_serial_sequence('participation_projects', 'n')) as n) s
     returning *`,
    [row.id, body.name, body.description ?? null, body.cost, user.id],
  );
  return projectView(citizenProjectOf(inserted.rows[0]), null, user);
}

/** The organiser's decision on a citizen's project, until the vote opens. */
export async function moderateVoteProject(db: Db, user: AuthUser, eventId: string, projectId: string, body: { decision: string; reason?: string | null }) {
  const row = await voteEvent(db, user, eventId, true);
  if (!(row.status === 'draft' || row.status === 'scheduled') || Date.now() >= new Date(row.opens_at).getTime()) {
    throw problems.invalidTransition(`Projects can be moderated until the vote opens; vote ${row.id} is ${row.status}.`);
  }
  const updated = await db('participation_projects')
    .where({ event_id: row.id, project_id: projectId })
    .update({ status: body.decision, moderation_reason: body.reason, moderated_by: user.id, moderated_at: db.fn.now() })
    .returning('*');
  if (updated.length === 0) throw problems.notFound(`Vote ${row.id} has no citizen's project ${projectId}.`);
  return projectView(citizenProjectOf(updated[0]), null, user);
}

/** The closed vote as a pabulib .pb file and its name. */
export async function votePabulibFile(db: Db, user: AuthUser, eventId: string): Promise<{ fileName: string; text: string }> {
  const row = await voteEvent(db, user, eventId);
  // The pabulib format is for participatory budgets: its META requires a budget, which a single-choice
  // or approval vote without one does not have (workflows/rules/pabulib.ts would fail on it).
  if ((row.settings as unknown as VoteEventSettings).budget === undefined) {
    throw problems.invalidTransition(`Vote ${row.id} has no budget, and the pabulib format needs one: only budget votes (or votes with a budget) are exported.`);
  }
  if (!(row.status === 'closed' || row.status === 'results_published')) {
    throw problems.invalidTransition(`The export is available once vote ${row.id} has closed; it is ${row.status}.`);
  }
  return { fileName: `${row.id}.pb`, text: await toPabulibText(db, row) };
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
