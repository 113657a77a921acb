// Readiness of organisations' cabinets by municipal district: the table of the Altai letter of 24.09.2021
// № 6506 («создано … личных кабинетов …, из них готовы к работе …», per municipal district and city
// okrug, per kind of organisation). An organisation (its cabinet) is created when it is an active
// participant; it is ready to work when it has
//   - an active operator: an operator account that can sign in (an unrevoked API key or a sign-in identity),
//   - its form embedded on a site: at least one allowed origin (domain/embed/store.ts),
//   - at least one case handled: it took a case into work, answered, redirected, asked for clarification,
//     extended a term or left a case without an answer.
// The live table is computed on request (one pass over the region's organisations, existence checks on
// indexed columns); a monthly snapshot keeps it for comparison (cabinet_readiness_snapshots).
import { DateTime } from 'luxon';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import { loadDistricts, type District } from './districts';

export type CabinetReadinessReport = components['schemas']['CabinetReadinessReport'];
export type CabinetReadinessRow = components['schemas']['CabinetReadinessRow'];
export type CabinetReadinessFigures = components['schemas']['CabinetReadinessFigures'];
type OrganisationKind = components['schemas']['OrganisationKind'];

/** The transitions by which an organisation has handled a case (case_events.type). */
export const HANDLING_EVENTS = ['taken_into_work', 'answered', 'clarification_requested', 'term_extended', 'left_without_answer'] as const;

/** One organisation's cabinet as the table counts it. */
export interface Cabinet {
  kind: OrganisationKind;
  /** Its district row (districts.ts). */
  districtId: string;
  hasActiveOperator: boolean;
  hasEmbeddedForm: boolean;
  hasHandledCase: boolean;
}

const KIND_ORDER: OrganisationKind[] = ['executive_body', 'municipality', 'settlement', 'institution'];

export function readyShare(ready: number, created: number): number | null {
  return created === 0 ? null : Math.round((ready / created) * 10_000) / 10_000;
}

function figuresOf(cabinets: Cabinet[]): CabinetReadinessFigures {
  const created = cabinets.length;
  const ready = cabinets.filter((c) => c.hasActiveOperator && c.hasEmbeddedForm && c.hasHandledCase).length;
  return {
    created,
    withActiveOperator: cabinets.filter((c) => c.hasActiveOperator).length,
    withEmbeddedForm: cabinets.filter((c) => c.hasEmbeddedForm).length,
    withHandledCase: cabinets.filter((c) => c.hasHandledCase).length,
    ready,
    readyShare: readyShare(ready, created),
  };
}

type Total = components['schemas']['CabinetReadinessTotal'];

/** The region's figures per kind of organisation: the sums of the district rows. Pure. */
export function totalsOf(rows: CabinetReadinessRow[]): Total[] {
  const kinds = KIND_ORDER.filter((k) => rows.some((r) => r.organisationKind === k));
  return kinds.map((kind) => {
    const of = rows.filter((r) => r.organisationKind === kind);
    const sum = (f: (r: CabinetReadinessRow) => number) => of.reduce((n, r) => n + f(r), 0);
    const created = sum((r) => r.created);
    const ready = sum((r) => r.ready);
    return {
      organisationKind: kind, created, withActiveOperator: sum((r) => r.withActiveOperator), withEmbeddedForm: sum((r) => r.withEmbeddedForm),
      withHandledCase: sum((r) => r.withHandledCase), ready, readyShare: readyShare(ready, created),
    };
  });
}

/**
 * The table: a row per district (the region row first) and per kind of organisation the region has, so a
 * district without cabinets of a kind shows 0 created. Pure and deterministic.
 */
