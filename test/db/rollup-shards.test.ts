import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { migrationsDirectory } from '../../db/connection';
import { aggregate } from '../../domain/monitoring/indicators';
import { ROLLUP_SHARDS, shardOf } from '../../domain/monitoring/facts';
import { freshDatabase } from '../support/postgres';

describe('monitoring rollups in shards (db/migrations/20261207012001_rollup_shards.ts)', () => {
  let db: Db;
  const key = { region_id: 'shard-region', grain: 0, month: '2026-12-01', organisation_id: '*', territory_id: '*', category_id: '*', channel: '*' };
  const migrations = { directory: migrationsDirectory, loadExtensions: ['.ts', '.js'] };

  before(async () => {
    ({ db } = await freshDatabase('rollup_shards'));
  });

  after(() => db.destroy());

  it('spreads cases over every shard, each case always to the same one', () => {
    const shards = new Set<number>();
    for (let i = 1; i <= 2000; i++) {
      const id = `22-2026-${String(i).padStart(6, '0')}`;
      const shard = shardOf(id);
      assert.ok(Number.isInteger(shard) && shard >= 0 && shard < ROLLUP_SHARDS, `${id} → ${shard}`);
      assert.equal(shardOf(id), shard);
      shards.add(shard);
    }
    assert.equal(shards.size, ROLLUP_SHARDS);
  });

  it('sums a key over its shards for the indicators', async () => {
    await db('monitoring_rollup').insert([{ ...key, shard: 0, received: 2, answered: 1 }, { ...key, shard: 7, received: 3 }]);
    await db('monitoring_answer_days').insert([{ ...key, shard: 0, hist: [1, 2] }, { ...key, shard: 7, hist: [0, 1, 4] }]);
    const [all] = await aggregate(db, { regionId: key.region_id, from: '2026-12-01', to: '2026-12-01' }, []);
    assert.equal(all.sums.received, 5);
    assert.equal(all.sums.answered, 1);
    assert.deepEqual([...all.days.entries()].sort(), [[0, 1], [1, 3], [2, 4]]);
  });

  it('folds the shards into one row per key when migrated down, and takes them back up', async () => {
    await db.migrate.down({ ...migrations, name: '20261207012001_rollup_shards.ts' }); // this one, whatever came after it
    const rows = await db('monitoring_rollup').where({ region_id: key.region_id });
    assert.equal(rows.length, 1);
    assert.equal(Number(rows[0].received), 5);
    assert.equal(Number(rows[0].answered), 1);
    assert.deepEqual((await db('monitoring_answer_days').where({ region_id: key.region_id }))[0].hist, [1, 3, 4]);
    await db.migrate.latest(migrations);
    assert.deepEqual((await db('monitoring_rollup').where({ region_id: key.region_id })).map((r) => [r.shard, Number(r.received)]), [[0, 5]]);
  });
});
