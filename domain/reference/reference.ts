// Reference data as the API reads and writes it: regions and their regulation profiles, territories,
// organisations, the classifier, routing rules and the routing preview. No Express here: the functions
// take the database and plain values and throw HttpProblem for the caller to render.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import { routeWithTerm, RoutingImpossibleError } from './routing';
import type { components } from '../../openapi/types';
import { HttpProblem, PROBLEM, problems } from '../problem';

type S = components['schemas'];
type Conn = Db | Knex.Transaction;

function iso(v: Date | string): string {
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string })?.code === '23505';
}

// ---- regions ----

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

// ---- checks shared by cases and reference writes ----

async function territoryInRegion(db: Conn, territoryId: string, regionId: string, path: string): Promise<void> {
  const t = await db('territories').where({ id: territoryId }).first('region_id');
  if (!t) throw problems.field('body', path, `there is no territory ${territoryId}`);
  if (t.region_id !== regionId) throw problems.field('body', path, `territory ${territoryId} is not in region ${regionId}`);
}

async function organisationInRegion(db: Conn, organisationId: string, regionId: string, path: string) {
  const o = await db('organisations').where({ id: organisationId }).first();
  if (!o) throw problems.field('body', path, `there is no organisation ${organisationId}`);
  if (o.region_id !== regionId) throw problems.field('body', path, `organisation ${organisationId} is not in region ${regionId}`);
  return o;
}

async function regionExists(db: Conn, regionId: string, path = '/regionId'): Promise<Record<string, any>> {
  const r = await db('regions').where({ id: regionId }).first();
  if (!r) throw problems.field('body', path, `there is no region ${regionId}`);
  return r;
}

/**
 * Checks a case's classification against the reference data: the region exists, the subcategory is a
 * subcategory of that region, the territory (if any) is in that region. Returns the subcategory's category.
 */
export async function checkCaseReferences(
  db: Conn,
  ref: { regionId: string; subcategoryId: string; territoryId?: string | null },
): Promise<{ categoryId: string; region: { id: string; timeZone: string; numberPrefix: string } }> {
  const region = await regionExists(db, ref.regionId);
  const sub = await db('categories').where({ id: ref.subcategoryId }).first();
  if (!sub) throw problems.field('body', '/subcategoryId', `there is no subcategory ${ref.subcategoryId}`);
  if (sub.region_id !== ref.regionId) throw problems.field('body', '/subcategoryId', `subcategory ${ref.subcategoryId} is not in region ${ref.regionId}`);
  if (!sub.parent_id) throw problems.field('body', '/subcategoryId', `${ref.subcategoryId} is a category; choose one of its subcategories`);
  if (ref.territoryId) await territoryInRegion(db, ref.territoryId, ref.regionId, '/territoryId');
  return { categoryId: sub.parent_id, region: { id: region.id, timeZone: region.time_zone, numberPrefix: region.number_prefix } };
}

/** An organisation a case may be sent to (redirect, reassign): exists, same region. */
export async function checkTargetOrganisation(db: Db, organisationId: string, regionId: string): Promise<void> {
  const o = await db('organisations').where({ id: organisationId }).first('region_id');
  if (!o) throw problems.unprocessable(`There is no organisation ${organisationId}.`, [{ in: 'body', path: '/organisationId', message: 'does not exist' }]);
  if (o.region_id !== regionId) {
    throw problems.unprocessable(`Organisation ${organisationId} is not in the case's region ${regionId}.`, [
      { in: 'body', path: '/organisationId', message: `is not in region ${regionId}` },
    ]);
  }
}

// ---- organisations ----

function organisationOf(o: Record<string, any>): S['Organisation'] {
  return {
    id: o.id, regionId: o.region_id, parentId: o.parent_id, name: o.name, kind: o.kind,
    territoryId: o.territory_id, modules: o.modules ?? [], active: o.active,
  };
}

export async function listOrganisations(db: Db, f: { regionId?: string; parentId?: string; active?: boolean }): Promise<S['Organisation'][]> {
  const qb = db('organisations').orderBy('id');
  if (f.regionId !== undefined) qb.where({ region_id: f.regionId });
  if (f.parentId !== undefined) qb.where({ parent_id: f.parentId });
  if (f.active !== undefined) qb.where({ active: f.active });
  return (await qb).map(organisationOf);
}

