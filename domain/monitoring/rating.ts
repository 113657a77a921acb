// The region's rating of organisations and municipalities: its configuration, the live quarterly
// ranking from the rollups, and published snapshots that never change afterwards (the table refuses
// updates: see the migration's trigger).
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { definitionsOf } from './definitions';
import { aggregate, indicatorValues, mergeAggregates, type Aggregate } from './indicators';
import { lastEndedQuarter, monitoredRegion, monitoredScope, quarterMonths } from './scope';
import { BETTER, DEFAULT_MIN_CASES, DEFAULT_RATING_INDICATORS, SCORING_TEXT, rankRows, scoreSubject, type RatingIndicator, type RatingRow } from './scoring';

export type RatingConfig = components['schemas']['RatingConfig'];
export type RatingConfigInput = components['schemas']['RatingConfigInput'];
export type RatingTable = components['schemas']['RatingTable'];
export type RatingSubjectKind = components['schemas']['RatingSubjectKind'];
export type RatingSnapshot = components['schemas']['RatingSnapshot'];
export type RatingSnapshotSummary = components['schemas']['RatingSnapshotSummary'];

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(v as string).toISOString());

async function configOf(db: Db, regionId: string): Promise<RatingConfig> {
  const row = await db('monitoring_rating_configs').where({ region_id: regionId }).first();
  if (!row) {
    return { regionId, indicators: [...DEFAULT_RATING_INDICATORS], minCases: DEFAULT_MIN_CASES, isDefault: true, scoring: SCORING_TEXT, updatedAt: null, updatedBy: null };
  }
  return {
    regionId, indicators: row.indicators, minCases: row.min_cases, isDefault: false, scoring: SCORING_TEXT,
    updatedAt: iso(row.updated_at), updatedBy: row.updated_by ?? null,
  };
}

export async function getRatingConfig(db: Db, user: AuthUser, regionId: string): Promise<RatingConfig> {
  const region = await monitoredRegion(db, user, regionId);
  return configOf(db, region.id);
}

export async function putRatingConfig(db: Db, user: AuthUser, regionId: string, input: RatingConfigInput): Promise<RatingConfig> {
  const region = await monitoredRegion(db, user, regionId);
  const seen = new Set<string>();
  input.indicators.forEach((c, i) => {
    if (seen.has(c.indicator)) throw problems.field('body', `/indicators/${i}/indicator`, `${c.indicator} is configured twice`);
    seen.add(c.indicator);
  });
  const indicators = input.indicators.map((c) => ({ indicator: c.indicator, weight: c.weight, target: c.target, better: BETTER[c.indicator] }));
  await db('monitoring_rating_configs')
    .insert({ region_id: region.id, indicators: JSON.stringify(indicators), min_cases: input.minCases ?? DEFAULT_MIN_CASES, updated_by: user.id, updated_at: db.fn.now() })
    .onConflict('region_id').merge();
  return configOf(db, region.id);
}

interface Subject { kind: RatingSubjectKind; id: string; name: string; organisationIds: string[] }

/**
 * Organisations are rated on their own figures (a parent does not absorb its subtree, so that a grouping
 * body is not ranked against the bodies under it); a municipality is a first-level territory of the
 * region (a municipal district or okrug, a city) with every organisation located in it, named after its
 * administration when there is one.
 */
async function subjectsOf(db: Db, regionId: string, kind: RatingSubjectKind): Promise<Subject[]> {
  const organisations = await db('organisations').where({ region_id: regionId }).select('id', 'name', 'kind', 'territory_id');
  if (kind === 'organisation') return organisations.map((o) => ({ kind, id: o.id, name: o.name, organisationIds: [o.id] }));
  const { rows } = await db.raw(
    `with recursive top as (
       select t.id, t.name from territories t join territories p on p.id = t.parent_id
        where t.region_id = ? and p.kind = 'region'
     ), inside(top_id, id) as (
       select id, id from top union select inside.top_id, t.id from territories t join inside on t.parent_id = inside.id
     ) select top.id, top.name, array_agg(inside.id) as territory_ids from top join inside on inside.top_id = top.id group by top.id, top.name`,
    [regionId],
  );
  return (rows as { id: string; name: string; territory_ids: string[] }[]).map((t) => {
    const located = organisations.filter((o) => o.territory_id && t.territory_ids.includes(o.territory_id));
    const administration = located.find((o) => o.kind === 'municipality' && o.territory_id === t.id);
    return { kind, id: t.id, name: administration?.name ?? t.name, organisationIds: located.map((o) => o.id) };
  });
}

