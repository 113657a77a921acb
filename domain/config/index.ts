// Configuration from environment variables, validated once at start. Every bad value is reported
// with its variable name and what was expected, all of them at once, before anything starts.
import { apiSecurityFromEnv } from './api-security';
import { envFlag, envInteger, envPort, type Env } from './env';
import { oidcFromEnv } from '../identity/oidc-config';
import type { OidcSettings } from '../identity/oidc';
import { webhookConfigFromEnv, type WebhookConfig } from '../integration/webhook-policy';
import { DEFAULT_STARTUP_WAIT_SECONDS } from '../readiness';
import { similarityRuleFromEnv } from './duplicates';
import { pseudonymSecretFromEnv } from './pseudonym';
import type { SimilarityRule } from '../cases/similarity';
import { outboxBackoffFromEnv, overdueDigestFromEnv, type OverdueDigestConfig } from './outbox';
import { pagesConfigFromEnv, type PagesConfig } from '../pages/config';
import type { BackoffPolicy } from '../outbound/backoff';
import { attachmentsConfigFromEnv, createAttachmentStorage, type AttachmentsConfig, type AttachmentsDeps } from '../attachments/storage';

export interface Config {
  /** PostgreSQL URL; when absent, an embedded PostgreSQL is started under dataDir/pg. */
  databaseUrl?: string;
  /** Temporal frontend host:port; when absent, the Temporal dev server is started on dataDir/temporal.db. */
  temporalAddress?: string;
  temporalNamespace: string;
  taskQueue: string;
  dataDir: string;
  apiPort: number;
  embeddedPostgresPort: number;
  temporalPort: number;
  temporalUiPort: number;
  /** SQLite pragmas of the embedded dev server's file (OTKLIK_TEMPORAL_SQLITE_PRAGMAS; DEV_SERVER_SQLITE_PRAGMAS says why WAL). */
  temporalSqlitePragmas: string[];
  /** Load the regional seed data at start (idempotent upserts). */
  loadSeeds: boolean;
  smtpUrl?: string;
  mailFrom: string;
  /** Retries of a notification that failed to send (OTKLIK_OUTBOX_*; ops/outbox.ts). */
  outboxBackoff: BackoffPolicy;
  /** The supervisors' digest of overdue appeals (OTKLIK_OVERDUE_DIGEST_*; ops/overdue-digest.ts). */
  overdueDigest: OverdueDigestConfig;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /**
   * Workflows the worker keeps in memory between tasks (OTKLIK_WORKER_MAX_CACHED_WORKFLOWS, default
   * DEFAULT_WORKER_MAX_CACHED_WORKFLOWS). Fewer means less memory and more replays from history.
   */
  workerMaxCachedWorkflows: number;
  /**
   * V8's old-generation limit, in MiB, of a worker process (OTKLIK_WORKER_HEAP_MIB, default
   * DEFAULT_WORKER_HEAP_MIB; 0: V8's own, about a quarter of the machine's memory). Node takes it only at
   * launch: `npm run worker` passes it (`--max-old-space-size`), as the benchmark does for its worker;
   * checked here so that a bad value is named. Without it V8 let the worker's heap grow with a load far
   * past what it holds live before collecting (docs/benchmarks.md).
   */
  workerHeapMiB: number;
  /**
   * host:port where the worker serves the Temporal SDK's Prometheus metrics (OTKLIK_WORKER_METRICS_ADDRESS;
   * off by default): workflow-cache hits and misses, replay and task latencies. The benchmark reads them.
   */
  workerMetricsAddress?: string;
  /**
   * How long each process waits at start-up for Temporal and PostgreSQL to become available before it
   * gives up with a message naming the address (OTKLIK_STARTUP_WAIT_SECONDS, default 60).
   */
  startupWaitSeconds: number;
  /** Rate limits, trusted proxies and HSTS of the API (OTKLIK_RATE_LIMIT_*, OTKLIK_TRUST_PROXY, OTKLIK_HSTS). */
  apiSecurity: ReturnType<typeof apiSecurityFromEnv>['options'];
  /** Sign-in of people at the region's OpenID Connect provider (OIDC_*; domain/identity/oidc-config.ts); absent: npm start runs the embedded one. */
  oidc?: OidcSettings;
  /** Port of the embedded OpenID Connect provider of npm start (EMBEDDED_OIDC_PORT, default 8081). */
  embeddedOidcPort: number;
  /** Webhook retries, pause threshold, http:// URLs, fan-out interval (OTKLIK_WEBHOOK_*; domain/integration/webhook-policy.ts). */
  webhooks: WebhookConfig;
  /** Attachment storage: local directory or S3 bucket, and the size limit (OTKLIK_ATTACHMENTS*, S3_*; domain/attachments/storage.ts). */
  attachments: AttachmentsConfig;
  /** When appeals are proposed as duplicates: distance and period (OTKLIK_DUPLICATE_*; domain/config/duplicates.ts). */
  similarity: SimilarityRule;
  /** Official pages: each network's API and token, and how publications are tried (OTKLIK_VK_*, OTKLIK_PAGES_*; domain/pages/config.ts). */
  pages: PagesConfig;
  /** The key of applicants' pseudonyms in reports (OTKLIK_PSEUDONYM_SECRET; domain/config/pseudonym.ts); absent: generated and kept in the database. */
  pseudonymSecret?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}





