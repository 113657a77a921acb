// Request validation compiled from the OpenAPI document: path parameters, query (with type coercion and
// defaults), declared headers and JSON bodies of every operation are checked before any handler runs.
// Schemas are JSON Schema 2020-12 (OpenAPI 3.1's dialect), compiled with ajv's 2020 build.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { HttpProblem, PROBLEM, problems, type FieldError } from '../domain/problem';
import { FORM_TYPE, JSON_TYPE, loadSpec, type JsonSchema, type OpenApiDocument, type SpecOperation } from '../openapi/spec';

export const BODY_LIMIT = '1mb';

/** A validation problem lists at most this many failing fields (a 1 MB body could otherwise fail 100 000 times). */
export const MAX_FIELD_ERRORS = 100;

/**
 * Characters no text of the API may contain: C0 controls other than tab, line feed and carriage return,
 * DEL, and unpaired UTF-16 surrogates (PostgreSQL stores neither NUL nor lone surrogates). The spec's
 * text schemas say the same with a pattern; this is the net under them for every string of every body.
 */
const FORBIDDEN_TEXT = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FORBIDDEN_TEXT_MESSAGE = 'must not contain control characters (other than tab, line feed, carriage return) or unpaired surrogates';

/** JSON Pointers of the strings (values and keys) in `value` that contain forbidden characters. */
export function forbiddenTextPaths(value: unknown, pointer = '', out: string[] = [], depth = 0): string[] {
  if (out.length >= MAX_FIELD_ERRORS) return out;
  if (typeof value === 'string') {
    if (FORBIDDEN_TEXT.test(value)) out.push(pointer);
  } else if (Array.isArray(value)) {
    if (depth < 64) value.forEach((v, i) => forbiddenTextPaths(v, `${pointer}/${i}`, out, depth + 1));
  } else if (value && typeof value === 'object' && depth < 64) {
    for (const [k, v] of Object.entries(value)) {
      const p = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (FORBIDDEN_TEXT.test(k)) out.push(p);
      else forbiddenTextPaths(v, p, out, depth + 1);
    }
  }
  return out;
}

/** $id prefix under which each component schema is registered (.invalid: never resolvable on the network). */
const SCHEMA_ID = 'https://otklik.invalid/schemas/';

/** Validated, coerced input of one request; handlers read it instead of req.params/query/body. */
export interface ValidatedInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

export interface OperationValidator {
  validate(req: Request): ValidatedInput;
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const m = /^#\/components\/schemas\/(.+)$/.exec(v);
        if (!m) throw new Error(`Unsupported $ref ${v}: only #/components/schemas/… may be referenced from schemas`);
        out[k] = SCHEMA_ID + m[1];
      } else {
        out[k] = rewriteRefs(v);
      }
    }
    return out;
  }
  return node;
}

function newAjv(spec: OpenApiDocument, coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    coerceTypes: coerce,
    useDefaults: coerce,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    unicodeRegExp: true,
  });
  addFormats(ajv);
  // OpenAPI annotations that are not JSON Schema keywords.
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  for (const [name, schema] of Object.entries(spec.components.schemas)) {
    ajv.addSchema({ ...(rewriteRefs(schema) as JsonSchema), $id: SCHEMA_ID + name });
  }
  return ajv;
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** ajv errors → the problem's errors[]: one entry per failing field, most specific message first. */
export function fieldErrors(errors: ErrorObject[] | null | undefined, where: FieldError['in']): FieldError[] {
  const raw: FieldError[] = [];
  const all = errors ?? [];
  for (const e of all) {
    let pointer = e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      pointer += `/${String((e.params as { missingProperty: string }).missingProperty).replace(/~/g, '~0').replace(/\//g, '~1')}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      pointer += `/${String((e.params as { additionalProperty: string }).additionalProperty).replace(/~/g, '~0').replace(/\//g, '~1')}`;
      message = where === 'body' ? 'is not an allowed field' : `is not a known ${where} parameter`;
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String).join(', ')}`;
    } else if (e.keyword === 'minProperties' && e.instancePath === '') {
      message = 'must have at least one field';
    } else if (e.keyword === 'pattern') {
      const pattern = (e.params as { pattern: string }).pattern;
      if (pattern === '\\S') message = 'must not be blank';
      else if (pattern.startsWith('^[^\\x00-')) message = FORBIDDEN_TEXT_MESSAGE;
    }
    raw.push({ in: where, path: pointer, message, ...(e.keyword === 'oneOf' || e.keyword === 'anyOf' ? { composite: true } : {}) } as FieldError);
  }
  // A nullable reference (oneOf [X, null]) fails both branches: keep the specific message of X, drop
  // "must be null" and "must match exactly one schema" where a more specific error names the same field.
  const specific = raw.filter((r) => !(r as { composite?: boolean }).composite && r.message !== 'must be null');
  const kept = raw.filter((r) => {
    if ((r as { composite?: boolean }).composite || r.message === 'must be null') {
      return !specific.some((s) => s.path === r.path || s.path.startsWith(`${r.path}/`));
    }
    return true;
  });
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const r of kept) {
    const path = where === 'body' ? r.path : decodePointer(r.path.replace(/^\//, '').split('/')[0] ?? '');
    const key = `${path}\u0000${r.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ in: where, path, message: r.message });
  }
  return out;
}

