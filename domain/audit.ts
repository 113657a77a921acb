// The audit log (table audit_log, db/migrations/20261127000003_audit.ts and ..._25_ops.ts): the one
// place that records who did what to which case. Two kinds of entries: each response that shows an
// applicant's personal data to someone other than the applicant, and every action of a person or an
// integration client (an API operation that changes something, or an ops CLI override), with the case
// read model before and after it. Supervisors read their region's entries through GET /audit.
import type { Knex } from 'knex';
import type { Db } from '../db/connection';
import type { AuthUser } from './identity/users';
import { redact } from './redact';
import { loadCaseRow } from './cases/read-model';
import { loadSpec } from '../openapi/spec';

export const AUDIT_ACTION = {
  /** A response showed the applicant's name, e-mail or postal address of a case. */
  readPersonalData: 'case.read_personal_data',
  /** An integration client obtained an OAuth access token (client credentials). */
  tokenIssued: 'auth.token_issued',
  /** Client credentials were refused (unknown client, wrong or expired secret): repeated ones are an attack. */
  tokenRefused: 'auth.token_refused',
  /** A person signed in through OpenID Connect and got a session token. */
  signedIn: 'auth.signed_in',
  /** A report or a case list was downloaded as a CSV or XLSX file (domain/exports/audit.ts). */
  reportExported: 'report.exported',
} as const;

export interface AuditActor {
  userId: number | null;
  /** citizen | operator | supervisor | administrator, or system / integration. */
  role: string;
}

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  caseId?: string | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
  /** The API operationId or CLI command behind an action. */
  operation?: string | null;
  /** api (default) | cli */
  channel?: 'api' | 'cli';
  /** HTTP status of the answer. */
  status?: number | null;
  /** Region of the case or resource (supervisors read their region's entries). */
  regionId?: string | null;
  /** The non-case resource acted on. */
  resourceId?: string | null;
  before?: unknown;
  after?: unknown;
}

export function actorOfUser(user: Pick<AuthUser, 'id' | 'role'>): AuditActor {
  return { userId: user.id, role: user.role };
}

/** Appends entries to the audit log, in one statement. Fails if the log cannot be written. */
export async function recordAudit(db: Db | Knex.Transaction, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await db('audit_log').insert(
    list.map((e) => ({
      actor_user_id: e.actor.userId,
      actor_role: e.actor.role,
      action: e.action,
      case_id: e.caseId ?? null,
      details: JSON.stringify(e.details ?? {}),
      request_id: e.requestId ?? null,
      operation: e.operation ?? null,
      channel: e.channel ?? 'api',
      status: e.status ?? null,
      region_id: e.regionId ?? null,
      resource_id: e.resourceId ?? null,
      before: e.before === undefined || e.before === null ? null : JSON.stringify(e.before),
      after: e.after === undefined || e.after === null ? null : JSON.stringify(e.after),
    })),
  );
}

interface ShownApplicant {
  id?: unknown;
  regionId?: unknown;
  applicant?: Record<string, unknown> | null;
}

/** The cases of a response body (a Case, a CaseDetail or a page of them) that show applicant data. */
export function casesWithApplicantData(body: unknown): { caseId: string; fields: string[]; regionId: string | null }[] {
  if (!body || typeof body !== 'object') return [];
  const candidates: ShownApplicant[] = Array.isArray((body as { items?: unknown }).items)
    ? ((body as { items: unknown[] }).items as ShownApplicant[])
    : [body as ShownApplicant];
  const out: { caseId: string; fields: string[]; regionId: string | null }[] = [];
  for (const c of candidates) {
    if (!c || typeof c !== 'object' || !c.applicant || typeof c.applicant !== 'object' || typeof c.id !== 'string') continue;
    const fields = Object.entries(c.applicant).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k]) => k);
    if (fields.length > 0) out.push({ caseId: c.id, fields, regionId: typeof c.regionId === 'string' ? c.regionId : null });
  }
  return out;
}

