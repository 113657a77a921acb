// Cases that come back: the same applicant with the same subject more than once in a period — a sign
// that an answer did not solve the problem (Astrakhan order 472-Пр asks for the analysis of repeated
// appeals). The applicant is their account, else their e-mail (case-insensitive); the subject is the
// subcategory, else the category. The applicant is named by a pseudonym (applicantRef) so that the list
// can be read without personal data; the name and e-mail are shown only to a caller who may see every
// case of the group.
import { createHash } from 'node:crypto';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { AuthUser } from '../identity/users';
import { canSeeCase } from '../cases/access';
import type { ReportPeriodDays } from './report-period';

export type ReturningCases = components['schemas']['ReturningCases'];
export type ReturningCaseGroup = components['schemas']['ReturningCaseGroup'];

/** A pseudonym of an applicant, the same in every report of the region. Deterministic. */
export function applicantRef(regionId: string, applicantKey: string): string {
  return createHash('sha256').update(`otklik:applicant:${regionId}:${applicantKey}`).digest('hex').slice(0, 12);
}

/** The groups of a region (or of all regions: regionId null), and the cases whose applicant they show. */
export async function returningCases(
  db: Db,
  viewer: AuthUser,
  regionId: string | null,
  period: ReportPeriodDays,
  minCases: number,
): Promise<{ list: ReturningCases; shownWithApplicant: { caseId: string; regionId: string }[] }> {
  const { rows } = await db.raw(
    `select x.* from (
        select c.id, c.registered_at, c.status, c.organisation_id, c.rating, c.round, c.region_id, c.applicant_user_id,
          c.applicant_name, c.applicant_email, c.applicant_address, s.name as subject_name,
          coalesce(c.subcategory_id, c.category_id) as subject_id,
          coalesce('user:' || c.applicant_user_id::text, 'email:' || lower(nullif(c.applicant_email, ''))) as applicant_key,
          count(*) over (partition by c.region_id, coalesce('user:' || c.applicant_user_id::text, 'email:' || lower(nullif(c.applicant_email, ''))), coalesce(c.subcategory_id, c.category_id)) as in_group
        from cases c
        join categories s on s.id = coalesce(c.subcategory_id, c.category_id)
        where (?::text is null or c.region_id = ?) and c.registered_at >= ? and c.registered_at < ?
          and coalesce(c.applicant_user_id::text, nullif(c.applicant_email, '')) is not null
      ) x where x.in_group >= ?
      order by x.in_group desc, x.region_id, x.applicant_key, x.subject_id, x.registered_at, x.id`,
    [regionId, regionId, period.fromAt, period.toAt, minCases],
  );
  type Entry = { group: ReturningCaseGroup; allVisible: boolean; first: Record<string, any> };
  const groups = new Map<string, Entry>();
  for (const r of rows as Record<string, any>[]) {
    const k = `${r.region_id}\u0000${r.applicant_key}\u0000${r.subject_id}`;
    const entry: Entry = groups.get(k) ?? { group: { applicantRef: applicantRef(r.region_id, r.applicant_key), subjectId: r.subject_id, subjectName: r.subject_name, cases: [] }, allVisible: true, first: r };
    entry.group.cases.push({ caseId: r.id, registeredAt: new Date(r.registered_at).toISOString(), status: r.status, organisationId: r.organisation_id ?? null, rating: r.rating ?? null, round: r.round });
    entry.allVisible &&= canSeeCase(viewer, r as { applicant_user_id: number | null; organisation_id: string | null; region_id: string });
    groups.set(k, entry);
  }
  const entries = [...groups.values()];
  const items = entries.map(({ group, allVisible, first }) =>
    allVisible ? { ...group, applicant: { name: first.applicant_name ?? null, email: first.applicant_email ?? null, postalAddress: first.applicant_address ?? null } } : group);
  const shownWithApplicant = entries.filter((e) => e.allVisible).flatMap((e) => e.group.cases.map((c) => ({ caseId: c.caseId, regionId: e.first.region_id as string })));
  return { list: { regionId, period: { from: period.from, to: period.to }, items }, shownWithApplicant };
}
