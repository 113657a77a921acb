// Discussions of drafts and the written proposals of hearings, as the API reads and writes them: the
// draft's points and versions, proposals and comments (mass input: straight to Postgres, one of each
// kind per person per point enforced by unique indexes), their moderation and the organisation's
// answers. Free of Express. The timed part (the answer term, the summary) is the workflow's.
import type { Db } from '../../db/connection';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { canOrganise } from './access';
import { eligibilityProblem, participantKey } from './participants';
import { type EventRow } from './read-model';
import type { ParticipationManifest } from './manifest';
import { discussionSettingsProblems } from '../../workflows/discussion/messages';

const iso = (v: Date | string | null | undefined): string | null => (v == null ? null : new Date(v).toISOString());

/** The organisers and the region's supervisors: they see every proposal, with its author. */
export function canOverseeEvent(user: AuthUser, row: Pick<EventRow, 'organisation_id' | 'region_id'>): boolean {
  return canOrganise(user, row) || (user.role === 'supervisor' && user.regionId === row.region_id);
}

export function requireType(row: EventRow, types: readonly string[], what: string): void {
  if (!types.includes(row.type)) throw problems.notFound(`Event ${row.id} is a ${row.type}: it has no ${what}.`);
}

// ---------------------------------------------------------------------------------------------------
// The draft

export async function currentVersion(db: Db, eventId: string): Promise<number> {
  const r = await db('discussion_versions').where({ event_id: eventId }).max<{ v: number | null }[]>('version as v');
  return r[0]?.v ?? 0;
}

export async function discussionDraft(db: Db, row: EventRow, version?: number) {
  const versions = await db('discussion_versions').where({ event_id: row.id }).orderBy('version')
    .select('version', 'note', 'point_count', 'created_at', 'changes');
  if (versions.length === 0) throw problems.notFound(`The draft of discussion ${row.id} is not stored yet; retry shortly.`);
  const latest = versions[versions.length - 1].version as number;
  const shown = version ?? latest;
  if (!versions.some((v) => v.version === shown)) throw problems.notFound(`Discussion ${row.id} has no version ${shown} of its draft (versions 1–${latest}).`);
  const points = await db('discussion_points').where({ event_id: row.id, version: shown }).orderBy('number').select('number', 'label', 'text');
  return {
    eventId: row.id,
    version: shown,
    currentVersion: latest,
    versions: versions.map((v) => ({
      version: v.version as number, note: (v.note as string | null) ?? null, pointCount: v.point_count as number,
      createdAt: iso(v.created_at) as string, changes: (v.changes as Record<string, unknown> | null) ?? null,
    })),
    points: points.map((p) => ({ number: p.number as number, label: (p.label as string | null) ?? null, text: p.text as string })),
  };
}

// ---------------------------------------------------------------------------------------------------
// Proposals

interface ProposalRow {
  id: string | number;
  event_id: string;
  version: number | null;
  point_number: number;
  kind: 'proposal' | 'comment';
  text: string;
  participant_key: string;
  author_user_id: number | null;
  status: 'pending' | 'approved' | 'rejected';
  moderation_reason: string | null;
  answer: 'accepted' | 'partly' | 'rejected' | null;
  answer_reason: string | null;
  answered_at: Date | null;
  created_at: Date;
  author_name?: string | null;
}

function toProposal(p: ProposalRow, opts: { mine?: boolean; showAuthor?: boolean }) {
  const body: Record<string, unknown> = {
    id: Number(p.id), eventId: p.event_id, version: p.version ?? null, pointNumber: p.point_number, kind: p.kind, text: p.text,
    status: p.status, moderationReason: p.moderation_reason ?? null, answer: p.answer ?? null, answerReason: p.answer_reason ?? null,
    answeredAt: iso(p.answered_at), createdAt: iso(p.created_at) as string,
  };
  if (opts.mine !== undefined) body.mine = opts.mine;
  if (opts.showAuthor && p.author_user_id !== null) body.author = { userId: p.author_user_id, name: p.author_name ?? '' };
  return body;
}

function notOpenForProposals(row: EventRow) {
  const why: Record<string, string> = {
    draft: 'is not published yet', scheduled: `opens at ${iso(row.opens_at)}`, closed: 'has closed', results_published: 'has closed',
    cancelled: 'was cancelled',
  };
  return problems.invalidTransition(`Event ${row.id} does not take proposals now: it ${why[row.status] ?? `is ${row.status}`}.`);
}

const POINT_WORDS = (row: EventRow, point: number, kind: string) =>
  row.type === 'hearing' ? 'a written proposal to this hearing' : `a ${kind} to point ${point} of this discussion`;

