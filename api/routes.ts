// Routes come from the spec: each operation of openapi/openapi.yaml is served by the handler of the
// same operationId, behind authentication, the role gate (x-otklik-roles), body reading and validation.
import type { Application, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import type { operations } from '../openapi/types';
import { actionAudit, auditPersonalDataShown } from '../domain/audit';
import type { AttachmentsDeps } from '../domain/attachments/storage';
import type { SimilarityRule } from '../domain/cases/similarity';
import type { PublicationDelivery } from '../domain/pages/config';
import type { OidcRelyingParty } from '../domain/identity/oidc';
import { authenticate, requireRoles, requireScopes } from './auth';
import { type AuthUser } from '../domain/identity/users';
import type { PlatformMetrics } from '../domain/metrics';
import type { RateLimitOptions } from '../domain/config/api-security';
import { createRateLimiter, type RateLimiter } from './ratelimit';
import { loadSpec, specOperations, type SpecOperation } from '../openapi/spec';
import { bodyReader, compileValidators, requestValidator, type ValidatedInput } from './validation';

export type OperationId = keyof operations;
type Params<K extends OperationId> = operations[K]['parameters'];

/** The validated input of an operation, typed from the generated spec types. */
export interface Input<K extends OperationId> {
  params: Params<K> extends { path: infer P } ? P : Record<string, never>;
  query: Params<K> extends { query?: infer Q } ? NonNullable<Q> : Record<string, never>;
  headers: Params<K> extends { header?: infer H } ? NonNullable<H> : Record<string, never>;
  body: operations[K] extends { requestBody: { content: { 'application/json': infer B } } }
    ? B
    : operations[K] extends { requestBody?: { content: { 'application/json': infer B } } }
      ? B | undefined
      : operations[K] extends { requestBody: { content: { 'application/x-www-form-urlencoded': infer B } } }
        ? B
        : undefined; // none, or a raw upload the handler reads from ctx.req
}

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  namespace?: string;
  /** How long a request waits for the case engine before answering 503 (default 30 s). */
  waitMs?: number;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  /** Limits of the operations marked x-otklik-rate-limit; false turns them off (default: RATE_LIMIT_DEFAULTS). */
  rateLimit?: RateLimitOptions | false;
  /** Aborted when the server shuts down: long-polls answer at once instead of holding the shutdown. */
  shutdown?: AbortSignal;
  /** Prometheus metrics of this app (domain/metrics.ts): request latency, read-model gauges at scrape time. */
  metrics?: PlatformMetrics;
  /** The region's OpenID Connect provider, when configured: sign-in, and its JWT access tokens as bearer tokens. */
  oidc?: OidcRelyingParty;
  /** Where attachment files are stored and how large they may be (domain/attachments/storage.ts; createApp fills it from the environment). */
  attachments?: AttachmentsDeps;
  /** When appeals are proposed as duplicates (default DEFAULT_SIMILARITY_RULE; the API server passes the configured one). */
  similarity?: SimilarityRule;
  /** How publications on official pages are tried (domain/pages/config.ts; createApp fills it from the environment). */
  publicationDelivery?: PublicationDelivery;
  /** The key of applicants' pseudonyms in reports (OTKLIK_PSEUDONYM_SECRET); absent: the database's generated key. */
  pseudonymSecret?: string;
}

export interface Ctx<K extends OperationId> {
  input: Input<K>;
  /** The authenticated user (operations with security: [] never read it). */
  user: AuthUser;
  deps: AppDeps;
  req: Request;
  res: Response;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body that is not JSON (e.g. text/plain of an export); its Content-Type comes from headers. */
  text?: string;
  /** A body streamed as it is read (a file download); its Content-Type and Content-Length come from headers. */
  stream?: Readable;
}

export type Handler<K extends OperationId> = (ctx: Ctx<K>) => Promise<Reply>;
export type Handlers = { [K in OperationId]: Handler<K> };

