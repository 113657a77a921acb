// The facts of cases that the indicators count, and the rollups that sum them.
//
// A case's facts are a pure function of its read model (its cases row and its case_events): one fact per
// projected transition that counts for something (registered → received, answered, term_extended,
// redirected, rated, escalated, closed, reopened) and one fact of its current state (open now, overdue
// now). An incident from open sources (case_type 'incident', channel 'incident') has no case_events: its
// received, answered and closed facts are read from its cases row (INCIDENT_EVENTS). Each fact carries the month of its own moment in the region's time zone and the organisation
// that did it (the redirecting one for a hand-over, the one whose answer was rated low for an
// escalation), with the case's territory, category and channel. FACTS_SQL is the one definition: the
// projection refreshes one case's share of the rollups with it (refreshCaseRollup: the facts before the
// transition out, the facts after it in), `ops monitoring rebuild` recomputes the rollups from it, and
// scanRollup sums it over all cases without the rollups (the full scan the rollups must agree with).
import type { Knex } from 'knex';
import { prepared, type Db } from '../../db/connection';

/** The key of a rollup row; '' stands for a case without territory or category, '*' for a dimension summed over. */
export const ROLLUP_KEY = ['region_id', 'grain', 'month', 'organisation_id', 'territory_id', 'category_id', 'channel'] as const;

