// The worker process: runs every case type's workflows and activities, and delivers the outbox.
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityOptions } from '../activities';
import { pageConnectors } from '../domain/pages/config';
import { activityInterceptors } from '../domain/metrics';
import { connect, type Db } from '../db/connection';
import { connectTemporalClient, connectTemporalWorker, redactedDatabaseUrl, waitForDatabase, type WaitOptions } from '../domain/readiness';
import { INDEXED_VALUE_TYPE, SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import type * as workflowBundle from '../workflows';
import type { EventWorkflowType } from '../workflows/participation/lifecycle';
import { loadConfig } from '../domain/config';
import { startOutbox } from './outbox';
import { startWebhookFanout } from './webhook-fanout';
import { ensureOverdueDigestSchedule } from './overdue-digest';
import { ensureReadinessSnapshotSchedules } from './readiness-snapshot';
import { JsonLogger, sdkLevel } from './logging';
import { workflowBundlePath } from './workflow-bundle';

/**
 * The bundle's participation workflows, by the names their manifests start them by: tsc refuses a
 * bundle (workflows/index.ts) that does not export some participation type's workflow under that name.
 */
export type BundledEventWorkflows = Pick<typeof workflowBundle, EventWorkflowType>;

export async function createWorker(opts: {
  connection: NativeConnection;
  db: Db;
  taskQueue: string;
  namespace?: string;
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Workflows kept in memory between tasks (domain/config workerMaxCachedWorkflows); the SDK's default when absent (tests). */
  maxCachedWorkflows?: number;
  /** Official pages' network connectors (default: those configured in the environment, domain/pages/config.ts). */
  pageConnectors?: ActivityOptions['pageConnectors'];
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue,
    // Tests pass the bundle they share; processes use the file of the current workflow code (ops/workflow-bundle.ts).
    workflowBundle: opts.workflowBundle ?? await workflowBundlePath(),
    activities: createActivities(opts.db, { pageConnectors: opts.pageConnectors }),
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    // Failed activity attempts are counted in PostgreSQL for the API's /metrics (api/metrics.ts).
    interceptors: { activity: [activityInterceptors(opts.db)] },
  });
}

/**
 * Registers the platform's search attributes on a cluster that lacks them (the dev server gets them as
 * start flags). Existing ones are left alone, so this is safe at every start.
 */
export async function ensureSearchAttributes(address: string, namespace: string, wait: WaitOptions = {}): Promise<void> {
  const connection = await connectTemporalClient(address, wait);
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !(name in (existing.customAttributes ?? {})));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_VALUE_TYPE[type]])),
    });
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  (async () => {
    const config = loadConfig();
    if (!config.databaseUrl || !config.temporalAddress) {
      throw new Error('the worker alone needs DATABASE_URL and TEMPORAL_ADDRESS; `npm start` runs everything embedded');
    }
    const db = connect(config.databaseUrl);
    // A cluster or database that is briefly unavailable (restarting, still coming up) is waited for.
    const wait: WaitOptions = { waitSeconds: config.startupWaitSeconds };
    await waitForDatabase(db, redactedDatabaseUrl(config.databaseUrl), wait);
    await ensureSearchAttributes(config.temporalAddress, config.temporalNamespace, wait);
    // JSON lines with the case id (ops/logging.ts), like the API's.
    Runtime.install({
      logger: new JsonLogger(sdkLevel(config.logLevel)),
      ...(config.workerMetricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: config.workerMetricsAddress } } } } : {}),
    });
    const connection = await connectTemporalWorker(config.temporalAddress, wait);
    const worker = await createWorker({ connection, db, taskQueue: config.taskQueue, namespace: config.temporalNamespace, maxCachedWorkflows: config.workerMaxCachedWorkflows, pageConnectors: pageConnectors(config.pages) });
    const outbox = await startOutbox(db, config);
    // Case events → webhook deliveries → one delivery workflow each (ops/webhook-fanout.ts).
    const clientConnection = await connectTemporalClient(config.temporalAddress, wait);
    const temporal = new Client({ connection: clientConnection, namespace: config.temporalNamespace });
    await ensureOverdueDigestSchedule(temporal, config.taskQueue, config.overdueDigest);
    await ensureReadinessSnapshotSchedules(temporal, db, config.taskQueue);
    const webhookFanout = startWebhookFanout({
      db, temporal, taskQueue: config.taskQueue,
      policy: config.webhooks.policy, intervalMs: config.webhooks.fanoutIntervalMs,
    });
    await worker.run();
    await webhookFanout.stop();
    await clientConnection.close();
    await outbox.stop();
    await connection.close();
    await db.destroy();
  })().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
