import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { migrateLatest } from '../../db/connection';
import { regionReference } from '../../db/reference';
import { loadSeeds } from '../../db/seed';
import { checkCaseReferences } from '../../domain/reference/checks';
import { routeNewCase } from '../../domain/reference/routing';
import { freshDatabase } from '../support/postgres';

describe('db/reference: a region\'s routing data kept while the reference data does not change', () => {
  let db: Db;
  const ambulance = { regionId: 'altai', categoryId: 'altai.c.medicine', subcategoryId: 'altai.c.medicine.ambulance', territoryId: null };

  before(async () => {
    ({ db } = await freshDatabase('reference_cache'));
    await migrateLatest(db);
    await loadSeeds(db);
  });

  after(() => db.destroy());

  it('answers from memory while nothing changed: the same object, one read of the version', async () => {
    const first = await regionReference(db, 'altai');
    const queries: string[] = [];
    const onQuery = (q: { sql: string }) => queries.push(q.sql);
    db.on('query', onQuery);
    try {
      assert.equal(await regionReference(db, 'altai'), first);
    } finally {
      db.off('query', onQuery);
    }
    assert.equal(queries.length, 1);
    assert.match(queries[0], /reference_version/);
  });

  it('with the version the intake read alongside the case\'s references, reads nothing more; after a change, that version reads the region again', async () => {
    const first = await regionReference(db, 'altai');
    const count = async (read: () => Promise<unknown>) => {
      const queries: string[] = [];
      const onQuery = (q: { sql: string }) => queries.push(q.sql);
      db.on('query', onQuery);
      try {
        await read();
      } finally {
        db.off('query', onQuery);
      }
      return queries;
    };
    const refs = await checkCaseReferences(db, { regionId: 'altai', subcategoryId: ambulance.subcategoryId });
    assert.deepEqual(await count(async () => assert.equal(await regionReference(db, 'altai', { version: refs.referenceVersion }), first)), []);
    await db('regulation_profiles').where({ region_id: 'altai' }).update({ extension_max_days: first.profile!.extensionMaxDays + 1 });
    const { referenceVersion } = await checkCaseReferences(db, { regionId: 'altai', subcategoryId: ambulance.subcategoryId });
    assert.notEqual(referenceVersion, refs.referenceVersion);
    const reads = await count(async () => assert.equal((await regionReference(db, 'altai', { version: referenceVersion })).profile!.extensionMaxDays, first.profile!.extensionMaxDays + 1));
    assert.ok(reads.length > 0 && reads.every((q) => !/reference_version/.test(q)), 'the region read again, the version not');
    await db('regulation_profiles').where({ region_id: 'altai' }).update({ extension_max_days: first.profile!.extensionMaxDays });
  });

  it('reads the region again after any change of its reference data, committed or by plain SQL', async () => {
    const before = await routeNewCase(db, ambulance);
    const other = (await db('organisations').where({ region_id: 'altai' }).whereNot({ id: before.organisationId }).where({ active: true }).first('id')).id as string;
    const rule = await db('routing_rules').where({ region_id: 'altai', subcategory_id: ambulance.subcategoryId }).orderBy('priority', 'desc').first();
    await db('routing_rules').where({ id: rule.id }).update({ organisation_id: other, target: 'organisation' });
    assert.equal((await routeNewCase(db, ambulance)).organisationId, other);

    const profile = (await regionReference(db, 'altai')).profile!;
    await db('regulation_profiles').where({ region_id: 'altai' }).update({ extension_max_days: profile.extensionMaxDays + 1 });
    assert.equal((await regionReference(db, 'altai')).profile!.extensionMaxDays, profile.extensionMaxDays + 1);
  });

  it('a change rolled back leaves the data as it was', async () => {
    const kept = await regionReference(db, 'altai');
    await db.transaction(async (trx) => {
      await trx('territories').where({ region_id: 'altai' }).update({ kind: trx.ref('kind') });
      await trx.rollback();
    }).catch(() => undefined);
    assert.equal(await regionReference(db, 'altai'), kept);
  });
});