export async function getOrganisation(db: Conn, id: string): Promise<S['Organisation']> {
  const o = await db('organisations').where({ id }).first();
  if (!o) throw problems.notFound(`There is no organisation ${id}.`);
  return organisationOf(o);
}

export async function createOrganisation(db: Db, input: S['OrganisationCreate']): Promise<S['Organisation']> {
  return db.transaction(async (trx) => {
    await regionExists(trx, input.regionId);
    if (await trx('organisations').where({ id: input.id }).first('id')) throw problems.conflict(`Organisation ${input.id} exists already.`);
    if (input.parentId) await organisationInRegion(trx, input.parentId, input.regionId, '/parentId');
    if (input.territoryId) await territoryInRegion(trx, input.territoryId, input.regionId, '/territoryId');
    try {
      const [o] = await trx('organisations')
        .insert({
          id: input.id, region_id: input.regionId, parent_id: input.parentId ?? null, name: input.name.trim(), kind: input.kind,
          territory_id: input.territoryId ?? null, modules: input.modules ?? ['appeals'], active: input.active ?? true,
        })
        .returning('*');
      return organisationOf(o);
    } catch (e) {
      if (isUniqueViolation(e)) throw problems.conflict(`Organisation ${input.id} exists already.`);
      throw e;
    }
  });
}

export async function updateOrganisation(db: Db, id: string, patch: S['OrganisationPatch']): Promise<S['Organisation']> {
  return db.transaction(async (trx) => {
    const current = await trx('organisations').where({ id }).forUpdate().first();
    if (!current) throw problems.notFound(`There is no organisation ${id}.`);
    const changes: Record<string, unknown> = {};
    if (patch.parentId !== undefined) {
      if (patch.parentId !== null) {
        if (patch.parentId === id) throw problems.field('body', '/parentId', 'an organisation cannot be its own parent');
        await organisationInRegion(trx, patch.parentId, current.region_id, '/parentId');
        // The new parent must not be below this organisation: walk up from it.
        const chain = await trx.raw(
          `with recursive up as (
             select id, parent_id, 1 as depth from organisations where id = ?
             union all
             select o.id, o.parent_id, up.depth + 1 from organisations o join up on o.id = up.parent_id where up.depth < 1000
           ) select id from up`,
          [patch.parentId],
        );
        if (chain.rows.some((r: { id: string }) => r.id === id)) {
          throw problems.field('body', '/parentId', `${patch.parentId} is below ${id}: making it the parent would create a cycle`);
        }
      }
      changes.parent_id = patch.parentId;
    }
    if (patch.territoryId !== undefined) {
      if (patch.territoryId !== null) await territoryInRegion(trx, patch.territoryId, current.region_id, '/territoryId');
      changes.territory_id = patch.territoryId;
    }
    if (patch.name !== undefined) changes.name = patch.name.trim();
    if (patch.kind !== undefined) changes.kind = patch.kind;
    if (patch.modules !== undefined) changes.modules = patch.modules;
    if (patch.active !== undefined) changes.active = patch.active;
    const [o] = await trx('organisations').where({ id }).update(changes).returning('*');
    return organisationOf(o);
  });
}

// ---- classifier ----

function acceleratedOf(a: Record<string, any>): S['Accelerated'] {
  return {
    termDays: a.term_days,
    responsibleOrganisationIds: a.responsible_organisation_ids ?? [],
    responsibleMunicipality: a.responsible_municipality,
  };
}

function categoryRecordOf(c: Record<string, any>): S['CategoryRecord'] {
  return { id: c.id, regionId: c.region_id, parentId: c.parent_id, name: c.name };
}

export async function getClassifier(db: Db, regionId: string): Promise<S['Classifier']> {
  await getRegion(db, regionId);
  const rows = await db('categories as c')
    .leftJoin('accelerated_subcategories as a', 'a.subcategory_id', 'c.id')
    .where('c.region_id', regionId)
    .orderBy('c.id')
    .select('c.*', 'a.term_days', 'a.responsible_organisation_ids', 'a.responsible_municipality');
  const categories = new Map<string, S['Category']>();
  for (const r of rows) if (!r.parent_id) categories.set(r.id, { id: r.id, name: r.name, subcategories: [] });
  for (const r of rows) {
    if (!r.parent_id) continue;
    categories.get(r.parent_id)?.subcategories.push({
      id: r.id, name: r.name, accelerated: r.term_days === null || r.term_days === undefined ? null : acceleratedOf(r),
    });
  }
  return { regionId, categories: [...categories.values()] };
}

