// The classifier of a region (categories and their subcategories) and its accelerated subcategories.
import type { Db } from '../../db/connection';
import { loadRoutingRules } from '../../db/reference';
import { needsTerritory } from '../../workflows/rules/routing';
import type { components } from '../../openapi/types';
import { problems } from '../problem';
import { isUniqueViolation, organisationInRegion, regionExists, topLevelCategory } from './checks';
import { getRegion } from './regions';

type S = components['schemas'];
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
  const rules = await loadRoutingRules(db, regionId);
  const categories = new Map<string, S['Category']>();
  for (const r of rows) if (!r.parent_id) categories.set(r.id, { id: r.id, name: r.name, subcategories: [] });
  for (const r of rows) {
    if (!r.parent_id) continue;
    categories.get(r.parent_id)?.subcategories.push({
      id: r.id, name: r.name, accelerated: r.term_days === null || r.term_days === undefined ? null : acceleratedOf(r),
      needsTerritory: needsTerritory(rules, { categoryId: r.parent_id, subcategoryId: r.id }),
    });
  }
  return { regionId, categories: [...categories.values()] };
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
