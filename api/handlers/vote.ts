// Votes: their rules plugged into the events core (settings, ballots, offline ballots, results), and
// their own operations: citizens' projects with moderation, and the pabulib export.
import {
  ballotProjects, computeVoteResults, offlineBallotGroups, toPabulibText, winnerRuleOf, type BallotProject, type VoteEventSettings,
} from '../../domain/participation/vote';
import { resultsVisible } from '../../workflows/participation/lifecycle';
import { validateBallot, validateProjects, validateVoteSettings, type VoteSettings } from '../../workflows/rules/vote';
import type { AuthUser } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { problems } from '../../domain/problem';
import type { Handlers } from '../routes';
import { canOrganise, organisedEvent, visibleEvent } from '../../domain/participation/access';
import { eligibilityProblem } from '../../domain/participation/responses';
import { registerParticipationType } from '../../domain/participation/registry';
import { visibleResults } from '../../domain/participation/representation';
import { type EventRow } from '../../domain/participation/read-model';

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

registerParticipationType('vote', {
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
});

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

export const voteHandlers = {
  async listEventProjects({ input, user, deps }) {
    const row = await voteEvent(deps.db, user, input.params.eventId);
    const settings = row.settings as unknown as VoteEventSettings;
    const own = (settings.projects ?? []).map((p) => ({ id: p.id, name: p.name, description: p.description ?? null, cost: p.cost, source: 'organiser' as const }));
    const seesAll = canOrganise(user, row) || user.role === 'supervisor';
    const rows = await deps.db('participation_projects').where({ event_id: row.id })
      .where((w) => { if (!seesAll) w.where('status', 'approved').orWhere('submitted_by', user.id); })
      .orderBy('n');
    let votes: Record<string, number> | null = null;
    if (resultsVisible(row.status, row.results_visibility)) {
      const results = (await visibleResults(deps.db, row)) as { projects?: { id: string; votes: number }[] } | null;
      votes = Object.fromEntries((results?.projects ?? []).map((p) => [p.id, p.votes]));
    }
    const items = [...own, ...rows.map(citizenProjectOf)].map((p) => projectView(p, votes ? (votes[p.id] ?? 0) : null, user));
    // Ranked by votes once they are visible (the order of the results), else in order of listing.
    if (votes) items.sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0));
    return { status: 200, body: { items } };
  },

  async submitEventProject({ input, user, deps }) {
    const { db } = deps;
    const row = await voteEvent(db, user, input.params.eventId);
    const settings = row.settings as unknown as VoteEventSettings;
    if (!settings.acceptsProjects) throw problems.invalidTransition(`Vote ${row.id} does not accept citizens' projects.`);
    const until = settings.projectsCloseAt ? Math.min(Date.parse(settings.projectsCloseAt), new Date(row.opens_at).getTime()) : new Date(row.opens_at).getTime();
    if (row.status !== 'scheduled' || Date.now() >= until) {
      throw problems.invalidTransition(`Projects for vote ${row.id} are accepted after publication and until ${new Date(until).toISOString()}; the vote is ${row.status}.`);
    }
    const ineligible = await eligibilityProblem(db, row, user.id);
    if (ineligible) throw problems.forbidden(`You cannot propose projects for this vote: ${ineligible}.`);
    const limit = settings.kind === 'budget' ? (settings.ballotBudget ?? settings.budget) : settings.budget;
    if (limit !== undefined && input.body.cost > limit) throw problems.unprocessable(`The project costs ${input.body.cost}, over the vote's budget of ${limit}.`);
    const inserted = await db.raw(
      `insert into participation_projects (n, event_id, project_id, name, description, cost, submitted_by)
       select n, ?, 'c' || n, ?, ?, ?, ? from (select nextval(pg_get_serial_sequence('participation_projects', 'n')) as n) s
       returning *`,
      [row.id, input.body.name, input.body.description ?? null, input.body.cost, user.id],
    );
    return { status: 201, body: projectView(citizenProjectOf(inserted.rows[0]), null, user) };
  },

  async moderateEventProject({ input, user, deps }) {
    const { db } = deps;
    const row = await voteEvent(db, user, input.params.eventId, true);
    if (!(row.status === 'draft' || row.status === 'scheduled') || Date.now() >= new Date(row.opens_at).getTime()) {
      throw problems.invalidTransition(`Projects can be moderated until the vote opens; vote ${row.id} is ${row.status}.`);
    }
    const updated = await db('participation_projects')
      .where({ event_id: row.id, project_id: input.params.projectId })
      .update({ status: input.body.decision, moderation_reason: input.body.reason, moderated_by: user.id, moderated_at: db.fn.now() })
      .returning('*');
    if (updated.length === 0) throw problems.notFound(`Vote ${row.id} has no citizen's project ${input.params.projectId}.`);
    return { status: 200, body: projectView(citizenProjectOf(updated[0]), null, user) };
  },

  async exportEventPabulib({ input, user, deps }) {
    const { db } = deps;
    const row = await voteEvent(db, user, input.params.eventId);
    if (!(row.status === 'closed' || row.status === 'results_published')) {
      throw problems.invalidTransition(`The export is available once vote ${row.id} has closed; it is ${row.status}.`);
    }
    const text = await toPabulibText(db, row);
    return {
      status: 200, text,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': `attachment; filename="${row.id}.pb"` },
    };
  },
} satisfies Partial<Handlers>;

export { offlineBallotGroups };
