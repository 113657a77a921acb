// Duplicate appeals (issue 14): the similar open cases of a case and an organisation's proposed groups,
// worked out from the read model with the pure rule (similarity.ts); the groups operators confirm; and
// the group's one answer, fixed once so that a retried group answer sends the same to every case. The
// answer itself goes to each case through the ordinary case action (api/handlers/case-groups.ts).
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { isUniqueViolation } from '../reference/checks';
import { canSeeCase, scopeCases } from './access';
import { toCase, visibleCase, type CaseRow } from './read-model';
import { boundingBox, proposeGroups, similarTo, type SimilarityCase, type SimilarityRule } from './similarity';

export type CaseGroup = components['schemas']['CaseGroup'];
export type CaseGroupList = components['schemas']['CaseGroupList'];
export type SimilarCases = components['schemas']['SimilarCases'];

/** Statuses of an appeal still awaiting an answer (OPEN in workflows/appeal/transitions.ts). */
const AWAITING = ['registered', 'in_work', 'clarification_requested'];
// A literal predicate, as the partial index cases_awaiting_answer_by_subcategory is defined: the planner
// matches an index predicate against constants, not against bound parameters.
const AWAITING_SQL = `cases.status in (${AWAITING.map((s) => `'${s}'`).join(', ')})`;
const SIMILAR_LIMIT = 50;
/** At most this many open appeals of an organisation are compared when proposing groups. */
const PROPOSAL_SCAN_LIMIT = 5000;
const MS_PER_DAY = 86_400_000;

interface GroupRow {
  id: string | number;
  organisation_id: string;
  subcategory_id: string;
  confirmed_at: Date;
  answer_text: string | null;
  answer_attachments: string[] | null;
  answered_at: Date | null;
}

interface MemberRow { case_id: string; group_id: string | number; answered_at: Date | null }

const SIMILARITY_COLUMNS = ['cases.id', 'cases.subcategory_id', 'cases.address', 'cases.latitude', 'cases.longitude', 'cases.registered_at'];

function similarityCase(r: Pick<CaseRow, 'id' | 'subcategory_id' | 'address' | 'latitude' | 'longitude' | 'registered_at'>): SimilarityCase {
  const located = r.latitude != null && r.longitude != null;
  return {
    id: r.id, subcategoryId: r.subcategory_id, address: r.address, registeredAt: r.registered_at,
    location: located ? { latitude: Number(r.latitude), longitude: Number(r.longitude) } : null,
  };
}

/** Open appeals of the organisation and subcategory in no group: what the index above answers. */
function awaitingUngrouped(db: Db, organisationId: string): Knex.QueryBuilder {
  return db('cases')
    .where('cases.organisation_id', organisationId)
    .whereNotNull('cases.subcategory_id')
    .whereRaw(AWAITING_SQL)
    .whereNotExists(db('case_group_members').whereRaw('case_group_members.case_id = cases.id'));
}

/** Candidates near the target in time, and in place (bounding box) or with an address at all. */
export function similarCandidates(db: Db, target: CaseRow, rule: SimilarityRule): Knex.QueryBuilder {
  const at = new Date(target.registered_at).getTime();
  const q = awaitingUngrouped(db, target.organisation_id!)
    .where('cases.subcategory_id', target.subcategory_id!)
    .whereBetween('cases.registered_at', [new Date(at - rule.periodDays * MS_PER_DAY), new Date(at + rule.periodDays * MS_PER_DAY)])
    .whereNot('cases.id', target.id);
  const point = target.latitude != null && target.longitude != null ? { latitude: Number(target.latitude), longitude: Number(target.longitude) } : null;
  return q.where((w) => {
    if (target.address) w.orWhereNotNull('cases.address');
    if (!point) return;
    const box = boundingBox(point, rule.distanceMetres);
    w.orWhere((p) => {
      p.whereBetween('cases.latitude', [box.minLatitude, box.maxLatitude]);
      // A box across the 180th meridian: latitude alone narrows enough.
      if (box.minLongitude >= -180 && box.maxLongitude <= 180) p.whereBetween('cases.longitude', [box.minLongitude, box.maxLongitude]);
    });
  });
}

/** The open appeals similar to a case the user may see, oldest first, and the case's confirmed group. */
export async function listSimilarCases(db: Db, user: AuthUser, caseId: string, rule: SimilarityRule): Promise<SimilarCases> {
  const target = await visibleCase(db, user, caseId);
  const member = (await db('case_group_members').where({ case_id: caseId }).first()) as MemberRow | undefined;
  const group = member ? await groupOf(db, user, await loadGroup(db, member.group_id)) : null;
  if (!target.organisation_id || !target.subcategory_id || (!target.address && target.latitude == null)) return { rule, similar: [], group };
  const candidates = (await similarCandidates(db, target, rule).select('cases.*').orderBy('cases.registered_at').limit(PROPOSAL_SCAN_LIMIT)) as CaseRow[];
  const byId = new Map(candidates.map((r) => [r.id, r]));
  const similar = similarTo(similarityCase(target), candidates.map(similarityCase), rule).slice(0, SIMILAR_LIMIT);
  return { rule, similar: similar.map((s) => toCase(byId.get(s.id)!, user)), group };
}

