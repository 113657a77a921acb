// Bearer tokens: random, shown once, stored only as their sha256. Each belongs to a users row with one
// role; operators belong to an organisation, supervisors to a region. An integration client (a regional
// document-management system, an Open311 app) is a users row with role 'integration': it belongs to an
// organisation and acts for that organisation's whole subtree, within the scopes it was granted
// (table integration_clients; the scopes are listed in api/scopes.ts).
import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Db } from '../../db/connection';
import { userForAccessToken } from './credentials';
import { looksLikeJwt, ProviderUnavailableError, type OidcRelyingParty } from './oidc';
import { problems } from '../problem';
import { INTEGRATION_SCOPES, type IntegrationScope } from './scopes';

export const ROLES = ['citizen', 'operator', 'supervisor', 'administrator', 'integration'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthUser {
  id: number;
  role: Role;
  name: string;
  email: string | null;
  organisationId: string | null;
  regionId: string | null;
  /** Integration clients: the scopes granted (api/scopes.ts); operations check them (x-otklik-scopes). */
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
  /** Integration clients: the scopes to grant (api/scopes.ts). */
  scopes?: string[];
}

/** A problem with the data given to createUserWithToken; `field` names the offending input. */
export class UserInputError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'UserInputError';
  }
}

const TOKEN_PREFIX = 'otk_';
const TOKEN_SHAPE = /^otk_[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
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
  } else if (u.role === 'supervisor') {
    if (!u.regionId) throw new UserInputError('region', 'A supervisor needs a region (--region <id>)');
    if (u.organisationId) throw new UserInputError('organisation', 'A supervisor belongs to a region, not an organisation: drop --organisation');
    const region = await db('regions').where({ id: u.regionId }).first('id');
    if (!region) throw new UserInputError('region', `Unknown region ${JSON.stringify(u.regionId)}`);
  } else {
    if (u.organisationId) throw new UserInputError('organisation', `A ${u.role} has no organisation: drop --organisation`);
    if (u.regionId) throw new UserInputError('region', `A ${u.role} has no region: drop --region`);
  }
}

/**
 * Issues another token for an existing user; the token is returned once and never stored. API keys do
 * not expire; session tokens of people signed in through OpenID Connect do (`expiresAt`).
 */
export async function issueToken(db: Db, userId: number, label?: string | null, expiresAt?: Date | null): Promise<{ token: string; tokenId: number }> {
  const token = generateToken();
  const [row] = await db('api_tokens').insert({ user_id: userId, token_hash: hashToken(token), label: label ?? null, expires_at: expiresAt ?? null }).returning('id');
  return { token, tokenId: Number((row as { id: number }).id) };
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
        region_id: u.role === 'supervisor' ? u.regionId : null,
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

/** Marks a token revoked; false when there is no such live token. */
export async function revokeToken(db: Db, tokenId: number): Promise<boolean> {
  const n = await db('api_tokens').where({ id: tokenId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  return n > 0;
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

/**
 * The user of a live platform token, or null: an API key or session token (otk_…, api_tokens, not
 * revoked, not expired) or an OAuth access token of an integration client (otkat_…, its scopes the
 * granted subset).
 */
export async function userForToken(db: Db, token: string): Promise<AuthUser | null> {
  if (!TOKEN_SHAPE.test(token)) return userForAccessToken(db, token, userFromRow);
  const row = await db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', hashToken(token))
    .whereNull('t.revoked_at')
    .where((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', db.fn.now()))
    .first('u.*');
  return row ? withIntegration(db, userFromRow(row)) : null;
}

/**
 * Authenticates `Authorization: Bearer …`; leaves the user in res.locals.user, or answers 401. Platform
 * tokens are looked up; with OpenID Connect configured, a JWT access token of the identity provider is
 * verified (api/identity/oidc.ts).
 */
export function authenticate(db: Db, oidc?: OidcRelyingParty): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    if (!header) return next(problems.unauthorized('This operation needs a bearer token (Authorization: Bearer <token>).', false));
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!m) return next(problems.unauthorized('The Authorization header must use the Bearer scheme.', false));
    const token = m[1];
    const lookup: Promise<{ user: AuthUser | null; reason?: string }> = oidc && looksLikeJwt(token)
      ? oidc.userForJwt(db, token)
      : userForToken(db, token).then((user) => ({ user }));
    lookup.then(
      ({ user, reason }) => {
        if (!user) return next(problems.unauthorized(reason ?? 'The bearer token is invalid, expired or revoked.', true));
        res.locals.user = user;
        next();
      },
      (e) => next(e instanceof ProviderUnavailableError ? problems.unavailable('The identity provider that issued this token cannot be reached; retry in a moment.') : e),
    );
  };
}

/**
 * Scope gate from the operation's x-otklik-scopes: an integration client needs one of the listed scopes.
 * People are not scoped (their role decides); an operation open to integrations always lists scopes.
 */
export function requireScopes(scopes: readonly string[]): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const user = res.locals.user as AuthUser | undefined;
    if (user?.role === 'integration' && !scopes.some((s) => user.scopes?.includes(s))) {
      return next(problems.forbidden(`This operation needs the scope ${scopes.join(' or ')}; this client has: ${(user.scopes ?? []).join(', ') || 'none'}.`));
    }
    next();
  };
}

/** Role gate from the operation's x-otklik-roles. */
export function requireRoles(roles: readonly string[]): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const user = res.locals.user as AuthUser | undefined;
    if (!user || !roles.includes(user.role)) {
      return next(problems.forbidden(`This operation is for: ${roles.join(', ')}.${user ? ` You are signed in as ${user.role}.` : ''}`));
    }
    next();
  };
}
