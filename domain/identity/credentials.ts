// Credentials of integration clients (regional document-management systems, Open311 apps): an API key
// (an ordinary api_tokens row, otk_…), OAuth 2.0 client secrets (otks_…) and the short-lived access
// tokens of the client-credentials grant (otkat_…). Each is random, shown once and stored as its sha256.
// A client holds several live keys and secrets at a time, so either is rotated without downtime: issue
// the new one, switch the client over, revoke the old one. Used by the admin API and `npm run users`.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection';
import { createUserWithToken, UserInputError, withIntegration, type AuthUser } from './users';
import { hashToken, issueToken } from './tokens';
import { INTEGRATION_SCOPES } from './scopes';

export const CLIENT_SECRET_SHAPE = /^otks_[A-Za-z0-9_-]{43}$/;
export const ACCESS_TOKEN_SHAPE = /^otkat_[A-Za-z0-9_-]{43}$/;

/** Lifetime of an access token of the client-credentials grant. */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;

export interface CredentialView {
  id: number;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface IntegrationClientView {
  clientId: string;
  userId: number;
  name: string;
  organisationId: string;
  scopes: string[];
  createdAt: string;
  secrets: CredentialView[];
  apiKeys: CredentialView[];
}

const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string).toISOString());

function credential(row: Record<string, unknown>): CredentialView {
  return { id: Number(row.id), label: (row.label as string | null) ?? null, createdAt: iso(row.created_at)!, expiresAt: iso(row.expires_at), revokedAt: iso(row.revoked_at) };
}

function checkScopes(scopes: unknown): string[] {
  if (!Array.isArray(scopes) || scopes.length === 0) throw new UserInputError('scopes', `At least one scope is needed, some of: ${Object.keys(INTEGRATION_SCOPES).join(', ')}`);
  const unknown = scopes.filter((x) => !(x in INTEGRATION_SCOPES));
  if (unknown.length > 0) throw new UserInputError('scopes', `Unknown scopes ${unknown.join(', ')}: expected some of ${Object.keys(INTEGRATION_SCOPES).join(', ')}`);
  return [...new Set(scopes as string[])];
}

function checkExpiry(expiresAt: string | Date | null | undefined): Date | null {
  if (expiresAt == null) return null;
  const d = new Date(expiresAt);
  if (Number.isNaN(d.getTime())) throw new UserInputError('expiresAt', `Not a date-time: ${String(expiresAt)}`);
  if (d.getTime() <= Date.now()) throw new UserInputError('expiresAt', 'The expiry must be in the future');
  return d;
}

/** The user id of the integration client with this client_id, or null. */
export async function clientUserId(db: Db, clientId: string): Promise<number | null> {
  const row = await db('integration_clients').where({ client_id: clientId }).first('user_id');
  return row ? Number(row.user_id) : null;
}

export async function integrationClientView(db: Db, userId: number): Promise<IntegrationClientView | null> {
  const row = await db('integration_clients as c')
    .join('users as u', 'u.id', 'c.user_id')
    .where('c.user_id', userId)
    .first('c.client_id', 'c.scopes', 'c.created_at', 'u.id', 'u.name', 'u.organisation_id');
  if (!row) return null;
  const secrets = await db('client_secrets').where({ user_id: userId }).orderBy('id');
  const keys = await db('api_tokens').where({ user_id: userId }).orderBy('id');
  return {
    clientId: row.client_id, userId: Number(row.id), name: row.name, organisationId: row.organisation_id, scopes: row.scopes,
    createdAt: iso(row.created_at)!, secrets: secrets.map(credential), apiKeys: keys.map(credential),
  };
}

export async function listIntegrationClients(db: Db, organisationId?: string): Promise<IntegrationClientView[]> {
  const q = db('integration_clients as c').join('users as u', 'u.id', 'c.user_id').orderBy('c.user_id').select('c.user_id');
  if (organisationId) q.where('u.organisation_id', organisationId);
  const ids = (await q).map((r: { user_id: number }) => Number(r.user_id));
  const out: IntegrationClientView[] = [];
  for (const id of ids) out.push((await integrationClientView(db, id))!);
  return out;
}

/** Issues another client secret; the secret is returned once. */
export async function issueClientSecret(db: Db, userId: number, opts: { label?: string | null; expiresAt?: string | Date | null } = {}): Promise<{ secret: string; secretId: number }> {
  const expires = checkExpiry(opts.expiresAt);
  const secret = `otks_${randomBytes(32).toString('base64url')}`;
  const [row] = await db('client_secrets')
    .insert({ user_id: userId, secret_hash: hashToken(secret), label: opts.label ?? null, expires_at: expires })
    .returning('id');
  return { secret, secretId: Number((row as { id: number }).id) };
}

/**
 * Creates an integration client with its first API key and client secret, in one transaction: a client
 * is never left without the credentials it was created for.
 */
export async function createIntegrationClient(
  db: Db,
  c: { name: string; organisationId: string; scopes: string[]; email?: string | null; label?: string | null },
): Promise<{ client: IntegrationClientView; apiKey: string; apiKeyId: number; clientSecret: string; secretId: number }> {
  return db.transaction(async (trx) => {
    const t = trx as unknown as Db;
    const { user, token, tokenId } = await createUserWithToken(t, {
      role: 'integration', name: c.name, email: c.email ?? null, organisationId: c.organisationId, scopes: c.scopes, label: c.label ?? 'API key',
    });
    const { secret, secretId } = await issueClientSecret(t, user.id, { label: c.label ?? 'client secret' });
    return { client: (await integrationClientView(t, user.id))!, apiKey: token, apiKeyId: tokenId, clientSecret: secret, secretId };
  });
}

