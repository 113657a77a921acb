// People sign in through OpenID Connect: the region's identity provider (the national one, its own
// Keycloak, or the embedded provider of `npm start`) is configured by OIDC_* variables (domain/config/index.ts).
// The authorization-code flow with PKCE, state and nonce runs through openid-client, which discovers the
// provider and checks the ID token (signature against the provider's JWKS, issuer, audience, nonce,
// expiry). A person is known by (issuer, subject); the first sign-in makes them a citizen. Single-page
// apps that hold an access token of the provider (a JWT) may send it as the bearer token instead: it is
// verified with jose against the same JWKS, issuer and the configured audience.
import type { Db } from '../../db/connection';
import { issueToken } from './tokens';
import { type AuthUser } from './users';

export interface OidcSettings {
  /** The provider's issuer URL; its /.well-known/openid-configuration is read at the first use. */
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** This API's callback as registered at the provider: https://…/auth/oidc/callback */
  redirectUri: string;
  /** Scopes asked for (default "openid profile email"). */
  scope?: string;
  /** Claim holding the person's full name (default "name"; else family_name given_name middle_name). */
  nameClaim?: string;
  /** Claim holding the e-mail address (default "email"). */
  emailClaim?: string;
  /** A web app to return to after sign-in, with the token in the URL fragment; else the callback answers JSON. */
  returnUrl?: string;
  /** Audience that provider-issued JWT access tokens must name to be accepted as bearer tokens; unset: not accepted. */
  apiAudience?: string;
  /** Lifetime of the platform session token issued at sign-in (default 12 h). */
  sessionTtlSeconds?: number;
}

export const DEFAULT_SESSION_TTL_SECONDS = 12 * 3600;
/** How long a sign-in may take between leaving for the provider and coming back. */
export const SIGN_IN_WINDOW_SECONDS = 600;
export const STATE_COOKIE = 'otklik_oidc_state';

const loadOpenIdClient = () => import('openid-client');
const loadJose = () => import('jose');
type OpenIdClient = Awaited<ReturnType<typeof loadOpenIdClient>>;
type Jose = Awaited<ReturnType<typeof loadJose>>;
type Configuration = InstanceType<OpenIdClient['Configuration']>;

/** The sign-in failed for a reason the person or their provider caused (400), not the platform. */
export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

/** The provider cannot be reached or its metadata is unusable (503: it may come back). */
export class ProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}

function isLoopback(u: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
}

export class OidcRelyingParty {
  private configuration?: Promise<Configuration>;
  private jwks?: ReturnType<Jose['createRemoteJWKSet']>;

  constructor(readonly settings: OidcSettings) {}

