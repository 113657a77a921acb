// Organisations (participants) of a region, as the API reads and writes them.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import { problems } from '../problem';
import { isUniqueViolation, organisationInRegion, regionExists, territoryInRegion } from './checks';

type S = components['schemas'];
type Conn = Db | Knex.Transaction;

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