function url(env: Env, name: string, protocols: string[], problems: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    const u = new URL(raw);
    if (!protocols.includes(u.protocol)) throw new Error('protocol');
    return raw;
  } catch {
    problems.push(`${name}: expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    return undefined;
  }
}

/**
 * SQLite settings of the dev server's file. WAL with synchronous=normal doubles its throughput (44 → about
 * 90 minimal workflows/s here): a crash of any process loses nothing, a power cut may lose the last
 * commits. OTKLIK_TEMPORAL_SQLITE_PRAGMAS changes them (empty: SQLite's own defaults, full sync).
 */
export const DEV_SERVER_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/** OTKLIK_TEMPORAL_SQLITE_PRAGMAS: comma-separated name=value pairs; unset: WAL with synchronous=normal. */
function sqlitePragmas(env: Env, problems: string[]): string[] {
  const raw = env.OTKLIK_TEMPORAL_SQLITE_PRAGMAS;
  if (raw === undefined) return [...DEV_SERVER_SQLITE_PRAGMAS];
  const pragmas = raw.split(',').map((p) => p.trim()).filter(Boolean);
  const bad = pragmas.filter((p) => !/^[a-z_]+=[A-Za-z0-9_]+$/.test(p));
  if (bad.length > 0) problems.push(`OTKLIK_TEMPORAL_SQLITE_PRAGMAS: expected name=value pairs separated by commas, e.g. journal_mode=wal,synchronous=normal (not ${bad.join(', ')})`);
  return pragmas.filter((p) => !bad.includes(p));
}

/**
 * The worker's workflow cache by default: bounded, so that its memory is bounded out of the box whatever
 * the number of open cases. The SDK's own default grows with the machine's memory: the benchmark of
 * 2026-11-27 saw the worker flat at 1.5 GiB from ~3,500 open appeals on, i.e. roughly 0.3 MiB per
 * cached appeal above a base of ~400 MiB. The small run of 2026-12-06 with 1000 saw 1,357 MiB right
 * after a load (garbage not yet collected) and 755 MiB after a quiet minute, while replaying an evicted
 * appeal cost well under a millisecond (66 misses, 26 ms in all): 500 halves the cached part for a
 * replay cost that stays small. An evicted appeal is
 * replayed from its (short) history when its next task comes; `npm run bench` reports the worker's
 * memory, the cache misses and the time spent replaying at 100,000 open appeals.
 */
export const DEFAULT_WORKER_MAX_CACHED_WORKFLOWS = 500;
/**
 * A heap snapshot of a worker with 1,500 cached workflows held about 70 MiB live on its main thread and
 * 73 KiB per cached workflow on its workflow thread (docs/benchmarks.md): about 40 MiB for the default
 * cache. V8 applies the limit to each thread, so this leaves several times what either holds. Keep in
 * step with the `worker` script of package.json, which passes it to Node.
 */
export const DEFAULT_WORKER_HEAP_MIB = 512;

/**
 * OTKLIK_WORKER_HEAP_MIB: 0 (V8's own limit) or at least 128 MiB, below which a worker would run out at
 * start. Exported for the benchmark, which starts its worker with it without a whole platform config.
 */
export function workerHeapMiB(env: Env, problems: string[]): number {
  const n = envInteger(env, 'OTKLIK_WORKER_HEAP_MIB', DEFAULT_WORKER_HEAP_MIB, { min: 0, max: 1_000_000 }, problems);
  if (n > 0 && n < 128) {
    problems.push(`OTKLIK_WORKER_HEAP_MIB=${n}: expected 0 (V8's own limit) or a whole number of MiB from 128`);
    return DEFAULT_WORKER_HEAP_MIB;
  }
  return n;
}

/** A host:port setting (a listening address), or undefined when unset. */
function hostPort(env: Env, name: string, problems: string[]): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(raw) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(raw)) problems.push(`${name}=${JSON.stringify(raw)}: expected host:port, e.g. 127.0.0.1:9464`);
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const temporalAddress = env.TEMPORAL_ADDRESS || undefined;
  if (temporalAddress !== undefined && !/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(temporalAddress)) {
    problems.push(`TEMPORAL_ADDRESS=${JSON.stringify(temporalAddress)}: expected host:port, e.g. temporal.example.org:7233`);
  }
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    problems.push(`LOG_LEVEL=${JSON.stringify(env.LOG_LEVEL)}: expected one of debug, info, warn, error`);
  }
  const mailFrom = env.MAIL_FROM || 'Отклик <no-reply@otklik.local>';
  const apiSecurity = apiSecurityFromEnv(env);
  problems.push(...apiSecurity.problems);
  const oidc = oidcFromEnv(env);
  problems.push(...oidc.problems);
  const webhooks = webhookConfigFromEnv(env);
  problems.push(...webhooks.problems);
  const attachments = attachmentsConfigFromEnv(env);
  problems.push(...attachments.problems);
  const pages = pagesConfigFromEnv(env);
  problems.push(...pages.problems);
  const config: Config = {
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], problems),
    temporalAddress,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'otklik',
    dataDir: env.OTKLIK_DATA_DIR || 'data',
    apiPort: envPort(env, 'PORT', 8080, problems),
    embeddedPostgresPort: envPort(env, 'EMBEDDED_PG_PORT', 5433, problems),
    temporalPort: envPort(env, 'TEMPORAL_PORT', 7233, problems),
    temporalUiPort: envPort(env, 'TEMPORAL_UI_PORT', 8233, problems),
    temporalSqlitePragmas: sqlitePragmas(env, problems),
    loadSeeds: envFlag(env, 'OTKLIK_LOAD_SEEDS', true, problems),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:'], problems),
    mailFrom,
    outboxBackoff: outboxBackoffFromEnv(env, problems),
    overdueDigest: overdueDigestFromEnv(env, problems),
    logLevel,
    workerMaxCachedWorkflows: envInteger(env, 'OTKLIK_WORKER_MAX_CACHED_WORKFLOWS', DEFAULT_WORKER_MAX_CACHED_WORKFLOWS, { min: 0, max: 10_000_000 }, problems),
    workerHeapMiB: workerHeapMiB(env, problems),
    workerMetricsAddress: hostPort(env, 'OTKLIK_WORKER_METRICS_ADDRESS', problems),
    startupWaitSeconds: envInteger(env, 'OTKLIK_STARTUP_WAIT_SECONDS', DEFAULT_STARTUP_WAIT_SECONDS, { min: 1, max: 3600, what: 'seconds' }, problems),
    apiSecurity: apiSecurity.options,
    oidc: oidc.settings,
    embeddedOidcPort: oidc.embeddedPort,
    webhooks: webhooks.config,
    attachments: attachments.config,
    similarity: similarityRuleFromEnv(env, problems),
    pages: pages.config,
    pseudonymSecret: pseudonymSecretFromEnv(env, problems),
  };
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(config.taskQueue)) {
    problems.push(`TEMPORAL_TASK_QUEUE=${JSON.stringify(config.taskQueue)}: expected letters, digits, '.', '-' or '_'`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The API's attachment dependency from the configuration (storage backend and size limit). */
export function attachmentsOf(config: Config): AttachmentsDeps {
  return { storage: createAttachmentStorage(config.attachments), maxBytes: config.attachments.maxBytes };
}