/** The dimensions a grain may keep besides region and month. */
export const DIMENSIONS = ['organisation_id', 'territory_id', 'category_id', 'channel'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * The grains of the rollups, smallest first: each keeps some dimensions and sums over the others, so
 * that a request reads the fewest rows that can answer it (a region's year is a dozen rows at grain 0).
 * Ids are stored in the rows: a new grain takes a new id (and `ops monitoring rebuild` fills it).
 */
export const GRAINS: readonly { id: number; dims: readonly Dimension[]; histogram: boolean }[] = [
  { id: 0, dims: [], histogram: true },
  { id: 4, dims: ['channel'], histogram: true },
  { id: 3, dims: ['category_id'], histogram: true },
  { id: 2, dims: ['territory_id'], histogram: true },
  { id: 1, dims: ['organisation_id'], histogram: true },
  // Each dimension by channel: how cases came in, broken down (incidents from open sources by district).
  { id: 8, dims: ['category_id', 'channel'], histogram: true },
  { id: 7, dims: ['territory_id', 'channel'], histogram: true },
  { id: 6, dims: ['organisation_id', 'channel'], histogram: true },
  // All four dimensions: as many rows as the others together; no answer-day histograms here (their
  // sum over a large part of this grain would cost more than a request may), so no median either.
  { id: 5, dims: DIMENSIONS, histogram: false },
];
const HISTOGRAM_GRAINS = GRAINS.filter((g) => g.histogram);

/** Whether a grain keeps answer-day histograms (the median). */
export function hasHistogram(grain: number): boolean {
  return HISTOGRAM_GRAINS.some((g) => g.id === grain);
}

/** The smallest grain that keeps every dimension in `needed`. */
export function grainFor(needed: readonly Dimension[]): number {
  return GRAINS.find((g) => needed.every((d) => g.dims.includes(d)))!.id;
}

/** The summed measures of monitoring_rollup, in the order FACTS_SQL computes them. */
export const FACT_MEASURES = [
  'received', 'answered', 'answered_on_time', 'advisory_answered', 'advisory_on_time', 'answer_seconds', 'closed',
  'open_now', 'overdue_now', 'extensions', 'redirects', 'redirect_lost_seconds', 'rated', 'rating1', 'rating2', 'rating3',
  'rating4', 'rating5', 'sent_to_repeat', 'repeat_positive', 'repeat_negative', 'repeat_open', 'repeat_other', 'reopened',
] as const;
export type FactMeasure = (typeof FACT_MEASURES)[number];

/**
 * Transitions that change none of a case's facts: not counted themselves, and leaving what the state
 * fact reads (closed or not, overdue, organisation) and the later facts' inputs as they were. The
 * projection skips the rollups for them. Keep in step with FACTS_SQL (the full-scan checks would fail).
 */
export const FACTLESS_TRANSITIONS: readonly string[] = [
  'taken_into_work', 'clarification_requested', 'clarification_replied', 'reminder', 'acknowledged', 'advisory_term_missed',
];

/** Transitions after which the case is at a (new) organisation: the time until a redirect is counted from the latest. */
const ARRIVALS = `('registered', 'redirected', 'reassigned', 'escalated', 'reopened')`;
/** Transitions that start a round of processing: the answer time is counted from the latest. */
const ROUND_STARTS = `('registered', 'escalated', 'reopened')`;

/** The measures of one transition's fact (w: the event with its window columns, c: the case). */
const EVENT_MEASURES: Record<FactMeasure, string> = {
  received: `(w.type = 'registered')::int`,
  answered: `(w.type = 'answered')::int`,
  answered_on_time: `(w.type = 'answered' and (w.snapshot->>'answerDueAt' is null or w.at <= (w.snapshot->>'answerDueAt')::timestamptz))::int`,
  advisory_answered: `(w.type = 'answered' and w.advisory_due_at is not null)::int`,
  advisory_on_time: `(w.type = 'answered' and w.at <= w.advisory_due_at)::int`,
  answer_seconds: `case when w.type = 'answered' then round(extract(epoch from w.at - coalesce(w.round_started_at, c.registered_at)))::bigint else 0 end`,
  closed: `(w.type in ('rated', 'closed', 'left_without_answer'))::int`,
  open_now: '0',
  overdue_now: '0',
  extensions: `(w.type = 'term_extended')::int`,
  redirects: `(w.type in ('redirected', 'reassigned'))::int`,
  redirect_lost_seconds: `case when w.type in ('redirected', 'reassigned') then round(extract(epoch from w.at - coalesce(w.arrived_at, c.registered_at)))::bigint else 0 end`,
  rated: `(w.rating is not null)::int`,
  rating1: `(w.rating = 1)::int`,
  rating2: `(w.rating = 2)::int`,
  rating3: `(w.rating = 3)::int`,
  rating4: `(w.rating = 4)::int`,
  rating5: `(w.rating = 5)::int`,
  sent_to_repeat: `(w.type = 'escalated')::int`,
  repeat_positive: `(w.type = 'escalated' and w.next_rating % 10 = 1)::int`,
  repeat_negative: `(w.type = 'escalated' and w.next_rating % 10 = 2)::int`,
  repeat_open: `(w.type = 'escalated' and w.next_rating is null and c.status <> 'closed')::int`,
  repeat_other: `(w.type = 'escalated' and w.next_rating is null and c.status = 'closed')::int`,
  reopened: `(w.type = 'reopened')::int`,
};

/** The measures of a case's state fact: what is true of it now, counted in its registration month. */
const STATE_MEASURES: Partial<Record<FactMeasure, string>> = {
  open_now: `(c.status <> 'closed')::int`,
  overdue_now: `(c.status <> 'closed' and c.overdue)::int`,
};

/**
 * An incident's transitions as facts, read from its cases row (incidents write no case_events): it is
 * received at registration, answered by its public reply (on time when by its term in hours, which never
 * moves), closed by the reply or a dismissal; always at the one organisation routing chose. Its open and
 * overdue state is the state fact, as for any case.
 */
const INCIDENT_EVENTS = `
      select c.id as case_id, x.seq, x.type, jsonb_build_object('answerDueAt', c.answer_due_at) as snapshot,
             c.organisation_id, x.at, null::int as rating, null::timestamptz as advisory_due_at
        from c cross join lateral (values (1, 'registered', c.registered_at), (2, 'answered', c.answered_at), (3, 'closed', c.closed_at)) x(seq, type, at)
       where c.case_type = 'incident' and x.at is not null`;

const monthOf = (at: string) => `(date_trunc('month', ${at} at time zone c.time_zone))::date`;

/**
 * Every fact of the cases that `caseFilter` (a condition on `cases c`) selects: one row per fact with
 * the rollup key, the measures and answer_days (whole days of answer time, a started day counted as
 * one; null on facts that are not answers).
 */
export function factsSql(caseFilter: string): string {
  const eventMeasures = FACT_MEASURES.map((m) => `coalesce(${EVENT_MEASURES[m]}, 0) as ${m}`).join(', '); // a comparison with null counts 0
  const stateMeasures = FACT_MEASURES.map((m) => `${STATE_MEASURES[m] ?? '0'} as ${m}`).join(', ');
  return `
    with c as (
      select c.id, c.region_id, coalesce(c.territory_id, '') as territory_id, coalesce(c.category_id, '') as category_id,
             c.channel, c.status, c.overdue, coalesce(c.organisation_id, '') as organisation_id, c.registered_at,
             c.advisory_due_at, c.case_type, c.answer_due_at, c.answered_at, c.closed_at, r.time_zone
        from cases c join regions r on r.id = c.region_id
       where ${caseFilter}
    ), e as (
      select e.case_id, e.seq, e.type, e.snapshot,
             coalesce(case when e.type in ('redirected', 'reassigned', 'escalated') then coalesce(e.from_organisation_id, e.details->>'from') end,
                      e.organisation_id, '') as organisation_id,
             case when e.type = 'registered' then c.registered_at else e.occurred_at end as at,
             case when e.type in ('rated', 'escalated', 'closed') then (e.details->>'rating')::int end as rating,
             -- the advisory target as the event saw it (older events without it in their snapshot: the case's)
             case when e.snapshot->'advisoryDueAt' is not null then (e.snapshot->>'advisoryDueAt')::timestamptz else c.advisory_due_at end as advisory_due_at
        from case_events e join c on c.id = e.case_id
      union all
      ${INCIDENT_EVENTS}
    ), w as (
      select e.*,
             max(case when e.type in ${ARRIVALS} then e.at end) over earlier as arrived_at,
             max(case when e.type in ${ROUND_STARTS} then e.at end) over earlier as round_started_at,
             -- the next rating after this event: seq*10 + 1 positive, + 2 negative (again escalated or closed at the top)
             min(case when e.type = 'rated' then e.seq * 10 + 1 when e.type in ('escalated', 'closed') and e.rating is not null then e.seq * 10 + 2 end)
               over later as next_rating
        from e
      window earlier as (partition by e.case_id order by e.seq rows between unbounded preceding and 1 preceding),
             later as (partition by e.case_id order by e.seq rows between 1 following and unbounded following)
    )
    select c.region_id, ${monthOf('w.at')} as month, w.organisation_id, c.territory_id, c.category_id, c.channel, ${eventMeasures},
           case when w.type = 'answered' then ceil(extract(epoch from w.at - coalesce(w.round_started_at, c.registered_at)) / 86400)::int end as answer_days
      from w join c on c.id = w.case_id
     where w.type in ('registered', 'answered', 'term_extended', 'redirected', 'reassigned', 'rated', 'escalated', 'closed', 'left_without_answer', 'reopened')
    union all
    select c.region_id, ${monthOf('c.registered_at')} as month, c.organisation_id, c.territory_id, c.category_id, c.channel, ${stateMeasures},
           null::int as answer_days
      from c`;
}

export type RollupKey = Record<(typeof ROLLUP_KEY)[number], string | number>;
/** A fact: the full key of its case (every dimension), its measures, its answer days. */
export interface Fact extends Record<'region_id' | 'month' | Dimension, string> {
  measures: Record<FactMeasure, number>;
  answerDays: number | null;
}

function monthText(v: unknown): string {
  if (typeof v === 'string') return v.slice(0, 10);
  const d = v as Date; // node-postgres reads `date` as local midnight
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** One case's facts: the statement every projected transition runs (twice for most), prepared. */
const CASE_FACTS_SQL = factsSql('c.id = ?');

/** The facts of one case as the read model has it now (inside the caller's transaction). */
export async function caseFacts(db: Db | Knex.Transaction, caseId: string): Promise<Fact[]> {
  const { rows } = await db.raw(CASE_FACTS_SQL, [caseId]).options(prepared(CASE_FACTS_SQL));
  return (rows as Record<string, unknown>[]).map((r) => ({
    region_id: r.region_id as string,
    month: monthText(r.month),
    organisation_id: r.organisation_id as string,
    territory_id: r.territory_id as string,
    category_id: r.category_id as string,
    channel: r.channel as string,
    measures: Object.fromEntries(FACT_MEASURES.map((m) => [m, Number(r[m])])) as Record<FactMeasure, number>,
    answerDays: r.answer_days === null ? null : Number(r.answer_days),
  }));
}

const keyText = (k: RollupKey) => ROLLUP_KEY.map((c) => String(k[c])).join('\u0000');

/** after − before, by rollup key (and by answer days), without the keys where nothing changed. */
export function factsDelta(before: Fact[], after: Fact[]) {
  const sums = new Map<string, { key: RollupKey; measures: Record<FactMeasure, number> }>();
  const days = new Map<string, { key: RollupKey; hist: number[] }>();
  const keys = (f: Fact): RollupKey[] => GRAINS.map((g) => ({
    region_id: f.region_id, grain: g.id, month: f.month, ...Object.fromEntries(DIMENSIONS.map((d) => [d, g.dims.includes(d) ? f[d] : '*'])),
  }) as RollupKey);
  for (const [facts, sign] of [[before, -1], [after, 1]] as const) {
    for (const f of facts.flatMap((x) => keys(x).map((key) => ({ ...x, key })))) {
      const key = f.key;
      const k = keyText(key);
      const s = sums.get(k) ?? { key, measures: Object.fromEntries(FACT_MEASURES.map((m) => [m, 0])) as Record<FactMeasure, number> };
      for (const m of FACT_MEASURES) s.measures[m] += sign * f.measures[m];
      sums.set(k, s);
      if (f.answerDays !== null && hasHistogram(Number(key.grain))) {
        const d = days.get(k) ?? { key, hist: [] };
        for (let i = d.hist.length; i <= f.answerDays; i++) d.hist.push(0);
        d.hist[f.answerDays] += sign;
        days.set(k, d);
      }
    }
  }
  const byKey = <T extends { key: RollupKey }>(a: [string, T], b: [string, T]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return {
    rollup: [...sums.entries()].sort(byKey).map(([, v]) => v).filter((v) => FACT_MEASURES.some((m) => v.measures[m] !== 0)),
    answerDays: [...days.entries()].sort(byKey).map(([, v]) => v).filter((v) => v.hist.some((n) => n !== 0)),
  };
}

/**
 * How many rows each rollup key is kept in (db/migrations/20261207012001_rollup_shards.ts): projections of
 * different cases lock their region's month-wide rows until they commit, and with one row per key each
 * waited for the one before it. Readers sum over the shards.
 */
export const ROLLUP_SHARDS = 16;

/** The shard a case's changes of the rollups go to: a stable hash of its id (FNV-1a). */
export function shardOf(caseId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < caseId.length; i++) h = Math.imul(h ^ caseId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % ROLLUP_SHARDS;
}

/** A rollup row's key in its table: the logical key and the shard. */
const SHARDED_KEY = [...ROLLUP_KEY, 'shard'];

/**
 * Upserts rows into a rollup table in one statement of one text whatever their number: the rows as one
 * JSON array, typed by the table's own row type, inserted in their order (the delta's key order, so that
 * concurrent writers lock rows in one order). Prepared, like the facts read: rows written into the text
 * were parsed and planned anew at every transition.
 */
function rollupUpsertSql(table: string, columns: readonly string[], onConflict: string): string {
  const list = columns.join(', ');
  return `insert into ${table} (${list})
    select ${list} from json_populate_recordset(null::${table}, ?::json) with ordinality as d order by d.ordinality
    on conflict (${SHARDED_KEY.join(', ')}) do update set ${onConflict}`;
}

const ROLLUP_UPSERT_SQL = rollupUpsertSql('monitoring_rollup', [...SHARDED_KEY, ...FACT_MEASURES],
  FACT_MEASURES.map((m) => `${m} = monitoring_rollup.${m} + excluded.${m}`).join(', '));
const ANSWER_DAYS_UPSERT_SQL = rollupUpsertSql('monitoring_answer_days', [...SHARDED_KEY, 'hist'],
  'hist = monitoring_hist_add(monitoring_answer_days.hist, excluded.hist)');

/** Adds a delta to the rollups' shard; rows in key order, so that concurrent writers lock them in one order. */
export async function applyFactsDelta(trx: Knex.Transaction, delta: ReturnType<typeof factsDelta>, shard = 0): Promise<void> {
  const upsert = (sql: string, rows: object[]) => trx.raw(sql, [JSON.stringify(rows)]).options(prepared(sql));
  if (delta.rollup.length > 0) await upsert(ROLLUP_UPSERT_SQL, delta.rollup.map((r) => ({ ...r.key, shard, ...r.measures })));
  if (delta.answerDays.length > 0) await upsert(ANSWER_DAYS_UPSERT_SQL, delta.answerDays.map((r) => ({ ...r.key, shard, hist: r.hist })));
}

/**
 * Brings the rollups from a case's facts `before` (read at the start of the transaction that changes the
 * case) to its facts now, in the case's shard. Called once per projected transition, in its transaction.
 */
export async function refreshCaseRollup(trx: Knex.Transaction, caseId: string, before: Fact[]): Promise<void> {
  await applyFactsDelta(trx, factsDelta(before, await caseFacts(trx, caseId)), shardOf(caseId));
}

const SUMS = FACT_MEASURES.map((m) => `sum(${m})::bigint as ${m}`).join(', ');

/** Every grain's key columns over the facts grouped by grouping sets ('*' for a dimension summed over). */
function grainSelect(extra: string[], grains = GRAINS): { columns: string; groupBy: string } {
  // grouping(d1, …, d4) sets a bit, most significant first, for each dimension summed over.
  const bitsOf = (dims: readonly Dimension[]) => DIMENSIONS.reduce((acc, d, i) => acc | (dims.includes(d) ? 0 : 1 << (DIMENSIONS.length - 1 - i)), 0);
  const grain = `case grouping(${DIMENSIONS.join(', ')}) ${grains.map((g) => `when ${bitsOf(g.dims)} then ${g.id}`).join(' ')} end`;
  const sets = grains.map((g) => `(${['region_id', 'month', ...g.dims, ...extra].join(', ')})`).join(', ');
  return {
    columns: ['region_id', `${grain} as grain`, 'month', ...DIMENSIONS.map((d) => `coalesce(${d}, '*') as ${d}`), ...extra].join(', '),
    groupBy: `group by grouping sets (${sets})`,
  };
}

/** The rollup rows of every grain, summed from the facts of the cases `caseFilter` selects. */
function grainSums(caseFilter: string): string {
  const g = grainSelect([]);
  return `select ${g.columns}, ${SUMS} from (${factsSql(caseFilter)}) f ${g.groupBy}`;
}

/** The answers of every grain by key and whole days (rows of key, answer_days, answers). */
function grainDays(caseFilter: string): string {
  const g = grainSelect(['answer_days'], HISTOGRAM_GRAINS);
  return `select ${g.columns}, count(*)::bigint as answers from (${factsSql(caseFilter)}) f where answer_days is not null ${g.groupBy}`;
}

/** The histograms of every grain: an array per key, element i the answers of i − 1 days. */
function grainHistograms(caseFilter: string): string {
  const keys = ROLLUP_KEY.join(', ');
  const same = ROLLUP_KEY.map((c) => `d.${c} = k.${c}`).join(' and ');
  return `with d as (${grainDays(caseFilter)})
    select ${ROLLUP_KEY.map((c) => `k.${c}`).join(', ')}, array_agg(coalesce(d.answers, 0)::int order by n) as hist
      from (select ${keys}, max(answer_days) as top from d group by ${keys}) k
      cross join lateral generate_series(0, k.top) n
      left join d on ${same} and d.answer_days = n
     group by ${ROLLUP_KEY.map((c) => `k.${c}`).join(', ')}`;
}

/** Recomputes both rollups from the read model (all regions), in one transaction. */
export async function rebuildRollups(db: Db): Promise<{ rollupRows: number; answerDayRows: number; seconds: number }> {
  const t0 = Date.now();
  return db.transaction(async (trx) => {
    // Projections wait for the rebuild; one that read its case's facts before waits here too and then
    // applies its change on top of the rebuilt rows, which do not contain it yet (see the migration).
    await trx.raw('lock table monitoring_rollup, monitoring_answer_days in exclusive mode');
    await trx.raw('delete from monitoring_rollup');
    await trx.raw('delete from monitoring_answer_days');
    const keys = ROLLUP_KEY.join(', ');
    const a = await trx.raw(`insert into monitoring_rollup (${keys}, ${FACT_MEASURES.join(', ')}) ${grainSums('true')}`);
    const b = await trx.raw(`insert into monitoring_answer_days (${keys}, hist) ${grainHistograms('true')}`);
    await trx.raw('analyze monitoring_rollup, monitoring_answer_days'); // the planner's estimates for the new rows
    return { rollupRows: a.rowCount ?? 0, answerDayRows: b.rowCount ?? 0, seconds: (Date.now() - t0) / 1000 };
  });
}

/** The rollup rows of a region as stored, and as a full scan of its cases computes them (for checks: equal). */
export async function compareWithFullScan(db: Db, regionId: string) {
  const keys = ROLLUP_KEY.join(', ');
  const measures = FACT_MEASURES.join(', ');
  const order = `order by ${keys}`;
  const nonZero = FACT_MEASURES.map((m) => `${m} <> 0`).join(' or ');
  const stored = await db.raw(`select * from (select ${keys}, ${SUMS} from monitoring_rollup where region_id = ? group by ${keys}) s
    where ${nonZero} ${order}`, [regionId]);
  const scanned = await db.raw(`select * from (${grainSums('c.region_id = ?')}) s where ${nonZero} ${order}`, [regionId]);
  const storedDays = await db.raw(`select ${keys}, (d.i - 1)::int as answer_days, sum(d.v)::bigint as answers
    from monitoring_answer_days, unnest(hist) with ordinality d(v, i) where region_id = ?
    group by ${keys}, d.i having sum(d.v) <> 0 ${order}, answer_days`, [regionId]);
  const scannedDays = await db.raw(`select * from (${grainDays('c.region_id = ?')}) s ${order}, answer_days`, [regionId]);
  const numeric = new Set<string>([...FACT_MEASURES, 'grain', 'answer_days', 'answers']);
  const norm = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'month' ? monthText(v) : numeric.has(k) ? Number(v) : v])));
  return {
    stored: norm(stored.rows), scanned: norm(scanned.rows),
    storedAnswerDays: norm(storedDays.rows), scannedAnswerDays: norm(scannedDays.rows),
  };
}
