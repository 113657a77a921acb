// GeoReport v2 answers errors in its own format, an array of {code, description}, with the HTTP status.
// Every error on an /open311/ path (validation, authentication, unknown routes such as the .xml format,
// which is not served) is rendered that way instead of application/problem+json; the spec marks these
// operations with x-otklik-error-format: georeport.
import type { Request, Response } from 'express';
import { sendErrorDocument } from '../problem';
import { type HttpProblem } from '../../domain/problem';

export const OPEN311_PREFIX = '/open311/';

export function isOpen311Path(path: string): boolean {
  return path.toLowerCase().startsWith(OPEN311_PREFIX);
}

export function geoReportErrors(problem: HttpProblem): { code: number; description: string }[] {
  return [{ code: problem.status, description: problem.detail ?? problem.title }];
}

export function sendGeoReportError(res: Response, problem: HttpProblem): void {
  sendErrorDocument(res, problem, 'application/json', geoReportErrors(problem));
}

/** For the app's error handler: true when it answered in GeoReport's format. */
export function answeredAsGeoReport(req: Request, res: Response, problem: HttpProblem): boolean {
  if (!isOpen311Path(req.path)) return false;
  sendGeoReportError(res, problem);
  return true;
}
