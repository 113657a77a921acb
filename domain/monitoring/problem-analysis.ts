// Problem analysis for preventive measures (Astrakhan order 472-Пр: analysis of re-opened and low-rated
// cases): which categories, organisations and municipal districts collect low ratings, repeat processing
// and overdue cases, period over period, with example cases. Counted from the case events of the two
// periods (case_events, indexed by time), one aggregate over three dimensions at once:
//   - low rating: an answer rated at or below the region's threshold: the workflow escalated the case
//     (`escalated`) or closed it at the top (`closed` with a rating); counted for the organisation whose
//     answer was rated (the escalation's `from`);
//   - repeat processing: a new round (`escalated` after a low rating, `reopened` by a supervisor), counted
//     for the organisation whose round ended;
//   - overdue: the binding term passed (`overdue`), for the organisation handling the case then;
//   - received: `registered`, for scale.
// Examples show the applicant and the text only of cases the caller may see (domain/cases/access.ts).
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { AuthUser } from '../identity/users';
import { canSeeCase } from '../cases/access';
import { loadDistricts } from './districts';
import type { ReportPeriodDays } from './report-period';

export type ProblemAnalysis = components['schemas']['ProblemAnalysis'];
export type ProblemGroup = components['schemas']['ProblemGroup'];
export type ProblemCounts = components['schemas']['ProblemCounts'];
export type ProblemExample = components['schemas']['ProblemExample'];
export type ProblemDimension = 'categories' | 'organisations' | 'territories';

const DIMENSIONS: ProblemDimension[] = ['categories', 'organisations', 'territories'];

/** The period's events of the region that the analysis counts, with their dimensions. Bindings in order. */
function eventsSql(regionId: string | null, period: ReportPeriodDays, districtOf: Map<string, string>): { sql: string; bindings: Knex.RawBinding[] } {
  const districts = JSON.stringify([...districtOf].map(([territory_id, district_id]) => ({ territory_id, district_id })));
  return {
    sql: `with ev as (
      select e.case_id, e.type, e.occurred_at, (e.details->>'rating')::int as rating,
        case when e.type = 'escalated' then coalesce(e.from_organisation_id, e.details->>'from') else e.organisation_id end as organisation_id,
        c.category_id, td.district_id, e.occurred_at >= ? as cur
      from case_events e
      join cases c on c.id = e.case_id
      left join json_to_recordset(?::json) as td(territory_id text, district_id text) on td.territory_id = c.territory_id
      where (?::text is null or c.region_id = ?) and e.occurred_at >= ? and e.occurred_at < ?
        and (e.type in ('registered', 'escalated', 'reopened', 'overdue') or (e.type = 'closed' and e.details->>'rating' is not null))
    ), dim as (
      select ev.*, d.dimension, d.key from ev
      cross join lateral (values ('categories', ev.category_id), ('organisations', ev.organisation_id), ('territories', ev.district_id)) as d(dimension, key)
    )`,
    bindings: [period.fromAt, districts, regionId, regionId, period.previousFromAt, period.toAt],
  };
}

const COUNTS = `
  count(*) filter (where type = 'registered' and cur) as received_cur,
  count(*) filter (where type in ('escalated', 'closed') and cur) as low_cur,
  count(*) filter (where type in ('escalated', 'reopened') and cur) as repeat_cur,
  count(*) filter (where type = 'overdue' and cur) as overdue_cur,
  count(*) filter (where type = 'registered' and not cur) as received_prev,
  count(*) filter (where type in ('escalated', 'closed') and not cur) as low_prev,
  count(*) filter (where type in ('escalated', 'reopened') and not cur) as repeat_prev,
  count(*) filter (where type = 'overdue' and not cur) as overdue_prev`;

export interface GroupCountsRow {
  dimension: ProblemDimension;
  key: string | null;
  current: ProblemCounts;
  previous: ProblemCounts;
}

function counts(received: number, lowRatings: number, repeatProcessing: number, overdue: number): ProblemCounts {
  return { received, lowRatings, repeatProcessing, overdue, problems: lowRatings + repeatProcessing + overdue };
}

/**
 * The groups worth a supervisor's attention: a problem in either period; most problems now first, then the
 * steepest rise, then the id. Pure and deterministic.
 */
export function rankGroups(rows: GroupCountsRow[], top: number): GroupCountsRow[] {
  return rows
    .filter((r) => r.current.problems > 0 || r.previous.problems > 0)
    .sort((a, b) => b.current.problems - a.current.problems
      || (b.current.problems - b.previous.problems) - (a.current.problems - a.previous.problems)
      || (a.key ?? '').localeCompare(b.key ?? ''))
    .slice(0, top);
}