/**
 * Records the personal data a response is about to show. Called for every successful response of an
 * authenticated operation, before it is sent: if the log cannot be written, the data is not shown.
 * Citizens see applicant data only of their own cases (domain/cases/read-model.ts canSeeCase), so a citizen's reads
 * are the applicant's own and are not recorded.
 */
export async function auditPersonalDataShown(
  db: Db,
  viewer: AuthUser,
  body: unknown,
  context: { operationId: string; requestId?: string | null },
): Promise<number> {
  if (viewer.role === 'citizen') return 0;
  const shown = casesWithApplicantData(body);
  await recordAudit(
    db,
    shown.map((s) => ({
      actor: actorOfUser(viewer),
      action: AUDIT_ACTION.readPersonalData,
      caseId: s.caseId,
      regionId: s.regionId,
      operation: context.operationId,
      details: { operationId: context.operationId, fields: s.fields },
      requestId: context.requestId ?? null,
    })),
  );
  return shown.length;
}

// ---------------------------------------------------------------------------------------------------
// Actions: every successful change made by a person or an integration client.

/** What an action changed on a case: the read-model fields that overrides and actions move. */
export interface CaseSnapshot {
  status: string;
  organisationId: string | null;
  answerDueAt: string | null;
  overdue: boolean;
  round: number;
  resolution: string | null;
  externalNumber?: string | null;
}

function isoOrNull(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The snapshot of a cases row (snake_case) or of a Case as the API shows it (camelCase). */
export function caseSnapshot(source: Record<string, unknown> | null | undefined): CaseSnapshot | null {
  if (!source || typeof source.status !== 'string') return null;
  const row = 'organisation_id' in source || 'answer_due_at' in source;
  const pick = (snake: string, camel: string) => (row ? source[snake] : source[camel]);
  const snap: CaseSnapshot = {
    status: source.status,
    organisationId: (pick('organisation_id', 'organisationId') as string | null | undefined) ?? null,
    answerDueAt: isoOrNull(pick('answer_due_at', 'answerDueAt')),
    overdue: Boolean(source.overdue),
    round: Number(source.round ?? 1),
    resolution: (source.resolution as string | null | undefined) ?? null,
  };
  const external = pick('external_number', 'externalNumber');
  if (external !== undefined) snap.externalNumber = (external as string | null) ?? null;
  return snap;
}

const CASE_STATUSES = new Set(['registered', 'in_work', 'clarification_requested', 'answered', 'closed']);

/** A response body that is a case (a submission's answer): its id, region and snapshot. */
export function caseOfBody(body: unknown): { id: string; regionId: string | null; snapshot: CaseSnapshot } | null {
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object' || typeof b.id !== 'string' || typeof b.status !== 'string' || !CASE_STATUSES.has(b.status)) return null;
  if (b.kind !== 'message' && b.kind !== 'appeal') return null;
  const snapshot = caseSnapshot(b);
  return snapshot ? { id: b.id, regionId: typeof b.regionId === 'string' ? b.regionId : null, snapshot } : null;
}

/** The case row fields the snapshot and the region come from, or undefined when there is no such case. */
export async function loadCaseForAudit(db: Db, caseId: string): Promise<{ regionId: string; snapshot: CaseSnapshot } | undefined> {
  const row = await loadCaseRow(db, caseId);
  if (!row) return undefined;
  return { regionId: row.region_id, snapshot: caseSnapshot(row as unknown as Record<string, unknown>)! };
}

/** Fields of a non-case request that may hold personal data are not copied into the log. */
const PERSONAL_KEYS = /^(applicant|email|phone|first_name|last_name|postal_?address|postalAddress)$/i;

function withoutPersonalData(value: unknown, depth = 0): unknown {
  if (!value || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => withoutPersonalData(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, PERSONAL_KEYS.test(k) && v !== null && v !== undefined ? '[personal data]' : withoutPersonalData(v, depth + 1)]),
  );
}

