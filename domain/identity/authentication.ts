// Who a bearer token belongs to: a platform token (domain/identity/tokens.ts) or an integration client's
// OAuth access token (domain/identity/credentials.ts). The API's authenticate middleware asks here.
import { prepared, type Db } from '../../db/connection';
import { userForAccessToken } from './credentials';
import { hashToken, TOKEN_SHAPE } from './tokens';
import { userFromRow, withIntegration, type AuthUser } from './users';

/** Every request's first statement: prepared, so its columns are named (db/connection.ts prepared). */
const TOKEN_USER_SQL = `select u.id, u.role, u.name, u.email, u.organisation_id, u.region_id
  from api_tokens t join users u on u.id = t.user_id
  where t.token_hash = ? and t.revoked_at is null and (t.expires_at is null or t.expires_at > now())
  limit 1`;

/**
 * The user of a live platform token, or null: an API key or session token (otk_…, api_tokens, not
 * revoked, not expired) or an OAuth access token of an integration client (otkat_…, its scopes the
 * granted subset).
 */
export async function userForToken(db: Db, token: string): Promise<AuthUser | null> {
  if (!TOKEN_SHAPE.test(token)) return userForAccessToken(db, token, userFromRow);
  const { rows } = await db.raw(TOKEN_USER_SQL, [hashToken(token)]).options(prepared(TOKEN_USER_SQL));
  return rows[0] ? withIntegration(db, userFromRow(rows[0])) : null;
}
