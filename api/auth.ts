// Authentication and authorisation of requests: the bearer token's user (domain/identity/authentication.ts,
// or the identity provider's JWT), then the operation's role and scope gates from the spec.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/connection';
import { userForToken } from '../domain/identity/authentication';
import { looksLikeJwt, ProviderUnavailableError, type OidcRelyingParty } from '../domain/identity/oidc';
import type { AuthUser } from '../domain/identity/users';
import { problems } from '../domain/problem';

/**
 * Authenticates `Authorization: Bearer …`; leaves the user in res.locals.user, or answers 401. Platform
 * tokens are looked up; with OpenID Connect configured, a JWT access token of the identity provider is
 * verified (domain/identity/oidc.ts).
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
