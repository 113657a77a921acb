// Reads of reference data shared by activities and the API: one place for each query.
import type { Knex } from 'knex';
import type { Db } from './connection';
import type { RoutingData, RoutingRule } from '../workflows/rules/routing';
import type { WorkingCalendar, DayKind } from '../workflows/rules/answer-term';
import type { EventDurations } from '../workflows/rules/event-duration';

export interface RegionProfile {
  regionId: string;
  timeZone: string;
  numberPrefix: string;
  defaultTermDays: number;
  dayKind: DayKind;
  municipalTermsAdvisory: boolean;
  negativeRatingThreshold: number;
  ratingWindowDays: number;
  reminderOffsetsDays: number[];
  extensionMaxDays: number;
  calendar: WorkingCalendar;
  /** Allowed durations of participation events by type ({} : none limited). */
  eventDurations: EventDurations;
  /** The answer term of an open-source incident, in hours, and its reminder (hours before it ends). */
  incidentTermHours: number;
  incidentReminderHours: number;
}

export async function loadRegionProfile(db: Db | Knex.Transaction, regionId: string): Promise<RegionProfile | undefined> {
  const row = await db('regions as r')
    .join('regulation_profiles as p', 'p.region_id', 'r.id')
    .where('r.id', regionId)
    .first('r.id', 'r.time_zone', 'r.number_prefix', 'p.*');
  if (!row) return undefined;
  return {
    regionId: row.id,
    timeZone: row.time_zone,
    numberPrefix: row.number_prefix,
    defaultTermDays: row.default_term_days,
    dayKind: row.day_kind,
    municipalTermsAdvisory: row.municipal_terms_advisory,
    negativeRatingThreshold: row.negative_rating_threshold,
    ratingWindowDays: row.rating_window_days,
    reminderOffsetsDays: row.reminder_offsets_days,
    extensionMaxDays: row.extension_max_days,
    calendar: row.calendar ?? { holidays: [], workingWeekends: [] },
    eventDurations: row.event_durations ?? {},
    incidentTermHours: row.incident_term_hours ?? 24,
    incidentReminderHours: row.incident_reminder_hours ?? 2,
  };
}

/** The routing rules of a region (inside a transaction too: intake checks them). */
export async function loadRoutingRules(db: Db | Knex.Transaction, regionId: string): Promise<RoutingRule[]> {
  return (await db('routing_rules').where({ region_id: regionId })).map((r) => ({
    id: r.id, categoryId: r.category_id, subcategoryId: r.subcategory_id, territoryId: r.territory_id,
    target: r.target, organisationId: r.organisation_id, descend: r.descend, priority: r.priority,
  }));
}

/**
 * Reads side by side on the pool, one after another on a transaction: its one connection would queue
 * them anyway, which pg deprecates (a client takes one query at a time from pg 9).
 */
async function readAll<T extends unknown[]>(db: Db | Knex.Transaction, ...reads: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  if (!db.isTransaction) return (await Promise.all(reads.map((read) => read()))) as T;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as T;
}

export async function loadRoutingData(db: Db | Knex.Transaction, regionId: string): Promise<RoutingData> {
  const [rules, organisations, territories] = await readAll(db,
    () => loadRoutingRules(db, regionId),
    () => db('organisations').where({ region_id: regionId }),
    () => db('territories').where({ region_id: regionId }),
  );
  return {
    rules,
    organisations: organisations.map((o) => ({
      id: o.id, parentId: o.parent_id, kind: o.kind, territoryId: o.territory_id, modules: o.modules, active: o.active,
    })),
    territories: territories.map((t) => ({ id: t.id, parentId: t.parent_id, kind: t.kind })),
  };
}

export async function loadOrganisation(db: Db, organisationId: string) {
  const row = await db('organisations').where({ id: organisationId }).first();
  if (!row) return undefined;
  return {
    id: row.id as string, regionId: row.region_id as string, parentId: row.parent_id as string | null, name: row.name as string,
    kind: row.kind, territoryId: row.territory_id as string | null, modules: row.modules as string[], active: row.active as boolean,
  };
}

/** A region's profile, routing data and accelerated terms, as of one version of the reference data. */
export interface RegionReference {
  profile: RegionProfile | undefined;
  routing: RoutingData;
  /** Accelerated subcategories of the region: their term in days. */
  acceleratedTermDays: Map<string, number>;
}

/** How a caller reads a region's reference (regionReference): on its transaction, at a version it read there. */
export interface ReferenceRead {
  via?: Db | Knex.Transaction;
  version?: string;
}

const regionCaches = new WeakMap<Db, Map<string, RegionReference & { version: string }>>();

/**
 * What routing and terms read of a region, kept in memory while the reference data's version
 * (reference_version, moved by a trigger on every change) stays the same: one small read per case
 * instead of the region's rules, organisations and territories. The version is read before the data,
 * so data loaded while a change commits is kept under the older version and read again next time.
 * `read.via`: the connection to read on, when the caller holds a transaction (the intake's): the cache is
 * still `db`'s, and no second connection is taken from the pool while the transaction holds one.
 * `read.version`: the version, when the caller has read it already on `via` (the intake reads it with
 * the case's references, domain/reference/checks.ts): one round trip less per case.
 */
export async function regionReference(db: Db, regionId: string, read: ReferenceRead = {}): Promise<RegionReference> {
  const via = read.via ?? db;
  const version = read.version ?? String((await via('reference_version').where({ id: 1 }).first('version'))?.version);
  let cache = regionCaches.get(db);
  if (!cache) regionCaches.set(db, (cache = new Map()));
  const cached = cache.get(regionId);
  if (cached?.version === version) return cached;
  const [profile, routing, accelerated] = await readAll(via,
    () => loadRegionProfile(via, regionId),
    () => loadRoutingData(via, regionId),
    async (): Promise<{ subcategory_id: string; term_days: number }[]> => via('accelerated_subcategories').where({ region_id: regionId }).select('subcategory_id', 'term_days'),
  );
  const reference = { version, profile, routing, acceleratedTermDays: new Map(accelerated.map((a) => [a.subcategory_id, a.term_days])) };
  cache.set(regionId, reference);
  return reference;
}
