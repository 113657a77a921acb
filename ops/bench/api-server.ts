// The API as its own process for the benchmarks: what `npm run api` runs (api/server.ts), but bound to
// 127.0.0.1 only, with warnings and errors only in its log, and without the per-user and per-address
// rate limits of POST /appeals: the benchmark sends everything from 127.0.0.1 as a few citizens, so
// with them on it would measure the limiter. Uses DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE
// and PORT, like `npm run api`.
import { Client } from '@temporalio/client';
import { connectTemporalClient } from '../../domain/readiness';
import { startApiServer } from '../../api/server';
import { connect } from '../../db/connection';
import { loadConfig } from '../../domain/config';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporalAddress) throw new Error('the bench API needs DATABASE_URL and TEMPORAL_ADDRESS');
  const db = connect(config.databaseUrl);
  const connection = await connectTemporalClient(config.temporalAddress);
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const api = await startApiServer({
    db, temporal, taskQueue: config.taskQueue, port: config.apiPort, host: '127.0.0.1', namespace: config.temporalNamespace,
    // Rate limits off (api/ratelimit.ts: `rateLimit: false`); spread so that this file also builds
    // against an API without rate limits.
    ...({ rateLimit: false } as object),
    log: (level, message, fields) => {
      if (level !== 'info') console.error(JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields }));
    },
  });
  const stop = async () => {
    await api.close();
    await connection.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