/**
 * A citizen's proposal or comment. The event must be open and the person in its audience; the insert
 * itself re-checks that the event is open, and the unique indexes refuse a second one (409, nothing changes).
 */
export async function submitProposal(
  db: Db, row: EventRow, user: AuthUser, body: { pointNumber?: number; kind?: 'proposal' | 'comment'; text: string },
) {
  requireType(row, ['discussion', 'hearing'], 'proposals');
  if (row.status !== 'open' || Date.now() >= new Date(row.closes_at).getTime()) throw notOpenForProposals(row);
  const ineligible = await eligibilityProblem(db, row, user.id);
  if (ineligible) throw problems.forbidden(`You cannot take part in this event: ${ineligible}.`);
  const kind = body.kind ?? 'proposal';
  let version: number | null = null;
  let point = 0;
  if (row.type === 'discussion') {
    if (body.pointNumber === undefined) throw problems.field('body', '/pointNumber', 'is required for a discussion: the number of a point of the draft');
    version = await currentVersion(db, row.id);
    const exists = await db('discussion_points').where({ event_id: row.id, version, number: body.pointNumber }).first('number');
    if (!exists) throw problems.unprocessable(`The draft (version ${version}) has no point ${body.pointNumber}.`, [{ in: 'body', path: '/pointNumber', message: 'no such point in the current version' }]);
    point = body.pointNumber;
  } else {
    if (body.pointNumber !== undefined) throw problems.field('body', '/pointNumber', 'a hearing takes written proposals to its subject as a whole: leave pointNumber out');
    if (kind !== 'proposal') throw problems.field('body', '/kind', 'a hearing takes written proposals only');
  }
  const key = await participantKey(db, row, user.id);
  const inserted = await db.raw(
    `insert into event_proposals (event_id, version, point_number, kind, text, participant_key, author_user_id)
     select ?, ?, ?, ?, ?, ?, ? where exists (select 1 from participation_events where id = ? and status = 'open' and closes_at > now())
     on conflict do nothing
     returning *`,
    [row.id, version, point, kind, body.text, key, row.anonymous ? null : user.id, row.id],
  );
  if (inserted.rows.length === 1) return toProposal(inserted.rows[0] as ProposalRow, { mine: true });
  const previous = await db('event_proposals').where({ event_id: row.id, point_number: point, kind, participant_key: key })
    .where((w) => (version === null ? w.whereNull('version') : w.where('version', version))).first('id');
  if (previous) {
    throw problems.conflict(`You have already sent ${POINT_WORDS(row, point, kind)}. One is accepted per person, and it cannot be changed or sent again.`);
  }
  const now = (await db('participation_events').where({ id: row.id }).first()) as EventRow | undefined;
  throw notOpenForProposals(now ?? row);
}

export interface ProposalQuery { status?: 'pending' | 'approved' | 'rejected'; pointNumber?: number; answered?: boolean; limit?: number; cursor?: string }

/** Oldest first. The public sees approved proposals without authors (and citizens their own); overseers all. */
export async function listProposals(db: Db, row: EventRow, user: AuthUser, q: ProposalQuery) {
  requireType(row, ['discussion', 'hearing'], 'proposals');
  const oversee = canOverseeEvent(user, row);
  const limit = q.limit ?? 20;
  const myKey = user.role === 'citizen' ? await participantKey(db, row, user.id) : null;
  const qb = db('event_proposals as p').leftJoin('users as u', 'u.id', 'p.author_user_id')
    .where('p.event_id', row.id).select('p.*', 'u.name as author_name');
  if (!oversee) {
    qb.where((w) => {
      w.where('p.status', 'approved');
      if (myKey) w.orWhere('p.participant_key', myKey);
    });
  }
  if (q.status) qb.where('p.status', q.status);
  if (q.pointNumber !== undefined) qb.where('p.point_number', q.pointNumber);
  if (q.answered !== undefined) qb.where((w) => (q.answered ? w.whereNotNull('p.answer') : w.whereNull('p.answer')));
  if (q.cursor) qb.where('p.id', '>', q.cursor);
  const rows = (await qb.orderBy('p.id', 'asc').limit(limit + 1)) as ProposalRow[];
  const items = rows.slice(0, limit);
  return {
    items: items.map((p) => toProposal(p, {
      ...(myKey ? { mine: p.participant_key === myKey } : {}),
      showAuthor: oversee && !row.anonymous,
    })),
    nextCursor: rows.length > limit ? String(items[items.length - 1].id) : null,
  };
}