function run(op: SpecOperation, handler: Handler<OperationId>, deps: AppDeps): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const ctx = {
      input: res.locals.input as ValidatedInput,
      user: res.locals.user as AuthUser,
      deps,
      req,
      res,
    } as unknown as Ctx<OperationId>;
    // Every successful change by a person or an integration client is an audited action (domain/audit.ts),
    // recorded before the answer is sent, so a client that has gone away does not lose the entry.
    const action = op.secured && op.method !== 'get' && op.method !== 'head'
      ? actionAudit(deps.db, deps.log, op.operationId, ctx.user, ctx.input as { params?: Record<string, unknown>; body?: unknown }, (res.locals.requestId as string) ?? null)
      : undefined;
    Promise.resolve(action?.begin())
      .then(() => handler(ctx))
      .then(async (reply) => {
        // Applicant data shown to anyone but the applicant is recorded before it leaves (domain/audit.ts).
        if (op.secured && reply.body !== undefined && reply.status < 300) {
          await auditPersonalDataShown(deps.db, ctx.user, reply.body, { operationId: op.operationId, requestId: res.locals.requestId as string });
        }
        if (action && reply.status < 400) await action.finish(reply);
        for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
        res.status(reply.status);
        if (reply.stream !== undefined) {
          // The headers are out once the first bytes go: a failure midway can only cut the body short.
          await pipeline(reply.stream, res).catch((e: unknown) => {
            deps.log('warn', 'streamed response cut short', { requestId: res.locals.requestId, operationId: op.operationId, error: e instanceof Error ? e.message : String(e) });
          });
        } else if (reply.text !== undefined) res.send(reply.text);
        else if (reply.body === undefined) res.end();
        else res.json(reply.body);
      })
      .catch(next);
  };
}

/** Leaves the operation's spec path, id and case id in res.locals (read when the response finishes). */
function markOperation(op: SpecOperation): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.route = op.path;
    res.locals.operationId = op.operationId;
    const params = req.params as Record<string, string | undefined>;
    if (params.caseId ?? params.eventId) res.locals.caseId = params.caseId ?? params.eventId;
    next();
  };
}

/**
 * Registers one route per spec operation. Fails at start when an operation has no handler or a handler
 * has no operation, so the spec and the server cannot drift apart.
 */
export function registerRoutes(app: Application, handlers: Handlers, deps: AppDeps): SpecOperation[] {
  const spec = loadSpec();
  const ops = specOperations(spec);
  const validators = compileValidators(spec, ops);
  const ids = new Set(ops.map((o) => o.operationId));
  const missing = ops.filter((o) => typeof (handlers as Record<string, unknown>)[o.operationId] !== 'function');
  if (missing.length > 0) throw new Error(`No handler for operations: ${missing.map((o) => o.operationId).join(', ')}`);
  const extra = Object.keys(handlers).filter((k) => !ids.has(k));
  if (extra.length > 0) throw new Error(`Handlers without an operation in the spec: ${extra.join(', ')}`);
  const auth = authenticate(deps.db, deps.oidc);
  const limiters = new Map<string, RateLimiter>();
  for (const op of ops) {
    // The operation a request reached, for the access log and the latency metric (domain/metrics.ts).
    const chain: RequestHandler[] = [markOperation(op)];
    let limiter: RateLimiter | undefined;
    if (op.rateLimit && deps.rateLimit !== false) {
      limiter = limiters.get(op.rateLimit) ?? createRateLimiter(deps.db, deps.log, op.rateLimit, deps.rateLimit);
      limiters.set(op.rateLimit, limiter);
      chain.push(limiter.byAddress);
    }
    if (op.secured) chain.push(auth, requireRoles(op.roles), requireScopes(op.scopes));
    if (limiter) chain.push(limiter.byUser);
    chain.push(bodyReader(op), requestValidator(validators.get(op.operationId)!));
    chain.push(run(op, (handlers as Record<string, Handler<OperationId>>)[op.operationId], deps));
    app[op.method](op.expressPath, ...chain);
  }
  return ops;
}

/** The routes an Express app actually serves: [METHOD, path] pairs from its router stack. */
export function servedRoutes(app: Application): { method: string; path: string }[] {
  const router = (app as unknown as { router: { stack: { route?: { path: string | string[]; methods: Record<string, boolean> } }[] } }).router;
  const out: { method: string; path: string }[] = [];
  for (const layer of router.stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const p of paths) {
      for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push({ method: m.toLowerCase(), path: p });
    }
  }
  return out;
}
