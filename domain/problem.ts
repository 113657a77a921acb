// RFC 9457 problem details: every error the API returns is one of these, as application/problem+json.
// Domain operations fail with an HttpProblem (its status and problem type are part of the API's contract);
// api/problem.ts sends it.
import type { components } from '../openapi/types';

export type Problem = components['schemas']['Problem'];
export type FieldError = components['schemas']['FieldError'];

/** Problem type URIs. They identify the kind of problem; `title` is its short English name. */
export const PROBLEM = {
  validation: 'urn:otklik:problem:validation',
  malformedJson: 'urn:otklik:problem:malformed-json',
  unsupportedMediaType: 'urn:otklik:problem:unsupported-media-type',
  payloadTooLarge: 'urn:otklik:problem:payload-too-large',
  headersTooLarge: 'urn:otklik:problem:headers-too-large',
  unauthorized: 'urn:otklik:problem:unauthorized',
  forbidden: 'urn:otklik:problem:forbidden',
  notFound: 'urn:otklik:problem:not-found',
  methodNotAllowed: 'urn:otklik:problem:method-not-allowed',
  conflict: 'urn:otklik:problem:conflict',
  invalidTransition: 'urn:otklik:problem:invalid-transition',
  unprocessable: 'urn:otklik:problem:unprocessable',
  idempotencyKeyReused: 'urn:otklik:problem:idempotency-key-reused',
  rateLimited: 'urn:otklik:problem:rate-limited',
  noRoute: 'urn:otklik:problem:no-route',
  unavailable: 'urn:otklik:problem:service-unavailable',
  internal: 'urn:otklik:problem:internal',
} as const;

export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly headers: Record<string, string>;

  constructor(init: { status: number; type: string; title: string; detail?: string; errors?: FieldError[]; headers?: Record<string, string> }) {
    super(init.detail ?? init.title);
    this.name = 'HttpProblem';
    this.status = init.status;
    this.type = init.type;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
  }

  toJSON(instance?: string): Problem {
    const body: Problem = { type: this.type, title: this.title, status: this.status };
    if (this.detail !== undefined) body.detail = this.detail;
    if (instance !== undefined) body.instance = instance;
    if (this.errors !== undefined) body.errors = this.errors;
    return body;
  }
}

export const problems = {
  validation: (errors: FieldError[], detail = 'The request does not match the API description.') =>
    new HttpProblem({ status: 400, type: PROBLEM.validation, title: 'Invalid request', detail, errors }),
  /** A single failing field (e.g. a reference that does not exist). */
  field: (where: FieldError['in'], path: string, message: string) =>
    new HttpProblem({
      status: 400, type: PROBLEM.validation, title: 'Invalid request', detail: `${where === 'body' ? path : `${where} ${path}`}: ${message}`,
      errors: [{ in: where, path, message }],
    }),
  unauthorized: (detail: string, tokenGiven: boolean) =>
    new HttpProblem({
      status: 401, type: PROBLEM.unauthorized, title: 'Authentication required', detail,
      headers: { 'WWW-Authenticate': tokenGiven ? 'Bearer realm="otklik", error="invalid_token"' : 'Bearer realm="otklik"' },
    }),
  forbidden: (detail: string) => new HttpProblem({ status: 403, type: PROBLEM.forbidden, title: 'Forbidden', detail }),
  notFound: (detail: string) => new HttpProblem({ status: 404, type: PROBLEM.notFound, title: 'Not found', detail }),
  conflict: (detail: string) => new HttpProblem({ status: 409, type: PROBLEM.conflict, title: 'Conflict', detail }),
  invalidTransition: (detail: string) =>
    new HttpProblem({ status: 409, type: PROBLEM.invalidTransition, title: 'Action not allowed in the current state', detail }),
  unprocessable: (detail: string, errors?: FieldError[]) =>
    new HttpProblem({ status: 422, type: PROBLEM.unprocessable, title: 'Request cannot be applied', detail, errors }),
  unavailable: (detail: string, retryAfterSeconds = 5) =>
    new HttpProblem({
      status: 503, type: PROBLEM.unavailable, title: 'Service unavailable', detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
};