/** The request of a non-case action as the log keeps it: secrets masked, personal data left out, bounded. */
export function auditedRequest(body: unknown): unknown {
  if (body === undefined) return null;
  const clean = withoutPersonalData(redact(body));
  const text = JSON.stringify(clean);
  return text !== undefined && text.length > 20_000 ? { truncated: true, text: text.slice(0, 20_000) } : clean;
}

/** The region a non-case resource belongs to, for the supervisors' view: from its path, its body, or the actor. */
export async function regionOfResource(
  db: Db,
  params: Record<string, unknown>,
  body: unknown,
  actor: Pick<AuthUser, 'regionId' | 'organisationId'>,
): Promise<string | null> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (typeof params.regionId === 'string') return params.regionId;
  if (typeof b.regionId === 'string') return b.regionId;
  if (typeof params.eventId === 'string') {
    const ev = await db('participation_events').where({ id: params.eventId }).first('region_id').catch(() => undefined);
    if (ev?.region_id) return ev.region_id as string;
  }
  const organisationId = typeof params.organisationId === 'string' ? params.organisationId : typeof b.organisationId === 'string' ? b.organisationId : actor.organisationId;
  if (organisationId) {
    const org = await db('organisations').where({ id: organisationId }).first('region_id');
    if (org?.region_id) return org.region_id as string;
  }
  return actor.regionId ?? null;
}

// ---------------------------------------------------------------------------------------------------
// Reading the log (GET /audit).

