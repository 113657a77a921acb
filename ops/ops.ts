// `npm run ops -- <command>`: the ops team's command line (ops/cli/index.ts lists the commands). Talks
// to the platform's PostgreSQL (DATABASE_URL) and Temporal (TEMPORAL_ADDRESS) directly; without them, to
// the embedded services of `npm start` on this machine.
import { Client, type Connection } from '@temporalio/client';
import { connect } from '../db/connection';
import { ConfigError, loadConfig } from '../domain/config';
import { connectTemporalClient, redactedDatabaseUrl, waitForDatabase } from '../domain/readiness';
import { runOps, USAGE } from './cli';

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  if (argv.length === 0 || argv.includes('--help')) {
    console.log(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const config = loadConfig();
  // Without DATABASE_URL / TEMPORAL_ADDRESS: the services `npm start` runs on this machine (embedded defaults).
  const databaseUrl = config.databaseUrl ?? `postgres://otklik:otklik@127.0.0.1:${config.embeddedPostgresPort}/otklik`;
  const temporalAddress = config.temporalAddress ?? `127.0.0.1:${config.temporalPort}`;
  const db = connect(databaseUrl, { max: 4 });
  let connection: Connection;
  try {
    // The platform may be starting or restarting: wait for it (OTKLIK_STARTUP_WAIT_SECONDS) before giving up.
    const wait = { waitSeconds: config.startupWaitSeconds };
    await waitForDatabase(db, redactedDatabaseUrl(databaseUrl), wait);
    connection = await connectTemporalClient(temporalAddress, wait);
  } catch (e) {
    await db.destroy();
    console.error(`Cannot reach the platform: ${(e as Error).message}\n`
      + 'Start it with `npm start`, or set DATABASE_URL and TEMPORAL_ADDRESS of the running platform.');
    return 2;
  }
  try {
    const client = new Client({ connection, namespace: config.temporalNamespace });
    const out = await runOps(argv, { db, client, taskQueue: config.taskQueue, namespace: config.temporalNamespace });
    const text = json ? JSON.stringify(out.json, null, 2) : out.text;
    if (out.code === 0) console.log(text);
    else console.error(text);
    return out.code;
  } finally {
    await connection.close();
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof ConfigError ? e.message : e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
