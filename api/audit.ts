// The audit log (table audit_log, db/migrations/20261127000003_audit.ts): the one place that records
// who did what to which case. Today: each response that shows an applicant's personal data to someone
// other than the applicant. Other human and integration actions are meant to be recorded through
// recordAudit too.
import type { Knex } from 'knex';
import type { Db } from '../db/connection';
import type { AuthUser } from './auth';

export const AUDIT_ACTION = {
  /** A response showed the applicant's name, e-mail or postal address of a case. */
  readPersonalData: 'case.read_personal_data',
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
    })),
  );
}

interface ShownApplicant {
  id?: unknown;
  applicant?: Record<string, unknown> | null;
}

/** The cases of a response body (a Case, a CaseDetail or a page of them) that show applicant data. */
export function casesWithApplicantData(body: unknown): { caseId: string; fields: string[] }[] {
  if (!body || typeof body !== 'object') return [];
  const candidates: ShownApplicant[] = Array.isArray((body as { items?: unknown }).items)
    ? ((body as { items: unknown[] }).items as ShownApplicant[])
    : [body as ShownApplicant];
  const out: { caseId: string; fields: string[] }[] = [];
  for (const c of candidates) {
    if (!c || typeof c !== 'object' || !c.applicant || typeof c.applicant !== 'object' || typeof c.id !== 'string') continue;
    const fields = Object.entries(c.applicant).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k]) => k);
    if (fields.length > 0) out.push({ caseId: c.id, fields });
  }
  return out;
}

/**
 * Records the personal data a response is about to show. Called for every successful response of an
 * authenticated operation, before it is sent: if the log cannot be written, the data is not shown.
 * Citizens see applicant data only of their own cases (api/cases.ts canSeeCase), so a citizen's reads
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
      details: { operationId: context.operationId, fields: s.fields },
      requestId: context.requestId ?? null,
    })),
  );
  return shown.length;
}
