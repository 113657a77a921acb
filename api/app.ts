// The HTTP API as an Express application. Everything it serves is described by openapi/openapi.yaml.
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import type { ParticipationType } from '../workflows/participation/lifecycle';
import { actionHandlers } from './handlers/actions';
import { caseHandlers } from './handlers/cases';
import { incidentHandlers } from './handlers/incident';
import { referenceHandlers } from './handlers/reference';
import { serviceHandlers } from './handlers/service';
import { participationHandlers } from './handlers/participation';
import { pollHandlers } from './handlers/poll';
import { voteHandlers } from './handlers/vote';
import { discussionHandlers } from './handlers/discussion';
import { hearingHandlers } from './handlers/hearing';
import { opsHandlers } from './handlers/ops';
import { createMetrics } from '../domain/metrics';
import { identityHandlers } from './handlers/identity';
import { OidcRelyingParty, type OidcSettings } from '../domain/identity/oidc';
import { integrationHandlers } from './handlers/integration';
import { open311Handlers } from './handlers/open311';
import { webhookHandlers } from './handlers/webhooks';
import { answeredAsGeoReport } from './open311/errors';
import { HttpProblem, PROBLEM, problems } from '../domain/problem';
import { sendProblem } from './problem';
import type { RateLimitOptions } from '../domain/config/api-security';
import { redactingLog } from '../domain/redact';
import { registerRoutes, type AppDeps, type Handlers } from './routes';
import type { SpecOperation } from '../openapi/spec';
import { temporalProblem } from './temporal-problems';
import { bodyParserProblem } from './validation';
import { attachmentsFromEnv, type AttachmentsDeps } from '../domain/attachments/storage';
import type { SimilarityRule } from '../domain/cases/similarity';
import { attachmentHandlers } from './handlers/attachments';
import { docsHandlers } from './handlers/docs';
import { embedHandlers } from './handlers/embed';
import { webHandlers } from './handlers/web';
import { myEventHandlers } from './handlers/my-events';
import { consoleHandlers } from './handlers/console';
import { caseGroupHandlers } from './handlers/case-groups';
import { monitoringReportHandlers } from './handlers/monitoring-reports';
import { pagesHandlers } from './handlers/pages';
import { pagesFromEnv, type PublicationDelivery } from '../domain/pages/config';
import { monitoringHandlers } from './handlers/monitoring';

/**
 * Each participation type's own operations (api/handlers/<type>.ts; {} when it has none), by type: tsc
 * refuses a type left out or one the spec does not have. Their rules in the shared events API
 * (api/handlers/participation.ts) come from the type's manifest (domain/participation/registry.ts).
 */
const participationTypeHandlers = {
  poll: pollHandlers,
  vote: voteHandlers,
  discussion: discussionHandlers,
  hearing: hearingHandlers,
} satisfies { [T in ParticipationType]: Partial<Handlers> };

const { poll, vote, discussion, hearing } = participationTypeHandlers;

// Grouped by area, an area per line: a new area's handlers are one more line (and merge without conflict).
export const handlers: Handlers = {
  ...serviceHandlers, ...opsHandlers,
  ...caseHandlers, ...actionHandlers, ...caseGroupHandlers, ...incidentHandlers,
  ...referenceHandlers,
  ...participationHandlers, ...myEventHandlers, ...poll, ...vote, ...discussion, ...hearing,
  ...identityHandlers, ...attachmentHandlers, ...docsHandlers,
  ...webHandlers, ...consoleHandlers, ...pagesHandlers, ...embedHandlers,
  ...integrationHandlers, ...open311Handlers, ...webhookHandlers,
  ...monitoringHandlers, ...monitoringReportHandlers,
};

export interface AppOptions {
  db: Db;
  temporal: Client;
  taskQueue: string;
  namespace?: string;
  /** How long a request waits for the case engine before answering 503 (default 30 s). */
  waitMs?: number;
  log?: AppDeps['log'];
  /**
   * Limits of the operations marked x-otklik-rate-limit in the spec (POST /appeals): per user and per
   * client address in a fixed window. Defaults: RATE_LIMIT_DEFAULTS in domain/config/api-security.ts; false turns
   * them off (benchmarks). From the environment: rateLimitFromEnv (OTKLIK_RATE_LIMIT_*).
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Express 'trust proxy': which X-Forwarded-For hops to believe for the client address (rate limits
   * per address). Default false: the socket's address. Behind one reverse proxy: 1 or its address.
   */
  trustProxy?: boolean | number | string;
  /** Send Strict-Transport-Security (default true; browsers ignore it over plain HTTP). */
  hsts?: boolean;
  /** Sign-in of people through the region's OpenID Connect provider (OIDC_* in domain/config/index.ts); absent: none. */
  oidc?: OidcSettings;
  /** Attachment storage and size limit (default: from the environment, domain/attachments/storage.ts: a local directory under data/). */
  attachments?: AttachmentsDeps;
  /** When appeals are proposed as duplicates (default: domain/cases/similarity.ts DEFAULT_SIMILARITY_RULE). */
  similarity?: SimilarityRule;
  /** How publications on official pages are tried (default: from the environment, domain/pages/config.ts). */
  publicationDelivery?: PublicationDelivery;
  /** The key of applicants' pseudonyms in reports (OTKLIK_PSEUDONYM_SECRET; default: generated and kept in the database). */
  pseudonymSecret?: string;
}