export interface AuditFilter {
  caseId?: string;
  actorUserId?: number;
  action?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface AuditItem {
  id: number;
  at: string;
  actor: { userId: number | null; role: string | null; name: string | null };
  action: string;
  operation: string | null;
  channel: string;
  status: number | null;
  caseId: string | null;
  resourceId: string | null;
  regionId: string | null;
  before: unknown;
  after: unknown;
  details: Record<string, unknown>;
  requestId: string | null;
}

export class AuditCursorError extends Error {}

/** Newest first, keyset-paginated on the entry id; supervisors see only their region's entries. */
export async function listAudit(db: Db, viewer: Pick<AuthUser, 'role' | 'regionId'>, f: AuditFilter): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
  const limit = f.limit ?? 50;
  const q = db('audit_log as a').leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .select('a.*', 'u.name as actor_name')
    .orderBy('a.id', 'desc')
    .limit(limit + 1);
  if (viewer.role !== 'administrator') {
    if (!viewer.regionId) return { items: [], nextCursor: null };
    q.where('a.region_id', viewer.regionId);
  }
  if (f.caseId) q.where('a.case_id', f.caseId);
  if (f.actorUserId !== undefined) q.where('a.actor_user_id', f.actorUserId);
  if (f.action) q.where('a.action', f.action);
  if (f.from) q.where('a.at', '>=', new Date(f.from));
  if (f.to) q.where('a.at', '<=', new Date(f.to));
  if (f.cursor) {
    let before: unknown;
    try {
      before = JSON.parse(Buffer.from(f.cursor, 'base64url').toString('utf8')).before;
    } catch {
      before = undefined;
    }
    if (typeof before !== 'number' || !Number.isSafeInteger(before) || before < 1) throw new AuditCursorError('the cursor is not one this API issued');
    q.where('a.id', '<', before);
  }
  const rows = (await q) as Record<string, any>[];
  const page = rows.slice(0, limit);
  const items = page.map((r): AuditItem => ({
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    actor: { userId: r.actor_user_id ?? null, role: r.actor_role ?? null, name: r.actor_name ?? null },
    action: r.action,
    operation: r.operation ?? null,
    channel: r.channel ?? 'api',
    status: r.status ?? null,
    caseId: r.case_id ?? null,
    resourceId: r.resource_id ?? null,
    regionId: r.region_id ?? null,
    before: r.before ?? null,
    after: r.after ?? null,
    details: r.details ?? {},
    requestId: r.request_id ?? null,
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify({ before: last.id })).toString('base64url') : null };
}

// ---------------------------------------------------------------------------------------------------
// The API's hook (api/routes.ts): every successful non-GET operation of an authenticated caller.

let summaries: Map<string, string> | undefined;

/** The spec's summary of an operation ("Take the case into work."): the readable verb of its entries. */
export function operationSummary(operationId: string): string | null {
  if (!summaries) {
    summaries = new Map();
    for (const item of Object.values(loadSpec().paths)) {
      for (const op of Object.values(item as Record<string, { operationId?: string; summary?: string }>)) {
        if (op && typeof op === 'object' && op.operationId && op.summary) summaries.set(op.operationId, op.summary);
      }
    }
  }
  return summaries.get(operationId) ?? null;
}

export interface ActionAudit {
  /** Reads the case as it is before the handler runs. Never throws. */
  begin(): Promise<void>;
  /** Records the action after a successful answer, before it is sent. Never throws: a failure is logged with the entry. */
  finish(reply: { status: number; body?: unknown }): Promise<void>;
}

type LogFn = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export function actionAudit(
  db: Db,
  log: LogFn,
  operationId: string,
  user: AuthUser,
  input: { params?: Record<string, unknown>; body?: unknown },
  requestId: string | null,
): ActionAudit {
  const params = input.params ?? {};
  const caseParam = typeof params.caseId === 'string' ? params.caseId : typeof params.eventId === 'string' ? params.eventId : null;
  const isCase = typeof params.caseId === 'string';
  let before: { regionId: string; snapshot: CaseSnapshot } | undefined;
  return {
    async begin() {
      if (!isCase) return;
      try {
        before = await loadCaseForAudit(db, params.caseId as string);
      } catch (e) {
        log('warn', 'audit: cannot read the case before the action', { caseId: params.caseId, operationId, error: String(e) });
      }
    },
    async finish(reply) {
      let entry: AuditEntry | undefined;
      try {
        const shownCase = caseOfBody(reply.body);
        const bodyId = reply.body && typeof reply.body === 'object' ? (reply.body as { id?: unknown }).id : undefined;
        entry = {
          actor: actorOfUser(user),
          action: operationId,
          operation: operationId,
          channel: 'api',
          status: reply.status,
          requestId,
          caseId: caseParam ?? shownCase?.id ?? null,
          details: { summary: operationSummary(operationId), ...(user.role === 'integration' ? { organisationId: user.organisationId } : {}) },
        };
        if (isCase || shownCase) {
          const caseId = (params.caseId as string | undefined) ?? shownCase!.id;
          // The answer shows the case as the action left it (also when the projection lags); otherwise the row.
          const after = shownCase && shownCase.id === caseId ? shownCase : await loadCaseForAudit(db, caseId).then((r) => r && { regionId: r.regionId, snapshot: r.snapshot });
          entry.before = before?.snapshot ?? null;
          entry.after = after?.snapshot ?? null;
          entry.regionId = after?.regionId ?? before?.regionId ?? null;
          if (!isCase) entry.details = { ...entry.details, request: auditedRequest(input.body) };
        } else {
          const resourceId = Object.entries(params).find(([k, v]) => k !== 'caseId' && (typeof v === 'string' || typeof v === 'number'))?.[1] ?? bodyId;
          entry.resourceId = resourceId === undefined || resourceId === null ? null : String(resourceId);
          entry.before = null;
          entry.after = { request: auditedRequest(input.body), ...(bodyId !== undefined ? { id: bodyId } : {}) };
          entry.regionId = await regionOfResource(db, params, input.body, user);
        }
        await recordAudit(db, entry);
      } catch (e) {
        // The action has happened: it is answered, and the entry goes to the log for the record.
        log('error', 'audit: the action could not be recorded', { operationId, requestId, caseId: caseParam, entry: entry && redact(entry), error: String(e) });
      }
    },
  };
}
