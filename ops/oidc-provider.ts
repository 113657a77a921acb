// The embedded OpenID Connect provider of `npm start` and of the tests: a real provider (the certified
// `oidc-provider` package) with real signing keys, so Otklik's sign-in runs exactly as against a region's
// Keycloak or the national provider: discovery, authorization code with PKCE, ID tokens signed with RS256
// and verified against the published JWKS. People sign in on a small Russian login page with a username
// and password from a configured list of demo accounts. For `npm start` the keys, cookie keys, client
// secret and demo passwords are kept in the data directory (readable by this user only), so sessions and
// tokens survive a restart; tests pass no file and get ephemeral ones.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { OidcSettings } from '../domain/identity/oidc';
import type { Db } from '../db/connection';
import { postgresOidcAdapter } from './oidc-provider-store';

export interface DemoAccount {
  username: string;
  password: string;
  name: string;
  email: string;
}

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface OidcProviderOptions {
  /** Port to listen on (0: any free one). */
  port: number;
  host?: string;
  /** Host name in the issuer URL (default localhost); the issuer is http://<publicHost>:<port>. */
  publicHost?: string;
  clients: RegisteredClient[];
  accounts: DemoAccount[];
  /** Where the signing key and cookie keys persist; absent: generated for this process only. */
  stateFile?: string;
  /** Where sessions, interactions, codes and grants live (ops/oidc-provider-store.ts); absent: process memory. */
  db?: Db;
}

export interface EmbeddedOidcProvider {
  issuer: string;
  port: number;
  /** The private signing key (JWK), for tests that need a token signed by this provider. */
  signingKey: Record<string, unknown>;
  close(): Promise<void>;
}

interface ProviderState {
  signingKey: Record<string, unknown>;
  cookieKeys: string[];
}

const loadProvider = () => import('oidc-provider');
const loadJose = () => import('jose');

async function newState(): Promise<ProviderState> {
  const jose = await loadJose();
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return {
    signingKey: { ...jwk, kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' },
    cookieKeys: [randomBytes(32).toString('base64url')],
  };
}

async function providerState(file: string | undefined): Promise<ProviderState> {
  if (file && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as ProviderState;
  const state = await newState();
  if (file) fs.writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid: string, clientName: string, error?: string, username = ''): string {
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Вход — Отклик</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.4rem 0}input{padding:.5rem}button{padding:.6rem}.error{color:#b00}</style>
</head><body>
<h1>Вход</h1>
<p>Приложение «${escapeHtml(clientName)}» просит подтвердить вашу личность.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="username">Имя пользователя</label><input id="username" name="username" required autofocus value="${escapeHtml(username)}">
<label for="password">Пароль</label><input id="password" name="password" type="password" required>
<button type="submit">Войти</button>
</form>
</body></html>`;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Compares passwords in constant time (of their digests, so lengths do not leak either). */
function samePassword(given: string, expected: string): boolean {
  const d = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(d(given), d(expected));
}

type ProviderClass = Awaited<ReturnType<typeof loadProvider>>['default'];
type ProviderInstance = InstanceType<ProviderClass>;
type Accounts = Map<string, OidcProviderOptions['accounts'][number]>;

/** The provider: the clients, the persisted keys, the demo accounts, PKCE, lifetimes, a Russian error page. */
function createProvider(Provider: ProviderClass, issuer: string, opts: OidcProviderOptions, state: ProviderState, accounts: Accounts): ProviderInstance {
  return new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId, client_secret: c.clientSecret, client_name: 'Отклик', redirect_uris: c.redirectUris,
      response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic',
    })),
    ...(opts.db ? { adapter: postgresOidcAdapter(opts.db) as never } : {}),
    jwks: { keys: [state.signingKey as never] },
    cookies: { keys: state.cookieKeys },
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, name: account.name, email: account.email, email_verified: true }) };
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // Seconds. A sign-in takes minutes; a session at the provider lasts a working day.
    ttl: { Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, AuthorizationCode: 60, AccessToken: 3600, IdToken: 3600 },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Ошибка входа</title></head><body><h1>Ошибка входа</h1><p>${escapeHtml(String(out.error_description ?? out.error))}</p></body></html>`;
    },
  });
}

