// Loads the regional reference data of db/seeds/ (one folder per region, see db/seeds/README.md) into the
// reference tables. Every file is validated first, all problems reported at once with the file and the
// entry; only then is everything inserted, in one transaction, parents before children.
//
// Seeds are initial data: rows are inserted with ON CONFLICT DO NOTHING, so loading again neither
// duplicates rows nor overwrites what an administrator changed through the API, while an entry newly added
// to a file is inserted on the next load.
//
// As a script: DATABASE_URL=postgres://… npx tsx db/seed.ts [seed dir]  (migrates, then loads).
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { connect, migrateLatest, type Db } from './connection';
import { isDurationRange, LIMITED_TYPES, type EventDurations } from '../workflows/rules/event-duration';

export const seedsDirectory = path.join(__dirname, 'seeds');

export const TERRITORY_KINDS = ['region', 'municipal_district', 'municipal_okrug', 'city_district', 'settlement'] as const;
export const ORGANISATION_KINDS = ['executive_body', 'municipality', 'settlement', 'institution'] as const;
export const MODULES = ['appeals', 'incidents', 'polls', 'discussions_votes', 'official_pages'] as const;
export const DAY_KINDS = ['calendar', 'working'] as const;
export const ROUTING_TARGETS = ['organisation', 'territory'] as const;

const FILES = ['region.yaml', 'territories.yaml', 'organisations.yaml', 'classifier.yaml', 'routing.yaml'] as const;
type FileName = (typeof FILES)[number];

export class SeedError extends Error {
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`Invalid seed data in ${dir}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SeedError';
  }
}

// Rows as they go into the tables (snake_case columns).
export interface RegionRow { id: string; name: string; time_zone: string; number_prefix: string }
export interface ProfileRow {
  region_id: string;
  default_term_days: number;
  day_kind: (typeof DAY_KINDS)[number];
  municipal_terms_advisory: boolean;
  negative_rating_threshold: number;
  rating_window_days: number;
  reminder_offsets_days: number[];
  extension_max_days: number;
  calendar: { holidays: string[]; workingWeekends: string[] };
  /** Allowed durations of participation types (workflows/rules/event-duration.ts); {} when unset. */
  event_durations: EventDurations;
  incident_term_hours: number;
  incident_reminder_hours: number;
}
export interface TerritoryRow { id: string; region_id: string; parent_id: string | null; name: string; kind: string }
export interface OrganisationRow {
  id: string;
  region_id: string;
  parent_id: string | null;
  name: string;
  kind: string;
  territory_id: string | null;
  modules: string[];
  active: boolean;
}
export interface CategoryRow { id: string; region_id: string; parent_id: string | null; name: string }
export interface AcceleratedRow {
  subcategory_id: string;
  region_id: string;
  term_days: number;
  responsible_organisation_ids: string[];
  responsible_municipality: boolean;
}
export interface RoutingRuleRow {
  seed_key: string;
  region_id: string;
  category_id: string | null;
  subcategory_id: string | null;
  territory_id: string | null;
  target: (typeof ROUTING_TARGETS)[number];
  organisation_id: string | null;
  descend: boolean;
  priority: number;
  note: string | null;
}

export interface SeedData {
  regions: RegionRow[];
  profiles: ProfileRow[];
  territories: TerritoryRow[];
  organisations: OrganisationRow[];
  categories: CategoryRow[];
  accelerated: AcceleratedRow[];
  routingRules: RoutingRuleRow[];
}

export interface SeedCounts {
  regions: number;
  territories: number;
  organisations: number;
  /** categories and subcategories together */
  categories: number;
  acceleratedSubcategories: number;
  routingRules: number;
}

/** Counts of the entries in the seed files, and of the rows this load actually inserted. */
export interface SeedSummary extends SeedCounts {
  inserted: SeedCounts;
}

// ---------------------------------------------------------------------------------------------------------
// Reading and validation

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ID = /^[a-z0-9][a-z0-9_.-]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Problems found while reading one entry; `where` is e.g. `altai/organisations.yaml: organisation "altai.x"`. */
class Entry {
  constructor(
    readonly where: string,
    readonly value: Obj,
    private readonly problems: string[],
  ) {}

  problem(message: string): void {
    this.problems.push(`${this.where}: ${message}`);
  }

  only(allowed: string[]): void {
    for (const k of Object.keys(this.value)) {
      if (!allowed.includes(k)) this.problem(`unknown field "${k}" (allowed: ${allowed.join(', ')})`);
    }
  }

  str(key: string, opts: { required?: boolean; pattern?: RegExp; what?: string } = {}): string | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) {
      if (opts.required ?? true) this.problem(`missing "${key}"`);
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.problem(`"${key}" must be a non-empty string, got ${JSON.stringify(v)}`);
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      this.problem(`"${key}" ${JSON.stringify(v)} is not ${opts.what ?? `of the form ${opts.pattern}`}`);
      return undefined;
    }
    return v;
  }

  /** A reference: a string id or null (explicit null or absent). */
  ref(key: string): string | null | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || v === '') {
      this.problem(`"${key}" must be an id or null, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[], fallback?: T): T | undefined {
    const v = this.value[key];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.problem(`${v === undefined ? 'missing' : `bad`} "${key}"${v === undefined ? '' : ` ${JSON.stringify(v)}`} (expected one of: ${values.join(', ')})`);
      return undefined;
    }
    return v as T;
  }

  int(key: string, fallback: number | undefined, min: number, max = 100_000): number | undefined {
    const v = this.value[key];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.problem(`"${key}" must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.value[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') {
      this.problem(`"${key}" must be true or false, got ${JSON.stringify(v)}`);
      return fallback;
    }
    return v;
  }

  list(key: string, required: boolean): unknown[] | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) {
      if (required) this.problem(`missing "${key}" (a list)`);
      return required ? undefined : [];
    }
    if (!Array.isArray(v)) {
      this.problem(`"${key}" must be a list, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }
}

