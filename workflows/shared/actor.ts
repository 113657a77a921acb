// Who performs an action on a case of any type (appeal, discussion, hearing, poll, vote).

export type ActorRole = 'citizen' | 'operator' | 'supervisor' | 'analyst' | 'administrator' | 'integration' | 'system';

/** Who performs an action; the API fills it from the authenticated user, never from the request body. */
export interface Actor {
  userId: number | null;
  role: ActorRole;
  name?: string;
  organisationId?: string | null;
  regionId?: string | null;
}

/** The platform itself: timers that fire, steps no person took (registration, overdue, a rating window closing). */
export const SYSTEM: Actor = { userId: null, role: 'system' };