async function proposalOf(db: Db, row: EventRow, proposalId: number): Promise<ProposalRow> {
  const p = (await db('event_proposals').where({ id: proposalId, event_id: row.id }).first()) as ProposalRow | undefined;
  if (!p) throw problems.notFound(`Event ${row.id} has no proposal ${proposalId}.`);
  return p;
}

/** The organiser's moderation: once per proposal, while the event is open or closed (not after its results). */
export async function moderateProposal(
  db: Db, row: EventRow, user: AuthUser, proposalId: number, body: { decision: 'approve' | 'reject'; reason?: string },
) {
  requireType(row, ['discussion', 'hearing'], 'proposals');
  const p = await proposalOf(db, row, proposalId);
  if (body.decision === 'reject' && !body.reason) throw problems.field('body', '/reason', 'is required to reject a proposal');
  if (p.status !== 'pending') throw problems.invalidTransition(`Proposal ${proposalId} has already been ${p.status}.`);
  const updated = await db('event_proposals')
    .where({ id: proposalId, event_id: row.id, status: 'pending' })
    .whereExists(db('participation_events').where({ id: row.id }).whereIn('status', ['open', 'closed']).select(db.raw('1')))
    .update({
      status: body.decision === 'approve' ? 'approved' : 'rejected', moderation_reason: body.reason ?? null,
      moderated_by: user.id, moderated_at: db.fn.now(),
    })
    .returning('*');
  if (updated.length === 1) return toProposal(updated[0] as ProposalRow, { showAuthor: !row.anonymous });
  const now = await proposalOf(db, row, proposalId);
  if (now.status !== 'pending') throw problems.invalidTransition(`Proposal ${proposalId} has already been ${now.status}.`);
  throw problems.invalidTransition(`Proposals of event ${row.id} can no longer be moderated: its results are published or it was cancelled.`);
}

/** The organisation's answer to an approved proposal: after the discussion closes, before its summary; once. */
export async function answerProposal(
  db: Db, row: EventRow, user: AuthUser, proposalId: number, body: { answer: 'accepted' | 'partly' | 'rejected'; reason: string },
) {
  requireType(row, ['discussion'], 'answers to proposals');
  const p = await proposalOf(db, row, proposalId);
  if (p.status !== 'approved') throw problems.invalidTransition(`Only approved proposals are answered; proposal ${proposalId} is ${p.status}.`);
  if (p.answer) throw problems.invalidTransition(`Proposal ${proposalId} has already been answered (${p.answer}).`);
  if (row.status !== 'closed') {
    throw problems.invalidTransition(row.status === 'results_published'
      ? `The summary of discussion ${row.id} is published: its answers are final.`
      : `Proposals are answered after the discussion closes; discussion ${row.id} is ${row.status}.`);
  }
  const updated = await db('event_proposals')
    .where({ id: proposalId, event_id: row.id, status: 'approved' }).whereNull('answer')
    .whereExists(db('participation_events').where({ id: row.id, status: 'closed' }).select(db.raw('1')))
    .update({ answer: body.answer, answer_reason: body.reason, answered_by: user.id, answered_at: db.fn.now() })
    .returning('*');
  if (updated.length === 1) return toProposal(updated[0] as ProposalRow, { showAuthor: !row.anonymous });
  const now = await proposalOf(db, row, proposalId);
  if (now.answer) throw problems.invalidTransition(`Proposal ${proposalId} has already been answered (${now.answer}).`);
  throw problems.invalidTransition(`The summary of discussion ${row.id} is published: its answers are final.`);
}

// ---------------------------------------------------------------------------------------------------
// The summary

export function discussionSummary(row: EventRow) {
  if (row.status !== 'results_published' || !row.results) {
    throw problems.invalidTransition(`The summary of discussion ${row.id} is not published yet (the discussion is ${row.status}).`);
  }
  const r = row.results as Record<string, unknown>;
  return {
    eventId: row.id, summary: r.summary as string, publishedAt: r.publishedAt as string, answerDueAt: (r.answerDueAt as string | null) ?? null,
    onTime: r.onTime as boolean, draftVersion: r.draftVersion as number, proposals: r.proposals as Record<string, number>,
  };
}

export { canOrganise };

/**
 * A discussion's manifest (domain/participation/registry.ts): its settings. It takes proposals and
 * comments (above), not responses or paper results, and its results are the summary its workflow publishes.
 */
export const discussionManifest: ParticipationManifest<'discussion'> = {
  type: 'discussion',
  workflowType: 'discussionWorkflow',
  async settings(_db, settings) {
    return { problems: discussionSettingsProblems(settings) };
  },
  response: null,
  offline: null,
  results: null,
};
