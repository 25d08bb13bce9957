import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/app.js';
import type { TokenPair } from '../../src/services/tokens.js';
import { newPrivateKey } from '../../src/tokens/keys.js';
import {
  API,
  assertRet,
  lastSmsCode,
  newPhone,
  post,
  registerAccount,
  sendSmsCode,
  startTestApp,
  type TestApp,
} from '../helpers/app.js';

const APP = { 'x-client': 'app' };
const SERVICE = 'appointments';
const SERVICE_SECRET = 'appointments-secret-0123456789-abcdef';
const SERVICE_ENV = {
  SERVICE_CLIENTS: `${SERVICE}:${SERVICE_SECRET},orders:orders-secret-0123456789-abcdefgh`,
};
const basic = (name: string, secret: string) =>
  `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;

function tokensOf(response: LightMyRequestResponse): TokenPair {
  const body = assertRet(response, '0');
  assert.equal(response.headers['set-cookie'], undefined, 'an app gets no cookie at all');
  const tokens = body.tokens as TokenPair;
  assert.equal(tokens.token_type, 'Bearer');
  return tokens;
}

/** Registers `phone` as an app would (X-Client: app): the token pair it is answered. */
async function registerApp(app: App, phone = newPhone(), password = 'correct horse'): Promise<TokenPair> {
  const code = await sendSmsCode(app, phone);
  return tokensOf(
    await post(app, '/register', { phone, phone_code: code, password, password2: password }, APP),
  );
}

async function logInApp(app: App, phone: string, password = 'correct horse'): Promise<TokenPair> {
  return tokensOf(await post(app, '/sessions', { phone, password }, APP));
}

const bearer = (tokens: TokenPair | string) => ({
  authorization: `Bearer ${typeof tokens === 'string' ? tokens : tokens.access_token}`,
});
const whoAmI = (app: App, tokens: TokenPair | string) =>
  app.inject({ method: 'GET', url: `${API}/users`, headers: bearer(tokens) });
const refresh = (app: App, refreshToken: string) =>
  post(app, '/tokens/refresh', { refresh_token: refreshToken });
const introspect = (app: App, token: string, authorization = basic(SERVICE, SERVICE_SECRET)) =>
  app.inject({
    method: 'POST',
    url: `${API}/tokens/introspect`,
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ token }).toString(),
  });

describe('bearer tokens for apps (issue 14)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(SERVICE_ENV);
  });
  after(() => t.close());

  it('an app that registers gets a token pair and no cookie; a browser still gets its cookie and no tokens', async () => {
    const tokens = await registerApp(t.app);
    assert.equal(tokens.expires_in, 900);
    assert.equal(tokens.refresh_expires_in, 3600);
    assertRet(await whoAmI(t.app, tokens), '0');
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    const browser = await post(t.app, '/register', {
      phone,
      phone_code: code,
      password: 'p4ssword',
      password2: 'p4ssword',
    });
    assert.equal(assertRet(browser, '0').tokens, undefined);
    assert.ok(browser.cookies.some((c) => c.name === 'session'));
  });

  it('an app logs in with a password or an SMS code and is answered tokens, with its device mark in the body', async () => {
    const phone = newPhone();
    await registerApp(t.app, phone);
    const byPassword = await post(t.app, '/sessions', { phone, password: 'correct horse' }, APP);
    tokensOf(byPassword);
    assert.match(String(assertRet(byPassword, '0').device_mark), /\S/);
    t.clock.advance(61_000); // the resend window of the registration code
    const code = await codeFor(t.app, phone, 'login');
    const bySms = tokensOf(await post(t.app, '/sessions', { phone, phone_code: code }, APP));
    assertRet(await whoAmI(t.app, bySms), '0');
  });

  it('the whole app flow needs no cookie: users, profile, sessions, end others, logout', async () => {
    const phone = newPhone();
    const first = await registerApp(t.app, phone);
    const second = await logInApp(t.app, phone);
    const me = assertRet(await whoAmI(t.app, first), '0');
    assert.equal((me.user as { phone: string }).phone, phone);
    const edited = await t.app.inject({
      method: 'PUT',
      url: `${API}/users`,
      headers: bearer(first),
      payload: { name: '张三', age: '35' },
    });
    assert.equal((assertRet(edited, '0').user as { name: string }).name, '张三');
    // A browser session beside the two apps': the list tells them apart.
    assertRet(await post(t.app, '/sessions', { phone, password: 'correct horse' }), '0');
    const listed = assertRet(
      await t.app.inject({ method: 'GET', url: `${API}/sessions`, headers: bearer(first) }),
      '0',
    ).sessions as { current: boolean; kind: string }[];
    assert.equal(listed.length, 3);
    assert.deepEqual(listed.map((s) => s.kind).sort(), ['app', 'app', 'browser']);
    assert.equal(listed.find((s) => s.current)?.kind, 'app');
    assert.equal(listed.filter((s) => s.current).length, 1);
    const others = await t.app.inject({
      method: 'DELETE',
      url: `${API}/sessions?scope=others`,
      headers: bearer(first),
    });
    assertRet(others, '0');
    assertRet(await whoAmI(t.app, second), '4101');
    assertRet(await refresh(t.app, second.refresh_token), '4101');
    const out = await t.app.inject({ method: 'DELETE', url: `${API}/sessions`, headers: bearer(first) });
    assertRet(out, '0');
    assert.equal(out.headers['set-cookie'], undefined);
    assertRet(await whoAmI(t.app, first), '4101', 200);
    assertRet(await refresh(t.app, first.refresh_token), '4101');
  });

  it('a refresh token buys the next pair once; the retry of a flaky network is answered the same pair', async () => {
    const first = await registerApp(t.app);
    const next = tokensOf(await refresh(t.app, first.refresh_token));
    assert.notEqual(next.refresh_token, first.refresh_token);
    assertRet(await whoAmI(t.app, next), '0');
    t.clock.advance(5_000);
    const retry = tokensOf(await refresh(t.app, first.refresh_token));
    assert.equal(retry.refresh_token, next.refresh_token);
    assertRet(await whoAmI(t.app, retry), '0');
    const third = tokensOf(await refresh(t.app, next.refresh_token));
    assertRet(await whoAmI(t.app, third), '0');
  });

  it('two refreshes racing with one token: both are answered the same new refresh token, and it works', async () => {
    const first = await registerApp(t.app);
    const [a, b] = await Promise.all([
      refresh(t.app, first.refresh_token),
      refresh(t.app, first.refresh_token),
    ]);
    const pairA = tokensOf(a!);
    const pairB = tokensOf(b!);
    assert.equal(pairA.refresh_token, pairB.refresh_token);
    assertRet(await whoAmI(t.app, pairA), '0');
    tokensOf(await refresh(t.app, pairA.refresh_token));
  });

  it('the previous refresh token presented after the reuse interval ends the whole session', async () => {
    const first = await registerApp(t.app);
    const next = tokensOf(await refresh(t.app, first.refresh_token));
    t.clock.advance(11_000);
    const reused = assertRet(await refresh(t.app, first.refresh_token), '4101');
    assert.match(String(reused.msg), /已被使用/);
    assertRet(await refresh(t.app, next.refresh_token), '4101');
    assertRet(await whoAmI(t.app, next), '4101');
  });

  it('a token older than the previous one ends the session even within the interval', async () => {
    const g0 = await registerApp(t.app);
    const g1 = tokensOf(await refresh(t.app, g0.refresh_token));
    const g2 = tokensOf(await refresh(t.app, g1.refresh_token));
    assertRet(await refresh(t.app, g0.refresh_token), '4101');
    assertRet(await whoAmI(t.app, g2), '4101');
  });

  it('a forged or altered refresh token is refused and ends nothing', async () => {
    const tokens = await registerApp(t.app);
    const [hash, generation, mac] = tokens.refresh_token.split('.') as [string, string, string];
    for (const forged of [
      `${hash}.${Number(generation) + 1}.${mac}`,
      `${hash}.${generation}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `${'0'.repeat(64)}.0.${mac}`,
      'not a token',
    ]) {
      assertRet(await refresh(t.app, forged), '4101');
    }
    assertRet(await whoAmI(t.app, tokens), '0');
    tokensOf(await refresh(t.app, tokens.refresh_token));
  });

  it('an access token is refused once expired, altered, or signed by a key that is not ours', async () => {
    const tokens = await registerApp(t.app);
    const [header, payload, signature] = tokens.access_token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const raised = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    assertRet(await whoAmI(t.app, `${header}.${raised}.${signature}`), '4101');
    const other = await startTestApp();
    try {
      const stranger = await registerApp(other.app);
      assertRet(await whoAmI(t.app, stranger), '4101');
    } finally {
      await other.close();
    }
    t.clock.advance(901_000);
    assertRet(await whoAmI(t.app, tokens), '4101');
    // The session itself lives on: the refresh token buys a fresh access token.
    assertRet(await whoAmI(t.app, tokensOf(await refresh(t.app, tokens.refresh_token))), '0');
  });

  it('password change keeps the session that changed it and ends the others, their refresh tokens with them', async () => {
    const phone = newPhone();
    const mine = await registerApp(t.app, phone, 'old password');
    const other = await logInApp(t.app, phone, 'old password');
    const changed = await t.app.inject({
      method: 'PUT',
      url: `${API}/passwords`,
      headers: bearer(mine),
      payload: { old_password: 'old password', password: 'new password', password2: 'new password' },
    });
    assertRet(changed, '0');
    assertRet(await refresh(t.app, other.refresh_token), '4101');
    tokensOf(await refresh(t.app, mine.refresh_token));
  });

  it('password reset and disabling the account end every refresh token', async () => {
    const phone = newPhone();
    const tokens = await registerApp(t.app, phone);
    t.clock.advance(61_000); // the resend window of the registration code
    const account = await t.app.services.accounts.resetPassword(
      {
        phone,
        phoneCode: await codeFor(t.app, phone, 'reset'),
        password: 'reset password',
        password2: 'reset password',
      },
      { ip: '127.0.0.1', userAgent: undefined },
    );
    assert.equal(account.ok, true);
    assertRet(await refresh(t.app, tokens.refresh_token), '4101');

    const again = await logInApp(t.app, phone, 'reset password');
    const user = assertRet(await whoAmI(t.app, again), '0').user as { user_id: number };
    const disabled = await t.app.services.admin.moderate(null, user.user_id, 'disable');
    assert.equal(disabled.ok, true);
    assertRet(await refresh(t.app, again.refresh_token), '4101');
    assertRet(await whoAmI(t.app, again), '4101');
  });

  it('a bearer request without Origin (or from any origin) passes the CSRF guard; a cookie one from a foreign origin is still refused', async () => {
    const tokens = await registerApp(t.app);
    const fromApp = await t.app.inject({
      method: 'DELETE',
      url: `${API}/sessions?scope=others`,
      headers: bearer(tokens),
    });
    assertRet(fromApp, '0');
    const foreign = { origin: 'https://evil.example', host: '127.0.0.1:5000' };
    const bearerForeign = await t.app.inject({
      method: 'DELETE',
      url: `${API}/sessions?scope=others`,
      headers: { ...bearer(tokens), ...foreign },
    });
    assertRet(bearerForeign, '0');
    const session = await registerAccount(t.app, newPhone());
    const withCookie = {
      method: 'DELETE' as const,
      url: `${API}/sessions`,
      cookies: { session },
      headers: foreign,
    };
    assertRet(await t.app.inject(withCookie), '4201');
    // A bearer header does not lift the guard from a request that also carries the cookie.
    assertRet(await t.app.inject({ ...withCookie, headers: { ...foreign, ...bearer(tokens) } }), '4201');
  });

  it('form bodies are read by the token routes only; the rest of the API stays JSON-only', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: `${API}/sessions`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'phone=13800000000&password=x',
    });
    assert.equal(response.statusCode, 415);
  });
});