/** An error for the log: its stack, then the message of each cause (a workflow update's failure is in its cause). */
function errorText(err: unknown): string {
  let text = err instanceof Error ? err.stack ?? err.message : String(err);
  let cause = (err as { cause?: unknown } | null)?.cause;
  for (let depth = 0; cause && depth < 5; depth++) {
    const type = (cause as { type?: unknown }).type;
    text += `\ncaused by: ${cause instanceof Error ? `${cause.name}${typeof type === 'string' ? ` [${type}]` : ''}: ${cause.message}` : String(cause)}`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return text;
}

/**
 * PostgreSQL "data exception" errors (SQLSTATE class 22: a value out of range, an impossible date, a
 * character the database cannot store) come from values in the request that validation let through.
 * They are the client's 400, not a 500; they are still logged, as a gap in validation to close.
 */
function dataExceptionProblem(err: unknown): HttpProblem | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^22[0-9A-Z]{3}$/.test(code)) return undefined;
  return new HttpProblem({
    status: 400, type: PROBLEM.validation, title: 'Invalid request',
    detail: 'A value in the request cannot be stored or compared (out of range or malformed).',
  });
}

/**
 * The database cannot be reached (refused, restarting, shutting down, pool exhausted): the request may
 * succeed in a moment, so the client gets 503 with Retry-After, not a 500 that looks like a bug.
 */
function databaseUnavailableProblem(err: unknown): HttpProblem | undefined {
  // The error itself, its causes, and the attempts of an AggregateError (a connection to "localhost"
  // tries every address of the name and fails with all of them).
  const queue: unknown[] = [err];
  for (let seen = 0; queue.length > 0 && seen < 20; seen++) {
    const e = queue.shift();
    if (!e || typeof e !== 'object') continue;
    const code = (e as { code?: unknown }).code;
    const name = (e as { name?: unknown }).name;
    const message = String((e as Error).message);
    // ENOENT from a connect: a Unix socket (DATABASE_URL's ?host=/folder) whose server is not running.
    const noSocket = code === 'ENOENT' && (e as { syscall?: unknown }).syscall === 'connect';
    if ((typeof code === 'string' && (/^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|57P01|57P02|57P03|53300)$/.test(code) || /^08/.test(code)))
      || noSocket
      || name === 'KnexTimeoutError'
      || /Connection terminated|not queryable|timeout exceeded when trying to connect|connect ECONNREFUSED/.test(message)) {
      return problems.unavailable('The database is unavailable for a moment; retry the request (with the same Idempotency-Key, where it has one).');
    }
    queue.push((e as { cause?: unknown }).cause, ...(((e as { errors?: unknown }).errors as unknown[] | undefined) ?? []));
  }
  return undefined;
}

