// The OpenAPI document (openapi/openapi.yaml) is the single source of truth of the HTTP API: routes are
// registered from it, requests are validated against it, and openapi/types.ts is generated from it.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const specPath = path.join(__dirname, 'openapi.yaml');

export type JsonSchema = Record<string, unknown>;

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
  description?: string;
}

export interface OperationObject {
  operationId: string;
  parameters?: (ParameterObject | { $ref: string })[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> } | { $ref: string };
  security?: Record<string, string[]>[];
  'x-otklik-roles'?: string[];
  /** Name of the rate-limit bucket the operation counts in (api/ratelimit.ts). */
  'x-otklik-rate-limit'?: string;
  /** Scopes of which an integration client needs one (domain/identity/scopes.ts); required when roles include integration. */
  'x-otklik-scopes'?: string[];
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  security?: Record<string, string[]>[];
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters?: Record<string, ParameterObject>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One operation of the spec, with its parameters resolved and its path in Express syntax. */
export interface SpecOperation {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path, e.g. /cases/{caseId} */
  path: string;
  /** Express path, e.g. /cases/:caseId */
  expressPath: string;
  /** Needs a bearer token. */
  secured: boolean;
  /** Roles allowed to call it (x-otklik-roles); 'anonymous' for open operations. */
  roles: string[];
  /** The rate-limit bucket (x-otklik-rate-limit), if any. */
  rateLimit: string | null;
  /** Scopes of which an integration client needs one (x-otklik-scopes); [] when integrations may not call it. */
  scopes: string[];
  parameters: ParameterObject[];
  /**
   * The request body: 'structured' is application/json and/or application/x-www-form-urlencoded (form
   * fields are validated like query parameters, with coercion); 'binary' is any other media type (an
   * upload), read by the handler from the request stream.
   */
  requestBody: { required: boolean; schema: JsonSchema; mediaTypes: string[]; kind: 'structured' | 'binary' } | null;
}

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

let cached: OpenApiDocument | undefined;

/** The parsed spec (YAML anchors resolved), read once per process. */
export function loadSpec(): OpenApiDocument {
  cached ??= YAML.parse(fs.readFileSync(specPath, 'utf8'), { maxAliasCount: -1 }) as OpenApiDocument;
  return cached;
}

function resolveRef<T>(spec: OpenApiDocument, value: T | { $ref: string }): T {
  if (value && typeof value === 'object' && '$ref' in value && typeof value.$ref === 'string') {
    const parts = value.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: unknown = spec;
    for (const p of parts) node = (node as Record<string, unknown>)?.[p];
    if (node === undefined) throw new Error(`Unresolvable $ref ${value.$ref} in ${specPath}`);
    return resolveRef(spec, node as T | { $ref: string });
  }
  return value as T;
}

export function toExpressPath(openapiPath: string): string {
  return openapiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/** Every operation of the spec, in document order. */
export function specOperations(spec: OpenApiDocument = loadSpec()): SpecOperation[] {
  const out: SpecOperation[] = [];
  for (const [p, item] of Object.entries(spec.paths)) {
    const shared = ((item.parameters as ParameterObject[] | undefined) ?? []).map((x) => resolveRef(spec, x));
    for (const method of HTTP_METHODS) {
      const op = item[method] as OperationObject | undefined;
      if (!op) continue;
      if (!op.operationId) throw new Error(`${method.toUpperCase()} ${p} has no operationId`);
      const own = (op.parameters ?? []).map((x) => resolveRef<ParameterObject>(spec, x));
      const byKey = new Map<string, ParameterObject>();
      for (const prm of [...shared, ...own]) byKey.set(`${prm.in}:${prm.name}`, prm);
      const body = op.requestBody ? resolveRef(spec, op.requestBody) : null;
      let requestBody: SpecOperation['requestBody'] = null;
      if (body) {
        const types = Object.keys(body.content);
        const parsed = types.filter((t) => t === JSON_TYPE || t === FORM_TYPE);
        const raw = types.filter((t) => t !== JSON_TYPE && t !== FORM_TYPE);
        if (parsed.length > 0 && raw.length > 0) throw new Error(`${op.operationId}: a request body is either JSON/form or raw (${types.join(', ')})`);
        if (raw.length > 0) {
          // A file upload: the handler reads the stream itself; nothing to validate against a schema.
          requestBody = { required: body.required ?? false, schema: {}, mediaTypes: raw, kind: 'binary' };
        } else {
          const schema = (body.content[JSON_TYPE] ?? body.content[FORM_TYPE]).schema;
          requestBody = { required: body.required ?? false, schema, mediaTypes: parsed, kind: 'structured' };
        }
      }
      const security = op.security ?? spec.security ?? [];
      const secured = security.some((s) => Object.keys(s).length > 0);
      const roles = op['x-otklik-roles'] ?? [];
      if (secured && roles.length === 0) throw new Error(`${op.operationId}: secured operation without x-otklik-roles`);
      const scopes = op['x-otklik-scopes'] ?? [];
      if (roles.includes('integration') && scopes.length === 0) throw new Error(`${op.operationId}: open to integration clients without x-otklik-scopes`);
      out.push({
        operationId: op.operationId,
        method,
        path: p,
        expressPath: toExpressPath(p),
        secured,
        roles: secured ? roles : ['anonymous'],
        rateLimit: op['x-otklik-rate-limit'] ?? null,
        scopes,
        parameters: [...byKey.values()],
        requestBody,
      });
    }
  }
  return out;
}

/** The spec as served at GET /openapi.json. */
export function specJson(): OpenApiDocument {
  return loadSpec();
}
