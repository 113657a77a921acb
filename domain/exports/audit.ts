// Every file export is in the audit log: who downloaded which report, in what format, with which filters
// and how many rows, and whether it held personal data. The cases whose applicant data went into a file
// (or into a report's JSON, where the API's generic hook cannot find it: examples nested in groups) are
// recorded one entry per case, as every response that shows personal data is (domain/audit.ts).
import type { Db } from '../../db/connection';
import type { AuthUser } from '../identity/users';
import { AUDIT_ACTION, actorOfUser, recordAudit, type AuditEntry } from '../audit';

export interface ExportRecord {
  report: string;
  format: string;
  filters: Record<string, unknown>;
  rows: number;
  regionId: string | null;
  /** Cases whose applicant data is in the file. */
  personalCaseIds: { caseId: string; regionId: string }[];
  operationId: string;
  requestId: string | null;
}

function personalEntries(viewer: AuthUser, cases: { caseId: string; regionId: string }[], operationId: string, requestId: string | null): AuditEntry[] {
  return cases.map((c) => ({
    actor: actorOfUser(viewer),
    action: AUDIT_ACTION.readPersonalData,
    caseId: c.caseId,
    regionId: c.regionId,
    operation: operationId,
    details: { operationId, fields: ['applicant'] },
    requestId,
  }));
}

/** Records the export and the personal data it holds, in one statement: no entry, no file. */
export async function auditExport(db: Db, viewer: AuthUser, e: ExportRecord): Promise<void> {
  await recordAudit(db, [
    {
      actor: actorOfUser(viewer),
      action: AUDIT_ACTION.reportExported,
      operation: e.operationId,
      regionId: e.regionId,
      requestId: e.requestId,
      status: 200,
      details: { report: e.report, format: e.format, filters: e.filters, rows: e.rows, personalData: e.personalCaseIds.length > 0 },
    },
    ...personalEntries(viewer, e.personalCaseIds, e.operationId, e.requestId),
  ]);
}

/** Records the applicant data a report's JSON shows (nested where the generic hook does not look). */
export async function auditPersonalDataInReport(
  db: Db,
  viewer: AuthUser,
  cases: { caseId: string; regionId: string }[],
  operationId: string,
  requestId: string | null,
): Promise<void> {
  if (viewer.role === 'citizen') return;
  await recordAudit(db, personalEntries(viewer, cases, operationId, requestId));
}
