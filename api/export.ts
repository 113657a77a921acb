// The answer of every report operation that takes `?format` (components/parameters/ExportFormat): the JSON
// body as it is, or the report's tables as a CSV or XLSX download, audited. A report operation plugs in
// with one line:
//   return reportReply(ctx, body, { report: 'rating', regionId, sheets: () => [ratingSheet(body)] });
import { Readable } from 'node:stream';
import type { Reply, Ctx, OperationId } from './routes';
import { writeExport, type ExportFormat, type Sheet } from '../domain/exports/table';
import { auditExport, auditPersonalDataInReport } from '../domain/exports/audit';

export interface ReportTables {
  /** The report's short name: the file name starts with it and the audit entry names it. */
  report: string;
  regionId: string | null;
  /** The file's tables (the first is the CSV); built only when a file is asked for. */
  sheets: () => Sheet[];
  /** Whether the personal columns are in the file (default: no). */
  personalData?: boolean;
  /** The cases whose applicant data the answer holds: audited in JSON (unless the generic hook sees them) and in files. */
  personalCases?: { caseId: string; regionId: string }[];
  /** The generic hook (api/routes.ts) already records the JSON body's personal data (a page of cases). */
  jsonAuditedByHook?: boolean;
}

/** What reportReply reads of an operation's context: any report operation's Ctx is one. */
export type ReportCtx = Pick<Ctx<OperationId>, 'user' | 'deps' | 'res'> & { input: { query: { format?: 'json' | ExportFormat } } };

/** The format asked for; json when none. */
export function exportFormat(ctx: ReportCtx): 'json' | ExportFormat {
  return ctx.input.query.format ?? 'json';
}

function filtersOf(query: Record<string, unknown>): Record<string, unknown> {
  const { format: _format, cursor: _cursor, limit: _limit, ...filters } = query;
  return filters;
}

export async function reportReply(ctx: ReportCtx, body: unknown, tables: ReportTables): Promise<Reply> {
  const format = exportFormat(ctx);
  const operationId = String(ctx.res.locals.operationId ?? tables.report);
  const requestId = (ctx.res.locals.requestId as string | undefined) ?? null;
  const personalCases = tables.personalCases ?? [];
  if (format === 'json') {
    if (!tables.jsonAuditedByHook && personalCases.length > 0) {
      await auditPersonalDataInReport(ctx.deps.db, ctx.user, personalCases, operationId, requestId);
    }
    return { status: 200, body };
  }
  const day = new Date().toISOString().slice(0, 10);
  const file = await writeExport(format, `${tables.report}-${tables.regionId ?? 'all'}-${day}`, tables.sheets(), { personalData: tables.personalData ?? false });
  // No entry, no file: the download is recorded before a byte of it leaves.
  await auditExport(ctx.deps.db, ctx.user, {
    report: tables.report, format, filters: filtersOf(ctx.input.query as Record<string, unknown>), rows: file.rows, regionId: tables.regionId,
    personalCaseIds: tables.personalData ? personalCases : [], operationId, requestId,
  });
  return {
    status: 200,
    stream: Readable.from(file.body),
    headers: { 'Content-Type': file.contentType, 'Content-Length': String(file.body.length), 'Content-Disposition': `attachment; filename="${file.fileName}"` },
  };
}
