// `npm start`: the whole platform on one machine. Without DATABASE_URL it starts an embedded PostgreSQL
// under ./data/pg; without TEMPORAL_ADDRESS the Temporal dev server on ./data/temporal.db. Then it
// migrates, loads the seed data, runs the worker and the API, prints where everything is and a set of
// ready-to-use tokens, and stops cleanly on Ctrl-C. Data survives a restart.
import fs from 'node:fs';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { createUserWithToken, type Role } from '../domain/identity/users';
import { userForToken } from '../domain/identity/authentication';
import { startApiServer } from '../api/server';
import type { OidcSettings } from '../domain/identity/oidc';
import { connect, migrateLatest, type Db } from '../db/connection';
import { connectTemporalClient, connectTemporalWorker, redactedDatabaseUrl, waitForDatabase, type WaitOptions } from '../domain/readiness';
import { loadSeeds } from '../db/seed';
import { attachmentsOf, ConfigError, loadConfig, type Config } from '../domain/config';
import { JsonLogger } from './logging';
import { assertPortFree, projectRoot, startEmbeddedPostgres, startTemporalDevServer } from './embedded';
import { createWorker, ensureSearchAttributes } from './worker';
import { pageConnectors } from '../domain/pages/config';
import { startOutbox } from './outbox';
import { ensureOverdueDigestSchedule } from './overdue-digest';
import { ensureReadinessSnapshotSchedules } from './readiness-snapshot';
import { startWebhookFanout } from './webhook-fanout';
import { startEmbeddedIdentityProvider, type DemoAccount } from './oidc-provider';
import { ensureWebBuild } from './web-build';
import { ServiceStack } from './service-stack';

interface DemoToken { role: Role; name: string; organisationId?: string; regionId?: string; scopes?: string[]; token: string }

/** Demo users of the embedded default, one per role, so a new user can try the API at once. */
const DEMO_USERS: Omit<DemoToken, 'token'>[] = [
  { role: 'operator', name: 'Оператор Минздрава Алтайского края', organisationId: 'altai.minzdrav' },
  { role: 'supervisor', name: 'Супервизор ЦУР Алтайского края', regionId: 'altai' },
  { role: 'citizen', name: 'Иван Петров' },
  { role: 'administrator', name: 'Администратор платформы' },
  // A document-management system of the Ministry of Health and the organisations below it (API key).
  { role: 'integration', name: 'СЭД Минздрава Алтайского края', organisationId: 'altai.minzdrav', scopes: ['cases:read', 'cases:write', 'feed:read', 'webhooks:manage', 'attachments:write'] },
];

/**
 * Tokens are stored hashed, so they can be shown only when made. The embedded default keeps the demo
 * tokens in data/demo-tokens.json (readable by this user only) to print them at every start; a token
 * revoked since is replaced.
 */
async function demoTokens(db: Db, dataDir: string): Promise<DemoToken[]> {
  const file = path.join(dataDir, 'demo-tokens.json');
  const saved: DemoToken[] = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
  const result: DemoToken[] = [];
  for (const demo of DEMO_USERS) {
    const known = saved.find((s) => s.role === demo.role);
    if (known && (await userForToken(db, known.token))) {
      result.push(known);
      continue;
    }
    const organisationExists = !demo.organisationId || (await db('organisations').where({ id: demo.organisationId }).first());
    if (!organisationExists) continue; // seeds not loaded (OTKLIK_LOAD_SEEDS=false): no such organisation
    const { token } = await createUserWithToken(db, { ...demo, email: null, label: 'demo (npm start)' });
    result.push({ ...demo, token });
  }
  fs.writeFileSync(file, JSON.stringify(result, null, 2), { mode: 0o600 });
  return result;
}

/** What every step of the start needs: the configuration, the data folder, the services started so far. */
interface Startup {
  config: Config;
  dataDir: string;
  services: ServiceStack;
  /** How long and how loudly to wait for a service that is still coming up. */
  wait: WaitOptions;
}