/** The sign-in steps the provider hands over: the login form (demo accounts), then consent granted at once. */
async function interaction(provider: ProviderInstance, accounts: Accounts, req: http.IncomingMessage, res: http.ServerResponse, uid: string, action: string | undefined) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  const client = await provider.Client.find(String(details.params.client_id));
  const clientName = client?.clientName ?? String(details.params.client_id);
  const html = (status: number, body: string) => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(body);
  };
  if (details.prompt.name === 'login') {
    if (action !== 'login' || req.method !== 'POST') return html(200, loginPage(uid, clientName));
    const form = await readForm(req);
    const username = form.get('username') ?? '';
    const account = accounts.get(username);
    if (!account || !samePassword(form.get('password') ?? '', account.password)) {
      return html(401, loginPage(uid, clientName, 'Неверное имя пользователя или пароль.', username));
    }
    return provider.interactionFinished(req, res, { login: { accountId: account.username } }, { mergeWithLastSubmission: false });
  }
  if (details.prompt.name === 'consent') {
    // Otklik is the region's own application: what it asks for (openid, profile, email) is granted
    // without a consent page.
    const { session, params, grantId } = details;
    const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
    if (!grant) throw new Error('grant not found');
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  return html(400, '<!doctype html><p>Неизвестный шаг входа.</p>');
}

/** An HTTP server listening on the port (0: any); its handler is set once the issuer URL is known. */
async function listen(opts: OidcProviderOptions): Promise<{ server: http.Server; port: number; handle(handler: http.RequestListener): void }> {
  let handler: http.RequestListener = (_req, res) => { res.statusCode = 503; res.end(); };
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  return { server, port: (server.address() as AddressInfo).port, handle: (h) => { handler = h; } };
}

export async function startOidcProvider(opts: OidcProviderOptions): Promise<EmbeddedOidcProvider> {
  const { default: Provider } = await loadProvider();
  const state = await providerState(opts.stateFile);
  const accounts: Accounts = new Map(opts.accounts.map((a) => [a.username, a]));
  // Listen first: with port 0 the issuer URL is known only once the port is.
  const { server, port, handle } = await listen(opts);
  const issuer = `http://${opts.publicHost ?? 'localhost'}:${port}`;
  const provider = createProvider(Provider, issuer, opts, state, accounts);
  const providerCallback = provider.callback();
  handle((req, res) => {
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?\/?(?:\?.*)?$/.exec(req.url ?? '');
    if (!m) return providerCallback(req, res);
    interaction(provider, accounts, req, res, m[1], m[2]).catch(() => {
      if (res.headersSent) return res.end();
      res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html lang="ru"><meta charset="utf-8"><p>Сеанс входа истёк или не найден. Начните вход заново.</p></html>');
    });
  });
  return {
    issuer,
    port,
    signingKey: state.signingKey,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** A random password for a demo account. */
export function demoPassword(): string {
  return randomBytes(9).toString('base64url');
}

/** Audience of the embedded provider's access tokens that the API accepts as bearer tokens. */
export const EMBEDDED_API_AUDIENCE = 'urn:otklik:api';

interface EmbeddedDemo {
  clientSecret: string;
  accounts: DemoAccount[];
}

/**
 * The embedded default of `npm start`: the provider on `port` with Otklik registered as its client and
 * two demo people, everything kept under dataDir (mode 0600) so that a restart changes nothing. Returns
 * the settings the API signs people in with.
 */
export async function startEmbeddedIdentityProvider(opts: { dataDir: string; port: number; apiPort: number; db: Db }): Promise<{
  provider: EmbeddedOidcProvider; settings: OidcSettings; accounts: DemoAccount[];
}> {
  const demoFile = path.join(opts.dataDir, 'oidc-demo.json');
  let demo: EmbeddedDemo;
  if (fs.existsSync(demoFile)) {
    demo = JSON.parse(fs.readFileSync(demoFile, 'utf8')) as EmbeddedDemo;
  } else {
    demo = {
      clientSecret: randomBytes(24).toString('base64url'),
      accounts: [
        { username: 'ivanov', password: demoPassword(), name: 'Иванов Иван Иванович', email: 'ivanov@example.org' },
        { username: 'smirnova', password: demoPassword(), name: 'Смирнова Анна Сергеевна', email: 'smirnova@example.org' },
      ],
    };
    fs.writeFileSync(demoFile, JSON.stringify(demo, null, 2), { mode: 0o600 });
  }
  const redirectUri = `http://localhost:${opts.apiPort}/auth/oidc/callback`;
  const provider = await startOidcProvider({
    port: opts.port, host: '127.0.0.1', publicHost: 'localhost', accounts: demo.accounts,
    clients: [{ clientId: 'otklik', clientSecret: demo.clientSecret, redirectUris: [redirectUri, `http://127.0.0.1:${opts.apiPort}/auth/oidc/callback`] }],
    stateFile: path.join(opts.dataDir, 'oidc-provider.json'),
    db: opts.db,
  });
  return {
    provider,
    accounts: demo.accounts,
    settings: {
      issuer: provider.issuer, clientId: 'otklik', clientSecret: demo.clientSecret, redirectUri, apiAudience: EMBEDDED_API_AUDIENCE,
      // Back to the web app, which keeps the token of the fragment (web/src/auth.ts).
      returnUrl: `http://localhost:${opts.apiPort}/app/signed-in`,
    },
  };
}
