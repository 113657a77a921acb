// Platform bearer tokens (API keys and session tokens, otk_…): random, shown once, stored only as their
// sha256 in api_tokens. Who a token belongs to is looked up in domain/identity/authentication.ts.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection';

const TOKEN_PREFIX = 'otk_';
export const TOKEN_SHAPE = /^otk_[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
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

/** Marks a token revoked; false when there is no such live token. */
export async function revokeToken(db: Db, tokenId: number): Promise<boolean> {
  const n = await db('api_tokens').where({ id: tokenId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  return n > 0;
}
