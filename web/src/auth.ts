// Who is signed in, in this tab: the platform's session token, which /auth/oidc/callback hands to
// /app/signed-in in the URL fragment (OIDC_RETURN_URL). It is kept in sessionStorage (this tab only, gone
// when the tab closes) together with where the person was when they set off to sign in.
const TOKEN = 'otklik.token';
const RETURN_TO = 'otklik.returnTo';

export function sessionToken(): string | null {
  const raw = sessionStorage.getItem(TOKEN);
  if (!raw) return null;
  const { token, expiresAt } = JSON.parse(raw) as { token: string; expiresAt: number };
  if (Date.now() >= expiresAt) {
    sessionStorage.removeItem(TOKEN);
    return null;
  }
  return token;
}

export function signedIn(): boolean {
  return sessionToken() !== null;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN);
}

/** Keeps a token for this tab: the sign-in's session token, or a staff member's API key typed into the console. */
export function keepSessionToken(token: string, expiresInSeconds: number): void {
  sessionStorage.setItem(TOKEN, JSON.stringify({ token, expiresAt: Date.now() + expiresInSeconds * 1000 }));
}

/** Leaves for the identity provider; the page comes back to exactly where it was (path and route). */
export function startSignIn(): void {
  sessionStorage.setItem(RETURN_TO, location.pathname + location.hash);
  location.assign('/auth/oidc/login');
}

/**
 * On /app/signed-in: keeps the token of the fragment and returns the place to go back to (only a path of
 * this server: never a URL someone put into storage or the fragment).
 */
export function finishSignIn(): string {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('access_token');
  const expiresIn = Number(params.get('expires_in') ?? '3600');
  if (token) keepSessionToken(token, expiresIn);
  const back = sessionStorage.getItem(RETURN_TO) ?? '/app';
  sessionStorage.removeItem(RETURN_TO);
  return /^\/(app|embed|console)(\/|#|$)/.test(back) && !back.startsWith('/app/signed-in') ? back : '/app';
}
