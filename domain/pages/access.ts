// Who manages an organisation's official pages and publications: its operators, the supervisors of its
// region (the regional management centre runs the pages, Altai decree No. 63) and administrators.
import type { AuthUser } from '../identity/users';

export interface PagesOwner {
  organisationId: string;
  regionId: string;
}

export function canManagePages(user: AuthUser, owner: PagesOwner): boolean {
  switch (user.role) {
    case 'administrator':
      return true;
    case 'supervisor':
      return user.regionId !== null && user.regionId === owner.regionId;
    case 'operator':
      return user.organisationId !== null && user.organisationId === owner.organisationId;
    default:
      return false;
  }
}
