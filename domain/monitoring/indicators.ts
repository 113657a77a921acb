// Indicators of work with cases, read from the rollups (domain/monitoring/facts.ts): sums of the facts by
// the requested groups, and the values derived from them (shares, averages, the median from the answer
// days). Never a scan of the cases: the rollups are small (a row per month, organisation, territory,
// category and channel that had anything); the one read of cases is the short index range of those whose
// term passed before their workflow flagged them overdue (termPassedUnflagged).
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { AuthUser } from '../identity/users';
import { termPassedUnflaggedSql } from '../cases/overdue';
import { CASE_INDICATORS } from './definitions';
import { FACT_MEASURES, grainFor, hasHistogram, type Dimension, type FactMeasure } from './facts';
import { monitoredScope, monthRange, referenceNames, subtreeOf } from './scope';

export type CaseIndicatorRow = components['schemas']['CaseIndicatorRow'];
export type CaseIndicatorTable = components['schemas']['CaseIndicatorTable'];
export type Grouping = components['schemas']['CaseIndicatorGrouping'];
export type Sums = Record<FactMeasure, number>;

/** The rollup rows to sum: a region, months (YYYY-MM-01), and optional dimension filters. */
export interface RollupFilter {
  /** null: every region. */
  regionId: string | null;
  from: string;
  to: string;
  organisationIds?: string[];
  territoryIds?: string[];
  categoryId?: string;
  channel?: string;
}

const GROUP_SQL: Record<Grouping, string> = {
  month: `to_char(month, 'YYYY-MM')`,
  quarter: `to_char(month, 'YYYY-"Q"Q')`,
  organisation: 'organisation_id',
  territory: 'territory_id',
  category: 'category_id',
  channel: 'channel',
};

export interface Aggregate {
  keys: Partial<Record<Grouping, string>>;
  sums: Sums;
  /** Answers by whole days of answer time. */
  days: Map<number, number>;
}

const GROUP_DIMENSION: Partial<Record<Grouping, Dimension>> = {
  organisation: 'organisation_id', territory: 'territory_id', category: 'category_id', channel: 'channel',
};

/** The smallest grain of the rollups that has the filter's and the groups' dimensions. */
function grainOf(f: RollupFilter, groups: readonly Grouping[]): number {
  const needed = groups.map((g) => GROUP_DIMENSION[g]).filter((d): d is Dimension => d !== undefined);
  if (f.organisationIds) needed.push('organisation_id');
  if (f.territoryIds) needed.push('territory_id');
  if (f.categoryId !== undefined) needed.push('category_id');
  if (f.channel !== undefined) needed.push('channel');
  return grainFor(needed);
}

/** The filter over rollup rows of `grain`, or (grain null) over rows with the rollups' key columns and no grain. */
function whereOf(f: RollupFilter, grain: number | null): { sql: string; bindings: Knex.RawBinding[] } {
  const parts = grain === null ? ['month between ?::date and ?::date'] : ['grain = ?', 'month between ?::date and ?::date'];
  const bindings: Knex.RawBinding[] = grain === null ? [f.from, f.to] : [grain, f.from, f.to];
  if (f.regionId !== null) { parts.unshift('region_id = ?'); bindings.unshift(f.regionId); }
  if (f.organisationIds) { parts.push('organisation_id = any(?)'); bindings.push(f.organisationIds); }
  if (f.territoryIds) { parts.push('territory_id = any(?)'); bindings.push(f.territoryIds); }
  if (f.categoryId !== undefined) { parts.push('category_id = ?'); bindings.push(f.categoryId); }
  if (f.channel !== undefined) { parts.push('channel = ?'); bindings.push(f.channel); }
  return { sql: parts.join(' and '), bindings };
}

const zeroSums = () => Object.fromEntries(FACT_MEASURES.map((m) => [m, 0])) as Sums;

/**
 * The cases overdue now that the rollups do not count as such yet: their term passed while it runs, and
 * their workflow's step (which moves their state fact to overdue) is still to come (domain/cases/overdue.ts).
 * Read with the rollups' key columns (the state fact's: registration month, the organisation holding the
 * case now) under the same filter and groups; a short range of one partial index, empty outside a burst.
 */
