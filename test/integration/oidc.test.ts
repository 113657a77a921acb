// People sign in through OpenID Connect, end to end over HTTP and in Chromium: the embedded provider (a real
// oidc-provider with its own RS256 key), the authorization-code flow with PKCE driven by a minimal
// browser (redirects, cookies, the login form), the API's callback issuing a platform session token.
// Then the provider's JWT access tokens as bearer tokens: verified against its JWKS; another key, another
// audience, another issuer or an expired token is 401.
import assert from 'node:assert/strict';
import type { webcrypto } from 'node:crypto';
import type { Db } from '../../db/connection';
import { createUserWithToken } from '../../domain/identity/users';
import { call } from '../api/helpers';
import { launchChromium } from '../support/browser';
import { API_AUDIENCE, Browser, signIn, startOidcTestbed, type OidcTestbed } from '../support/oidc';
import { freshDatabase } from '../support/postgres';

type CryptoKey = webcrypto.CryptoKey;
const loadJose = () => import('jose');

const MARIA = { username: 'maria', password: 'верный-пароль-1', name: 'Иванова Мария Петровна', email: 'maria@example.org' };

describe('OpenID Connect sign-in (embedded provider, end to end)', function () {
  this.timeout(60_000);
  let db: Db;
  let bed: OidcTestbed;
  let userId: number;
  let earlierMaria: number;

  before(async () => {
    ({ db } = await freshDatabase('oidc'));
    // Someone with Maria's e-mail exists already: a sign-in must not take over this account.
    earlierMaria = (await createUserWithToken(db, { role: 'citizen', name: 'Мария (заявительница)', email: MARIA.email })).user.id;
    bed = await startOidcTestbed(db, [MARIA, { username: 'petr', password: 'другой-пароль-2', name: 'Петров Пётр', email: 'petr@example.org' }]);
  });

  after(async () => {
    await bed?.stop();
  });

  it('sends the browser to the provider with PKCE, state and nonce, and binds the sign-in to the browser', async () => {
    const browser = new Browser();
    const r = await browser.request(`${bed.api.url}/auth/oidc/login`);
    assert.equal(r.status, 302);
    const to = new URL(r.location!);
    assert.equal(to.origin, bed.provider.issuer);
    assert.equal(to.searchParams.get('client_id'), 'otklik');
    assert.equal(to.searchParams.get('response_type'), 'code');
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
    assert.match(to.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok(to.searchParams.get('nonce'));
    const state = to.searchParams.get('state')!;
    assert.equal(browser.cookie(new URL(bed.api.url).host, 'otklik_oidc_state'), state);
    assert.equal((await db('oidc_sign_ins').where({ state }).first()).state, state);
  });

  it('signs a person in: login page, wrong password refused, callback → a citizen with the name from the provider', async () => {
    const browser = new Browser();
    const wrong = await signIn(browser, bed.api.url, MARIA.username, 'не тот пароль');
    assert.equal(wrong.callback.status, 401);
    assert.match(wrong.callback.text, /Неверное имя пользователя или пароль/);
    assert.match(wrong.loginPage.text, /<html lang="ru">/);

    const { callback } = await signIn(new Browser(), bed.api.url, MARIA.username, MARIA.password);
    assert.equal(callback.status, 201, callback.text);
    const body = JSON.parse(callback.text);
    assert.equal(body.tokenType, 'Bearer');
    assert.match(body.accessToken, /^otk_/);
    assert.equal(body.expiresIn, 12 * 3600);
    assert.equal(body.user.role, 'citizen');
    assert.equal(body.user.name, MARIA.name);
    userId = body.user.id;
    assert.notEqual(userId, earlierMaria, 'an account with the same e-mail is not linked silently');

    const me = await call(bed.api, 'GET', '/me', { token: body.accessToken });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.id, userId);
    assert.equal(me.body.role, 'citizen');
    assert.equal(me.body.name, MARIA.name);
    assert.equal(me.body.email, MARIA.email);
    const signedIn = await db('audit_log').where({ action: 'auth.signed_in', actor_user_id: userId }).first();
    assert.equal(signedIn.details.created, true);
    assert.equal(signedIn.details.issuer, bed.provider.issuer);
    const identity = await db('user_identities').where({ user_id: userId }).first();
    assert.equal(identity.issuer, bed.provider.issuer);
    assert.equal(identity.subject, MARIA.username);
    // The session token expires.
    const stored = await db('api_tokens').where({ user_id: userId }).first();
    assert.ok(Date.parse(stored.expires_at) > Date.now() + 11 * 3600_000);
  });

  it('maps a second sign-in to the same user, and a callback cannot be replayed', async () => {
    const browser = new Browser();
    const { callback, callbackUrl } = await signIn(browser, bed.api.url, MARIA.username, MARIA.password);
    assert.equal(callback.status, 200, callback.text);
    const body = JSON.parse(callback.text);
    assert.equal(body.user.id, userId);
    assert.equal(Number((await db('user_identities').count('* as n'))[0].n), 1);
    assert.equal(Number((await db('users').where({ name: MARIA.name }).count('* as n'))[0].n), 1);
    assert.equal(browser.cookie(new URL(bed.api.url).host, 'otklik_oidc_state'), undefined, 'the state cookie is cleared');

    // The same code and state again (the state is used up): refused, no token.
    const replay = await new Browser().request(callbackUrl, { headers: { cookie: `otklik_oidc_state=${new URL(callbackUrl).searchParams.get('state')}` } });
    assert.equal(replay.status, 400);
    assert.match(JSON.parse(replay.text).detail, /expired or was finished already/);
  });

  it('signs a person in from a real browser: Chromium types into the provider\'s login page and lands on the callback', async function () {
    this.timeout(120_000);
    const chromium = await launchChromium();
    try {
      const page = await chromium.newPage();
      await page.goto(`${bed.api.url}/auth/oidc/login`);
      assert.equal(new URL(page.url()).origin, bed.provider.issuer, 'at the provider');
      assert.equal(await page.getAttribute('html', 'lang'), 'ru');
      await page.fill('#username', MARIA.username);
      await page.fill('#password', MARIA.password);
      const landed = page.waitForURL((u) => u.href.startsWith(`${bed.api.url}/auth/oidc/callback`), { timeout: 30_000 });
      await page.click('button[type=submit]');
      await landed;
      const body = JSON.parse((await page.textContent('body')) ?? '{}');
      assert.equal(body.user?.id, userId, 'the same person as the earlier sign-ins');
      assert.match(body.accessToken, /^otk_/);
      const me = await call(bed.api, 'GET', '/me', { token: body.accessToken });
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.name, MARIA.name);
    } finally {
      await chromium.close();
    }
  });

  it('refuses a callback whose state was not handed to this browser', async () => {
    const browser = new Browser();
    const isCallback = (u: string) => u.startsWith(`${bed.api.url}/auth/oidc/callback`);
    const page = await browser.follow(`${bed.api.url}/auth/oidc/login`);
    const action = new URL(/action="([^"]+)"/.exec(page.text)![1], page.url).href;
    const back = await browser.follow(action, isCallback, { form: { username: 'petr', password: 'другой-пароль-2' } });
    assert.ok(back.location && isCallback(back.location));
    // Another browser (no state cookie) lands on the callback: login CSRF is refused.
    const r = await new Browser().request(back.location);
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.text).detail, /not started in this browser/);
    assert.equal(await db('users').where({ name: 'Петров Пётр' }).first(), undefined);
  });

  describe('provider-issued JWT access tokens as bearer tokens', () => {
    let jose: Awaited<ReturnType<typeof loadJose>>;
    let providerKey: CryptoKey;
    const now = () => Math.floor(Date.now() / 1000);

    before(async () => {
      jose = await loadJose();
      providerKey = (await jose.importJWK(bed.provider.signingKey as never, 'RS256')) as CryptoKey;
    });

    async function jwt(key: CryptoKey, claims: Record<string, unknown>, kid = String(bed.provider.signingKey.kid)): Promise<string> {
      return new jose.SignJWT({ scope: 'openid', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
        .setIssuer((claims.iss as string) ?? bed.provider.issuer)
        .setAudience((claims.aud as string) ?? API_AUDIENCE)
        .setSubject((claims.sub as string) ?? MARIA.username)
        .setIssuedAt(now() - 10)
        .setExpirationTime((claims.exp as number) ?? now() + 300)
        .sign(key);
    }

    it('accepts a token signed with the provider key for this API and maps it to the person', async () => {
      const r = await call(bed.api, 'GET', '/me', { token: await jwt(providerKey, {}) });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.id, userId);
    });

    it('refuses another key, another audience, another issuer, an expired token and an unknown person (401)', async () => {
      const { privateKey: otherKey } = await jose.generateKeyPair('RS256');
      const cases: [string, string][] = [
        ['signed by another key (same kid)', await jwt(otherKey as CryptoKey, {})],
        ['signed by another key (own kid)', await jwt(otherKey as CryptoKey, {}, 'someone-else')],
        ['wrong audience', await jwt(providerKey, { aud: 'otklik' })],
        ['wrong issuer', await jwt(providerKey, { iss: 'http://localhost:1' })],
        ['expired', await jwt(providerKey, { exp: now() - 120 })],
        ['unknown person', await jwt(providerKey, { sub: 'nobody' })],
      ];
      const failures: string[] = [];
      for (const [label, token] of cases) {
        const r = await call(bed.api, 'GET', '/me', { token });
        if (r.status !== 401) failures.push(`${label}: ${r.status} ${r.text}`);
        else if (!/error="invalid_token"/.test(r.headers.get('www-authenticate') ?? '')) failures.push(`${label}: no invalid_token challenge`);
      }
      assert.deepEqual(failures, []);
      // An unsigned token ("alg": "none") is no token either.
      const unsigned = new jose.UnsecuredJWT({ sub: MARIA.username }).setIssuer(bed.provider.issuer).setAudience(API_AUDIENCE).setExpirationTime('5m').encode();
      const none = await call(bed.api, 'GET', '/me', { token: `${unsigned}x` });
      assert.equal(none.status, 401);
    });
  });
});
