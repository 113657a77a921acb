// The official pages table of a region (for the regional management centre, as Altai's letter of
// 24.09.2021 reports organisations' readiness by municipal district): per organisation and per municipal
// district, the pages connected (active), those with the state-organisation mark, those with the
// platform's widget, and the posts published in a period. Organisations counted are those that use the
// official pages module or have a page.
import type { Db } from '../../db/connection';
import { problems } from '../problem';

/** Territory kinds that are a municipal district for this table (an organisation's territory or its ancestor). */
export const DISTRICT_KINDS = ['municipal_district', 'municipal_okrug', 'city_district'] as const;

export interface PagesCounts {
  pages: number;
  marked: number;
  withWidget: number;
  published: number;
}

export interface OrganisationPagesRow extends PagesCounts {
  organisationId: string;
  organisationName: string;
  districtId: string | null;
}

export interface DistrictPagesRow extends PagesCounts {
  /** null: organisations above the districts (the region's own bodies). */
  districtId: string | null;
  districtName: string | null;
  organisations: number;
  /** Organisations with at least one connected page. */
  connectedOrganisations: number;
}

export interface PagesReport {
  regionId: string;
  from: string;
  to: string;
  organisations: OrganisationPagesRow[];
  districts: DistrictPagesRow[];
  total: Omit<DistrictPagesRow, 'districtId' | 'districtName'>;
}

const KINDS = DISTRICT_KINDS.map((k) => `'${k}'`).join(', ');

const ORGANISATION_ROWS = `
with recursive params as (
  select r.id as region_id, (?::date)::timestamp at time zone r.time_zone as since, (?::date + 1)::timestamp at time zone r.time_zone as until
  from regions r where r.id = ?
), up as (
  select t.id as territory_id, t.id, t.parent_id, t.kind from territories t, params where t.region_id = params.region_id
  union all
  select up.territory_id, t.id, t.parent_id, t.kind from up join territories t on t.id = up.parent_id
  where up.kind not in (${KINDS})
), district_of as (
  select territory_id, id as district_id from up where kind in (${KINDS})
)
select o.id, o.name, d.district_id,
  count(p.id) filter (where p.active)::int as pages,
  count(p.id) filter (where p.active and p.state_mark)::int as marked,
  count(p.id) filter (where p.active and p.widget_placed)::int as with_widget,
  (select count(*) from publications pub, params
    where pub.organisation_id = o.id and pub.status = 'published' and pub.published_at >= params.since and pub.published_at < params.until)::int as published
from organisations o
join params on params.region_id = o.region_id
left join district_of d on d.territory_id = o.territory_id
left join official_pages p on p.organisation_id = o.id
where o.active
group by o.id, o.name, d.district_id
having 'official_pages' = any(o.modules) or count(p.id) > 0
order by d.district_id nulls first, o.id`;

function sum(rows: OrganisationPagesRow[]): Omit<DistrictPagesRow, 'districtId' | 'districtName'> {
  return {
    organisations: rows.length,
    connectedOrganisations: rows.filter((r) => r.pages > 0).length,
    pages: rows.reduce((n, r) => n + r.pages, 0),
    marked: rows.reduce((n, r) => n + r.marked, 0),
    withWidget: rows.reduce((n, r) => n + r.withWidget, 0),
    published: rows.reduce((n, r) => n + r.published, 0),
  };
}

/** The table for the region's dates from..to (inclusive, in the region's time zone). */
export async function pagesReport(db: Db, regionId: string, from: string, to: string): Promise<PagesReport> {
  if (from > to) throw problems.field('query', 'from', 'must not be after to');
  const region = await db('regions').where({ id: regionId }).first('id');
  if (!region) throw problems.notFound(`There is no region ${regionId}.`);
  const { rows } = await db.raw(ORGANISATION_ROWS, [from, to, regionId]);
  const organisations: OrganisationPagesRow[] = rows.map((r: Record<string, any>) => ({
    organisationId: r.id, organisationName: r.name, districtId: r.district_id,
    pages: r.pages, marked: r.marked, withWidget: r.with_widget, published: r.published,
  }));
  const districtIds = [...new Set(organisations.map((o) => o.districtId))];
  const names = new Map<string, string>((await db('territories').whereIn('id', districtIds.filter((d): d is string => d !== null)).select('id', 'name'))
    .map((t: { id: string; name: string }) => [t.id, t.name]));
  const districts = districtIds.map((districtId) => ({
    districtId, districtName: districtId ? names.get(districtId) ?? districtId : null,
    ...sum(organisations.filter((o) => o.districtId === districtId)),
  }));
  return { regionId, from, to, organisations, districts, total: sum(organisations) };
}