export function readinessTable(districts: District[], cabinets: Cabinet[]): { rows: CabinetReadinessRow[]; totals: Total[] } {
  const kinds = KIND_ORDER.filter((k) => cabinets.some((c) => c.kind === k));
  const rows: CabinetReadinessRow[] = [];
  for (const d of districts) {
    for (const kind of kinds) {
      const here = cabinets.filter((c) => c.districtId === d.id && c.kind === kind);
      rows.push({ territoryId: d.id, territoryName: d.name, territoryKind: d.kind, organisationKind: kind, ...figuresOf(here), previous: null });
    }
  }
  return { rows, totals: totalsOf(rows) };
}

/** The region's active organisations with the three readiness checks, each an indexed existence test. */
async function loadCabinets(db: Db, regionId: string, districtOf: Map<string, string>, regionTerritoryId: string): Promise<Cabinet[]> {
  const rows = await db('organisations as o')
    .where({ 'o.region_id': regionId, 'o.active': true })
    .select(
      'o.id', 'o.kind', 'o.territory_id',
      db.raw(`exists (select 1 from users u where u.organisation_id = o.id and u.role = 'operator'
        and (exists (select 1 from api_tokens t where t.user_id = u.id and t.revoked_at is null)
          or exists (select 1 from user_identities i where i.user_id = u.id))) as has_operator`),
      db.raw('exists (select 1 from embed_origins e where e.organisation_id = o.id) as has_form'),
      db.raw(`(exists (select 1 from case_events ce where ce.organisation_id = o.id and ce.type = any(?))
        or exists (select 1 from case_events ce where ce.from_organisation_id = o.id and ce.type = 'redirected')) as has_case`, [[...HANDLING_EVENTS]]),
    );
  return rows.map((r: Record<string, any>) => ({
    kind: r.kind as OrganisationKind,
    districtId: (r.territory_id && districtOf.get(r.territory_id)) || regionTerritoryId,
    hasActiveOperator: Boolean(r.has_operator),
    hasEmbeddedForm: Boolean(r.has_form),
    hasHandledCase: Boolean(r.has_case),
  }));
}

async function regionRows(db: Db, regionId: string): Promise<CabinetReadinessRow[]> {
  const { districts, districtOf } = await loadDistricts(db, regionId);
  const regionRow = districts[0];
  const cabinets = regionRow ? await loadCabinets(db, regionId, districtOf, regionRow.id) : [];
  return readinessTable(districts, cabinets).rows;
}

/** The live table of a region, or of every region one after the other (regionId null). */
export async function liveReadiness(db: Db, regionId: string | null, now = new Date()): Promise<CabinetReadinessReport> {
  const regions: string[] = regionId !== null ? [regionId] : await db('regions').orderBy('id').pluck('id');
  const rows: CabinetReadinessRow[] = [];
  for (const id of regions) rows.push(...(await regionRows(db, id)));
  return { regionId, snapshotMonth: null, asOf: now.toISOString(), comparedTo: null, rows, totals: totalsOf(rows) };
}

/** The month (YYYY-MM) an instant falls in, in the region's time zone. */
export function monthOf(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat('yyyy-MM');
}

async function regionTimeZone(db: Db, regionId: string): Promise<string | undefined> {
  return (await db('regions').where({ id: regionId }).first('time_zone'))?.time_zone as string | undefined;
}

export interface SnapshotTaken {
  regionId: string;
  month: string;
  takenAt: string;
  /** false: the month's snapshot was kept already and is left as it was. */
  created: boolean;
}

/**
 * Keeps this month's table of the region. Idempotent per region and month: the first snapshot of a month is
 * kept; a later call (a retry, a second run of the schedule, new data) changes nothing and says so.
 */
