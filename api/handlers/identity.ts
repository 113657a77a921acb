// Identity operations: the OAuth 2.0 token endpoint of integration clients (client credentials), the
// administrators' management of those clients and their credentials, and people's sign-in through
// OpenID Connect (domain/identity/oidc.ts).
import { UserInputError } from '../../domain/identity/users';
import { actorOfUser, AUDIT_ACTION, recordAudit } from '../../domain/audit';
import {
  clientUserId, createIntegrationClient, grantClientCredentials, integrationClientView, issueClientApiKey, issueClientSecret,
  listIntegrationClients, OAuthError, renameClient, revokeClientApiKey, revokeClientSecret, setClientScopes, type RevokeOutcome,
} from '../../domain/identity/credentials';
import { ProviderUnavailableError, SignInError, SIGN_IN_WINDOW_SECONDS, STATE_COOKIE, type OidcRelyingParty } from '../../domain/identity/oidc';
import { problems } from '../../domain/problem';
import type { Handlers, Reply } from '../routes';
import type { components } from '../../openapi/types';
import type { Db } from '../../db/connection';

type TokenRequest = components['schemas']['TokenRequest'];

/** RFC 6749 §5.2: errors of the token endpoint are {error, error_description}, not problem documents. */
function oauthError(e: OAuthError, basicUsed: boolean): Reply {
  const status = e.error === 'invalid_client' ? 401 : 400;
  const headers: Record<string, string> = { Pragma: 'no-cache' };
  if (status === 401) headers['WWW-Authenticate'] = basicUsed ? 'Basic realm="otklik", error="invalid_client"' : 'Basic realm="otklik"';
  return { status, headers, body: { error: e.error, error_description: e.description } };
}

/** Client authentication by HTTP Basic (RFC 6749 §2.3.1: both parts form-urlencoded), or null without it. */
function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | null {
  const m = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!header) return null;
  if (!m) throw new OAuthError('invalid_client', 'The Authorization header must be HTTP Basic with client_id:client_secret.');
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'HTTP Basic credentials must be client_id:client_secret.');
  try {
    const part = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: part(decoded.slice(0, colon)), clientSecret: part(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_client', 'HTTP Basic credentials are not valid form-urlencoding.');
  }
}

