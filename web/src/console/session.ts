// Who is working in the console: the signed-in person (GET /me), asked once per page. The console shows
// each role only the screens its operations allow (the roles of openapi/openapi.yaml's x-otklik-roles).
import { api, call, type Schemas } from '../api';
import { signedIn } from '../auth';

export type Me = Schemas['User'];
export type StaffRole = 'operator' | 'supervisor' | 'analyst' | 'administrator';
export const STAFF_ROLES: readonly StaffRole[] = ['operator', 'supervisor', 'analyst', 'administrator'];

let me: Promise<Me | null> | undefined;

/** The signed-in person, or null when nobody is (or the session has expired). */
export function loadMe(): Promise<Me | null> {
  if (!signedIn()) return Promise.resolve(null);
  me ??= call(() => api.GET('/me')).catch(() => null);
  return me;
}

export function isStaff(m: Me | null): m is Me & { role: StaffRole } {
  return !!m && (STAFF_ROLES as readonly string[]).includes(m.role);
}