export async function takeReadinessSnapshot(db: Db, regionId: string, now = new Date()): Promise<SnapshotTaken> {
  const timeZone = await regionTimeZone(db, regionId);
  if (!timeZone) throw new Error(`there is no region ${regionId}`);
  const month = monthOf(now, timeZone);
  const live = await liveReadiness(db, regionId, now);
  return db.transaction(async (trx) => {
    // The header row is the month's lock: a concurrent second taker waits on it, then inserts nothing.
    const [inserted] = await trx('cabinet_readiness_snapshots').insert({ region_id: regionId, month, taken_at: now }).onConflict(['region_id', 'month']).ignore().returning('taken_at');
    if (!inserted) {
      const kept = await trx('cabinet_readiness_snapshots').where({ region_id: regionId, month }).first('taken_at');
      return { regionId, month, takenAt: new Date(kept.taken_at).toISOString(), created: false };
    }
    if (live.rows.length > 0) {
      await trx('cabinet_readiness_snapshot_rows').insert(live.rows.map((r, position) => ({
        region_id: regionId, month, position, territory_id: r.territoryId, territory_name: r.territoryName, territory_kind: r.territoryKind,
        organisation_kind: r.organisationKind, created: r.created, with_active_operator: r.withActiveOperator,
        with_embedded_form: r.withEmbeddedForm, with_handled_case: r.withHandledCase, ready: r.ready,
      })));
    }
    return { regionId, month, takenAt: now.toISOString(), created: true };
  });
}

/** Takes this month's snapshot of every region (the monthly ops command). */
export async function takeReadinessSnapshots(db: Db, now = new Date()): Promise<SnapshotTaken[]> {
  const regions = await db('regions').orderBy('id').pluck('id');
  const out: SnapshotTaken[] = [];
  for (const id of regions as string[]) out.push(await takeReadinessSnapshot(db, id, now));
  return out;
}

export async function listReadinessSnapshots(db: Db, regionId: string | null): Promise<{ regionId: string; month: string; takenAt: string }[]> {
  const q = db('cabinet_readiness_snapshots').orderBy([{ column: 'month', order: 'desc' }, 'region_id']).select('region_id', 'month', 'taken_at');
  if (regionId !== null) q.where({ region_id: regionId });
  return (await q).map((r) => ({ regionId: r.region_id, month: r.month, takenAt: new Date(r.taken_at).toISOString() }));
}

/** A kept month's table (of one region, or of all that kept the month), or undefined when none is kept. */
export async function keptReadiness(db: Db, regionId: string | null, month: string): Promise<CabinetReadinessReport | undefined> {
  const region = regionId === null ? {} : { region_id: regionId };
  const heads = await db('cabinet_readiness_snapshots').where({ ...region, month }).select('taken_at');
  if (heads.length === 0) return undefined;
  const kept = await db('cabinet_readiness_snapshot_rows').where({ ...region, month }).orderBy(['region_id', 'position']);
  const rows: CabinetReadinessRow[] = kept.map((r: Record<string, any>) => ({
    territoryId: r.territory_id, territoryName: r.territory_name, territoryKind: r.territory_kind, organisationKind: r.organisation_kind,
    created: r.created, withActiveOperator: r.with_active_operator, withEmbeddedForm: r.with_embedded_form, withHandledCase: r.with_handled_case,
    ready: r.ready, readyShare: readyShare(r.ready, r.created), previous: null,
  }));
  const asOf = new Date(Math.max(...heads.map((h) => new Date(h.taken_at).getTime()))).toISOString();
  return { regionId, snapshotMonth: month, asOf, comparedTo: null, rows, totals: totalsOf(rows) };
}

/** The report with each row's figures in the kept month `compareTo` beside it. Pure. */
export function compareReadiness(report: CabinetReadinessReport, kept: CabinetReadinessReport): CabinetReadinessReport {
  const key = (r: CabinetReadinessRow) => `${r.territoryId}\u0000${r.organisationKind}`;
  const before = new Map(kept.rows.map((r) => [key(r), r]));
  return {
    ...report,
    comparedTo: kept.snapshotMonth,
    rows: report.rows.map((r) => {
      const p = before.get(key(r));
      return { ...r, previous: p ? { created: p.created, withActiveOperator: p.withActiveOperator, withEmbeddedForm: p.withEmbeddedForm, withHandledCase: p.withHandledCase, ready: p.ready, readyShare: p.readyShare } : null };
    }),
  };
}