function oidcOf(ctx: { deps: { oidc?: OidcRelyingParty } }): OidcRelyingParty {
  const oidc = ctx.deps.oidc;
  if (!oidc) throw problems.notFound('Sign-in through OpenID Connect is not configured on this server (OIDC_ISSUER).');
  return oidc;
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function stateCookie(oidc: OidcRelyingParty, value: string, maxAge: number): string {
  const secure = new URL(oidc.settings.redirectUri).protocol === 'https:' ? '; Secure' : '';
  return `${STATE_COOKIE}=${value}; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

function inputProblem(e: unknown): never {
  if (e instanceof UserInputError) throw problems.unprocessable(e.message, [{ in: 'body', path: `/${e.field}`, message: e.message }]);
  throw e;
}

async function clientOr404(db: Db, clientId: string): Promise<number> {
  const userId = await clientUserId(db, clientId);
  if (userId === null) throw problems.notFound(`There is no integration client ${clientId}.`);
  return userId;
}

function revoked(outcome: RevokeOutcome, what: string): Reply {
  if (outcome === 'not_found') throw problems.notFound(`This client has no ${what} with that id.`);
  if (outcome === 'already_revoked') throw problems.conflict(`The ${what} was revoked already.`);
  return { status: 204 };
}

export const identityHandlers = {
  requestToken: async (ctx) => {
    // The body is optional (Basic auth and a bare grant_type may come alone), which Input<> does not type for forms.
    const body = ((ctx.input.body as TokenRequest | undefined) ?? {}) as TokenRequest;
    let basicUsed = false;
    try {
      const basic = basicCredentials(ctx.req.headers.authorization);
      basicUsed = basic !== null;
      if (body.grant_type === undefined) throw new OAuthError('invalid_request', 'grant_type is required (client_credentials).');
      if (body.grant_type !== 'client_credentials') throw new OAuthError('unsupported_grant_type', 'Only the client_credentials grant is supported.');
      if (basic && (body.client_id !== undefined || body.client_secret !== undefined)) {
        throw new OAuthError('invalid_request', 'Authenticate the client one way: HTTP Basic or client_id and client_secret in the body, not both.');
      }
      const clientId = basic?.clientId ?? body.client_id;
      const clientSecret = basic?.clientSecret ?? body.client_secret;
      if (!clientId || !clientSecret) throw new OAuthError('invalid_client', 'Client authentication is required: HTTP Basic, or client_id and client_secret in the body.');
      const grant = await grantClientCredentials(ctx.deps.db, { clientId, clientSecret, scope: body.scope }).catch(async (e: unknown) => {
        if (e instanceof OAuthError && e.error === 'invalid_client') {
          await recordAudit(ctx.deps.db, {
            actor: { userId: null, role: 'integration' }, action: AUDIT_ACTION.tokenRefused, operation: 'requestToken', status: 401,
            requestId: requestIdOf(ctx), details: { clientId: clientId.slice(0, 100), reason: e.description },
          });
        }
        throw e;
      });
      await recordAudit(ctx.deps.db, {
        actor: { userId: grant.userId, role: 'integration' }, action: AUDIT_ACTION.tokenIssued, operation: 'requestToken', status: 200,
        requestId: requestIdOf(ctx), details: { clientId, scopes: grant.scopes, expiresIn: grant.expiresIn },
      });
      return {
        status: 200,
        headers: { Pragma: 'no-cache' },
        body: { access_token: grant.accessToken, token_type: 'Bearer', expires_in: grant.expiresIn, scope: grant.scopes.join(' ') },
      };
    } catch (e) {
      if (e instanceof OAuthError) return oauthError(e, basicUsed);
      throw e;
    }
  },

  startOidcSignIn: async (ctx): Promise<Reply> => {
    const oidc = oidcOf(ctx);
    try {
      const { url, state } = await oidc.begin(ctx.deps.db);
      return { status: 302, headers: { Location: url, 'Set-Cookie': stateCookie(oidc, state, SIGN_IN_WINDOW_SECONDS) } };
    } catch (e) {
      if (e instanceof ProviderUnavailableError) throw problems.unavailable(e.message, 30);
      throw e;
    }
  },

  finishOidcSignIn: async (ctx): Promise<Reply> => {
    const oidc = oidcOf(ctx);
    const query = ctx.req.originalUrl.includes('?') ? ctx.req.originalUrl.slice(ctx.req.originalUrl.indexOf('?') + 1) : '';
    const clear = stateCookie(oidc, '', 0);
    try {
      const { user, token, expiresIn, created } = await oidc.finish(ctx.deps.db, query, cookie(ctx.req.headers.cookie, STATE_COOKIE));
      await recordAudit(ctx.deps.db, {
        actor: actorOfUser(user), action: AUDIT_ACTION.signedIn, operation: 'finishOidcSignIn', status: created ? 201 : 200,
        requestId: requestIdOf(ctx), details: { issuer: oidc.settings.issuer, created },
      });
      const returnUrl = oidc.settings.returnUrl;
      if (returnUrl) {
        // The token travels in the fragment: browsers never send it to a server or in a Referer.
        const fragment = new URLSearchParams({ access_token: token, token_type: 'Bearer', expires_in: String(expiresIn) });
        return { status: 303, headers: { Location: `${returnUrl.split('#')[0]}#${fragment}`, 'Set-Cookie': clear } };
      }
      return {
        status: created ? 201 : 200,
        headers: { 'Set-Cookie': clear },
        body: { accessToken: token, tokenType: 'Bearer', expiresIn, user: { id: user.id, role: user.role, name: user.name, email: user.email } },
      };
    } catch (e) {
      if (e instanceof SignInError) {
        ctx.res.setHeader('Set-Cookie', clear);
        throw problems.field('query', 'state', e.message);
      }
      if (e instanceof ProviderUnavailableError) throw problems.unavailable(e.message, 30);
      throw e;
    }
  },

  createIntegrationClient: async (ctx) => {
    const b = ctx.input.body;
    const made = await createIntegrationClient(ctx.deps.db, { name: b.name, organisationId: b.organisationId, scopes: b.scopes, email: b.email ?? null }).catch(inputProblem);
    return {
      status: 201,
      headers: { Location: `/integration-clients/${made.client.clientId}` },
      body: { client: made.client, clientSecret: made.clientSecret, secretId: made.secretId, apiKey: made.apiKey, apiKeyId: made.apiKeyId },
    };
  },

  listIntegrationClients: async (ctx) => {
    const items = await listIntegrationClients(ctx.deps.db, ctx.input.query.organisationId);
    return { status: 200, body: { items, count: items.length } };
  },

  getIntegrationClient: async (ctx) => {
    const userId = await clientOr404(ctx.deps.db, ctx.input.params.clientId);
    return { status: 200, body: await integrationClientView(ctx.deps.db, userId) };
  },

  updateIntegrationClient: async (ctx) => {
    const db = ctx.deps.db;
    const userId = await clientOr404(db, ctx.input.params.clientId);
    const b = ctx.input.body;
    await db.transaction(async (trx) => {
      if (b.scopes !== undefined) await setClientScopes(trx as unknown as Db, userId, b.scopes);
      if (b.name !== undefined) await renameClient(trx as unknown as Db, userId, b.name);
    }).catch(inputProblem);
    return { status: 200, body: await integrationClientView(db, userId) };
  },

  issueClientSecret: async (ctx) => {
    const db = ctx.deps.db;
    const userId = await clientOr404(db, ctx.input.params.clientId);
    const b = ctx.input.body ?? {};
    const { secret, secretId } = await issueClientSecret(db, userId, { label: b.label ?? null, expiresAt: b.expiresAt ?? null }).catch(inputProblem);
    const view = await integrationClientView(db, userId);
    return { status: 201, body: { credential: view!.secrets.find((s) => s.id === secretId), clientSecret: secret } };
  },

  revokeClientSecret: async (ctx) => {
    const userId = await clientOr404(ctx.deps.db, ctx.input.params.clientId);
    return revoked(await revokeClientSecret(ctx.deps.db, userId, ctx.input.params.credentialId), 'client secret');
  },

  issueClientApiKey: async (ctx) => {
    const db = ctx.deps.db;
    const userId = await clientOr404(db, ctx.input.params.clientId);
    const b = ctx.input.body ?? {};
    const { apiKey, apiKeyId } = await issueClientApiKey(db, userId, b.label ?? null);
    const view = await integrationClientView(db, userId);
    return { status: 201, body: { credential: view!.apiKeys.find((k) => k.id === apiKeyId), apiKey } };
  },

  revokeClientApiKey: async (ctx) => {
    const userId = await clientOr404(ctx.deps.db, ctx.input.params.clientId);
    return revoked(await revokeClientApiKey(ctx.deps.db, userId, ctx.input.params.credentialId), 'API key');
  },
} satisfies Partial<Handlers>;

function requestIdOf(ctx: { res: { locals: Record<string, unknown> } }): string | null {
  return (ctx.res.locals.requestId as string | undefined) ?? null;
}
