// OpenID Connect in tests: the embedded provider (ops/oidc-provider.ts, a real oidc-provider with
// ephemeral keys), an API configured against it, and a minimal browser that follows redirects by hand,
// keeps cookies per host and path, and submits the login form, as a person's browser would.
import { startApiServer } from '../../api/server';
import type { OidcSettings } from '../../domain/identity/oidc';
import type { Db } from '../../db/connection';
import { startOidcProvider, type DemoAccount, type EmbeddedOidcProvider } from '../../ops/oidc-provider';
import type { TestApi } from '../api/helpers';
import { offlineTemporal } from '../api/helpers';
import { freePort } from './ports';

export const OTKLIK_CLIENT_ID = 'otklik';
export const API_AUDIENCE = 'urn:otklik:api';

export interface OidcTestbed {
  provider: EmbeddedOidcProvider;
  api: TestApi;
  settings: OidcSettings;
  stop(): Promise<void>;
}

/** The provider with the given demo accounts, and an API (no case engine) that signs people in through it. */
export async function startOidcTestbed(db: Db, accounts: DemoAccount[], over: Partial<OidcSettings> = {}): Promise<OidcTestbed> {
  const apiPort = await freePort();
  const redirectUri = `http://127.0.0.1:${apiPort}/auth/oidc/callback`;
  const clientSecret = `secret-${Math.random().toString(36).slice(2)}`;
  const provider = await startOidcProvider({ port: 0, clients: [{ clientId: OTKLIK_CLIENT_ID, clientSecret, redirectUris: [redirectUri] }], accounts, db });
  const settings: OidcSettings = { issuer: provider.issuer, clientId: OTKLIK_CLIENT_ID, clientSecret, redirectUri, apiAudience: API_AUDIENCE, ...over };
  const logs: TestApi['logs'] = [];
  const server = await startApiServer({
    db, temporal: offlineTemporal(), taskQueue: 'oidc-test', port: apiPort, host: '127.0.0.1', recoverIntake: false, oidc: settings,
    log: (level, message, fields) => { logs.push({ level, message, fields }); },
  });
  const api: TestApi = { url: `http://127.0.0.1:${apiPort}`, server, logs, close: () => server.close() };
  return {
    provider, api, settings,
    async stop() {
      await api.close();
      await provider.close();
    },
  };
}

interface Cookie { name: string; value: string; path: string }

export interface BrowserResponse {
  url: string;
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/** Just enough of a browser: cookies by host and path, redirects followed one by one, forms posted. */
export class Browser {
  private jar = new Map<string, Cookie[]>();
  /** Every URL visited, in order. */
  readonly visited: string[] = [];

  private cookieHeader(url: URL): string {
    return (this.jar.get(url.host) ?? []).filter((c) => url.pathname.startsWith(c.path)).map((c) => `${c.name}=${c.value}`).join('; ');
  }

  private store(url: URL, headers: Headers): void {
    const cookies = this.jar.get(url.host) ?? [];
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (k: string) => attrs.find((a) => a.toLowerCase().startsWith(`${k}=`))?.slice(k.length + 1);
      const path = attr('path') ?? '/';
      const expired = attr('max-age') === '0' || (attr('expires') !== undefined && Date.parse(attr('expires')!) <= Date.now());
      const rest = cookies.filter((c) => !(c.name === name && c.path === path));
      if (!expired) rest.push({ name, value, path });
      cookies.splice(0, cookies.length, ...rest);
    }
    this.jar.set(url.host, cookies);
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.find((c) => c.name === name)?.value;
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<BrowserResponse> {
    const u = new URL(url);
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const cookie = this.cookieHeader(u);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    this.visited.push(url);
    const res = await fetch(url, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.store(u, res.headers);
    const location = res.headers.get('location');
    return { url, status: res.status, headers: res.headers, text: await res.text(), location: location ? new URL(location, url).href : null };
  }

  /** Follows redirects from `url` until a response that is not one (or `stop` says so), at most 20. */
  async follow(url: string, stop: (next: string) => boolean = () => false, init: Parameters<Browser['request']>[1] = {}): Promise<BrowserResponse> {
    let r = await this.request(url, init);
    for (let i = 0; i < 20 && r.location && r.status >= 300 && r.status < 400 && !stop(r.location); i++) r = await this.request(r.location);
    return r;
  }
}

/**
 * A whole sign-in as a person does it: /auth/oidc/login on the API, the provider's login page, the form
 * with username and password, back to the API's callback. Returns the callback's answer, and the
 * callback URL (to try replaying it).
 */
export async function signIn(browser: Browser, apiUrl: string, username: string, password: string): Promise<{ callback: BrowserResponse; callbackUrl: string; loginPage: BrowserResponse }> {
  const isCallback = (u: string) => u.startsWith(`${apiUrl}/auth/oidc/callback`);
  const loginPage = await browser.follow(`${apiUrl}/auth/oidc/login`);
  if (loginPage.status !== 200 || !/<form method="post" action="([^"]+)"/.test(loginPage.text)) {
    throw new Error(`expected the provider's login page, got ${loginPage.status} at ${loginPage.url}: ${loginPage.text.slice(0, 300)}`);
  }
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(loginPage.text)![1], loginPage.url).href;
  const afterLogin = await browser.follow(action, isCallback, { form: { username, password } });
  if (!afterLogin.location || !isCallback(afterLogin.location)) {
    return { callback: afterLogin, callbackUrl: '', loginPage };
  }
  const callbackUrl = afterLogin.location;
  return { callback: await browser.request(callbackUrl), callbackUrl, loginPage };
}
