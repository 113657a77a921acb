// Who a bearer token belongs to: a platform token (domain/identity/tokens.ts) or an integration client's
// OAuth access token (domain/identity/credentials.ts). The API's authenticate middleware asks here.
import type { Db } from '../../db/connection';
import { userForAccessToken } from './credentials';
import { hashToken, TOKEN_SHAPE } from './tokens';
import { userFromRow, withIntegration, type AuthUser } from './users';

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