/** The rating of a region's quarter with its current configuration. */
export async function computeRating(db: Db, regionId: string, quarter: string, kind: RatingSubjectKind, now = new Date()): Promise<RatingTable> {
  const months = quarterMonths(quarter);
  const [config, subjects, byOrganisation] = await Promise.all([
    configOf(db, regionId), subjectsOf(db, regionId, kind),
    aggregate(db, { regionId, from: months.from, to: months.to }, ['organisation']),
  ]);
  const figures = new Map<string, Aggregate>(byOrganisation.map((a) => [a.keys.organisation!, a]));
  const rows: RatingRow[] = [];
  for (const s of subjects) {
    const parts = s.organisationIds.map((id) => figures.get(id)).filter((a): a is Aggregate => a !== undefined);
    if (parts.length === 0) continue; // nothing happened there in the quarter
    const v = indicatorValues(mergeAggregates(parts));
    rows.push(scoreSubject({
      subjectKind: s.kind, subjectId: s.id, subjectName: s.name, received: v.received, answered: v.answered, rated: v.rated,
      answeredOnTimePercent: v.answeredOnTimePercent, averageAnswerDays: v.averageAnswerDays, medianAnswerDays: v.medianAnswerDays,
      ratingHighPercent: v.ratingHighPercent, sentToRepeatPercent: v.sentToRepeatPercent, overdueNowPercent: v.overdueNowPercent,
      redirectPercent: v.redirectPercent,
    }, config.indicators));
  }
  return {
    regionId, quarter, subject: kind, computedAt: now.toISOString(), config,
    definitions: definitionsOf(config.indicators.map((c) => c.indicator as RatingIndicator)),
    rows: rankRows(rows, config.minCases),
  };
}

export async function liveRating(db: Db, user: AuthUser, q: { regionId: string; quarter?: string; subject?: RatingSubjectKind }): Promise<RatingTable> {
  const region = await monitoredRegion(db, user, q.regionId);
  return computeRating(db, region.id, q.quarter ?? lastEndedQuarter(region.timeZone), q.subject ?? 'organisation');
}

function snapshotOf(row: Record<string, any>): RatingSnapshot {
  return {
    id: row.id, regionId: row.region_id, quarter: row.quarter, subject: row.subject, publishedAt: iso(row.published_at),
    publishedBy: row.published_by ?? null, computedAt: iso(row.computed_at), config: row.config, rows: row.rows,
  };
}

/** Publishes the quarter's rating as a frozen snapshot: 409 when the quarter has not ended or is published already. */
export async function publishSnapshot(db: Db, user: AuthUser, body: { regionId: string; quarter: string; subject?: RatingSubjectKind }, now = new Date()): Promise<RatingSnapshot> {
  const region = await monitoredRegion(db, user, body.regionId);
  const subject = body.subject ?? 'organisation';
  if (quarterMonths(body.quarter).endsAt(region.timeZone) > now) throw problems.conflict(`The quarter ${body.quarter} has not ended yet: its rating can be published once it has.`);
  const table = await computeRating(db, region.id, body.quarter, subject, now);
  const [row] = await db('monitoring_rating_snapshots')
    .insert({
      region_id: region.id, quarter: body.quarter, subject, config: JSON.stringify(table.config), rows: JSON.stringify(table.rows),
      computed_at: table.computedAt, published_by: user.id,
    })
    .onConflict(['region_id', 'quarter', 'subject']).ignore()
    .returning('*');
  if (!row) throw problems.conflict(`The ${subject} rating of ${region.id} for ${body.quarter} is published already; a snapshot never changes.`);
  return snapshotOf(row);
}

export async function listSnapshots(db: Db, user: AuthUser, q: { regionId?: string; quarter?: string; subject?: RatingSubjectKind }): Promise<RatingSnapshotSummary[]> {
  const regionId = (await monitoredScope(db, user, q.regionId)).id;
  const rows = await db('monitoring_rating_snapshots')
    .modify((qb) => {
      if (regionId) qb.where({ region_id: regionId });
      if (q.quarter) qb.where({ quarter: q.quarter });
      if (q.subject) qb.where({ subject: q.subject });
    })
    .orderBy([{ column: 'published_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .select('id', 'region_id', 'quarter', 'subject', 'published_at', 'published_by', db.raw('jsonb_array_length(rows) as row_count'));
  return rows.map((r: Record<string, any>) => ({
    id: r.id, regionId: r.region_id, quarter: r.quarter, subject: r.subject, publishedAt: iso(r.published_at),
    publishedBy: r.published_by ?? null, rowCount: Number(r.row_count),
  }));
}

/** A snapshot the user may see; 404 for another region's (its existence is not revealed). */
export async function getSnapshot(db: Db, user: AuthUser, id: number): Promise<RatingSnapshot> {
  const row = await db('monitoring_rating_snapshots').where({ id }).first();
  if (!row || (user.role !== 'administrator' && row.region_id !== user.regionId)) throw problems.notFound(`There is no rating snapshot ${id}.`);
  return snapshotOf(row);
}