function isTimeZone(tz: string): boolean {
  // IANA names only (Asia/Barnaul); offsets such as "+07:00" or "UTC+7" are refused.
  if (tz !== 'UTC' && !/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function isDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

interface Located<T> { row: T; where: string }

/** What the reading of the seed folders has gathered so far: located rows, and every problem found. */
interface SeedReading {
  problems: string[];
  regions: Located<RegionRow>[];
  profiles: ProfileRow[];
  territories: Located<TerritoryRow>[];
  organisations: Located<OrganisationRow>[];
  categories: Located<CategoryRow>[];
  accelerated: Located<AcceleratedRow>[];
  rules: Located<RoutingRuleRow>[];
  regionIds: string[];
  // Every entry whose id is well-formed, valid or not: ids are checked for uniqueness and references resolved
  // against these, so one bad field does not hide a duplicate or turn into "unknown parent" elsewhere.
  declared: { territory: Located<Declared>[]; organisation: Located<Declared>[]; category: Located<Declared>[]; rule: Located<Declared>[] };
}

/** One region's folder whose region id is good: its parsed files. */
interface RegionFolder {
  folder: string;
  regionId: string;
  docs: Map<FileName, Obj>;
}

/** Reads and validates every region folder under `dir`; throws SeedError listing every problem found. */
export function readSeeds(dir: string = seedsDirectory): SeedData {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new SeedError(dir, [`${dir}: not a directory`]);
  const folders = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  if (folders.length === 0) throw new SeedError(dir, [`${dir}: no region folders`]);

  const r: SeedReading = {
    problems: [],
    regions: [],
    profiles: [],
    territories: [],
    organisations: [],
    categories: [],
    accelerated: [],
    rules: [],
    regionIds: [],
    declared: { territory: [], organisation: [], category: [], rule: [] },
  };
  for (const folder of folders) {
    const docs = readDocuments(dir, folder, r.problems);
    const regionId = readRegion(folder, docs.get('region.yaml'), r.problems, r.regions, r.profiles);
    if (!regionId) continue; // without a region id nothing else of the folder can be checked meaningfully
    r.regionIds.push(regionId);
    const region: RegionFolder = { folder, regionId, docs };
    readTerritories(r, region);
    readOrganisations(r, region);
    readClassifier(r, region);
    readRoutingRules(r, region);
  }
  checkReferences(r);

  // Parents before children; a cycle is a problem.
  const sortedTerritories = topological(r.territories, r.problems, 'territory');
  const sortedOrganisations = topological(r.organisations, r.problems, 'organisation');

  if (r.problems.length > 0) throw new SeedError(dir, r.problems);
  return {
    regions: r.regions.map((x) => x.row),
    profiles: r.profiles,
    territories: sortedTerritories,
    organisations: sortedOrganisations,
    categories: [...r.categories.filter((c) => c.row.parent_id === null), ...r.categories.filter((c) => c.row.parent_id !== null)].map((c) => c.row),
    accelerated: r.accelerated.map((a) => a.row),
    routingRules: r.rules.map((x) => x.row),
  };
}

/** The folder's seed files that exist and parse to a mapping; a problem for each one that does not. */
function readDocuments(dir: string, folder: string, problems: string[]): Map<FileName, Obj> {
  const docs = new Map<FileName, Obj>();
  for (const file of FILES) {
    const rel = `${folder}/${file}`;
    const full = path.join(dir, folder, file);
    if (!fs.existsSync(full)) {
      problems.push(`${rel}: missing file`);
      continue;
    }
    const doc = parseDocument(fs.readFileSync(full, 'utf8'), { uniqueKeys: true, prettyErrors: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) problems.push(`${rel}: YAML error: ${e.message.split('\n')[0].replace(/:$/, '')}`);
      continue;
    }
    const js: unknown = doc.toJS();
    if (!isObj(js)) {
      problems.push(`${rel}: expected a mapping at the top level`);
      continue;
    }
    docs.set(file, js);
  }
  return docs;
}

/** The entry's id (or routing rule key): well-formed and starting with the region id and a dot. */
function regionalId(e: Entry, regionId: string, key: 'id' | 'key' = 'id'): string | undefined {
  const id = e.str(key, { pattern: ID, what: `${key === 'id' ? 'an id' : 'a key'} (lowercase latin letters, digits, _ . -)` });
  const prefix = `${regionId}.`;
  if (id !== undefined && !id.startsWith(prefix)) {
    e.problem(`"${key}" ${JSON.stringify(id)} must start with "${prefix}"`);
    return undefined;
  }
  return id;
}

function readTerritories(r: SeedReading, { folder, regionId, docs }: RegionFolder): void {
  forEachEntry(docs.get('territories.yaml'), 'territories', `${folder}/territories.yaml`, 'territory', r.problems, (e) => {
    e.only(['id', 'name', 'kind', 'parent', 'source']);
    const id = declare(r.declared.territory, e, regionalId(e, regionId), regionId);
    const name = e.str('name');
    const kind = e.oneOf('kind', TERRITORY_KINDS);
    const parent = e.ref('parent');
    if (id && name && kind && parent !== undefined) {
      r.territories.push({ where: e.where, row: { id, region_id: regionId, parent_id: parent, name, kind } });
    }
  });
}

function readOrganisations(r: SeedReading, { folder, regionId, docs }: RegionFolder): void {
  forEachEntry(docs.get('organisations.yaml'), 'organisations', `${folder}/organisations.yaml`, 'organisation', r.problems, (e) => {
    e.only(['id', 'name', 'kind', 'parent', 'territory', 'modules', 'active', 'source']);
    const id = declare(r.declared.organisation, e, regionalId(e, regionId), regionId);
    const name = e.str('name');
    const kind = e.oneOf('kind', ORGANISATION_KINDS);
    const parent = e.ref('parent');
    const territory = e.ref('territory');
    const active = e.bool('active', true);
    const modules = readModules(e);
    if (id && name && kind && parent !== undefined && territory !== undefined && modules) {
      r.organisations.push({
        where: e.where,
        row: { id, region_id: regionId, parent_id: parent, name, kind, territory_id: territory, modules, active },
      });
    }
  });
}

/** An organisation's modules: a non-empty list of known modules (a module listed twice is a problem). */
function readModules(e: Entry): string[] | undefined {
  const list = e.list('modules', true);
  if (!list) return undefined;
  const modules: string[] = [];
  for (const m of list) {
    if (typeof m !== 'string' || !(MODULES as readonly string[]).includes(m)) {
      e.problem(`unknown module ${JSON.stringify(m)} (expected: ${MODULES.join(', ')})`);
      return undefined;
    }
    if (modules.includes(m)) e.problem(`module "${m}" listed twice`);
    else modules.push(m);
  }
  if (modules.length === 0) {
    e.problem('"modules" must name at least one module');
    return undefined;
  }
  return modules;
}

function readClassifier(r: SeedReading, region: RegionFolder): void {
  const { folder, regionId, docs } = region;
  forEachEntry(docs.get('classifier.yaml'), 'categories', `${folder}/classifier.yaml`, 'category', r.problems, (e) => {
    e.only(['id', 'name', 'subcategories', 'source']);
    const id = declare(r.declared.category, e, regionalId(e, regionId), regionId);
    const name = e.str('name');
    const subs = e.list('subcategories', false);
    if (!id || !name) return;
    r.categories.push({ where: e.where, row: { id, region_id: regionId, parent_id: null, name } });
    (subs ?? []).forEach((s, i) => readSubcategory(r, region, id, s, i));
  });
}

/** The i-th subcategory `s` of category `categoryId`, and its accelerated term if it has one. */
function readSubcategory(r: SeedReading, { folder, regionId }: RegionFolder, categoryId: string, s: unknown, i: number): void {
  const label = isObj(s) && typeof s.id === 'string' ? `"${s.id}"` : `#${i + 1}`;
  const where = `${folder}/classifier.yaml: subcategory ${label} of "${categoryId}"`;
  if (!isObj(s)) {
    r.problems.push(`${where}: expected a mapping`);
    return;
  }
  const se = new Entry(where, s, r.problems);
  se.only(['id', 'name', 'accelerated', 'source']);
  const sid = declare(r.declared.category, se, regionalId(se, regionId), regionId, categoryId);
  const sname = se.str('name');
  if (!sid || !sname) return;
  r.categories.push({ where, row: { id: sid, region_id: regionId, parent_id: categoryId, name: sname } });
  if (s.accelerated === undefined || s.accelerated === null) return;
  if (!isObj(s.accelerated)) {
    se.problem('"accelerated" must be a mapping {termDays, responsible, responsibleMunicipality}');
    return;
  }
  const ae = new Entry(`${where}, accelerated`, s.accelerated, r.problems);
  ae.only(['termDays', 'responsible', 'responsibleMunicipality']);
  const termDays = ae.int('termDays', undefined, 1, 365);
  const responsibleList = ae.list('responsible', false);
  const responsible: string[] = [];
  for (const o of responsibleList ?? []) {
    if (typeof o !== 'string' || o === '') ae.problem(`"responsible" entries must be organisation ids, got ${JSON.stringify(o)}`);
    else if (responsible.includes(o)) ae.problem(`organisation "${o}" listed twice in "responsible"`);
    else responsible.push(o);
  }
  const municipality = ae.bool('responsibleMunicipality', false);
  if (termDays !== undefined && responsibleList) {
    r.accelerated.push({
      where: `${where}, accelerated`,
      row: { subcategory_id: sid, region_id: regionId, term_days: termDays, responsible_organisation_ids: responsible, responsible_municipality: municipality },
    });
  }
}

function readRoutingRules(r: SeedReading, { folder, regionId, docs }: RegionFolder): void {
  forEachEntry(docs.get('routing.yaml'), 'rules', `${folder}/routing.yaml`, 'rule', r.problems, (e) => {
    e.only(['key', 'category', 'subcategory', 'territory', 'organisation', 'target', 'descend', 'priority', 'note', 'source']);
    const key = declare(r.declared.rule, e, regionalId(e, regionId, 'key'), regionId);
    const category = e.ref('category');
    const subcategory = e.ref('subcategory');
    const territory = e.ref('territory');
    const organisation = e.ref('organisation');
    const target = e.oneOf('target', ROUTING_TARGETS);
    const descend = e.bool('descend', false);
    const priority = e.int('priority', 0, -1_000_000, 1_000_000);
    const note = e.str('note', { required: false }) ?? null;
    if (target === 'organisation' && organisation === null) e.problem('target "organisation" needs "organisation"');
    if (target === 'territory' && organisation) e.problem('target "territory" routes to the municipality of the case\'s territory: drop "organisation"');
    if (key && category !== undefined && subcategory !== undefined && territory !== undefined && organisation !== undefined && target && priority !== undefined) {
      r.rules.push({
        where: e.where,
        row: {
          seed_key: key,
          region_id: regionId,
          category_id: category,
          subcategory_id: subcategory,
          territory_id: territory,
          target,
          organisation_id: target === 'organisation' ? organisation : null,
          descend,
          priority,
          note,
        },
      });
    }
  });
}

/** Cross-references, checked over all regions at once so that ids are unique everywhere. */
function checkReferences(r: SeedReading): void {
  const { problems } = r;
  const territoryById = uniqueById(r.declared.territory, 'territory id', problems);
  const organisationById = uniqueById(r.declared.organisation, 'organisation id', problems);
  const categoryById = uniqueById(r.declared.category, 'category id', problems);
  uniqueById(r.declared.rule, 'routing rule key', problems);

  for (const { row, where } of r.territories) {
    if (row.kind === 'region' && row.parent_id !== null) problems.push(`${where}: a territory of kind "region" must have parent null, not "${row.parent_id}"`);
    if (row.kind !== 'region' && row.parent_id === null) problems.push(`${where}: only the territory of kind "region" may have parent null`);
    if (row.parent_id !== null) checkRef(where, 'parent', row.parent_id, row.region_id, territoryById, 'territory', problems);
  }
  for (const region of r.regionIds) {
    const tops = r.territories.filter((t) => t.row.region_id === region && t.row.kind === 'region');
    if (tops.length !== 1) problems.push(`${region}/territories.yaml: needs exactly one territory of kind "region", found ${tops.length}`);
    const roots = r.organisations.filter((o) => o.row.region_id === region && o.row.parent_id === null);
    if (roots.length !== 1) {
      problems.push(`${region}/organisations.yaml: needs exactly one root organisation (parent: null), found ${roots.length}${roots.length ? `: ${roots.map((o) => o.row.id).join(', ')}` : ''}`);
    }
  }
  for (const { row, where } of r.organisations) {
    if (row.parent_id !== null) checkRef(where, 'parent', row.parent_id, row.region_id, organisationById, 'organisation', problems);
    if (row.territory_id !== null) checkRef(where, 'territory', row.territory_id, row.region_id, territoryById, 'territory', problems);
  }
  for (const { row, where } of r.accelerated) {
    for (const org of row.responsible_organisation_ids) checkRef(where, 'responsible', org, row.region_id, organisationById, 'organisation', problems);
  }
  for (const rule of r.rules) checkRuleReferences(rule, { territoryById, organisationById, categoryById }, problems);
}

/** A routing rule's references; a subcategory rule gets its category filled in. */
function checkRuleReferences(
  { row, where }: Located<RoutingRuleRow>,
  ids: { territoryById: Map<string, Declared>; organisationById: Map<string, Declared>; categoryById: Map<string, Declared> },
  problems: string[],
): void {
  const { territoryById, organisationById, categoryById } = ids;
  if (row.category_id !== null && checkRef(where, 'category', row.category_id, row.region_id, categoryById, 'category', problems)) {
    if (categoryById.get(row.category_id)!.parent_id !== null) problems.push(`${where}: "category" "${row.category_id}" is a subcategory; use "subcategory"`);
  }
  if (row.subcategory_id !== null && checkRef(where, 'subcategory', row.subcategory_id, row.region_id, categoryById, 'category', problems)) {
    const parent = categoryById.get(row.subcategory_id)!.parent_id;
    if (parent === null) problems.push(`${where}: "subcategory" "${row.subcategory_id}" is a category; use "category"`);
    else if (row.category_id !== null && row.category_id !== parent) problems.push(`${where}: subcategory "${row.subcategory_id}" belongs to "${parent}", not to "${row.category_id}"`);
    else row.category_id = parent; // a subcategory rule carries its category too
  }
  if (row.territory_id !== null) checkRef(where, 'territory', row.territory_id, row.region_id, territoryById, 'territory', problems);
  if (row.organisation_id !== null) checkRef(where, 'organisation', row.organisation_id, row.region_id, organisationById, 'organisation', problems);
}

const PROFILE_FIELDS = ['defaultTermDays', 'dayKind', 'municipalTermsAdvisory', 'negativeRatingThreshold', 'ratingWindowDays', 'reminderOffsetsDays',
  'extensionMaxDays', 'calendar', 'eventDurations', 'incidentTermHours', 'incidentReminderHours'] as const;

function readRegion(folder: string, doc: Obj | undefined, problems: string[], regions: Located<RegionRow>[], profiles: ProfileRow[]): string | undefined {
  const rel = `${folder}/region.yaml`;
  if (!doc) return undefined;
  const top = new Entry(rel, doc, problems);
  top.only(['region', 'profile']);
  if (!isObj(doc.region)) {
    top.problem('missing "region" mapping {id, name, timeZone, numberPrefix}');
    return undefined;
  }
  const r = new Entry(`${rel}: region`, doc.region, problems);
  r.only(['id', 'name', 'timeZone', 'numberPrefix']);
  const id = r.str('id', { pattern: /^[a-z][a-z0-9_]*$/, what: 'a region id (lowercase latin letters, digits, _)' });
  const name = r.str('name');
  const tz = r.str('timeZone');
  if (tz !== undefined && !isTimeZone(tz)) r.problem(`unknown time zone ${JSON.stringify(tz)} (expected an IANA name such as Asia/Barnaul)`);
  let numberPrefix: string | undefined;
  if (typeof doc.region.numberPrefix === 'number') r.problem(`"numberPrefix" must be a quoted string of digits ('${doc.region.numberPrefix}'), so leading zeros survive`);
  else numberPrefix = r.str('numberPrefix', { pattern: /^\d{1,6}$/, what: 'a string of 1 to 6 digits' });
  if (id !== undefined && id !== folder) r.problem(`"id" ${JSON.stringify(id)} must equal the folder name "${folder}"`);
  if (id === undefined || id !== folder) return undefined;

  const p = new Entry(`${rel}: profile`, isObj(doc.profile) ? doc.profile : {}, problems);
  if (doc.profile !== undefined && !isObj(doc.profile)) p.problem('must be a mapping');
  p.only([...PROFILE_FIELDS]);
  const defaultTermDays = p.int('defaultTermDays', 30, 1, 365);
  const dayKind = p.oneOf('dayKind', DAY_KINDS, 'calendar');
  const advisory = p.bool('municipalTermsAdvisory', false);
  const threshold = p.int('negativeRatingThreshold', 2, 0, 5);
  const ratingWindow = p.int('ratingWindowDays', 10, 1, 365);
  const extension = p.int('extensionMaxDays', 30, 0, 365);
  let offsets: number[] | undefined = [3, 1];
  const rawOffsets = isObj(doc.profile) ? doc.profile.reminderOffsetsDays : undefined;
  if (rawOffsets !== undefined && rawOffsets !== null) {
    if (!Array.isArray(rawOffsets) || rawOffsets.some((o) => typeof o !== 'number' || !Number.isInteger(o) || o < 0 || o > 365)) {
      p.problem(`"reminderOffsetsDays" must be a list of integers from 0 to 365, got ${JSON.stringify(rawOffsets)}`);
      offsets = undefined;
    } else offsets = rawOffsets as number[];
  }
  const calendar = { holidays: [] as string[], workingWeekends: [] as string[] };
  let calendarOk = true;
  const cal = isObj(doc.profile) ? doc.profile.calendar : undefined;
  if (cal !== undefined && cal !== null) {
    if (!isObj(cal)) {
      p.problem('"calendar" must be a mapping {holidays: [], workingWeekends: []}');
      calendarOk = false;
    } else {
      const c = new Entry(`${rel}: profile.calendar`, cal, problems);
      c.only(['holidays', 'workingWeekends']);
      for (const key of ['holidays', 'workingWeekends'] as const) {
        const list = c.list(key, false);
        if (!list) calendarOk = false;
        for (const d of list ?? []) {
          if (typeof d !== 'string' || !isDate(d)) {
            c.problem(`"${key}" must hold dates as 'YYYY-MM-DD', got ${JSON.stringify(d)}`);
            calendarOk = false;
          } else calendar[key].push(d);
        }
      }
    }
  }
  const channelTerms = readChannelTerms(p, rel, doc.profile, problems);
  // The id is good: the folder's other files are checked even if another field of the region is bad.
  if (name === undefined || tz === undefined || !isTimeZone(tz) || numberPrefix === undefined) return id;
  regions.push({ where: `${rel}: region`, row: { id, name, time_zone: tz, number_prefix: numberPrefix } });
  if (defaultTermDays !== undefined && dayKind && threshold !== undefined && ratingWindow !== undefined && extension !== undefined && offsets && calendarOk && channelTerms) {
    profiles.push({
      region_id: id,
      default_term_days: defaultTermDays,
      day_kind: dayKind,
      municipal_terms_advisory: advisory,
      negative_rating_threshold: threshold,
      rating_window_days: ratingWindow,
      reminder_offsets_days: offsets,
      extension_max_days: extension,
      calendar,
      ...channelTerms,
    });
  }
  return id;
}

/** The profile's terms of other channels than appeals: incidents (hours) and participation events (days). */
function readChannelTerms(p: Entry, rel: string, profile: unknown, problems: string[]): Pick<ProfileRow, 'event_durations' | 'incident_term_hours' | 'incident_reminder_hours'> | undefined {
  // An incident found in open sources is answered within hours (a day unless the region says otherwise).
  const incidentTermHours = p.int('incidentTermHours', 24, 1, 720);
  const incidentReminderHours = p.int('incidentReminderHours', 2, 0, 720);
  const raw = isObj(profile) ? profile.eventDurations : undefined;
  const eventDurations = readEventDurations(new Entry(`${rel}: profile.eventDurations`, isObj(raw) ? raw : {}, problems), raw);
  if (incidentTermHours === undefined || incidentReminderHours === undefined || !eventDurations) return undefined;
  return { event_durations: eventDurations, incident_term_hours: incidentTermHours, incident_reminder_hours: incidentReminderHours };
}

/** profile.eventDurations: { poll: { minDays, maxDays }, … } by participation type; absent: {}. */
function readEventDurations(e: Entry, raw: unknown): EventDurations | undefined {
  if (raw === undefined || raw === null) return {};
  if (!isObj(raw)) {
    e.problem('must be a mapping of participation types to {minDays, maxDays}');
    return undefined;
  }
  e.only([...LIMITED_TYPES]);
  const out: EventDurations = {};
  for (const [type, range] of Object.entries(raw)) {
    if (!isDurationRange(range)) {
      e.problem(`"${type}" must be {minDays, maxDays}: whole days, 1 ≤ minDays ≤ maxDays ≤ 366, got ${JSON.stringify(range)}`);
      return undefined;
    }
    out[type] = { minDays: range.minDays, maxDays: range.maxDays };
  }
  return out;
}

function forEachEntry(doc: Obj | undefined, listKey: string, rel: string, what: string, problems: string[], fn: (e: Entry) => void): void {
  if (!doc) return;
  const top = new Entry(rel, doc, problems);
  top.only([listKey]);
  const list = top.list(listKey, true);
  list?.forEach((v, i) => {
    const label = isObj(v) && typeof (v.id ?? v.key) === 'string' ? `"${String(v.id ?? v.key)}"` : `#${i + 1}`;
    const where = `${rel}: ${what} ${label}`;
    if (!isObj(v)) {
      problems.push(`${where}: expected a mapping`);
      return;
    }
    fn(new Entry(where, v, problems));
  });
}

interface Declared { id: string; region_id: string; parent_id: string | null }

function declare(list: Located<Declared>[], e: Entry, id: string | undefined, regionId: string, parentId: string | null = null): string | undefined {
  if (id !== undefined) list.push({ where: e.where, row: { id, region_id: regionId, parent_id: parentId } });
  return id;
}

function uniqueById(items: Located<Declared>[], what: string, problems: string[]): Map<string, Declared> {
  const byId = new Map<string, Declared>();
  const firstAt = new Map<string, string>();
  for (const { row, where } of items) {
    if (byId.has(row.id)) problems.push(`${where}: duplicate ${what} "${row.id}" (first defined at ${firstAt.get(row.id)})`);
    else {
      byId.set(row.id, row);
      firstAt.set(row.id, where);
    }
  }
  return byId;
}

function checkRef(where: string, field: string, id: string, regionId: string, byId: Map<string, Declared>, what: string, problems: string[]): boolean {
  const target = byId.get(id);
  if (!target) {
    problems.push(`${where}: unknown ${what} "${id}" in "${field}"`);
    return false;
  }
  if (target.region_id !== regionId) {
    problems.push(`${where}: ${what} "${id}" in "${field}" belongs to region "${target.region_id}", not "${regionId}"`);
    return false;
  }
  return true;
}

function topological<T extends { id: string; parent_id: string | null }>(items: Located<T>[], problems: string[], what: string): T[] {
  const byId = new Map(items.map((i) => [i.row.id, i]));
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (item: Located<T>, path: string[]) => {
    if (done.has(item.row.id)) return;
    if (path.includes(item.row.id)) {
      problems.push(`${item.where}: ${what} parents form a cycle: ${[...path.slice(path.indexOf(item.row.id)), item.row.id].join(' → ')}`);
      return;
    }
    const parent = item.row.parent_id !== null ? byId.get(item.row.parent_id) : undefined;
    if (parent) visit(parent, [...path, item.row.id]);
    if (!done.has(item.row.id)) {
      done.add(item.row.id);
      out.push(item.row);
    }
  };
  for (const item of items) visit(item, []);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Loading

const CHUNK = 500;

async function insertIgnoring<T extends object>(trx: Db, table: string, rows: T[], conflict: string, key: string): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const result: unknown[] = await trx(table).insert(rows.slice(i, i + CHUNK)).onConflict(conflict).ignore().returning(key);
    inserted += result.length;
  }
  return inserted;
}

/** Rows grouped by depth (parents first), so each level's parents exist before it is inserted. */
function byDepth<T extends { id: string; parent_id: string | null }>(rows: T[]): T[][] {
  const depth = new Map<string, number>();
  const levels: T[][] = [];
  for (const row of rows) {
    // rows are in topological order, so a parent's depth is known (or it is in the database already)
    const d = row.parent_id !== null && depth.has(row.parent_id) ? depth.get(row.parent_id)! + 1 : 0;
    depth.set(row.id, d);
    (levels[d] ??= []).push(row);
  }
  return levels;
}

/** Validates the seed folders under `dir` and inserts what is not in the database yet, in one transaction. */
export async function loadSeeds(db: Db, dir = seedsDirectory): Promise<SeedSummary> {
  const data = readSeeds(dir);
  const inserted = await db.transaction(async (trx) => {
    const counts: SeedCounts = { regions: 0, territories: 0, organisations: 0, categories: 0, acceleratedSubcategories: 0, routingRules: 0 };
    counts.regions = await insertIgnoring(trx, 'regions', data.regions, 'id', 'id');
    await insertIgnoring(
      trx,
      'regulation_profiles',
      data.profiles.map((p) => ({ ...p, calendar: JSON.stringify(p.calendar), event_durations: JSON.stringify(p.event_durations) })),
      'region_id',
      'region_id',
    );
    for (const level of byDepth(data.territories)) counts.territories += await insertIgnoring(trx, 'territories', level, 'id', 'id');
    for (const level of byDepth(data.organisations)) counts.organisations += await insertIgnoring(trx, 'organisations', level, 'id', 'id');
    for (const level of byDepth(data.categories)) counts.categories += await insertIgnoring(trx, 'categories', level, 'id', 'id');
    counts.acceleratedSubcategories = await insertIgnoring(trx, 'accelerated_subcategories', data.accelerated, 'subcategory_id', 'subcategory_id');
    counts.routingRules = await insertIgnoring(trx, 'routing_rules', data.routingRules, 'seed_key', 'id');
    return counts;
  });
  return {
    regions: data.regions.length,
    territories: data.territories.length,
    organisations: data.organisations.length,
    categories: data.categories.length,
    acceleratedSubcategories: data.accelerated.length,
    routingRules: data.routingRules.length,
    inserted,
  };
}

if (require.main === module) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set (postgres://user:password@host:port/database)');
    process.exit(2);
  }
  const db = connect(url, { max: 2 });
  (async () => {
    await migrateLatest(db);
    const summary = await loadSeeds(db, process.argv[2] ? path.resolve(process.argv[2]) : seedsDirectory);
    const { inserted, ...inFiles } = summary;
    console.log(`seeds: ${JSON.stringify(inFiles)}`);
    console.log(`inserted: ${JSON.stringify(inserted)}`);
  })()
    .catch((err: unknown) => {
      console.error(err instanceof SeedError ? err.message : err);
      process.exitCode = 1;
    })
    .finally(() => db.destroy());
}