/** Replaces the client's scopes; its live access tokens keep only what the client still holds. */
export async function setClientScopes(db: Db, userId: number, scopes: string[]): Promise<void> {
  await db('integration_clients').where({ user_id: userId }).update({ scopes: checkScopes(scopes) });
}

export async function renameClient(db: Db, userId: number, name: string): Promise<void> {
  if (!name.trim()) throw new UserInputError('name', 'A name is required');
  await db('users').where({ id: userId }).update({ name: name.trim() });
}

/** Another API key for the client (rotation: the old one keeps working until revoked). */
export async function issueClientApiKey(db: Db, userId: number, label?: string | null): Promise<{ apiKey: string; apiKeyId: number }> {
  const { token, tokenId } = await issueToken(db, userId, label ?? 'API key');
  return { apiKey: token, apiKeyId: tokenId };
}

export type RevokeOutcome = 'revoked' | 'already_revoked' | 'not_found';

/** Revokes a client secret and every access token obtained with it. */
export async function revokeClientSecret(db: Db, userId: number, secretId: number): Promise<RevokeOutcome> {
  return db.transaction(async (trx) => {
    const row = await trx('client_secrets').where({ id: secretId, user_id: userId }).forUpdate().first('revoked_at');
    if (!row) return 'not_found';
    await trx('oauth_access_tokens').where({ secret_id: secretId }).whereNull('revoked_at').update({ revoked_at: trx.fn.now() });
    if (row.revoked_at) return 'already_revoked';
    await trx('client_secrets').where({ id: secretId }).update({ revoked_at: trx.fn.now() });
    return 'revoked';
  });
}

/** Revokes one of the client's API keys (an api_tokens row of its user). */
export async function revokeClientApiKey(db: Db, userId: number, apiKeyId: number): Promise<RevokeOutcome> {
  const row = await db('api_tokens').where({ id: apiKeyId, user_id: userId }).first('revoked_at');
  if (!row) return 'not_found';
  if (row.revoked_at) return 'already_revoked';
  await db('api_tokens').where({ id: apiKeyId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  return 'revoked';
}

/** An error of the token endpoint, as RFC 6749 §5.2 names it. */
export class OAuthError extends Error {
  constructor(readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope', readonly description: string) {
    super(description);
    this.name = 'OAuthError';
  }
}

export interface AccessTokenGrant {
  accessToken: string;
  expiresIn: number;
  scopes: string[];
  /** The integration client's user. */
  userId: number;
}

/**
 * The client-credentials grant (RFC 6749 §4.4): checks the client's id and secret, narrows the scopes to
 * those asked for (all of the client's when none are), and issues an access token.
 */
export async function grantClientCredentials(
  db: Db,
  req: { clientId: string; clientSecret: string; scope?: string; ttlSeconds?: number },
): Promise<AccessTokenGrant> {
  const userId = await clientUserId(db, req.clientId);
  const secret = userId !== null && CLIENT_SECRET_SHAPE.test(req.clientSecret)
    ? await db('client_secrets')
      .where({ user_id: userId, secret_hash: hashToken(req.clientSecret) })
      .whereNull('revoked_at')
      .where((q) => q.whereNull('expires_at').orWhere('expires_at', '>', db.fn.now()))
      .first('id')
    : undefined;
  // One answer for an unknown client, a wrong secret and a revoked or expired one: nothing to probe.
  if (!secret || userId === null) throw new OAuthError('invalid_client', 'Unknown client, or a wrong, revoked or expired client secret.');
  const { scopes: held } = await db('integration_clients').where({ user_id: userId }).first('scopes');
  let scopes: string[] = held;
  if (req.scope !== undefined) {
    const asked = req.scope.split(' ').filter((s) => s !== '');
    if (asked.length === 0 || req.scope !== asked.join(' ')) throw new OAuthError('invalid_scope', 'scope must be scope names separated by single spaces.');
    const outside = asked.filter((s) => !held.includes(s));
    if (outside.length > 0) throw new OAuthError('invalid_scope', `This client does not hold ${outside.join(', ')}; it holds: ${held.join(' ')}.`);
    scopes = [...new Set(asked)];
  }
  const ttl = req.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS;
  const accessToken = `otkat_${randomBytes(32).toString('base64url')}`;
  await db.transaction(async (trx) => {
    // Expired tokens are of no use to anyone; a day's grace keeps them for inspection.
    await trx('oauth_access_tokens').where('expires_at', '<', trx.raw(`now() - interval '1 day'`)).delete();
    await trx('oauth_access_tokens').insert({
      user_id: userId, secret_id: secret.id, token_hash: hashToken(accessToken), scopes,
      expires_at: trx.raw(`now() + make_interval(secs => ?)`, [ttl]),
    });
  });
  return { accessToken, expiresIn: ttl, scopes, userId };
}

/** The integration client of a live access token, its scopes those of the token that it still holds; or null. */
export async function userForAccessToken(db: Db, token: string, toUser: (row: Record<string, unknown>) => AuthUser): Promise<AuthUser | null> {
  if (!ACCESS_TOKEN_SHAPE.test(token)) return null;
  const row = await db('oauth_access_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', hashToken(token))
    .whereNull('t.revoked_at')
    .where('t.expires_at', '>', db.fn.now())
    .first('u.*', 't.scopes as token_scopes');
  if (!row) return null;
  const user = await withIntegration(db, toUser(row));
  const granted = row.token_scopes as string[];
  return { ...user, scopes: (user.scopes ?? []).filter((s) => granted.includes(s)) };
}