async function topLevelCategory(db: Conn, id: string, regionId: string, path: string): Promise<void> {
  const p = await db('categories').where({ id }).first();
  if (!p) throw problems.field('body', path, `there is no category ${id}`);
  if (p.region_id !== regionId) throw problems.field('body', path, `category ${id} is not in region ${regionId}`);
  if (p.parent_id) throw problems.field('body', path, `${id} is a subcategory; the classifier has two levels`);
}

export async function createCategory(db: Db, input: S['CategoryCreate']): Promise<S['CategoryRecord']> {
  return db.transaction(async (trx) => {
    await regionExists(trx, input.regionId);
    if (await trx('categories').where({ id: input.id }).first('id')) throw problems.conflict(`Category ${input.id} exists already.`);
    if (input.parentId) await topLevelCategory(trx, input.parentId, input.regionId, '/parentId');
    try {
      const [c] = await trx('categories')
        .insert({ id: input.id, region_id: input.regionId, parent_id: input.parentId ?? null, name: input.name.trim() })
        .returning('*');
      return categoryRecordOf(c);
    } catch (e) {
      if (isUniqueViolation(e)) throw problems.conflict(`Category ${input.id} exists already.`);
      throw e;
    }
  });
}

export async function updateCategory(db: Db, id: string, patch: S['CategoryPatch']): Promise<S['CategoryRecord']> {
  return db.transaction(async (trx) => {
    const c = await trx('categories').where({ id }).forUpdate().first();
    if (!c) throw problems.notFound(`There is no category ${id}.`);
    const changes: Record<string, unknown> = {};
    if (patch.name !== undefined) changes.name = patch.name.trim();
    if (patch.parentId !== undefined) {
      if (!c.parent_id) throw problems.field('body', '/parentId', `${id} is a category, not a subcategory: categories stay top-level`);
      await topLevelCategory(trx, patch.parentId, c.region_id, '/parentId');
      changes.parent_id = patch.parentId;
    }
    const [u] = await trx('categories').where({ id }).update(changes).returning('*');
    return categoryRecordOf(u);
  });
}

export async function putAccelerated(db: Db, subcategoryId: string, input: S['Accelerated']): Promise<S['Accelerated']> {
  return db.transaction(async (trx) => {
    const c = await trx('categories').where({ id: subcategoryId }).first();
    if (!c) throw problems.notFound(`There is no category ${subcategoryId}.`);
    if (!c.parent_id) throw problems.field('path', 'categoryId', `${subcategoryId} is a category; only subcategories can be accelerated`);
    for (const [i, orgId] of input.responsibleOrganisationIds.entries()) {
      await organisationInRegion(trx, orgId, c.region_id, `/responsibleOrganisationIds/${i}`);
    }
    const [a] = await trx('accelerated_subcategories')
      .insert({
        subcategory_id: subcategoryId, region_id: c.region_id, term_days: input.termDays,
        responsible_organisation_ids: input.responsibleOrganisationIds, responsible_municipality: input.responsibleMunicipality,
      })
      .onConflict('subcategory_id')
      .merge()
      .returning('*');
    return acceleratedOf(a);
  });
}

export async function deleteAccelerated(db: Db, subcategoryId: string): Promise<void> {
  const n = await db('accelerated_subcategories').where({ subcategory_id: subcategoryId }).delete();
  if (n === 0) throw problems.notFound(`${subcategoryId} is not on the accelerated track.`);
}

// ---- routing rules ----

function ruleOf(r: Record<string, any>): S['RoutingRule'] {
  return {
    id: r.id, regionId: r.region_id, categoryId: r.category_id, subcategoryId: r.subcategory_id, territoryId: r.territory_id,
    target: r.target, organisationId: r.organisation_id, descend: r.descend, priority: r.priority, note: r.note, seedKey: r.seed_key,
  };
}