interface ParamGroup {
  validate: ValidateFunction;
  /** Spec names of the parameters, with the key used to read them from the request. */
  names: { spec: string; key: string }[];
  /** Parameters declared as arrays (style form, explode): given once, they arrive as a single string. */
  arrays: string[];
}

function paramGroup(ajv: Ajv2020, op: SpecOperation, location: 'path' | 'query' | 'header'): ParamGroup | null {
  const prms = op.parameters.filter((p) => p.in === location);
  if (prms.length === 0 && location !== 'query') return null;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const p of prms) {
    properties[p.name] = rewriteRefs(p.schema ?? {});
    if (p.required || location === 'path') required.push(p.name);
  }
  const schema = {
    type: 'object',
    properties,
    required,
    // Unknown query parameters are rejected (a typo must not silently widen a list); undeclared headers
    // are none of the API's business.
    additionalProperties: location === 'header',
  };
  return {
    validate: ajv.compile(schema),
    names: prms.map((p) => ({ spec: p.name, key: location === 'header' ? p.name.toLowerCase() : p.name })),
    arrays: prms.filter((p) => (p.schema as { type?: unknown } | undefined)?.type === 'array').map((p) => p.name),
  };
}

/** Compiles a validator for every operation of the spec, keyed by operationId. */
export function compileValidators(spec: OpenApiDocument = loadSpec(), ops: SpecOperation[]): Map<string, OperationValidator> {
  const bodyAjv = newAjv(spec, false);
  const paramAjv = newAjv(spec, true);
  const out = new Map<string, OperationValidator>();
  for (const op of ops) {
    const path = paramGroup(paramAjv, op, 'path');
    const query = paramGroup(paramAjv, op, 'query') as ParamGroup;
    const header = paramGroup(paramAjv, op, 'header');
    const structured = op.requestBody?.kind === 'structured' ? (rewriteRefs(op.requestBody.schema) as JsonSchema) : null;
    const body = structured ? bodyAjv.compile(structured) : null;
    // Form fields arrive as strings: they are coerced like query parameters.
    const formBody = structured && op.requestBody!.mediaTypes.includes(FORM_TYPE) ? paramAjv.compile(structured) : null;
    out.set(op.operationId, {
      validate(req: Request): ValidatedInput {
        const errors: FieldError[] = [];
        const params: Record<string, unknown> = {};
        if (path) {
          for (const n of path.names) params[n.spec] = req.params[n.key];
          if (!path.validate(params)) errors.push(...fieldErrors(path.validate.errors, 'path'));
        }
        // A copy: Express 5 computes req.query on each read, and coercion writes into the object.
        const q: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
        for (const name of query.arrays) if (typeof q[name] === 'string') q[name] = [q[name]];
        if (!query.validate(q)) errors.push(...fieldErrors(query.validate.errors, 'query'));
        const headers: Record<string, unknown> = {};
        if (header) {
          for (const n of header.names) {
            const v = req.headers[n.key];
            if (v !== undefined) headers[n.spec] = v;
          }
          if (!header.validate(headers)) errors.push(...fieldErrors(header.validate.errors, 'header'));
        }
        let value: unknown = undefined;
        if (body) {
          value = req.body;
          if (value === undefined) {
            if (op.requestBody?.required) errors.push({ in: 'body', path: '', message: `a request body is required (${op.requestBody.mediaTypes.join(' or ')})` });
          } else {
            const check = formBody && req.is(FORM_TYPE) ? formBody : body;
            if (check === formBody) value = { ...(value as Record<string, unknown>) };
            if (!check(value)) errors.push(...fieldErrors(check.errors, 'body'));
            for (const path of forbiddenTextPaths(value)) {
              if (!errors.some((e) => e.in === 'body' && e.path === path && e.message === FORBIDDEN_TEXT_MESSAGE)) {
                errors.push({ in: 'body', path, message: FORBIDDEN_TEXT_MESSAGE });
              }
            }
          }
        }
        if (errors.length > 0) {
          const shown = errors.slice(0, MAX_FIELD_ERRORS);
          const more = errors.length > shown.length ? `; and ${errors.length - shown.length} more` : '';
          throw problems.validation(shown, shown.map((e) => `${e.in === 'body' ? `body${e.path ? ` ${e.path}` : ''}` : `${e.in} ${e.path}`}: ${e.message}`).join('; ') + more);
        }
        return { params, query: q, headers, body: value };
      },
    });
  }
  return out;
}

