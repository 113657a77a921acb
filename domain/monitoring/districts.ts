// Municipal districts of a region: the level the regional letters report by («в разрезе каждого
// муниципального района и городского округа», Altai letter 6506). Every territory belongs to the
// district-level territory above it (itself, for a district); the region's own territory and anything
// not under a district count at the region level.
import type { Db } from '../../db/connection';

/** Territory kinds that are a district-level row of the reports. */
export const DISTRICT_KINDS = ['municipal_district', 'municipal_okrug', 'city_district'] as const;
export type DistrictKind = (typeof DISTRICT_KINDS)[number];

export interface TerritoryNode {
  id: string;
  parentId: string | null;
  name: string;
  kind: string;
}

export interface District {
  id: string;
  name: string;
  /** `region`: the row of whatever serves or lies in the region as a whole. */
  kind: DistrictKind | 'region';
}

export interface RegionDistricts {
  /** The region row first, then the districts by name. */
  districts: District[];
  /** The district row of each territory of the region. */
  districtOf: Map<string, string>;
}

const isDistrict = (kind: string): kind is DistrictKind => (DISTRICT_KINDS as readonly string[]).includes(kind);

/**
 * Maps each territory to its district (walking up parents), others to the region's territory. Pure and
 * deterministic: the same territories give the same answer; a cycle in parents stops at the region.
 */
export function regionDistricts(territories: TerritoryNode[]): RegionDistricts {
  const byId = new Map(territories.map((t) => [t.id, t]));
  const region = territories.find((t) => t.kind === 'region') ?? territories.find((t) => t.parentId === null);
  if (!region) return { districts: [], districtOf: new Map() };
  const districtOf = new Map<string, string>();
  for (const t of territories) {
    let at: TerritoryNode | undefined = t;
    const seen = new Set<string>();
    while (at && !isDistrict(at.kind) && !seen.has(at.id)) {
      seen.add(at.id);
      at = at.parentId ? byId.get(at.parentId) : undefined;
    }
    districtOf.set(t.id, at && isDistrict(at.kind) ? at.id : region.id);
  }
  const districts: District[] = territories
    .filter((t) => isDistrict(t.kind))
    .map((t) => ({ id: t.id, name: t.name, kind: t.kind as DistrictKind }))
    .sort((a, b) => a.name.localeCompare(b.name, 'ru') || a.id.localeCompare(b.id));
  return { districts: [{ id: region.id, name: region.name, kind: 'region' }, ...districts], districtOf };
}

/** The districts of one region, or of every region one after the other (regionId null). */
export async function loadDistricts(db: Db, regionId: string | null): Promise<RegionDistricts> {
  const q = db('territories').select('id', 'parent_id', 'name', 'kind', 'region_id').orderBy(['region_id', 'id']);
  if (regionId !== null) q.where({ region_id: regionId });
  const byRegion = new Map<string, TerritoryNode[]>();
  for (const r of await q) byRegion.set(r.region_id, [...(byRegion.get(r.region_id) ?? []), { id: r.id, parentId: r.parent_id ?? null, name: r.name, kind: r.kind }]);
  const out: RegionDistricts = { districts: [], districtOf: new Map() };
  for (const territories of byRegion.values()) {
    const one = regionDistricts(territories);
    out.districts.push(...one.districts);
    for (const [k, v] of one.districtOf) out.districtOf.set(k, v);
  }
  return out;
}
