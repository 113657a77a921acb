import { ROLES } from '../../domain/identity/users';
import { INTEGRATION_SCOPES } from '../../domain/identity/scopes';
import assert from 'node:assert/strict';
import { createApp } from '../../api/app';
import { servedRoutes } from '../../api/routes';
import { loadSpec, specOperations } from '../../openapi/spec';
import type { Db } from '../../db/connection';
import { offlineTemporal } from './helpers';

describe('API routes and the OpenAPI document', () => {
  const ops = specOperations();
  // createApp only registers routes; no query runs, so a db stand-in is enough here.
  const app = createApp({ db: {} as Db, temporal: offlineTemporal(), taskQueue: 'unused' });
  const served = servedRoutes(app);
  const key = (m: string, p: string) => `${m.toUpperCase()} ${p}`;

  it('serves every operation of the spec', () => {
    const have = new Set(served.map((r) => key(r.method, r.path)));
    const missing = ops.filter((o) => !have.has(key(o.method, o.expressPath))).map((o) => `${o.operationId} (${key(o.method, o.path)})`);
    assert.deepEqual(missing, []);
  });

  it('serves nothing that is not in the spec', () => {
    const specified = new Set(ops.map((o) => key(o.method, o.expressPath)));
    const extra = served.filter((r) => !specified.has(key(r.method, r.path))).map((r) => key(r.method, r.path));
    assert.deepEqual(extra, []);
  });

  it('has unique operation ids and roles on every secured operation', () => {
    const ids = ops.map((o) => o.operationId);
    assert.equal(new Set(ids).size, ids.length);
    for (const o of ops) {
      if (o.secured) assert.ok(o.roles.length > 0, `${o.operationId} has no x-otklik-roles`);
      for (const r of o.roles) assert.ok(['anonymous', ...ROLES].includes(r), `${o.operationId}: role ${r}`);
      for (const s of o.scopes) assert.ok(s in INTEGRATION_SCOPES, `${o.operationId}: scope ${s}`);
      if (o.roles.includes('integration')) assert.ok(o.scopes.length > 0, `${o.operationId} is open to integration clients without x-otklik-scopes`);
      else assert.deepEqual(o.scopes, [], `${o.operationId} lists scopes but is closed to integration clients`);
    }
  });

  it('describes errors as problem+json: 401 on secured operations, 400/413/415 where a body is read', () => {
    const spec = loadSpec();
    for (const o of ops) {
      const responses = (spec.paths[o.path][o.method] as { responses: Record<string, { $ref?: string; content?: Record<string, unknown> }> }).responses;
      if (o.secured) assert.ok(responses['401'], `${o.operationId} lacks 401`);
      if (o.requestBody?.kind === 'structured') {
        for (const s of ['400', '413', '415']) assert.ok(responses[s], `${o.operationId} lacks ${s}`);
        assert.equal(o.requestBody.schema.$ref !== undefined, true, `${o.operationId}: body schema should be a named component`);
      }
      for (const [status, r] of Object.entries(responses)) {
        if (!/^[45]|default/.test(status) || o.operationId === 'getHealth') continue; // health reports itself as JSON
        const resolved = r.$ref ? (spec.components as any).responses[r.$ref.split('/').pop()!] : r;
        // The OAuth 2.0 token endpoint answers its errors as RFC 6749 §5.2 says: {error, error_description}.
        if ((spec.paths[o.path][o.method] as Record<string, unknown>)['x-otklik-error-format'] === 'oauth2' && status !== '413' && status !== '415' && status !== 'default') {
          assert.equal((resolved.content?.['application/json'] as any)?.schema?.$ref, '#/components/schemas/OAuthError', `${o.operationId} ${status} is not an OAuth error`);
          continue;
        }
        // Open311 GeoReport operations answer errors in GeoReport's own format (an array of {code, description}).
        if ((spec.paths[o.path][o.method] as Record<string, unknown>)['x-otklik-error-format'] === 'georeport') {
          assert.equal((resolved.content?.['application/json'] as any)?.schema?.$ref, '#/components/schemas/Open311Errors', `${o.operationId} ${status} is not a GeoReport error`);
          continue;
        }
        assert.ok(resolved.content?.['application/problem+json'], `${o.operationId} ${status} is not problem+json`);
      }
    }
  });

  it('declares additionalProperties: false on every request body object schema', () => {
    const spec = loadSpec();
    const seen = new Set<string>();
    const check = (schema: any, where: string): void => {
      if (!schema || typeof schema !== 'object') return;
      if (schema.$ref) {
        const name = String(schema.$ref).split('/').pop()!;
        if (seen.has(name)) return;
        seen.add(name);
        return check(spec.components.schemas[name], name);
      }
      if (schema.type === 'object' || schema.properties) assert.equal(schema.additionalProperties, false, `${where} allows unknown fields`);
      for (const sub of [...Object.values(schema.properties ?? {}), schema.items, ...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) {
        check(sub, where);
      }
    };
    for (const o of ops) if (o.requestBody?.kind === 'structured') check(o.requestBody.schema, o.operationId);
  });
});