/** The database: the embedded PostgreSQL unless DATABASE_URL is set; waited for, migrated and seeded. */
async function startDatabase({ config, dataDir, services, wait }: Startup): Promise<Db> {
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    await assertPortFree(config.embeddedPostgresPort, 'the embedded PostgreSQL (EMBEDDED_PG_PORT)');
    const pg = await startEmbeddedPostgres(path.join(dataDir, 'pg'), config.embeddedPostgresPort);
    services.push('PostgreSQL', () => pg.stop());
    databaseUrl = pg.localUrl;
    // The embedded default is for trying the platform on one machine: webhook receivers there are
    // usually plain http://localhost. A deployment with its own database keeps https:// only.
    process.env.OTKLIK_WEBHOOK_ALLOW_HTTP ??= '1';
  }
  const db = connect(databaseUrl);
  services.push('database pool', () => db.destroy());
  await waitForDatabase(db, redactedDatabaseUrl(databaseUrl), wait);
  await migrateLatest(db);
  if (config.loadSeeds) await loadSeeds(db);
  return db;
}

/** Temporal: the dev server unless TEMPORAL_ADDRESS is set (then its search attributes are ensured). */
async function startTemporal({ config, dataDir, services, wait }: Startup): Promise<{ address: string; ui: string }> {
  if (config.temporalAddress) {
    await ensureSearchAttributes(config.temporalAddress, config.temporalNamespace, wait);
    return { address: config.temporalAddress, ui: 'the Web UI of your Temporal cluster' };
  }
  await assertPortFree(config.temporalPort, 'the Temporal dev server (TEMPORAL_PORT)');
  await assertPortFree(config.temporalUiPort, 'the Temporal Web UI (TEMPORAL_UI_PORT)');
  const temporal = await startTemporalDevServer({
    dbFile: path.join(dataDir, 'temporal.db'), port: config.temporalPort, uiPort: config.temporalUiPort,
    logFile: path.join(dataDir, 'temporal.log'), sqlitePragmas: config.temporalSqlitePragmas,
  });
  services.push('Temporal dev server', () => temporal.stop());
  // The console links each case to its workflow in this Web UI (api/handlers/console.ts).
  process.env.OTKLIK_TEMPORAL_UI_URL ??= temporal.uiUrl;
  return { address: temporal.address, ui: temporal.uiUrl };
}

