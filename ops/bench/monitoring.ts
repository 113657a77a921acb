// Analytics at region scale (issue 13): N cases of the seeded Altai region generated into the read model
// with SQL (cases and their case_events: registered, redirected, extended, answered — a quarter of them
// late —, rated, escalated after a low rating, closed when the rating window passed), the monitoring
// rollups rebuilt from them (`ops monitoring rebuild`), then the indicators and the rating asked over
// HTTP round-robin and their latency taken. Also the cost the projection pays per transition to keep the
// rollups current (a case's facts read before and after, the delta written).
import { performance } from 'node:perf_hooks';
import type { Db } from '../../db/connection';
import { createUserWithToken } from '../../domain/identity/users';
import { caseFacts, rebuildRollups, refreshCaseRollup } from '../../domain/monitoring/facts';
import { latencyStats, REGION, type LatencyStats } from './load';
import type { Platform } from './platform';

export interface AnalyticsSettings {
  cases: number;
  /** Rounds over the query set; each round asks every query once. */
  rounds: number;
}

export interface AnalyticsResult {
  measured: true;
  cases: number;
  events: number;
  generateSeconds: number;
  rebuildSeconds: number;
  rollupRows: number;
  answerDayRows: number;
  queries: { name: string; path: string; latency: LatencyStats }[];
  overall: LatencyStats;
  /** Keeping the rollups current: one case's facts read before and after a transition, and the delta applied. */
  refresh: LatencyStats;
  reason: string;
}

/** The cases' plan: every random choice from hashes of n, so that a run is repeatable. */
const PLAN_SQL = `
  create temp table bench_plan on commit drop as
  with o as (
    select array_agg(id order by id) as ids, array_agg(coalesce(territory_id, '') order by id) as territories
      from organisations where region_id = ? and 'appeals' = any(modules) and active
  ), s as (
    select array_agg(id order by id) as subs, array_agg(parent_id order by id) as cats from categories where region_id = ? and parent_id is not null
  ), g as (
    -- non-negative 31-bit hashes of n
    select n, hashint4(n) & 2147483647 as h1, hashint4(n + 1000000007) & 2147483647 as h2, hashint4(n + 2000000011) & 2147483647 as h3
      from generate_series(1, ?::int) n
  ), p as (
    select g.*, o.ids[1 + g.h1 % array_length(o.ids, 1)] as org, o.ids[1 + g.h2 % array_length(o.ids, 1)] as org2,
           o.territories[1 + g.h1 % array_length(o.ids, 1)] as territory,
           s.subs[1 + g.h3 % array_length(s.subs, 1)] as sub, s.cats[1 + g.h3 % array_length(s.subs, 1)] as cat,
           case when g.h2 % 10 < 7 then 'web' when g.h2 % 10 < 9 then 'open311' else 'integration' end as channel,
           now() - make_interval(mins => (g.h1 % (365 * 24 * 60))::int) as reg_at,
           g.h2 % 100 < 8 as redirected, g.h3 % 100 < 5 as extended, g.h1 % 100 < 85 as will_answer,
           1 + (g.h3 / 7) % 40 + (g.h2 % 24) / 24.0 as answer_days,
           case when (g.h2 / 11) % 100 < 65 then 1 + (g.h1 / 13) % 5 end as rating
      from g, o, s
  )
  select p.*, p.reg_at + interval '30 days' + case when p.extended then interval '10 days' else interval '0' end as due_at,
         p.reg_at + make_interval(secs => p.answer_days * 86400) as ans_at,
         p.will_answer and p.reg_at + make_interval(secs => p.answer_days * 86400) < now() as answered
    from p`;