/** Sends an SMS code for `purpose` to `phone`; the code, read through the test hook. */
async function codeFor(app: App, phone: string, purpose: 'login' | 'reset'): Promise<string> {
  const uuid = `${purpose}-${phone}-${Date.now()}`;
  const image = await app.inject({ method: 'GET', url: `${API}/imageCode?uuid=${uuid}` });
  const text = String(image.headers['x-captcha-text']);
  const sent = await post(app, '/smsCode', { phone, img_code_client: text, uuid, purpose });
  assertRet(sent, '0');
  return lastSmsCode(app, phone);
}

describe('other services: published keys, introspection, revocation', () => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await startTestApp({
      ...SERVICE_ENV,
      TOKEN_ISSUER: 'https://auth.example.cn',
      TOKEN_AUDIENCE: 'platform',
    });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => t.close());

  it('a third party verifies an access token with jose against the published JWKS', async () => {
    const tokens = await registerApp(t.app);
    const keys = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, keys, {
      issuer: 'https://auth.example.cn',
      audience: 'platform',
      algorithms: ['EdDSA'],
    });
    assert.equal(protectedHeader.alg, 'EdDSA');
    const me = assertRet(await whoAmI(t.app, tokens), '0').user as { user_id: number };
    assert.equal(payload.sub, String(me.user_id));
    assert.match(String(payload.sid), /^[0-9a-f]{64}$/);
    assert.equal(payload.role, 'user');
    assert.equal(payload.expert_status, null);
    assert.equal(Number(payload.exp) - Number(payload.iat), 900);
    assert.match(String(payload.jti), /^[A-Za-z0-9_-]{16,}$/);
    assert.doesNotMatch(tokens.access_token, new RegExp(tokens.refresh_token.split('.')[2] ?? 'x'));

    const jwks = await fetch(`${base}/.well-known/jwks.json`);
    assert.match(String(jwks.headers.get('cache-control')), /max-age=\d+/);
    const { keys: published } = (await jwks.json()) as { keys: JWK[] };
    assert.ok(
      published.every((key) => key.d === undefined),
      'no private part is published',
    );
    assert.ok(published.some((key) => key.kid === protectedHeader.kid));
  });

  it('the discovery document names the issuer, the keys, introspection and revocation', async () => {
    const response = await fetch(`${base}/.well-known/openid-configuration`);
    const body = (await response.json()) as Record<string, string>;
    assert.equal(body.issuer, 'https://auth.example.cn');
    assert.equal(body.jwks_uri, 'https://auth.example.cn/.well-known/jwks.json');
    assert.equal(body.introspection_endpoint, 'https://auth.example.cn/api/1.0/tokens/introspect');
    assert.equal(body.revocation_endpoint, 'https://auth.example.cn/api/1.0/tokens/revoke');
  });

  it('introspection and revocation need a service’s credentials', async () => {
    const tokens = await registerApp(t.app);
    for (const authorization of [
      '',
      basic(SERVICE, 'wrong-secret'),
      basic('nobody', SERVICE_SECRET),
      'Bearer x',
    ]) {
      const response = await introspect(t.app, tokens.access_token, authorization);
      assert.equal(response.statusCode, 401);
      assert.match(String(response.headers['www-authenticate']), /^Basic/);
    }
    const revoke = await t.app.inject({
      method: 'POST',
      url: `${API}/tokens/revoke`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${tokens.refresh_token}`,
    });
    assert.equal(revoke.statusCode, 401);
    assertRet(await whoAmI(t.app, tokens), '0');
  });

  it('introspection says whose an active token is, and inactive once its session is logged out', async () => {
    const tokens = await registerApp(t.app);
    const access = (await introspect(t.app, tokens.access_token)).json();
    assert.equal(access.active, true);
    assert.equal(access.token_type, 'access_token');
    assert.equal(access.client_id, SERVICE);
    assert.equal(access.role, 'user');
    assert.match(access.sub, /^\d+$/);
    assert.match(access.sid, /^[0-9a-f]{64}$/);
    const refreshed = (await introspect(t.app, tokens.refresh_token)).json();
    assert.equal(refreshed.active, true);
    assert.equal(refreshed.token_type, 'refresh_token');
    assert.equal(refreshed.sid, access.sid);
    assert.deepEqual((await introspect(t.app, 'garbage')).json(), { active: false });
    assertRet(await t.app.inject({ method: 'DELETE', url: `${API}/sessions`, headers: bearer(tokens) }), '0');
    assert.deepEqual((await introspect(t.app, tokens.access_token)).json(), { active: false });
    assert.deepEqual((await introspect(t.app, tokens.refresh_token)).json(), { active: false });
  });

  it('revoking a refresh token (or an access token) ends the session at once', async () => {
    for (const which of ['refresh_token', 'access_token'] as const) {
      const tokens = await registerApp(t.app);
      const response = await t.app.inject({
        method: 'POST',
        url: `${API}/tokens/revoke`,
        headers: {
          authorization: basic(SERVICE, SERVICE_SECRET),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams({ token: tokens[which], token_type_hint: which }).toString(),
      });
      assert.equal(response.statusCode, 200);
      assertRet(await whoAmI(t.app, tokens), '4101');
      assert.deepEqual((await introspect(t.app, tokens.access_token)).json(), { active: false });
      assertRet(await refresh(t.app, tokens.refresh_token), '4101');
    }
  });

  it('the OpenAPI document describes the bearer scheme and the token routes', async () => {
    const document = (await t.app.inject({ method: 'GET', url: `${API}/openapi.json` })).json();
    assert.equal(document.components.securitySchemes.bearer.scheme, 'bearer');
    assert.ok(document.paths['/api/1.0/users'].get.security.some((s: object) => 'bearer' in s));
    for (const route of ['/api/1.0/tokens/refresh', '/api/1.0/tokens/introspect', '/api/1.0/tokens/revoke']) {
      assert.ok(document.paths[route]?.post, route);
    }
  });
});

describe('a refresh token’s life', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ SESSION_TTL_SECONDS: '60', REFRESH_TOKEN_MAX_AGE_SECONDS: '120' });
  });
  after(() => t.close());

  it('slides with use up to SESSION_TTL_SECONDS idle, and ends at REFRESH_TOKEN_MAX_AGE_SECONDS however used', async () => {
    let tokens = await registerApp(t.app);
    assert.equal(tokens.refresh_expires_in, 60);
    t.clock.advance(50_000);
    tokens = tokensOf(await refresh(t.app, tokens.refresh_token));
    assert.equal(tokens.refresh_expires_in, 60);
    t.clock.advance(50_000);
    tokens = tokensOf(await refresh(t.app, tokens.refresh_token));
    assert.equal(tokens.refresh_expires_in, 20, 'capped by the absolute end');
    t.clock.advance(21_000);
    assertRet(await refresh(t.app, tokens.refresh_token), '4101');

    const idle = await registerApp(t.app);
    t.clock.advance(61_000);
    assertRet(await refresh(t.app, idle.refresh_token), '4101');
  });
});

describe('key rotation', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-keys-'));
  const database = process.env.DATABASE_URL ?? `sqlite:${path.join(dir, 'rotation.db')}`;
  const keyA = JSON.stringify(newPrivateKey());
  const keyB = JSON.stringify(newPrivateKey());
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const withKeys = (keys: string) => startTestApp({ JWT_PRIVATE_KEYS: keys, DATABASE_URL: database });

  it('after a rotation the old key’s tokens verify until that key is removed; the new key signs', async () => {
    const before = await withKeys(`[${keyA}]`);
    const old = await registerApp(before.app).finally(() => before.close());

    const rotated = await withKeys(`[${keyB}, ${keyA}]`);
    try {
      assertRet(await whoAmI(rotated.app, old), '0');
      const jwks = (await rotated.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
      assert.equal(jwks.keys.length, 2);
      const fresh = await logInApp(
        rotated.app,
        String((assertRet(await whoAmI(rotated.app, old), '0').user as { phone: string }).phone),
      );
      assert.equal(decodeProtectedHeader(fresh.access_token).kid, jwks.keys[0].kid);
      assert.notEqual(decodeProtectedHeader(old.access_token).kid, jwks.keys[0].kid);
    } finally {
      await rotated.close();
    }

    const retired = await withKeys(`[${keyB}]`);
    try {
      assertRet(await whoAmI(retired.app, old), '4101');
      // The session outlives the key: its refresh token buys a token signed by the new key.
      assertRet(await whoAmI(retired.app, tokensOf(await refresh(retired.app, old.refresh_token))), '0');
    } finally {
      await retired.close();
    }
  });
});
