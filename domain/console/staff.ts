// The platform's staff (operators, supervisors, administrators) as administrators manage them: the list
// with each person's sign-in identities, and a new member with the identity their first sign-in uses.
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';

export const STAFF_ROLES = ['operator', 'supervisor', 'administrator'] as const;

/** A staff member as the API shows them (the spec's StaffMember). */
export type StaffMemberRow = components['schemas']['StaffMember'];

export interface NewStaffMember {
  role: 'operator' | 'supervisor';
  name: string;
  email?: string;
  organisationId?: string;
  regionId?: string;
  /** The person's subject at the OpenID Connect provider `issuer`. */
  login?: { issuer: string; subject: string };
}

/** The identity is someone else's already. */
export class LoginTakenError extends Error {}

async function withLogins(db: Db, rows: Record<string, any>[]): Promise<StaffMemberRow[]> {
  const ids = rows.map((r) => r.id);
  const identities = ids.length ? await db('user_identities').whereIn('user_id', ids).select('user_id', 'subject') : [];
  return rows.map((r) => ({
    id: r.id, role: r.role, name: r.name, email: r.email ?? null, organisationId: r.organisation_id ?? null, regionId: r.region_id ?? null,
    logins: identities.filter((i: any) => i.user_id === r.id).map((i: any) => i.subject as string),
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

export async function listStaff(db: Db, filter: { organisationId?: string; role?: string }): Promise<StaffMemberRow[]> {
  const q = db('users').whereIn('role', filter.role ? [filter.role] : [...STAFF_ROLES]).orderBy(['name', 'id']);
  if (filter.organisationId) q.where({ organisation_id: filter.organisationId });
  return withLogins(db, await q);
}

/** Adds the member, checked by the caller (role, organisation, region); LoginTakenError for a taken identity. */
export async function createStaffMember(db: Db, m: NewStaffMember): Promise<StaffMemberRow> {
  return db.transaction(async (trx) => {
    if (m.login && (await trx('user_identities').where({ issuer: m.login.issuer, subject: m.login.subject }).first())) {
      throw new LoginTakenError(`The login ${m.login.subject} belongs to another user.`);
    }
    const [row] = await trx('users').insert({
      role: m.role, name: m.name.trim(), email: m.email ?? null,
      organisation_id: m.role === 'operator' ? m.organisationId : null, region_id: m.role === 'supervisor' ? m.regionId : null,
    }).returning('*');
    if (m.login) await trx('user_identities').insert({ issuer: m.login.issuer, subject: m.login.subject, user_id: row.id });
    return (await withLogins(trx as unknown as Db, [row]))[0];
  });
}