const CASES_SQL = `
  insert into cases (id, case_type, kind, region_id, category_id, subcategory_id, territory_id, text, organisation_id, status, overdue,
                     registered_at, answer_due_at, answered_at, closed_at, rating, round, extended, channel, last_seq, state)
  select 'B-' || n, 'appeal', 'appeal', ?, cat, sub, nullif(territory, ''), 'bench case', case when redirected then org2 else org end,
         case when not answered then 'in_work' when rating > 2 then 'closed' when rating is not null then 'registered'
              when ans_at + interval '10 days' < now() then 'closed' else 'answered' end,
         -- rated 2 or lower: escalated, a new round with a new term from the day after the answer
         case when answered and rating <= 2 then ans_at + interval '31 days' < now() else not answered and due_at < now() end,
         reg_at, case when answered and rating <= 2 then ans_at + interval '31 days' else due_at end, case when answered then ans_at end,
         case when answered and rating > 2 then ans_at + interval '1 day' when answered and rating is null and ans_at + interval '10 days' < now() then ans_at + interval '10 days' end,
         case when answered then rating end, case when answered and rating <= 2 then 2 else 1 end, extended, channel, 6, '{}'
    from bench_plan`;

/** The events of the plan: seq in the order they happened. */
const EVENTS_SQL = `
  insert into case_events (case_id, seq, type, actor_role, organisation_id, from_organisation_id, snapshot, details, occurred_at)
  select 'B-' || n, 1, 'registered', 'system', org, null, jsonb_build_object('answerDueAt', reg_at + interval '30 days'), '{}', reg_at from bench_plan
  union all
  select 'B-' || n, 2, 'redirected', 'operator', org2, org, null, jsonb_build_object('from', org, 'to', org2), reg_at + interval '1 day' from bench_plan where redirected
  union all
  select 'B-' || n, 3, 'term_extended', 'operator', case when redirected then org2 else org end, null, jsonb_build_object('answerDueAt', due_at), '{"days": 10}',
         reg_at + interval '5 days' from bench_plan where extended
  union all
  select 'B-' || n, 4, 'answered', 'operator', case when redirected then org2 else org end, null, jsonb_build_object('answerDueAt', due_at), '{}', ans_at
    from bench_plan where answered
  union all
  select 'B-' || n, 5, case when rating > 2 then 'rated' else 'escalated' end, 'citizen', case when redirected then org2 else org end,
         case when rating <= 2 then case when redirected then org2 else org end end, null,
         jsonb_build_object('rating', rating, 'from', case when redirected then org2 else org end), ans_at + interval '1 day'
    from bench_plan where answered and rating is not null
  union all
  select 'B-' || n, 5, 'closed', 'system', case when redirected then org2 else org end, null, null, '{"resolution": "rating_window_expired"}', ans_at + interval '10 days'
    from bench_plan where answered and rating is null and ans_at + interval '10 days' < now()`;

export async function generate(db: Db, cases: number): Promise<{ events: number; seconds: number }> {
  const t0 = performance.now();
  let events = 0;
  await db.transaction(async (trx) => {
    await trx.raw(PLAN_SQL, [REGION, REGION, cases]);
    await trx.raw(CASES_SQL, [REGION]);
    events = (await trx.raw(EVENTS_SQL)).rowCount ?? 0;
  });
  await db.raw('analyze cases; analyze case_events');
  return { events, seconds: (performance.now() - t0) / 1000 };
}

/** The indicator and rating requests asked round-robin: totals, time series, breakdowns, filters. */
async function querySet(db: Db): Promise<{ name: string; path: string }[]> {
  const now = new Date();
  const ym = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  const year = `from=${ym(new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth() + 1, 1)))}&to=${ym(now)}`;
  const q = Math.floor(now.getUTCMonth() / 3); // the last full quarter
  const quarter = q === 0 ? `${now.getUTCFullYear() - 1}-Q4` : `${now.getUTCFullYear()}-Q${q}`;
  const district = (await db('territories').where({ region_id: REGION, kind: 'municipal_district' }).orderBy('id').first('id'))?.id;
  const parent = (await db('organisations').where({ region_id: REGION }).whereIn('id', db('organisations').whereNotNull('parent_id').select('parent_id'))
    .orderBy('id').first('id'))?.id;
  return [
    { name: 'totals, 12 months', path: `/monitoring/indicators?${year}` },
    { name: 'by month', path: `/monitoring/indicators?${year}&groupBy=month` },
    { name: 'by organisation', path: `/monitoring/indicators?${year}&groupBy=organisation` },
    { name: 'by quarter and category', path: `/monitoring/indicators?${year}&groupBy=quarter&groupBy=category` },
    { name: 'a district by month', path: `/monitoring/indicators?${year}&territoryId=${district}&groupBy=month` },
    { name: 'an organisation subtree by month', path: `/monitoring/indicators?${year}&organisationId=${parent}&groupBy=month` },
    { name: 'a channel by territory', path: `/monitoring/indicators?${year}&channel=open311&groupBy=territory` },
    { name: 'rating of organisations', path: `/monitoring/regions/${REGION}/rating?quarter=${quarter}` },
    { name: 'rating of municipalities', path: `/monitoring/regions/${REGION}/rating?quarter=${quarter}&subject=municipality` },
  ];
}