/** The organisation whose groups are asked for (404 when there is none). */
async function existingOrganisation(db: Db, organisationId: string): Promise<string> {
  const org = (await db('organisations').where({ id: organisationId }).first('id')) as { id: string } | undefined;
  if (!org) throw problems.notFound(`There is no organisation ${organisationId}.`);
  return org.id;
}

/**
 * Proposed groups of the organisation's open appeals, and its confirmed groups with a case not closed.
 * Scoped as GET /cases is (scopeCases): another organisation's operator gets empty lists.
 */
export async function listCaseGroups(db: Db, user: AuthUser, organisationId: string, rule: SimilarityRule): Promise<CaseGroupList> {
  const org = { id: await existingOrganisation(db, organisationId) };
  const open = (await scopeCases(awaitingUngrouped(db, org.id), user).select(SIMILARITY_COLUMNS).orderBy('cases.registered_at').limit(PROPOSAL_SCAN_LIMIT)) as CaseRow[];
  const groups = proposeGroups(open.map(similarityCase), rule);
  const rows = await caseRows(db, groups.flat().map((c) => c.id));
  const proposed = groups.map((g) => ({ subcategoryId: g[0].subcategoryId!, cases: g.map((c) => toCase(rows.get(c.id)!, user)) }));
  const confirmedRows = (await db('case_groups')
    .where({ organisation_id: org.id })
    .whereExists(scopeCases(db('case_group_members').join('cases', 'cases.id', 'case_group_members.case_id')
      .whereRaw('case_group_members.group_id = case_groups.id').whereNot('cases.status', 'closed'), user))
    .orderBy('confirmed_at', 'desc').orderBy('id', 'desc').limit(100)) as GroupRow[];
  const confirmed = await Promise.all(confirmedRows.map((g) => groupOf(db, user, g)));
  return { rule, proposed, confirmed };
}

async function caseRows(db: Db | Knex.Transaction, ids: string[]): Promise<Map<string, CaseRow>> {
  if (ids.length === 0) return new Map();
  const rows = (await db('cases').whereIn('id', ids).orderBy('registered_at').orderBy('id')) as CaseRow[];
  return new Map(rows.map((r) => [r.id, r]));
}

async function loadGroup(db: Db | Knex.Transaction, groupId: string | number): Promise<GroupRow> {
  const g = (await db('case_groups').where({ id: groupId }).first()) as GroupRow | undefined;
  if (!g) throw problems.notFound(`There is no case group ${groupId}.`);
  return g;
}

/** A group the user may see (404 otherwise): its organisation's operators, its region's supervisors, administrators. */
export async function visibleGroup(db: Db, user: AuthUser, groupId: number): Promise<GroupRow> {
  const g = await loadGroup(db, groupId);
  const org = await db('organisations').where({ id: g.organisation_id }).first('region_id');
  const sees = user.role === 'administrator'
    || (user.role === 'operator' && user.organisationId === g.organisation_id)
    || (user.role === 'supervisor' && user.regionId !== null && user.regionId === org?.region_id);
  if (!sees) throw problems.notFound(`There is no case group ${groupId}.`);
  return g;
}

export async function groupMembers(db: Db | Knex.Transaction, groupId: string | number): Promise<MemberRow[]> {
  return (await db('case_group_members')
    .join('cases', 'cases.id', 'case_group_members.case_id')
    .where('case_group_members.group_id', groupId)
    .orderBy('cases.registered_at').orderBy('cases.id')
    .select('case_group_members.*')) as MemberRow[];
}

/** The group as the API shows it. */
export async function groupOf(db: Db | Knex.Transaction, user: AuthUser, g: GroupRow): Promise<CaseGroup> {
  const members = await groupMembers(db, g.id);
  const rows = await caseRows(db, members.map((m) => m.case_id));
  return {
    id: Number(g.id),
    organisationId: g.organisation_id,
    subcategoryId: g.subcategory_id,
    confirmedAt: new Date(g.confirmed_at).toISOString(),
    answer: g.answer_text === null || !g.answered_at
      ? null
      : { text: g.answer_text, attachments: g.answer_attachments ?? [], answeredAt: new Date(g.answered_at).toISOString() },
    answeredCaseIds: members.filter((m) => m.answered_at).map((m) => m.case_id),
    // A case redirected elsewhere since may be out of the user's sight: the group shows the others.
    cases: members.map((m) => rows.get(m.case_id)!).filter((r) => canSeeCase(user, r)).map((r) => toCase(r, user)),
  };
}

