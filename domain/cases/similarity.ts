// When two appeals are about the same problem, and which appeals of a queue form a group that the operator
// may answer once (issue 14, duplicate grouping). Pure and deterministic: no clock, no I/O; the caller
// loads the candidate cases from the read model (domain/cases/groups.ts) and passes them in.

/** How near and how close in time two appeals must be to count as the same problem (OTKLIK_DUPLICATE_*). */
export interface SimilarityRule {
  /** Greatest distance between the two reported points, in metres. */
  distanceMetres: number;
  /** Greatest time between the two registrations, in days. */
  periodDays: number;
}

export const DEFAULT_SIMILARITY_RULE: SimilarityRule = { distanceMetres: 150, periodDays: 30 };

/** What the rule reads of a case. */
export interface SimilarityCase {
  id: string;
  subcategoryId: string | null;
  address: string | null;
  location: { latitude: number; longitude: number } | null;
  /** ISO instant or Date of registration. */
  registeredAt: string | Date;
}

const MS_PER_DAY = 86_400_000;
const EARTH_RADIUS_METRES = 6_371_008.8; // mean radius (IUGG)
const METRES_PER_DEGREE_LATITUDE = (Math.PI * EARTH_RADIUS_METRES) / 180;

// Words that name the kind of a street or building: "ул. Ленина, д. 5" and "Ленина 5" are one address.
const ADDRESS_NOISE = new Set([
  'г', 'город', 'ул', 'улица', 'д', 'дом', 'пр', 'пр-т', 'просп', 'проспект', 'пер', 'переулок', 'пл', 'площадь',
  'ш', 'шоссе', 'б-р', 'бульвар', 'наб', 'набережная', 'мкр', 'микрорайон', 'с', 'село', 'п', 'пос', 'посёлок', 'поселок',
]);

/**
 * An address as compared: lower case, ё as е, without punctuation and words such as «ул.», «д.»; null
 * when nothing is left. Street order is kept: «Ленина 5» and «5 Ленина» differ, as they may in reality.
 */
export function addressKey(address: string | null | undefined): string | null {
  if (!address) return null;
  const words = address
    .toLowerCase()
    .replace(/ё/g, 'е')
    .split(/[\s,.;:()"«»/\\№#]+/)
    .filter((w) => w !== '' && !ADDRESS_NOISE.has(w));
  return words.length > 0 ? words.join(' ') : null;
}

/** Great-circle distance between two points (haversine), in metres. */
export function distanceMetres(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Latitude and longitude bounds that hold every point within `metres` of `p`: a prefilter an index can
 * use before distanceMetres decides. Near the poles the longitude range is the whole circle.
 */
export function boundingBox(p: { latitude: number; longitude: number }, metres: number): { minLatitude: number; maxLatitude: number; minLongitude: number; maxLongitude: number } {
  const dLat = metres / METRES_PER_DEGREE_LATITUDE;
  const cos = Math.cos((Math.min(89.9, Math.abs(p.latitude) + dLat) * Math.PI) / 180);
  const dLon = Math.min(180, dLat / cos);
  return { minLatitude: p.latitude - dLat, maxLatitude: p.latitude + dLat, minLongitude: p.longitude - dLon, maxLongitude: p.longitude + dLon };
}

function instant(v: string | Date): number {
  return v instanceof Date ? v.getTime() : Date.parse(v);
}

/** A case with what the rule compares worked out once. */
interface Prepared<C> { c: C; at: number; key: string | null }

function prepare<C extends SimilarityCase>(c: C): Prepared<C> {
  return { c, at: instant(c.registeredAt), key: addressKey(c.address) };
}

function preparedSimilar(a: Prepared<SimilarityCase>, b: Prepared<SimilarityCase>, rule: SimilarityRule): boolean {
  if (a.c.id === b.c.id || a.c.subcategoryId === null || a.c.subcategoryId !== b.c.subcategoryId) return false;
  if (Math.abs(a.at - b.at) > rule.periodDays * MS_PER_DAY) return false;
  if (a.c.location && b.c.location && distanceMetres(a.c.location, b.c.location) <= rule.distanceMetres) return true;
  return a.key !== null && a.key === b.key;
}

/**
 * Same problem: the same subcategory, registered at most periodDays apart, and either both points within
 * distanceMetres or the same address (addressKey). A case without a subcategory, or without a point and
 * an address, is similar to none.
 */
export function areSimilar(a: SimilarityCase, b: SimilarityCase, rule: SimilarityRule): boolean {
  return preparedSimilar(prepare(a), prepare(b), rule);
}

/** The cases similar to `target`, oldest registration first (then by id). */
export function similarTo<C extends SimilarityCase>(target: SimilarityCase, candidates: readonly C[], rule: SimilarityRule): C[] {
  const t = prepare(target);
  return sortByRegistration(candidates.map(prepare).filter((p) => preparedSimilar(t, p, rule))).map((p) => p.c);
}

function sortByRegistration<C extends SimilarityCase>(cases: Prepared<C>[]): Prepared<C>[] {
  return cases.sort((x, y) => x.at - y.at || (x.c.id < y.c.id ? -1 : x.c.id > y.c.id ? 1 : 0));
}

/**
 * Proposed groups: the cases joined by a chain of similar pairs (connected components of areSimilar),
 * two cases or more each, every group oldest first, groups ordered by their oldest case. A chain may
 * join two cases that are not similar themselves (A near B, B near C): the operator confirms or removes.
 * Pairs further apart in time than the period are never compared (the list is sorted by registration).
 */
export function proposeGroups<C extends SimilarityCase>(cases: readonly C[], rule: SimilarityRule): C[][] {
  const sorted = sortByRegistration(cases.map(prepare));
  const parent = sorted.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  const window = rule.periodDays * MS_PER_DAY;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].at - sorted[i].at <= window; j++) {
      if (preparedSimilar(sorted[i], sorted[j], rule)) parent[root(j)] = root(i);
    }
  }
  const groups = new Map<number, C[]>();
  sorted.forEach((p, i) => {
    const r = root(i);
    groups.set(r, [...(groups.get(r) ?? []), p.c]);
  });
  return [...groups.values()].filter((g) => g.length >= 2);
}