async function timedGet(url: string, token: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return performance.now() - t0;
}

/**
 * What each projected transition adds to keep the rollups current: the case's facts read before, read
 * after, and the delta written (here: all of its facts, as for a new case), in a transaction rolled back.
 */
async function refreshCost(db: Db, cases: number, samples: number): Promise<LatencyStats> {
  const out: number[] = [];
  const rollback = new Error('rollback');
  for (let i = 0; i < samples; i++) {
    const id = `B-${1 + ((i * 7919) % cases)}`;
    const t0 = performance.now();
    await db.transaction(async (trx) => {
      await caseFacts(trx, id);
      await refreshCaseRollup(trx, id, []);
      throw rollback;
    }).catch((e: unknown) => { if (e !== rollback) throw e; });
    out.push(performance.now() - t0);
  }
  return latencyStats(out);
}

export async function measureAnalytics(platform: Platform, s: AnalyticsSettings, log: (line: string) => void): Promise<AnalyticsResult> {
  const { db } = platform;
  log(`analytics: generating ${s.cases} cases of ${REGION} into the read model`);
  const gen = await generate(db, s.cases);
  log(`analytics: ${s.cases} cases, ${gen.events} events in ${gen.seconds.toFixed(1)} s; rebuilding the rollups`);
  const rebuilt = await rebuildRollups(db);
  log(`analytics: rollups rebuilt in ${rebuilt.seconds.toFixed(1)} s (${rebuilt.rollupRows} rows, ${rebuilt.answerDayRows} answer-day rows)`);
  const token = (await createUserWithToken(db, { role: 'analyst', name: 'Аналитик (бенчмарк)', regionId: REGION, label: 'bench' })).token;
  const queries = await querySet(db);
  for (const q of queries) await timedGet(platform.apiUrl + q.path, token); // warm-up: plans, connections
  const samples = new Map<string, number[]>(queries.map((q) => [q.name, []]));
  for (let round = 0; round < s.rounds; round++) {
    for (const q of queries) samples.get(q.name)!.push(await timedGet(platform.apiUrl + q.path, token));
  }
  const perQuery = queries.map((q) => ({ ...q, latency: latencyStats(samples.get(q.name)!) }));
  const overall = latencyStats([...samples.values()].flat());
  const refresh = await refreshCost(db, s.cases, 10 * s.rounds);
  log(`analytics: p50 / p95 / p99 ${overall.p50Ms} / ${overall.p95Ms} / ${overall.p99Ms} ms over ${overall.count} requests; refresh p95 ${refresh.p95Ms} ms`);
  return {
    measured: true, cases: s.cases, events: gen.events, generateSeconds: round1(gen.seconds), rebuildSeconds: round1(rebuilt.seconds),
    rollupRows: rebuilt.rollupRows, answerDayRows: rebuilt.answerDayRows, queries: perQuery, overall, refresh,
    reason: `${s.cases.toLocaleString('en')} cases: indicators and ratings p50 / p95 / p99 ${overall.p50Ms} / ${overall.p95Ms} / ${overall.p99Ms} ms over ${overall.count} requests`,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