/** Same cases, one organisation and subcategory, awaiting an answer: or the problem that says why not. */
function checkGroupable(rows: CaseRow[]): { organisationId: string; subcategoryId: string } {
  const first = rows[0];
  for (const r of rows) {
    if (r.organisation_id !== first.organisation_id) throw problems.unprocessable(`Case ${r.id} is handled by another organisation than case ${first.id}: a group is one organisation's.`);
    if (!r.subcategory_id || r.subcategory_id !== first.subcategory_id) throw problems.unprocessable(`Case ${r.id} is of another subcategory than case ${first.id}: a group is one problem.`);
    if (!AWAITING.includes(r.status)) throw problems.invalidTransition(`Case ${r.id} is ${r.status}: only appeals awaiting an answer can be grouped.`);
  }
  return { organisationId: first.organisation_id!, subcategoryId: first.subcategory_id! };
}

/**
 * Confirms the cases as one group. The same cases confirmed again give their group back (created false);
 * a case in another group is 409.
 */
export async function confirmGroup(db: Db, user: AuthUser, caseIds: string[]): Promise<{ group: CaseGroup; created: boolean }> {
  const rows: CaseRow[] = [];
  for (const id of caseIds) rows.push(await visibleCase(db, user, id));
  const existing = (await db('case_group_members').whereIn('case_id', caseIds)) as MemberRow[];
  const groupIds = [...new Set(existing.map((m) => String(m.group_id)))];
  if (groupIds.length === 1 && existing.length === caseIds.length) {
    const members = await groupMembers(db, groupIds[0]);
    if (members.length === caseIds.length) return { group: await groupOf(db, user, await loadGroup(db, groupIds[0])), created: false };
  }
  if (existing.length > 0) throw problems.conflict(`Case ${existing[0].case_id} is in group ${existing[0].group_id} already: take it out of that group first.`);
  const { organisationId, subcategoryId } = checkGroupable(rows);
  try {
    const group = await db.transaction(async (trx) => {
      const [g] = (await trx('case_groups').insert({ organisation_id: organisationId, subcategory_id: subcategoryId, confirmed_by: user.id }).returning('*')) as GroupRow[];
      await trx('case_group_members').insert(caseIds.map((case_id) => ({ case_id, group_id: g.id })));
      return groupOf(trx, user, g);
    });
    return { group, created: true };
  } catch (e) {
    if (isUniqueViolation(e)) throw problems.conflict('One of the cases has just been put in another group.');
    throw e;
  }
}

/** Takes a case out of its group; null when the group had no other case and is gone. */
export async function removeFromGroup(db: Db, user: AuthUser, groupId: number, caseId: string): Promise<CaseGroup | null> {
  const g = await visibleGroup(db, user, groupId);
  const m = (await db('case_group_members').where({ group_id: g.id, case_id: caseId }).first()) as MemberRow | undefined;
  if (!m) throw problems.notFound(`Case ${caseId} is not in group ${groupId}.`);
  if (m.answered_at) throw problems.conflict(`The group's answer has reached case ${caseId} already: it stays in the group.`);
  await db('case_group_members').where({ group_id: g.id, case_id: caseId, answered_at: null }).delete();
  if ((await groupMembers(db, g.id)).length === 0) {
    await db('case_groups').where({ id: g.id }).delete();
    return null;
  }
  return groupOf(db, user, g);
}

/**
 * Fixes the group's answer on the first request; a retry must send the same text and attachments
 * (409 otherwise), so that every case of the group gets one and the same answer.
 */
export async function fixGroupAnswer(db: Db, user: AuthUser, g: GroupRow, answer: { text: string; attachments: string[] }): Promise<void> {
  await db('case_groups').where({ id: g.id }).whereNull('answer_text')
    .update({ answer_text: answer.text, answer_attachments: JSON.stringify(answer.attachments), answered_by: user.id, answered_at: db.fn.now() });
  const now = await loadGroup(db, g.id);
  const same = now.answer_text === answer.text && JSON.stringify(now.answer_attachments ?? []) === JSON.stringify(answer.attachments);
  if (!same) throw problems.conflict(`Group ${g.id} has been answered with another text or other attachments: each case gets one answer.`);
}

/** Records that the group's answer reached the case (a retry of the group answer skips it). */
export async function markAnswered(db: Db, groupId: string | number, caseId: string): Promise<void> {
  await db('case_group_members').where({ group_id: groupId, case_id: caseId }).whereNull('answered_at').update({ answered_at: db.fn.now() });
}
