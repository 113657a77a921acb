// OpenID Connect settings from the environment (read by domain/config/index.ts with the rest of the configuration):
//   OIDC_ISSUER         the provider's issuer URL (https; http only on localhost), e.g. https://sso.example.org/realms/altai
//   OIDC_CLIENT_ID      Otklik's client at the provider
//   OIDC_CLIENT_SECRET  its secret (confidential client; absent: a public client with PKCE only)
//   OIDC_REDIRECT_URI   this API's callback as registered there: https://otklik.example.org/auth/oidc/callback
//   OIDC_SCOPE          default "openid profile email"
//   OIDC_NAME_CLAIM     default "name" (else family_name given_name middle_name)
//   OIDC_EMAIL_CLAIM    default "email"
//   OIDC_RETURN_URL     web app to return to with the token in the URL fragment (default: the callback answers JSON)
//   OIDC_API_AUDIENCE   accept the provider's JWT access tokens for this audience as bearer tokens (default: not accepted)
//   OIDC_SESSION_TTL    lifetime of the platform session token in seconds (default 43200)
// Without OIDC_ISSUER, `npm start` runs the embedded provider (ops/oidc-provider.ts) on EMBEDDED_OIDC_PORT.
import { envInteger, envPort, type Env } from '../config/env';
import type { OidcSettings } from './oidc';


function httpsUrl(env: Env, name: string, problems: string[], required: boolean): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (required) problems.push(`${name} is required when OIDC_ISSUER is set`);
    return undefined;
  }
  try {
    const u = new URL(raw);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) throw new Error('scheme');
    return raw;
  } catch {
    problems.push(`${name}=${JSON.stringify(raw)}: expected an https:// URL (http:// only for localhost)`);
    return undefined;
  }
}

export function oidcFromEnv(env: Env): { settings?: OidcSettings; embeddedPort: number; problems: string[] } {
  const problems: string[] = [];
  const embeddedPort = envPort(env, 'EMBEDDED_OIDC_PORT', 8081, problems);
  if (!env.OIDC_ISSUER) {
    for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI']) {
      if (env[name]) problems.push(`${name} is set but OIDC_ISSUER is not: set the provider's issuer URL too (or neither, for the embedded provider)`);
    }
    return { embeddedPort, problems };
  }
  const issuer = httpsUrl(env, 'OIDC_ISSUER', problems, true);
  const redirectUri = httpsUrl(env, 'OIDC_REDIRECT_URI', problems, true);
  const returnUrl = httpsUrl(env, 'OIDC_RETURN_URL', problems, false);
  if (!env.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_ID is required when OIDC_ISSUER is set');
  const sessionTtlSeconds = envInteger(env, 'OIDC_SESSION_TTL', undefined, { min: 60, max: 30 * 86_400, what: 'seconds' }, problems);
  if (problems.length > 0) return { embeddedPort, problems };
  return {
    embeddedPort,
    problems,
    settings: {
      issuer: issuer!, clientId: env.OIDC_CLIENT_ID!, clientSecret: env.OIDC_CLIENT_SECRET || undefined, redirectUri: redirectUri!,
      scope: env.OIDC_SCOPE || undefined, nameClaim: env.OIDC_NAME_CLAIM || undefined, emailClaim: env.OIDC_EMAIL_CLAIM || undefined,
      returnUrl, apiAudience: env.OIDC_API_AUDIENCE || undefined, sessionTtlSeconds,
    },
  };
}