async function groupCounts(db: Db, ev: { sql: string; bindings: Knex.RawBinding[] }): Promise<GroupCountsRow[]> {
  const { rows } = await db.raw(`${ev.sql} select dimension, key, ${COUNTS} from dim group by dimension, key`, ev.bindings);
  return (rows as Record<string, any>[]).map((r) => ({
    dimension: r.dimension,
    key: r.key ?? null,
    current: counts(Number(r.received_cur), Number(r.low_cur), Number(r.repeat_cur), Number(r.overdue_cur)),
    previous: counts(Number(r.received_prev), Number(r.low_prev), Number(r.repeat_prev), Number(r.overdue_prev)),
  }));
}

const PROBLEM_OF: Record<string, ProblemExample['problem']> = { escalated: 'low_rating', closed: 'low_rating', reopened: 'repeat_processing', overdue: 'overdue' };

/** The newest problem events of the current period per group, with their cases (for visibility). */
interface Examples {
  byGroup: Map<string, ProblemExample[]>;
  /** The cases whose applicant data the examples show, with their regions (for the audit log). */
  shownWithApplicant: Map<string, string>;
}

async function groupExamples(db: Db, ev: { sql: string; bindings: Knex.RawBinding[] }, perGroup: number, viewer: AuthUser): Promise<Examples> {
  const out: Examples = { byGroup: new Map(), shownWithApplicant: new Map() };
  if (perGroup === 0) return out;
  const { rows } = await db.raw(
    `${ev.sql} select x.*, c.status, c.category_id as case_category_id, c.territory_id, c.text, c.region_id, c.applicant_user_id,
        c.organisation_id as case_organisation_id, c.applicant_name, c.applicant_email, c.applicant_address
      from (select dim.*, row_number() over (partition by dimension, coalesce(key, '') order by occurred_at desc, case_id) as rn
            from dim where cur and type <> 'registered') x
      join cases c on c.id = x.case_id
      where x.rn <= ? order by x.dimension, x.key, x.rn`,
    [...ev.bindings, perGroup],
  );
  for (const r of rows as Record<string, any>[]) {
    const visible = canSeeCase(viewer, { applicant_user_id: r.applicant_user_id, organisation_id: r.case_organisation_id, region_id: r.region_id });
    const example: ProblemExample = {
      caseId: r.case_id, problem: PROBLEM_OF[r.type], at: new Date(r.occurred_at).toISOString(), status: r.status,
      categoryId: r.case_category_id ?? null, organisationId: r.organisation_id ?? null, territoryId: r.territory_id ?? null,
      rating: r.type === 'reopened' || r.type === 'overdue' ? null : (r.rating ?? null),
      ...(visible ? { applicant: { name: r.applicant_name, email: r.applicant_email, postalAddress: r.applicant_address }, text: r.text } : {}),
    };
    const k = `${r.dimension}\u0000${r.key ?? ''}`;
    out.byGroup.set(k, [...(out.byGroup.get(k) ?? []), example]);
    if (visible) out.shownWithApplicant.set(r.case_id, r.region_id);
  }
  return out;
}

async function namesOf(db: Db, regionId: string | null): Promise<Record<ProblemDimension, Map<string, string>>> {
  const of = (table: string) => (regionId === null ? db(table) : db(table).where({ region_id: regionId })).select('id', 'name');
  const [categories, organisations, territories] = await Promise.all([of('categories'), of('organisations'), of('territories')]);
  const map = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
  return { categories: map(categories), organisations: map(organisations), territories: map(territories) };
}

/** The analysis of a region (or of all regions: regionId null), and the cases whose applicant it shows. */
export async function problemAnalysis(
  db: Db,
  viewer: AuthUser,
  regionId: string | null,
  period: ReportPeriodDays,
  opts: { top: number; examples: number },
): Promise<{ analysis: ProblemAnalysis; shownWithApplicant: { caseId: string; regionId: string }[] }> {
  const { districtOf } = await loadDistricts(db, regionId);
  const ev = eventsSql(regionId, period, districtOf);
  const [all, examples, names] = await Promise.all([groupCounts(db, ev), groupExamples(db, ev, opts.examples, viewer), namesOf(db, regionId)]);
  const groups = (dimension: ProblemDimension): ProblemGroup[] =>
    rankGroups(all.filter((r) => r.dimension === dimension), opts.top).map((r) => ({
      id: r.key,
      name: r.key === null ? null : (names[dimension].get(r.key) ?? null),
      current: r.current,
      previous: r.previous,
      trend: r.current.problems - r.previous.problems,
      examples: examples.byGroup.get(`${dimension}\u0000${r.key ?? ''}`) ?? [],
    }));
  const [categories, organisations, territories] = DIMENSIONS.map(groups);
  const analysis: ProblemAnalysis = {
    regionId,
    period: { from: period.from, to: period.to },
    previousPeriod: { from: period.previousFrom, to: period.from },
    categories, organisations, territories,
  };
  const shown = new Set(DIMENSIONS.flatMap((d) => analysis[d].flatMap((g) => g.examples.filter((e) => e.applicant).map((e) => e.caseId))));
  return { analysis, shownWithApplicant: [...shown].map((caseId) => ({ caseId, regionId: examples.shownWithApplicant.get(caseId)! })) };
}