export async function listRoutingRules(db: Db, f: { regionId?: string }): Promise<S['RoutingRule'][]> {
  const qb = db('routing_rules').orderBy('id');
  if (f.regionId !== undefined) qb.where({ region_id: f.regionId });
  return (await qb).map(ruleOf);
}

async function ruleRow(db: Conn, input: S['RoutingRuleInput']): Promise<Record<string, unknown>> {
  await regionExists(db, input.regionId);
  if (input.categoryId) await topLevelCategory(db, input.categoryId, input.regionId, '/categoryId');
  if (input.subcategoryId) {
    const sub = await db('categories').where({ id: input.subcategoryId }).first();
    if (!sub) throw problems.field('body', '/subcategoryId', `there is no subcategory ${input.subcategoryId}`);
    if (sub.region_id !== input.regionId) throw problems.field('body', '/subcategoryId', `subcategory ${input.subcategoryId} is not in region ${input.regionId}`);
    if (!sub.parent_id) throw problems.field('body', '/subcategoryId', `${input.subcategoryId} is a category; use categoryId`);
    if (input.categoryId && sub.parent_id !== input.categoryId) {
      throw problems.field('body', '/subcategoryId', `subcategory ${input.subcategoryId} belongs to ${sub.parent_id}, not ${input.categoryId}`);
    }
  }
  if (input.territoryId) await territoryInRegion(db, input.territoryId, input.regionId, '/territoryId');
  if (input.target === 'organisation') {
    if (!input.organisationId) throw problems.field('body', '/organisationId', 'is required when target is organisation');
    await organisationInRegion(db, input.organisationId, input.regionId, '/organisationId');
  } else if (input.organisationId) {
    throw problems.field('body', '/organisationId', 'must be left out when target is territory (the municipality of the case territory is used)');
  }
  return {
    region_id: input.regionId,
    category_id: input.categoryId ?? null,
    subcategory_id: input.subcategoryId ?? null,
    territory_id: input.territoryId ?? null,
    target: input.target,
    organisation_id: input.target === 'organisation' ? input.organisationId : null,
    descend: input.descend ?? false,
    priority: input.priority ?? 0,
    note: input.note ?? null,
  };
}

export async function createRoutingRule(db: Db, input: S['RoutingRuleInput']): Promise<S['RoutingRule']> {
  return db.transaction(async (trx) => {
    const [r] = await trx('routing_rules').insert(await ruleRow(trx, input)).returning('*');
    return ruleOf(r);
  });
}

export async function replaceRoutingRule(db: Db, id: number, input: S['RoutingRuleInput']): Promise<S['RoutingRule']> {
  return db.transaction(async (trx) => {
    const current = await trx('routing_rules').where({ id }).forUpdate().first();
    if (!current) throw problems.notFound(`There is no routing rule ${id}.`);
    if (current.region_id !== input.regionId) throw problems.field('body', '/regionId', `rule ${id} belongs to region ${current.region_id}; a rule's region cannot change`);
    const [r] = await trx('routing_rules').where({ id }).update(await ruleRow(trx, input)).returning('*');
    return ruleOf(r);
  });
}

export async function deleteRoutingRule(db: Db, id: number): Promise<void> {
  const n = await db('routing_rules').where({ id }).delete();
  if (n === 0) throw problems.notFound(`There is no routing rule ${id}.`);
}

/**
 * Where a case would go now, and its term if registered now; nothing is stored. The same routing as
 * registration (domain/reference/routing.ts), its fallback to the region's top participant included.
 */
export async function previewRouting(db: Db, req: S['RoutingPreviewRequest'], now = new Date()): Promise<S['RoutingPreview']> {
  const { categoryId } = await checkCaseReferences(db, req);
  try {
    const { decision, organisation, term } = await routeWithTerm(db, { regionId: req.regionId, categoryId, subcategoryId: req.subcategoryId, territoryId: req.territoryId ?? null }, now);
    return { ...decision, organisationName: organisation.name, ...term };
  } catch (e) {
    if (!(e instanceof RoutingImpossibleError)) throw e;
    if (e.reason === 'no-profile') throw problems.unprocessable(`Region ${req.regionId} has no regulation profile: terms cannot be computed.`);
    throw new HttpProblem({ status: 422, type: PROBLEM.noRoute, title: 'No routing rule applies', detail: e.message });
  }
}
