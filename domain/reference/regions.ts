// Regions, their regulation profiles and territories, as the API reads and writes them. No Express here:
// the functions take the database and plain values and throw HttpProblem for the caller to render.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import { problems } from '../problem';

type S = components['schemas'];
type Conn = Db | Knex.Transaction;

function iso(v: Date | string): string {
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}

function regionOf(r: Record<string, any>): S['Region'] {
  return { id: r.id, name: r.name, timeZone: r.time_zone, numberPrefix: r.number_prefix };
}

export async function listRegions(db: Db): Promise<S['Region'][]> {
  return (await db('regions').orderBy('id')).map(regionOf);
}

export async function getRegion(db: Conn, regionId: string): Promise<S['Region']> {
  const r = await db('regions').where({ id: regionId }).first();
  if (!r) throw problems.notFound(`There is no region ${regionId}.`);
  return regionOf(r);
}

function profileOf(p: Record<string, any>): S['RegulationProfile'] {
  return {
    regionId: p.region_id,
    defaultTermDays: p.default_term_days,
    dayKind: p.day_kind,
    municipalTermsAdvisory: p.municipal_terms_advisory,
    negativeRatingThreshold: p.negative_rating_threshold,
    ratingWindowDays: p.rating_window_days,
    reminderOffsetsDays: p.reminder_offsets_days ?? [],
    extensionMaxDays: p.extension_max_days,
    calendar: { holidays: p.calendar?.holidays ?? [], workingWeekends: p.calendar?.workingWeekends ?? [] },
    eventDurations: p.event_durations ?? {},
    incidentTermHours: p.incident_term_hours,
    incidentReminderHours: p.incident_reminder_hours,
    updatedAt: iso(p.updated_at),
  };
}

export async function getRegulationProfile(db: Db, regionId: string): Promise<S['RegulationProfile']> {
  await getRegion(db, regionId);
  const p = await db('regulation_profiles').where({ region_id: regionId }).first();
  if (!p) throw problems.notFound(`Region ${regionId} has no regulation profile yet; an administrator can PUT one.`);
  return profileOf(p);
}

export async function putRegulationProfile(db: Db, regionId: string, input: S['RegulationProfileInput']): Promise<S['RegulationProfile']> {
  await getRegion(db, regionId);
  const overlap = input.calendar.holidays.filter((d) => input.calendar.workingWeekends.includes(d));
  if (overlap.length > 0) {
    throw problems.field('body', '/calendar/workingWeekends', `dates listed both as holidays and as working weekends: ${overlap.join(', ')}`);
  }
  for (const [type, range] of Object.entries(input.eventDurations ?? {})) {
    if (range && range.minDays > range.maxDays) throw problems.field('body', `/eventDurations/${type}`, 'minDays must not be greater than maxDays');
  }
  const row = {
    region_id: regionId,
    default_term_days: input.defaultTermDays,
    day_kind: input.dayKind,
    municipal_terms_advisory: input.municipalTermsAdvisory,
    negative_rating_threshold: input.negativeRatingThreshold,
    rating_window_days: input.ratingWindowDays,
    reminder_offsets_days: [...input.reminderOffsetsDays].sort((a, b) => b - a),
    extension_max_days: input.extensionMaxDays,
    calendar: JSON.stringify({ holidays: [...input.calendar.holidays].sort(), workingWeekends: [...input.calendar.workingWeekends].sort() }),
    ...(input.eventDurations !== undefined ? { event_durations: JSON.stringify(input.eventDurations) } : {}),
    ...(input.incidentTermHours !== undefined ? { incident_term_hours: input.incidentTermHours } : {}),
    ...(input.incidentReminderHours !== undefined ? { incident_reminder_hours: input.incidentReminderHours } : {}),
    updated_at: db.fn.now(),
  };
  const [p] = await db('regulation_profiles').insert(row).onConflict('region_id').merge().returning('*');
  return profileOf(p);
}

export async function listTerritories(db: Db, regionId: string): Promise<S['Territory'][]> {
  await getRegion(db, regionId);
  // Parents before children: a recursive walk from the roots.
  const rows = await db.raw(
    `with recursive t as (
       select id, region_id, parent_id, name, kind, 0 as depth from territories where region_id = ? and parent_id is null
       union all
       select c.id, c.region_id, c.parent_id, c.name, c.kind, t.depth + 1 from territories c join t on c.parent_id = t.id
     ) select * from t order by depth, id`,
    [regionId],
  );
  const seen = new Set<string>();
  const out: S['Territory'][] = [];
  for (const r of rows.rows) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    out.push({ id: r.id, regionId: r.region_id, parentId: r.parent_id, name: r.name, kind: r.kind });
  }
  // Territories whose parent is in another region or missing are still listed, last.
  const rest = await db('territories').where({ region_id: regionId }).whereNotIn('id', [...seen]).orderBy('id');
  for (const r of rest) out.push({ id: r.id, regionId: r.region_id, parentId: r.parent_id, name: r.name, kind: r.kind });
  return out;
}