async function termPassedUnflagged(db: Db, filter: RollupFilter, cols: string[], groupBy: string): Promise<Record<string, unknown>[]> {
  const where = whereOf(filter, null);
  const { rows } = await db.raw(`
    select ${[...cols, 'count(*)::bigint as n'].join(', ')} from (
      select c.region_id, (date_trunc('month', c.registered_at at time zone r.time_zone))::date as month,
             coalesce(c.organisation_id, '') as organisation_id, coalesce(c.territory_id, '') as territory_id,
             coalesce(c.category_id, '') as category_id, c.channel
        from cases c join regions r on r.id = c.region_id
       where ${termPassedUnflaggedSql('c')}
    ) due where ${where.sql} ${groupBy}`, where.bindings);
  return rows;
}

/** Sums of the rollups by the groups (one aggregate of everything without groups). */
export async function aggregate(db: Db, filter: RollupFilter, groups: readonly Grouping[]): Promise<Aggregate[]> {
  const grain = grainOf(filter, groups);
  const where = whereOf(filter, grain);
  const cols = groups.map((g, i) => `${GROUP_SQL[g]} as g${i}`);
  const groupBy = groups.length ? `group by ${groups.map((_, i) => `g${i}`).join(', ')}` : '';
  const sums = FACT_MEASURES.map((m) => `coalesce(sum(${m}), 0)::bigint as ${m}`).join(', ');
  // The histograms are summed here rather than in SQL: unnesting every array costs PostgreSQL more than
  // reading them (a region's year by organisation: a few thousand arrays of a few dozen counts).
  const [main, histograms, passed] = await Promise.all([
    db.raw(`select ${[...cols, sums].join(', ')} from monitoring_rollup where ${where.sql} ${groupBy}`, where.bindings),
    hasHistogram(grain)
      ? db.raw(`select ${[...cols, 'hist'].join(', ')} from monitoring_answer_days where ${where.sql}`, where.bindings)
      : Promise.resolve({ rows: [] }),
    termPassedUnflagged(db, filter, cols, groupBy),
  ]);
  const keyOf = (r: Record<string, unknown>) => groups.map((_, i) => String(r[`g${i}`])).join('\u0000');
  const keysOf = (r: Record<string, unknown>) => Object.fromEntries(groups.map((g, i) => [g, String(r[`g${i}`])]));
  const out = new Map<string, Aggregate>();
  for (const r of main.rows as Record<string, unknown>[]) {
    if (groups.length > 0 && FACT_MEASURES.every((m) => Number(r[m]) === 0)) continue; // changes that cancelled out
    out.set(keyOf(r), {
      keys: keysOf(r),
      sums: Object.fromEntries(FACT_MEASURES.map((m) => [m, Number(r[m])])) as Sums,
      days: new Map(),
    });
  }
  for (const r of passed) {
    const a = out.get(keyOf(r)) ?? { keys: keysOf(r), sums: zeroSums(), days: new Map() };
    a.sums.overdue_now += Number(r.n);
    out.set(keyOf(r), a);
  }
  for (const r of histograms.rows as Record<string, unknown>[]) {
    const a = out.get(keyOf(r));
    if (!a) continue;
    (r.hist as (number | string)[]).forEach((n, day) => {
      if (Number(n) !== 0) a.days.set(day, (a.days.get(day) ?? 0) + Number(n));
    });
  }
  return [...out.values()];
}

