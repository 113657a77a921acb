import { startEmbeddedPostgres, startTemporalDevServer } from '../ops/embedded';
import { connect, migrateLatest } from '../db/connection';
(async () => {
  const pg = await startEmbeddedPostgres('data/spike-pg', 5499);
  const db = connect(pg.url);
  await migrateLatest(db);
  console.log(await db.raw('select count(*) from knex_migrations'));
  await db.destroy();
  const t = await startTemporalDevServer({ dbFile: 'data/spike-t.db', port: 7299, uiPort: 8299 });
  console.log('temporal up', t.address);
  await t.stop(); await pg.stop();
  console.log('done');
})().catch((e) => { console.error(e); process.exit(1); });
