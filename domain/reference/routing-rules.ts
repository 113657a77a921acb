// Routing rules of a region, as administrators read and write them (routing itself: ./routing.ts).
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import { problems } from '../problem';
import { organisationInRegion, regionExists, territoryInRegion, topLevelCategory } from './checks';

type S = components['schemas'];
type Conn = Db | Knex.Transaction;

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