function defaultLog(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

function pathPattern(openapiPath: string): RegExp {
  const body = openapiPath
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}/?$`, 'i');
}

export function createApp(options: AppOptions): express.Application {
  const deps: AppDeps = {
    db: options.db,
    temporal: options.temporal,
    taskQueue: options.taskQueue,
    namespace: options.namespace,
    waitMs: options.waitMs,
    log: redactingLog(options.log ?? defaultLog),
    rateLimit: options.rateLimit,
    metrics: createMetrics(options.db),
    oidc: options.oidc ? new OidcRelyingParty(options.oidc) : undefined,
    attachments: options.attachments ?? attachmentsFromEnv(),
    similarity: options.similarity,
    publicationDelivery: options.publicationDelivery ?? pagesFromEnv().delivery,
    pseudonymSecret: options.pseudonymSecret,
  };
  const app = express();
  const shutdown = new AbortController();
  deps.shutdown = shutdown.signal;
  // api/server.ts aborts it on close (see stopLongPolls).
  app.locals.shutdown = shutdown;
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.set('trust proxy', options.trustProxy ?? false);
  // res.json writes <, > and & as \u003c, \u003e, \u0026: text from applicants stays text.
  app.set('json escape', true);
  useSecurityHeaders(app, options);
  useRequestIds(app);
  useAccessLog(app, deps);
  const ops: SpecOperation[] = registerRoutes(app, handlers, deps);
  useNotMatched(app, ops);
  useProblemAnswers(app, deps);
  return app;
}

function useSecurityHeaders(app: express.Application, options: AppOptions): void {
  // A JSON API: nothing it sends may be rendered, framed, sniffed as another type, or cached.
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: options.hsts === false ? false : { maxAge: 31_536_000, includeSubDomains: true },
      crossOriginResourcePolicy: { policy: 'same-origin' },
    }),
  );
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
}

/** X-Request-Id: the client's when it is a plain token, else a new one; on the answer and every log line. */
function useRequestIds(app: express.Application): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  });
}

function useAccessLog(app: express.Application, deps: AppDeps): void {
  // One access-log line and one latency observation per request, when its response has gone out. The
  // route is the spec path (res.locals.route, set by api/routes.ts), so paths with ids do not explode
  // the label set; the case id (or event id) of the path is on the line.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (res.locals.route as string | undefined) ?? 'unmatched';
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client went away first
      deps.metrics?.observeRequest(req.method, route, status, seconds);
      deps.log('info', 'request', {
        requestId: res.locals.requestId, method: req.method, route, status, durationMs: Math.round(seconds * 1000),
        ...(res.locals.caseId ? { caseId: res.locals.caseId } : {}),
        ...(res.locals.operationId ? { operationId: res.locals.operationId } : {}),
        ...(res.locals.user ? { userId: (res.locals.user as { id: number }).id } : {}),
      });
    });
    next();
  });
}

function useNotMatched(app: express.Application, ops: SpecOperation[]): void {
  // Nothing matched: 405 when the path exists with other methods, 404 otherwise.
  const patterns = ops.map((o) => ({ re: pathPattern(o.path), method: o.method }));
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const path = req.path;
    const allowed = [...new Set(patterns.filter((p) => p.re.test(path)).map((p) => p.method.toUpperCase()))];
    if (allowed.length > 0) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      return next(
        new HttpProblem({
          status: 405, type: PROBLEM.methodNotAllowed, title: 'Method not allowed',
          detail: `${req.method} is not supported here; use ${allowed.join(', ')}.`, headers: { Allow: allowed.join(', ') },
        }),
      );
    }
    next(new HttpProblem({ status: 404, type: PROBLEM.notFound, title: 'Not found', detail: `There is no resource at ${path}.` }));
  });
}

function useProblemAnswers(app: express.Application, deps: AppDeps): void {
  // Every error becomes a problem document; unexpected ones are logged and reported without internals.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let problem: HttpProblem | undefined =
      err instanceof HttpProblem ? err : bodyParserProblem(err) ?? temporalProblem(err, (req.params as Record<string, string>)?.caseId);
    problem ??= databaseUnavailableProblem(err);
    const dataException = problem ? undefined : dataExceptionProblem(err);
    if (dataException) {
      problem = dataException;
      deps.log('warn', 'data exception from the database', {
        requestId: res.locals.requestId, method: req.method, path: req.originalUrl, error: err instanceof Error ? err.message : String(err),
      });
    }
    const status = (err as { status?: number; expose?: boolean })?.status;
    // http-errors mark client errors `expose`; the router's URIError (a path parameter that is not valid
    // percent-encoding, e.g. /cases/%E0%A4%A) only carries status 400.
    if (!problem && typeof status === 'number' && status >= 400 && status < 500 && ((err as { expose?: boolean }).expose || err instanceof URIError)) {
      // e.g. a malformed percent-encoding in the path
      problem = new HttpProblem({ status, type: PROBLEM.validation, title: 'Invalid request', detail: 'The request could not be read.' });
    }
    if (!problem) {
      const ref = res.locals.requestId as string;
      deps.log('error', 'unhandled error', {
        requestId: ref, method: req.method, path: req.originalUrl,
        error: errorText(err),
      });
      problem = new HttpProblem({
        status: 500, type: PROBLEM.internal, title: 'Internal server error',
        detail: `An unexpected error occurred. Quote reference ${ref} when reporting it.`,
      });
    } else if (problem.status >= 500) {
      deps.log('warn', problem.title, {
        requestId: res.locals.requestId, path: req.originalUrl, detail: problem.detail,
        ...(err instanceof HttpProblem ? {} : { error: errorText(err) }),
      });
    }
    // Open311 paths answer errors in GeoReport's own format (api/open311/errors.ts).
    if (!answeredAsGeoReport(req, res, problem)) sendProblem(req, res, problem);
  });
}

/** Ends the app's long-polls (the change feed) so that a server close is not held by them. */
export function stopLongPolls(app: express.Application): void {
  (app.locals.shutdown as AbortController | undefined)?.abort();
}
