// Who is signed in, in this tab: the platform's session token, which /auth/oidc/callback hands to
// /app/signed-in in the URL fragment (OIDC_RETURN_URL). It is kept in sessionStorage (this tab only, gone
// when the tab closes) together with where the person was when they set off to sign in. Where this frame
// cannot keep anything across the trip (storage refused to a third-party frame), signing in goes on in a
// new tab of the platform's own page, which takes the route (and the form's draft) along in its fragment.
import { mount } from './mount';
import { currentPath } from './router';
import { storageSurvivesNavigation, tabStorage } from './storage';
const TOKEN = 'otklik.token';
const RETURN_TO = 'otklik.returnTo';

export function sessionToken(): string | null {
  const raw = tabStorage.getItem(TOKEN);
  if (!raw) return null;
  const { token, expiresAt } = JSON.parse(raw) as { token: string; expiresAt: number };
  if (Date.now() >= expiresAt) {
    tabStorage.removeItem(TOKEN);
    return null;
  }
  return token;
}

export function signedIn(): boolean {
  return sessionToken() !== null;
}

export function signOut(): void {
  tabStorage.removeItem(TOKEN);
}

/** The route a new tab of the platform's page opens with; the form puts its draft into it. */
let carriedRoute: () => string = currentPath;
export function carryIntoNewTab(route: () => string): () => void {
  carriedRoute = route;
  return () => { carriedRoute = currentPath; };
}

/** Whether signing in from here goes on in a new tab (a frame that cannot keep the draft across the trip). */
export const signInInNewTab = mount.framed && !storageSurvivesNavigation;

/** Keeps a token for this tab: the sign-in's session token, or a staff member's API key typed into the console. */
export function keepSessionToken(token: string, expiresInSeconds: number): void {
  tabStorage.setItem(TOKEN, JSON.stringify({ token, expiresAt: Date.now() + expiresInSeconds * 1000 }));
}

/** Leaves for the identity provider; the page comes back to exactly where it was (path and route). */
export function startSignIn(): void {
  if (signInInNewTab) {
    window.open(`${location.origin}/app#${carriedRoute()}`, '_blank', 'noopener');
    return;
  }
  tabStorage.setItem(RETURN_TO, location.pathname + location.hash);
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
  const back = tabStorage.getItem(RETURN_TO) ?? '/app';
  tabStorage.removeItem(RETURN_TO);
  return /^\/(app|embed|console)(\/|#|$)/.test(back) && !back.startsWith('/app/signed-in') ? back : '/app';
}
