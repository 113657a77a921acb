// Users: each users row has one role; operators belong to an organisation, supervisors to a region. An integration client (a regional
// document-management system, an Open311 app) is a users row with role 'integration': it belongs to an
// organisation and acts for that organisation's whole subtree, within the scopes it was granted
// (table integration_clients; the scopes are listed in domain/identity/scopes.ts). Their bearer tokens are
// in domain/identity/tokens.ts.
import type { Db } from '../../db/connection';
import { INTEGRATION_SCOPES, type IntegrationScope } from './scopes';
import { issueToken } from './tokens';

/** An analyst belongs to a region like a supervisor, and only reads its monitoring (indicators, ratings). */
export const ROLES = ['citizen', 'operator', 'supervisor', 'analyst', 'administrator', 'integration'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthUser {
  id: number;
  role: Role;
  name: string;
  email: string | null;
  organisationId: string | null;
  regionId: string | null;
  /** Integration clients: the scopes granted (domain/identity/scopes.ts); operations check them (x-otklik-scopes). */
  scopes?: string[];
  /** Integration clients: the client's organisation and every organisation below it. */
  organisationSubtree?: string[];
}

export interface NewUser {
  role: Role;
  name: string;
  email?: string | null;
  organisationId?: string | null;
  regionId?: string | null;
  /** Label of the first token, e.g. "SED integration" or "laptop". */
  label?: string | null;
  /** Integration clients: the scopes to grant (domain/identity/scopes.ts). */
  scopes?: string[];
}

/** A problem with the data given to createUserWithToken; `field` names the offending input. */
export class UserInputError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'UserInputError';
  }
}

export function userFromRow(row: Record<string, unknown>): AuthUser {
  return {
    id: Number(row.id),
    role: row.role as Role,
    name: row.name as string,
    email: (row.email as string | null) ?? null,
    organisationId: (row.organisation_id as string | null) ?? null,
    regionId: (row.region_id as string | null) ?? null,
  };
}

/** Checks the role / organisation / region combination and that the references exist. */
export async function checkNewUser(db: Db, u: NewUser): Promise<void> {
  if (!ROLES.includes(u.role)) throw new UserInputError('role', `Unknown role ${JSON.stringify(u.role)}: expected one of ${ROLES.join(', ')}`);
  if (!u.name || !u.name.trim()) throw new UserInputError('name', 'A name is required');
  if (u.email != null && !/^[^\s@]+@[^\s@]+$/.test(u.email)) throw new UserInputError('email', `Not an e-mail address: ${u.email}`);
  if (u.role !== 'integration' && u.scopes !== undefined) throw new UserInputError('scopes', 'Only integration clients have scopes: drop --scopes');
  if (u.role === 'integration') {
    if (!u.organisationId) throw new UserInputError('organisation', 'An integration client needs an organisation: it acts for that organisation and those below it (--organisation <id>)');
    if (u.regionId) throw new UserInputError('region', 'An integration client belongs to an organisation, not a region: drop --region');
    if (!u.scopes || u.scopes.length === 0) throw new UserInputError('scopes', `An integration client needs scopes (--scopes), some of: ${Object.keys(INTEGRATION_SCOPES).join(', ')}`);
    const unknown = u.scopes.filter((x) => !(x in INTEGRATION_SCOPES));
    if (unknown.length > 0) throw new UserInputError('scopes', `Unknown scopes ${unknown.join(', ')}: expected some of ${Object.keys(INTEGRATION_SCOPES).join(', ')}`);
    const org = await db('organisations').where({ id: u.organisationId }).first('id');
    if (!org) throw new UserInputError('organisation', `Unknown organisation ${JSON.stringify(u.organisationId)}`);
  } else if (u.role === 'operator') {
    if (!u.organisationId) throw new UserInputError('organisation', 'An operator needs an organisation (--organisation <id>)');
    if (u.regionId) throw new UserInputError('region', 'An operator belongs to an organisation, not a region: drop --region');
    const org = await db('organisations').where({ id: u.organisationId }).first('id');
    if (!org) throw new UserInputError('organisation', `Unknown organisation ${JSON.stringify(u.organisationId)}`);
  } else if (u.role === 'supervisor' || u.role === 'analyst') {
    if (!u.regionId) throw new UserInputError('region', `A ${u.role} needs a region (--region <id>)`);
    if (u.organisationId) throw new UserInputError('organisation', `A ${u.role} belongs to a region, not an organisation: drop --organisation`);
    const region = await db('regions').where({ id: u.regionId }).first('id');
    if (!region) throw new UserInputError('region', `Unknown region ${JSON.stringify(u.regionId)}`);
  } else {
    if (u.organisationId) throw new UserInputError('organisation', `A ${u.role} has no organisation: drop --organisation`);
    if (u.regionId) throw new UserInputError('region', `A ${u.role} has no region: drop --region`);
  }
}

export async function createUserWithToken(db: Db, u: NewUser): Promise<{ user: AuthUser; token: string; tokenId: number }> {
  await checkNewUser(db, u);
  return db.transaction(async (trx) => {
    const [row] = await trx('users')
      .insert({
        role: u.role,
        name: u.name.trim(),
        email: u.email ?? null,
        organisation_id: u.role === 'operator' || u.role === 'integration' ? u.organisationId : null,
        region_id: u.role === 'supervisor' || u.role === 'analyst' ? u.regionId : null,
      })
      .returning('*');
    if (u.role === 'integration') {
      await trx('integration_clients').insert({ user_id: row.id, scopes: [...new Set(u.scopes)] });
    }
    const user = await withIntegration(trx as unknown as Db, userFromRow(row));
    const { token, tokenId } = await issueToken(trx as unknown as Db, user.id, u.label);
    return { user, token, tokenId };
  });
}

/** The ids of an organisation and of every organisation below it. */
export async function organisationSubtree(db: Db, organisationId: string): Promise<string[]> {
  const result = await db.raw(
    `with recursive sub(id) as (
       select id from organisations where id = ?
       union select o.id from organisations o join sub on o.parent_id = sub.id
     ) select id from sub`,
    [organisationId],
  );
  return (result.rows as { id: string }[]).map((r) => r.id);
}

/** Adds an integration client's scopes and organisation subtree to its user; other users unchanged. */
export async function withIntegration(db: Db, user: AuthUser): Promise<AuthUser> {
  if (user.role !== 'integration') return user;
  const client = await db('integration_clients').where({ user_id: user.id }).first('scopes');
  return {
    ...user,
    scopes: ((client?.scopes as string[] | undefined) ?? []).filter((x): x is IntegrationScope => x in INTEGRATION_SCOPES),
    organisationSubtree: user.organisationId ? await organisationSubtree(db, user.organisationId) : [],
  };
}

