// Who may see a case: one rule for a single case (canSeeCase) and the same rule as a query (scopeCases).
import type { Knex } from 'knex';
import type { AuthUser } from '../identity/users';

/** The columns of a case row that decide who sees it. */
export interface CaseParties {
  applicant_user_id: number | null;
  organisation_id: string | null;
  region_id: string;
}

/**
 * Who may see a case: its applicant, operators of the current organisation, integration clients whose
 * subtree holds that organisation, the region's supervisors, administrators.
 */
export function canSeeCase(user: AuthUser, row: CaseParties): boolean {
  switch (user.role) {
    case 'administrator':
      return true;
    case 'supervisor':
      return user.regionId !== null && row.region_id === user.regionId;
    case 'operator':
      return user.organisationId !== null && row.organisation_id === user.organisationId;
    case 'citizen':
      return row.applicant_user_id !== null && row.applicant_user_id === user.id;
    case 'integration':
      return row.organisation_id !== null && (user.organisationSubtree ?? []).includes(row.organisation_id);
    default:
      return false;
  }
}

/** Restricts a query on `cases` to what the user may see. */
export function scopeCases(qb: Knex.QueryBuilder, user: AuthUser): Knex.QueryBuilder {
  switch (user.role) {
    case 'administrator':
      return qb;
    case 'supervisor':
      return user.regionId ? qb.where('cases.region_id', user.regionId) : qb.whereRaw('false');
    case 'operator':
      return user.organisationId ? qb.where('cases.organisation_id', user.organisationId) : qb.whereRaw('false');
    case 'citizen':
      return qb.where('cases.applicant_user_id', user.id);
    case 'integration':
      return user.organisationSubtree?.length ? qb.whereIn('cases.organisation_id', user.organisationSubtree) : qb.whereRaw('false');
    default:
      return qb.whereRaw('false');
  }
}
