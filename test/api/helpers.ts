// Shared helpers of the API tests: a real HTTP server on port 0, fetch-based calls, tokens per role.
import { Client, Connection } from '@temporalio/client';
import { createUserWithToken, type AuthUser } from '../../domain/identity/users';
import { startApiServer, type ApiServer } from '../../api/server';
import type { Db } from '../../db/connection';
import type { PublicationDelivery } from '../../domain/pages/config';
import { ORG, TEST_REGION } from '../support/fixtures';

export interface TestApi {
  url: string;
  server: ApiServer;
  logs: { level: string; message: string; fields?: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** A Temporal client that never connects: for tests that must not reach the case engine. */
export function offlineTemporal(): Client {
  return new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
}

export async function startTestApi(db: Db, opts: { temporal?: Client; taskQueue?: string; waitMs?: number; publicationDelivery?: PublicationDelivery; pseudonymSecret?: string } = {}): Promise<TestApi> {
  const logs: TestApi['logs'] = [];
  const server = await startApiServer({
    db,
    temporal: opts.temporal ?? offlineTemporal(),
    taskQueue: opts.taskQueue ?? 'api-test',
    port: 0,
    host: '127.0.0.1',
    waitMs: opts.waitMs,
    publicationDelivery: opts.publicationDelivery,
    pseudonymSecret: opts.pseudonymSecret,
    recoverIntake: false,
    log: (level, message, fields) => { logs.push({ level, message, fields }); },
  });
  return { url: `http://127.0.0.1:${server.port}`, server, logs, close: () => server.close() };
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function call(
  api: TestApi,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string | Buffer; contentType?: string; headers?: Record<string, string> } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Buffer | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  const res = await fetch(api.url + path, { method, headers, body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  let parsed: unknown = undefined;
  if (/json/.test(type) && text) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export interface RoleTokens {
  citizen: string;
  citizenUser: AuthUser;
  otherCitizen: string;
  otherCitizenUser: AuthUser;
  ministry: string;
  district: string;
  supervisor: string;
  otherSupervisor: string;
  admin: string;
}

/** One user per role (on the fixtures' test region); needs createTestRegion(db) first. */
export async function roleTokens(db: Db, otherRegionId?: string): Promise<RoleTokens> {
  const c = await createUserWithToken(db, { role: 'citizen', name: 'Ivan Petrov', email: 'ivan@example.org' });
  const c2 = await createUserWithToken(db, { role: 'citizen', name: 'Olga Sidorova' });
  const ministry = await createUserWithToken(db, { role: 'operator', name: 'Ministry operator', organisationId: ORG.ministry });
  const district = await createUserWithToken(db, { role: 'operator', name: 'District operator', organisationId: ORG.district });
  const sup = await createUserWithToken(db, { role: 'supervisor', name: 'CUR', regionId: TEST_REGION });
  let otherSupervisor = '';
  if (otherRegionId) otherSupervisor = (await createUserWithToken(db, { role: 'supervisor', name: 'Other CUR', regionId: otherRegionId })).token;
  const admin = await createUserWithToken(db, { role: 'administrator', name: 'Admin' });
  return {
    citizen: c.token, citizenUser: c.user, otherCitizen: c2.token, otherCitizenUser: c2.user,
    ministry: ministry.token, district: district.token, supervisor: sup.token, otherSupervisor, admin: admin.token,
  };
}
