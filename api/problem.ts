// Sending problems (domain/problem.ts) as the HTTP answer: their status, headers and document.
import type { Request, Response } from 'express';
import type { HttpProblem } from '../domain/problem';

/**
 * JSON with <, > and & escaped as \u003c, \u003e, \u0026 (what Express's 'json escape' does for res.json):
 * the same text once parsed, but never markup, whatever a client or a browser makes of the bytes.
 */
export function escapedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Answers a problem with its status and headers and the given document (problem+json here; Open311's
 * own error format in api/open311/errors.ts). A response already under way can only be ended.
 */
export function sendErrorDocument(res: Response, problem: HttpProblem, contentType: string, document: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(problem.headers)) res.setHeader(k, v);
  res.status(problem.status);
  res.type(contentType);
  res.send(escapedJson(document));
}

export function sendProblem(req: Request, res: Response, problem: HttpProblem): void {
  sendErrorDocument(res, problem, 'application/problem+json', problem.toJSON(req.originalUrl.split('?')[0]));
}