  /** Discovery, once; a failure is not cached, so the next request tries again. */
  private config(): Promise<Configuration> {
    this.configuration ??= (async () => {
      const client = await loadOpenIdClient();
      const issuer = new URL(this.settings.issuer);
      // Plain HTTP only to a provider on this machine (the embedded one, tests); anywhere else HTTPS.
      const execute = [client.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' && isLoopback(issuer) ? [client.allowInsecureRequests] : [])];
      const auth = this.settings.clientSecret ? client.ClientSecretBasic(this.settings.clientSecret) : client.None();
      return client.discovery(issuer, this.settings.clientId, undefined, auth, { execute });
    })().catch((e) => {
      this.configuration = undefined;
      throw new ProviderUnavailableError(`The identity provider ${this.settings.issuer} cannot be discovered: ${(e as Error).message}`, { cause: e });
    });
    return this.configuration;
  }

  private async keySet(): Promise<ReturnType<Jose['createRemoteJWKSet']>> {
    if (!this.jwks) {
      const jose = await loadJose();
      const uri = (await this.config()).serverMetadata().jwks_uri;
      if (!uri) throw new ProviderUnavailableError(`The identity provider ${this.settings.issuer} publishes no jwks_uri`);
      this.jwks = jose.createRemoteJWKSet(new URL(uri));
    }
    return this.jwks;
  }

  /** Starts a sign-in: remembers state, nonce and PKCE verifier, and returns the provider's URL. */
  async begin(db: Db): Promise<{ url: string; state: string }> {
    const client = await loadOpenIdClient();
    const config = await this.config();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    await db('oidc_sign_ins').where('created_at', '<', db.raw(`now() - interval '1 hour'`)).delete();
    await db('oidc_sign_ins').insert({ state, nonce, code_verifier: codeVerifier });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope ?? 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /**
   * Finishes a sign-in at the callback: the state must be one this server handed out (and to this
   * browser: `cookieState`), unused and recent; the code is exchanged and the ID token checked.
   */
  async finish(db: Db, query: string, cookieState: string | undefined): Promise<{ user: AuthUser; token: string; expiresIn: number; created: boolean }> {
    const client = await loadOpenIdClient();
    const params = new URLSearchParams(query);
    const state = params.get('state');
    if (params.get('error')) {
      if (state) await db('oidc_sign_ins').where({ state }).delete();
      throw new SignInError(`The identity provider refused the sign-in: ${params.get('error')}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}.`);
    }
    if (!state || !params.get('code')) throw new SignInError('The callback needs the code and state the identity provider sends back.');
    if (!cookieState || cookieState !== state) throw new SignInError('This sign-in was not started in this browser (the state does not match its cookie); start again at /auth/oidc/login.');
    // Used once: taken out of the table whatever happens next.
    const [pending] = await db('oidc_sign_ins')
      .where({ state })
      .where('created_at', '>', db.raw(`now() - make_interval(secs => ?)`, [SIGN_IN_WINDOW_SECONDS]))
      .delete()
      .returning(['nonce', 'code_verifier']);
    if (!pending) throw new SignInError('This sign-in has expired or was finished already; start again at /auth/oidc/login.');
    const config = await this.config();
    const callbackUrl = new URL(this.settings.redirectUri);
    callbackUrl.search = params.toString();
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.code_verifier, expectedState: state, expectedNonce: pending.nonce, idTokenExpected: true,
      });
      claims = { ...(tokens.claims() as Record<string, unknown>) };
      // Providers may put name and e-mail in the ID token (Keycloak) or only in UserInfo (the default of
      // oidc-provider for the code flow): ask UserInfo for what the ID token lacks; its subject must match.
      const nameClaim = this.settings.nameClaim ?? 'name';
      const emailClaim = this.settings.emailClaim ?? 'email';
      if ((claims[nameClaim] === undefined || claims[emailClaim] === undefined) && config.serverMetadata().userinfo_endpoint) {
        const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
        claims = { ...info, ...claims };
      }
    } catch (e) {
      // The provider said no (an error response), or its answer failed a check (OAUTH_* codes: state,
      // nonce, issuer, audience, signature, expiry): the person's sign-in fails. Anything else (the
      // network) is the provider being unavailable.
      const code = (e as { code?: unknown }).code;
      if (e instanceof client.ResponseBodyError || e instanceof client.AuthorizationResponseError || (typeof code === 'string' && code.startsWith('OAUTH_'))) {
        throw new SignInError(`The sign-in could not be completed: ${(e as Error).message}`);
      }
      throw new ProviderUnavailableError(`The identity provider could not be reached: ${(e as Error).message}`, { cause: e });
    }
    const issuer = config.serverMetadata().issuer;
    const { user, created } = await this.personFor(db, issuer, claims);
    const ttl = this.settings.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
    const { token } = await issueToken(db, user.id, `OIDC sign-in (${issuer})`, new Date(Date.now() + ttl * 1000));
    return { user, token, expiresIn: ttl, created };
  }

  /** The person's full name from the ID token's claims. */
  private nameOf(claims: Record<string, unknown>): string | null {
    const str = (k: string) => (typeof claims[k] === 'string' && (claims[k] as string).trim() ? (claims[k] as string).trim() : null);
    return str(this.settings.nameClaim ?? 'name') ?? ([str('family_name'), str('given_name'), str('middle_name')].filter(Boolean).join(' ') || null);
  }

  /**
   * The user known by (issuer, subject); a new one becomes a citizen, named and addressed from the
   * claims. An existing user with the same e-mail is never linked here: an e-mail is no proof that the
   * two are one person at the platform, so linking is an administrator's act (npm run users -- link).
   */
  async personFor(db: Db, issuer: string, claims: Record<string, unknown>): Promise<{ user: AuthUser; created: boolean }> {
    const subject = claims.sub;
    if (typeof subject !== 'string' || !subject) throw new SignInError('The ID token names no subject (sub).');
    return db.transaction(async (trx) => {
      // Two first sign-ins of one person at once make one user.
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`oidc ${issuer} ${subject}`]);
      const known = await trx('user_identities as i').join('users as u', 'u.id', 'i.user_id').where({ 'i.issuer': issuer, 'i.subject': subject }).first('u.*');
      if (known) {
        await trx('user_identities').where({ issuer, subject }).update({ last_sign_in_at: trx.fn.now() });
        return { user: toAuthUser(known), created: false };
      }
      const emailClaim = claims[this.settings.emailClaim ?? 'email'];
      const email = typeof emailClaim === 'string' && /^[^\s@]+@[^\s@]+$/.test(emailClaim) && claims.email_verified !== false ? emailClaim : null;
      const [row] = await trx('users').insert({ role: 'citizen', name: this.nameOf(claims) ?? `Пользователь ${subject.slice(0, 12)}`, email }).returning('*');
      await trx('user_identities').insert({ issuer, subject, user_id: row.id, last_sign_in_at: trx.fn.now() });
      return { user: toAuthUser(row), created: true };
    });
  }

  /**
   * A provider-issued JWT access token as a bearer token: signature against the provider's JWKS,
   * issuer, audience (settings.apiAudience) and expiry, by jose; the subject must be a person who has
   * signed in here before. Null when it is not acceptable, for whatever reason (the caller answers 401).
   */
  async userForJwt(db: Db, jwt: string): Promise<{ user: AuthUser | null; reason?: string }> {
    if (!this.settings.apiAudience) return { user: null, reason: 'This server does not accept identity-provider tokens.' };
    const jose = await loadJose();
    const config = await this.config();
    const issuer = config.serverMetadata().issuer;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jose.jwtVerify(jwt, await this.keySet(), { issuer, audience: this.settings.apiAudience, requiredClaims: ['sub', 'exp'] }));
    } catch (e) {
      if (e instanceof ProviderUnavailableError) throw e;
      return { user: null, reason: `The identity-provider token is not acceptable: ${(e as { code?: string }).code ?? (e as Error).message}.` };
    }
    const row = await db('user_identities as i').join('users as u', 'u.id', 'i.user_id').where({ 'i.issuer': issuer, 'i.subject': payload.sub as string }).first('u.*');
    if (!row) return { user: null, reason: 'This person has not signed in here yet: sign in once through /auth/oidc/login.' };
    return { user: toAuthUser(row) };
  }
}

function toAuthUser(row: Record<string, unknown>): AuthUser {
  return {
    id: Number(row.id), role: row.role as AuthUser['role'], name: row.name as string, email: (row.email as string | null) ?? null,
    organisationId: (row.organisation_id as string | null) ?? null, regionId: (row.region_id as string | null) ?? null,
  };
}

/** A JWT's shape (three base64url parts); anything else is not tried as one. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) && token.length < 16_384;
}