/** Sums of several aggregates (a municipality's organisations). Deterministic: order does not matter. */
export function mergeAggregates(parts: readonly Aggregate[], keys: Aggregate['keys'] = {}): Aggregate {
  const sums = zeroSums();
  const days = new Map<number, number>();
  for (const p of parts) {
    for (const m of FACT_MEASURES) sums[m] += p.sums[m];
    for (const [d, n] of p.days) days.set(d, (days.get(d) ?? 0) + n);
  }
  return { keys, sums, days };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const percent = (a: number, b: number) => (b > 0 ? round1((100 * a) / b) : null);

/** The median of whole answer days (mean of the two middle values for an even count); null without answers. Deterministic. */
export function medianOfDays(days: ReadonlyMap<number, number>): number | null {
  const total = [...days.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const sorted = [...days.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const at = (rank: number) => { // the value at 0-based rank
    let seen = 0;
    for (const [d, n] of sorted) { seen += n; if (rank < seen) return d; }
    return sorted[sorted.length - 1][0];
  };
  return total % 2 === 1 ? at((total - 1) / 2) : round1((at(total / 2 - 1) + at(total / 2)) / 2);
}

/** The indicator values of an aggregate (the numeric part of a row, and the rating-only shares). */
export function indicatorValues(a: Aggregate) {
  const s = a.sums;
  return {
    received: s.received, answered: s.answered, closed: s.closed,
    answeredOnTime: s.answered_on_time, answeredLate: s.answered - s.answered_on_time,
    answeredOnTimePercent: percent(s.answered_on_time, s.answered),
    advisoryAnswered: s.advisory_answered, advisoryAnsweredOnTime: s.advisory_on_time,
    advisoryOnTimePercent: percent(s.advisory_on_time, s.advisory_answered),
    openNow: s.open_now, overdueNow: s.overdue_now,
    averageAnswerDays: s.answered > 0 ? round1(s.answer_seconds / s.answered / 86400) : null,
    medianAnswerDays: medianOfDays(a.days),
    extensions: s.extensions, redirects: s.redirects,
    redirectLostDays: round1(s.redirect_lost_seconds / 86400),
    averageRedirectLostDays: s.redirects > 0 ? round1(s.redirect_lost_seconds / s.redirects / 86400) : null,
    rated: s.rated, rating1: s.rating1, rating2: s.rating2, rating3: s.rating3, rating4: s.rating4, rating5: s.rating5,
    ratingHighPercent: percent(s.rating4 + s.rating5, s.rated),
    sentToRepeat: s.sent_to_repeat, sentToRepeatPercent: percent(s.sent_to_repeat, s.rated),
    repeatPositive: s.repeat_positive, repeatNegative: s.repeat_negative, repeatOpen: s.repeat_open, repeatOther: s.repeat_other,
    reopened: s.reopened,
    overdueNowPercent: percent(s.overdue_now, s.received),
    redirectPercent: percent(s.redirects, s.received),
  };
}

export interface CaseIndicatorQuery {
  regionId?: string;
  organisationId?: string;
  subtree?: boolean;
  territoryId?: string;
  categoryId?: string;
  channel?: string;
  from?: string;
  to?: string;
  groupBy?: Grouping[];
}

/** GET /monitoring/indicators. */
export async function caseIndicatorTable(db: Db, user: AuthUser, q: CaseIndicatorQuery, now = new Date()): Promise<CaseIndicatorTable> {
  const region = await monitoredScope(db, user, q.regionId);
  const months = monthRange(region.timeZone, q.from, q.to, now);
  const subtree = q.subtree ?? true;
  const filter: RollupFilter = {
    regionId: region.id, ...months,
    organisationIds: q.organisationId ? await subtreeOf(db, 'organisations', region.id, q.organisationId, subtree) : undefined,
    territoryIds: q.territoryId ? await subtreeOf(db, 'territories', region.id, q.territoryId) : undefined,
    categoryId: q.categoryId, channel: q.channel,
  };
  const groups = q.groupBy ?? [];
  const [aggregates, names] = await Promise.all([aggregate(db, filter, groups), referenceNames(db, region.id)]);
  const rows = (groups.length === 0 && aggregates.length === 0 ? [mergeAggregates([])] : aggregates).map((a): CaseIndicatorRow => {
    const k = a.keys;
    const blank = (v: string | undefined) => (v === undefined || v === '' ? null : v);
    return {
      period: k.month ?? k.quarter ?? null,
      organisationId: blank(k.organisation), organisationName: names.organisations.get(k.organisation ?? '') ?? null,
      territoryId: blank(k.territory), territoryName: names.territories.get(k.territory ?? '') ?? null,
      categoryId: blank(k.category), categoryName: names.categories.get(k.category ?? '') ?? null,
      channel: k.channel ?? null,
      ...withoutRatingOnly(indicatorValues(a)),
    };
  });
  rows.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  return {
    scope: {
      regionId: region.id, from: months.from.slice(0, 7), to: months.to.slice(0, 7), organisationId: q.organisationId ?? null, subtree,
      territoryId: q.territoryId ?? null, categoryId: q.categoryId ?? null, channel: q.channel ?? null, groupBy: groups,
    },
    computedAt: now.toISOString(),
    definitions: [...CASE_INDICATORS],
    rows,
  };
}

function withoutRatingOnly(v: ReturnType<typeof indicatorValues>) {
  const { overdueNowPercent: _o, redirectPercent: _r, ...rest } = v;
  return rest;
}

const sortKey = (r: CaseIndicatorRow) => [r.period, r.organisationId, r.territoryId, r.categoryId, r.channel].map((x) => x ?? '').join('\u0000');