const jsonParser = express.json({ limit: BODY_LIMIT, strict: true, type: () => true });
const formParser = express.urlencoded({ limit: BODY_LIMIT, extended: false, parameterLimit: 1000, type: () => true });

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads the JSON body of operations that declare one: anything but application/json is 415; the
 * size limit (1 MB) and broken JSON are reported by the error handler (413, 400). Bodies sent to
 * operations without a request body are not read.
 */
export function bodyReader(op: SpecOperation): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!op.requestBody || !hasBody(req)) return next();
    const { mediaTypes, kind } = op.requestBody;
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers['content-type'] ?? '')?.[1];
    const type = req.is(mediaTypes);
    if (!type || (kind === 'structured' && charset !== undefined && !/^utf-?8$/i.test(charset))) {
      return next(
        new HttpProblem({
          status: 415, type: PROBLEM.unsupportedMediaType, title: 'Unsupported media type',
          detail: `The request body must be ${mediaTypes.join(' or ')}${kind === 'structured' ? ' in UTF-8' : ''}, not ${req.headers['content-type'] ?? 'untyped'}.`,
          headers: { 'Accept-Post': mediaTypes.join(', ') },
        }),
      );
    }
    if (kind === 'binary') return next(); // the handler streams it
    if (req.is(FORM_TYPE)) return formParser(req, res, next);
    jsonParser(req, res, next);
  };
}

/** Runs the operation's validator and leaves the result in res.locals.input. */
export function requestValidator(validator: OperationValidator): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      res.locals.input = validator.validate(req);
      next();
    } catch (e) {
      next(e);
    }
  };
}

/** body-parser and raw-body errors → problems; undefined for anything else. */
export function bodyParserProblem(err: unknown): HttpProblem | undefined {
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string } | null;
  if (!e || typeof e !== 'object' || typeof e.type !== 'string') return undefined;
  switch (e.type) {
    case 'entity.parse.failed':
      return new HttpProblem({
        status: 400, type: PROBLEM.malformedJson, title: 'Malformed JSON',
        detail: 'The request body is not valid JSON (an object or an array is expected).',
        errors: [{ in: 'body', path: '', message: 'is not valid JSON' }],
      });
    case 'entity.too.large':
      return new HttpProblem({ status: 413, type: PROBLEM.payloadTooLarge, title: 'Payload too large', detail: `The request body exceeds ${BODY_LIMIT}.` });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new HttpProblem({
        status: 415, type: PROBLEM.unsupportedMediaType, title: 'Unsupported media type',
        detail: 'The request body must be UTF-8 JSON without a content encoding.',
      });
    case 'request.size.invalid':
    case 'request.aborted':
      return new HttpProblem({ status: 400, type: PROBLEM.validation, title: 'Invalid request', detail: 'The request body was incomplete.' });
    default:
      return undefined;
  }
}
