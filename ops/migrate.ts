// `npm run migrate`: migrations and seed data for an external PostgreSQL (DATABASE_URL). `npm start`
// does the same by itself on the embedded default.
import { loadConfig } from '../domain/config';
import { redactedDatabaseUrl, waitForDatabase } from '../domain/readiness';
import { connect, migrateLatest } from '../db/connection';
import { loadSeeds } from '../db/seed';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('npm run migrate needs DATABASE_URL (npm start migrates the embedded database itself)');
  const db = connect(config.databaseUrl);
  try {
    await waitForDatabase(db, redactedDatabaseUrl(config.databaseUrl), { waitSeconds: config.startupWaitSeconds });
    await migrateLatest(db);
    console.log('migrations: up to date');
    if (config.loadSeeds) {
      const counts = await loadSeeds(db);
      console.log(`seeds: ${JSON.stringify(counts)}`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
