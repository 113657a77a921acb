// Who manages an organisation's official pages and publications: its operators, the supervisors of its
// region (the regional management centre runs the pages, Altai decree No. 63) and administrators. Who
// reads them: those, and the operators of the region's other organisations too (the pages are public,
// and the region's bodies coordinate what they publish).
import type { AuthUser } from '../identity/users';

/** Reading the registry and the publications, or changing them. */
export type PagesAccess = 'read' | 'manage';

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

/** The same for reading; `operatorRegionId` is the region of an operator's own organisation. */
export function canReadPages(user: AuthUser, owner: PagesOwner, operatorRegionId: string | null): boolean {
  return canManagePages(user, owner) || (user.role === 'operator' && operatorRegionId !== null && operatorRegionId === owner.regionId);
}

/** Whether the user may do `access` to this organisation's pages (an operator's region is looked up only when it matters). */
export async function mayAccessPages(user: AuthUser, owner: PagesOwner, access: PagesAccess, operatorRegion: () => Promise<string | null>): Promise<boolean> {
  if (canManagePages(user, owner)) return true;
  return access === 'read' && user.role === 'operator' && canReadPages(user, owner, await operatorRegion());
}