/** The worker, in this process; `run` settles when the worker stops (wrapped: an async function would await it). */
async function startWorker({ config, services, wait }: Startup, db: Db, temporalAddress: string): Promise<{ run: Promise<void> }> {
  Runtime.install({ logger: new JsonLogger(config.logLevel === 'debug' ? 'DEBUG' : 'WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });
  // The dev server's port opens before its frontend is healthy: both connections wait for it.
  const nativeConnection = await connectTemporalWorker(temporalAddress, wait);
  const worker = await createWorker({ connection: nativeConnection, db, taskQueue: config.taskQueue, namespace: config.temporalNamespace, maxCachedWorkflows: config.workerMaxCachedWorkflows, pageConnectors: pageConnectors(config.pages) });
  const workerRun = worker.run();
  // The SDK's runtime also shuts the worker down on SIGINT/SIGTERM by itself: only ask when it still runs.
  services.push('worker', async () => { if (worker.getState() === 'RUNNING') worker.shutdown(); await workerRun; await nativeConnection.close(); });
  return { run: workerRun };
}

/** The Temporal client of the API, and the webhook fan-out that uses it. */
async function startTemporalClient({ config, services, wait }: Startup, db: Db, temporalAddress: string): Promise<Client> {
  const connection = await connectTemporalClient(temporalAddress, wait);
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  services.push('Temporal client', () => connection.close());
  await ensureOverdueDigestSchedule(temporal, config.taskQueue, config.overdueDigest);
  await ensureReadinessSnapshotSchedules(temporal, db, config.taskQueue);
  const webhookFanout = startWebhookFanout({
    db, temporal, taskQueue: config.taskQueue, policy: config.webhooks.policy, intervalMs: config.webhooks.fanoutIntervalMs,
  });
  services.push('webhook fan-out', () => webhookFanout.stop());
  return temporal;
}

/** People sign in at the region's provider (OIDC_ISSUER) or, by default, at the embedded one (with demo people). */
async function startIdentityProvider({ config, dataDir, services }: Startup, db: Db): Promise<{ oidc: OidcSettings; demoPeople: DemoAccount[] }> {
  if (config.oidc) return { oidc: config.oidc, demoPeople: [] };
  await assertPortFree(config.embeddedOidcPort, 'the embedded OpenID Connect provider (EMBEDDED_OIDC_PORT)');
  const idp = await startEmbeddedIdentityProvider({ dataDir, port: config.embeddedOidcPort, apiPort: config.apiPort, db });
  services.push('OpenID Connect provider', () => idp.provider.close());
  return { oidc: idp.settings, demoPeople: idp.accounts };
}

/** What `npm start` prints once the platform runs: where everything is, and the demo tokens. */
function welcome(s: { config: Config; dataDir: string; apiPort: number; temporalUi: string; attachments: string; oidc: OidcSettings; demoPeople: DemoAccount[]; tokens: DemoToken[] }): string {
  const { config, dataDir, temporalUi, oidc, demoPeople, tokens } = s;
  const base = `http://localhost:${s.apiPort}`;
  return `
Отклик работает.
  API:               ${base}   (спецификация: ${base}/openapi.json, справочник: ${base}/docs)
  Temporal Web UI:   ${temporalUi}
  PostgreSQL:        ${config.databaseUrl ? 'DATABASE_URL' : `127.0.0.1:${config.embeddedPostgresPort}, database otklik`}
  Данные:            ${config.databaseUrl && config.temporalAddress ? 'external services' : dataDir}
  Вложения:          ${s.attachments}
  Форма обращения:   ${base}/app#/form/altai.minzdrav   (встраивание: ${base}/embed.js, см. README)
  Мои обращения:     ${base}/app#/cases
  Рабочее место:     ${base}/console   (операторы, кураторы, администраторы; вход по OIDC или по токену ниже)
  Вход (OIDC):       ${base}/auth/oidc/login   (провайдер: ${oidc.issuer}${demoPeople.length ? `; демо: ${demoPeople.map((p) => `${p.username} / ${p.password}`).join(', ')}` : ''})

Tokens (Authorization: Bearer …):
${tokens.map((t) => `  ${t.role.padEnd(14)} ${t.token}   ${t.name}${t.organisationId ? ` (${t.organisationId})` : ''}${t.regionId ? ` (${t.regionId})` : ''}`).join('\n')}

Try:
  curl -s ${base}/cases -H "Authorization: Bearer ${tokens.find((t) => t.role === 'operator')?.token ?? '<operator token>'}"

Ctrl-C stops everything; data stays in ${dataDir}.`;
}

async function main(config: Config): Promise<void> {
  const services = new ServiceStack((line) => console.error(line));
  let stopping = false;
  const stopServices = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nОстанавливаю платформу…');
    await services.stopAll();
  };
  const stopAll = async (code: number) => {
    await stopServices();
    process.exit(code);
  };
  // On SIGINT/SIGTERM async-exit-hook runs the platform's orderly stop, then exits the process.
  exitHook((done) => { void stopServices().then(done); });

  try {
    const dataDir = path.resolve(projectRoot, config.dataDir);
    fs.mkdirSync(dataDir, { recursive: true });
    // The API serves the citizen's web app from web/dist: built here when missing or older than web/.
    await ensureWebBuild();
    const startup: Startup = { config, dataDir, services, wait: { waitSeconds: config.startupWaitSeconds, log: (m) => console.log(m) } };
    const db = await startDatabase(startup);
    const temporalServer = await startTemporal(startup);
    const worker = await startWorker(startup, db, temporalServer.address);
    const outbox = await startOutbox(db, config);
    services.push('outbox', () => outbox.stop());
    const temporal = await startTemporalClient(startup, db, temporalServer.address);
    const attachments = attachmentsOf(config);
    const { oidc, demoPeople } = await startIdentityProvider(startup, db);
    const api = await startApiServer({ db, temporal, taskQueue: config.taskQueue, port: config.apiPort, namespace: config.temporalNamespace, ...config.apiSecurity, attachments, oidc, similarity: config.similarity, pseudonymSecret: config.pseudonymSecret, publicationDelivery: config.pages.delivery });
    services.push('API', () => api.close());

    const tokens = await demoTokens(db, dataDir);
    console.log(welcome({ config, dataDir, apiPort: api.port, temporalUi: temporalServer.ui, attachments: attachments.storage.describe(), oidc, demoPeople, tokens }));
    // A worker that dies takes the platform down with it rather than leaving a half-running system.
    worker.run.catch((e) => {
      console.error(`worker stopped: ${(e as Error).message}`);
      void stopAll(1);
    });
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    await stopAll(1);
  }
}

let config: Config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
void main(config);
