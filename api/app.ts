// The HTTP API as an Express application. Everything it serves is described by openapi/openapi.yaml.
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { actionHandlers } from './handlers/actions';
import { caseHandlers } from './handlers/cases';
import { referenceHandlers } from './handlers/reference';
import { serviceHandlers } from './handlers/service';
import { HttpProblem, PROBLEM, sendProblem } from './problem';
import { registerRoutes, type AppDeps, type Handlers } from './routes';
import type { SpecOperation } from './spec';
import { temporalProblem } from './temporal/errors';
import { bodyParserProblem } from './validation';

export const handlers: Handlers = { ...serviceHandlers, ...caseHandlers, ...actionHandlers, ...referenceHandlers };

export interface AppOptions {
  db: Db;
  temporal: Client;
  taskQueue: string;
  namespace?: string;
  /** How long a request waits for the case engine before answering 503 (default 30 s). */
  waitMs?: number;
  log?: AppDeps['log'];
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
    log: options.log ?? defaultLog,
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  });

  const ops: SpecOperation[] = registerRoutes(app, handlers, deps);

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

  // Every error becomes a problem document; unexpected ones are logged and reported without internals.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let problem: HttpProblem | undefined =
      err instanceof HttpProblem ? err : bodyParserProblem(err) ?? temporalProblem(err, (req.params as Record<string, string>)?.caseId);
    const status = (err as { status?: number; expose?: boolean })?.status;
    if (!problem && typeof status === 'number' && status >= 400 && status < 500 && (err as { expose?: boolean }).expose) {
      // e.g. a malformed percent-encoding in the path
      problem = new HttpProblem({ status, type: PROBLEM.validation, title: 'Invalid request', detail: 'The request could not be read.' });
    }
    if (!problem) {
      const ref = res.locals.requestId as string;
      deps.log('error', 'unhandled error', {
        requestId: ref, method: req.method, path: req.originalUrl,
        error: err instanceof Error ? err.stack ?? err.message : String(err),
      });
      problem = new HttpProblem({
        status: 500, type: PROBLEM.internal, title: 'Internal server error',
        detail: `An unexpected error occurred. Quote reference ${ref} when reporting it.`,
      });
    } else if (problem.status >= 500) {
      deps.log('warn', problem.title, { requestId: res.locals.requestId, path: req.originalUrl, detail: problem.detail });
    }
    sendProblem(req, res, problem);
  });

  return app;
}
