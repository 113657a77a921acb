// The staff case list (GET /cases) as a file: every case the caller's filters select, in the list's order,
// up to a limit (a larger export is a question for the indicators, not a spreadsheet).
import type { Db } from '../../db/connection';
import type { AuthUser } from '../identity/users';
import { listCases, type Case, type CaseFilters } from '../cases/read-model';
import type { ReferenceNames } from '../monitoring/scope';
import type { Column, Sheet } from './table';

/** The most cases one export holds. */
export const CASE_EXPORT_LIMIT = 10_000;

export class CaseExportTooLargeError extends Error {}

const PAGE = 1_000;

/** All the cases of the filters, page by page (the list's keyset order); CaseExportTooLargeError past the limit. */
export async function casesForExport(db: Db, user: AuthUser, filters: CaseFilters, limit = CASE_EXPORT_LIMIT): Promise<Case[]> {
  const out: Case[] = [];
  let cursor: string | undefined;
  do {
    const page = await listCases(db, user, filters, { limit: PAGE, cursor });
    out.push(...page.items);
    if (out.length > limit) throw new CaseExportTooLargeError(`more than ${limit} cases match: narrow the filters`);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

const iso = (v: string | null | undefined) => v ?? null;

const nameOf = (names: Map<string, string>, id: string | null) => (id === null ? null : names.get(id) ?? null);

/**
 * The case list's columns. Names of organisations, categories and territories (as the monitoring tables
 * read them, domain/monitoring/scope.ts referenceNames) are what a person reading the file needs beside
 * the codes, which stay in their own columns, for filters and machines.
 */
const caseColumns = (n: ReferenceNames): Column<Case>[] => [
  { header: 'id', value: (c) => c.id, width: 18 },
  { header: 'kind', value: (c) => c.kind },
  { header: 'status', value: (c) => c.status, width: 16 },
  { header: 'channel', value: (c) => c.channel, width: 20 },
  { header: 'regionId', value: (c) => c.regionId },
  { header: 'organisationName', value: (c) => nameOf(n.organisations, c.organisationId), width: 40 },
  { header: 'organisationId', value: (c) => c.organisationId, width: 24 },
  { header: 'categoryName', value: (c) => nameOf(n.categories, c.categoryId), width: 32 },
  { header: 'categoryId', value: (c) => c.categoryId, width: 24 },
  { header: 'subcategoryName', value: (c) => nameOf(n.categories, c.subcategoryId), width: 32 },
  { header: 'subcategoryId', value: (c) => c.subcategoryId, width: 24 },
  { header: 'territoryName', value: (c) => nameOf(n.territories, c.territoryId), width: 32 },
  { header: 'territoryId', value: (c) => c.territoryId, width: 24 },
  { header: 'registeredAt', value: (c) => iso(c.registeredAt), width: 24 },
  { header: 'answerDueAt', value: (c) => iso(c.answerDueAt), width: 24 },
  { header: 'overdue', value: (c) => c.overdue },
  { header: 'termAdvisory', value: (c) => c.termAdvisory },
  { header: 'advisoryMissed', value: (c) => c.advisoryMissed },
  { header: 'accelerated', value: (c) => c.accelerated },
  { header: 'round', value: (c) => c.round },
  { header: 'extended', value: (c) => c.extended },
  { header: 'rating', value: (c) => c.rating },
  { header: 'resolution', value: (c) => c.resolution },
  { header: 'closedAt', value: (c) => iso(c.closedAt), width: 24 },
  { header: 'applicant.name', value: (c) => c.applicant?.name, personal: true, width: 24 },
  { header: 'applicant.email', value: (c) => c.applicant?.email, personal: true, width: 24 },
  { header: 'applicant.postalAddress', value: (c) => c.applicant?.postalAddress, personal: true, width: 32 },
  { header: 'address', value: (c) => c.address, personal: true, width: 32 },
  { header: 'text', value: (c) => c.text, personal: true, width: 60 },
  { header: 'answer.text', value: (c) => c.answer?.text, personal: true, width: 60 },
];

export function caseListSheet(cases: Case[], names: ReferenceNames): Sheet<Case> {
  return { name: 'cases', columns: caseColumns(names), rows: cases };
}

/** The personal columns are in the file only when the caller sees the applicant of every case listed. */
export function seesEveryApplicant(cases: Case[]): boolean {
  return cases.every((c) => c.applicant !== undefined);
}
