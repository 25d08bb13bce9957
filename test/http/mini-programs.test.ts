import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/app.js';
import { systemClock } from '../../src/clock.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { TokenPair } from '../../src/services/tokens.js';
import { openKeyValueStore } from '../../src/store/open-store.js';
import {
  API,
  assertRet,
  newPhone,
  post,
  registerAccount,
  startTestApp,
  testConfig,
  whoAmI,
  type TestApp,
} from '../helpers/app.js';
import { closedPortOrigin } from '../sms/fakes/server.js';
import { alipayEnv, phoneResponse, startFakeAlipay, type FakeAlipay } from '../mini-programs/fakes/alipay.js';
import { startFakeWeChat, WECHAT, wechatEnv, type FakeWeChat } from '../mini-programs/fakes/wechat.js';

const APP = { 'x-client': 'app' };

/** A refusal as every failure must be: `{re_code, reason, msg}`. */
function assertRefused(response: LightMyRequestResponse, reCode: string, reason: string): void {
  const body = assertRet(response, reCode);
  assert.equal(body.reason, reason, response.body);
  assert.ok(String(body.msg).length > 0);
}

function tokensOf(response: LightMyRequestResponse): TokenPair {
  const body = assertRet(response, '0');
  assert.equal(response.headers['set-cookie'], undefined, 'an app gets no cookie');
  return body.tokens as TokenPair;
}

async function me(app: App, tokens: TokenPair) {
  const response = await app.inject({
    method: 'GET',
    url: `${API}/users`,
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  const body = assertRet(response, '0');
  return body as {
    user: { user_id: number; phone: string; types: string };
    account: { consent_required: boolean };
    links: { provider: string }[];
  };
}

/** The `agree` string of the documents in force, as the mini program reads it from GET /legal. */
async function agreeInForce(app: App): Promise<string> {
  const body = assertRet(await app.inject({ method: 'GET', url: `${API}/legal` }), '0');
  return String(body.agree);
}

async function auditOf(app: App, userId: number) {
  const page = await app.services.audit.list(userId, 0, 50);
  return page.items.map((e) => `${e.action}:${e.outcome}:${e.detail ?? ''}`);
}

describe('WeChat mini-program login', () => {
  let wechat: FakeWeChat;
  let t: TestApp;
  const lines: string[] = [];
  before(async () => {
    wechat = await startFakeWeChat();
    t = await startTestApp(
      { ...wechatEnv(wechat.origin), MINI_PROGRAM_TIMEOUT_MS: '1000', LOG_LEVEL: 'info' },
      { logStream: { write: (line) => lines.push(line) } },
    );
  });
  after(async () => {
    await t.close();
    await wechat.close();
  });
  const logIn = (body: Record<string, string>) => post(t.app, '/wechat/sessions', body, APP);

  it('a first login without a phone is refused with phoneRequired, so the mini program shows the phone button', async () => {
    const { code } = wechat.loginCode();
    assertRefused(await logIn({ login_code: code }), '4104', 'phoneRequired');
    assert.deepEqual(wechat.problems, []);
  });

  it('with the phone WeChat vouches for, a patient account is opened, linked and logged in (tokens); later logins need only wx.login', async () => {
    const phone = newPhone();
    const person = wechat.loginCode();
    const first = tokensOf(
      await logIn({
        login_code: person.code,
        phone_code: wechat.phoneCode(phone),
        agree: await agreeInForce(t.app),
      }),
    );
    const mine = await me(t.app, first);
    assert.equal(mine.user.phone, phone);
    assert.equal(mine.user.types, 'patient');
    assert.deepEqual(
      mine.links.map((l) => l.provider),
      ['wechat'],
    );
    const again = tokensOf(await logIn({ login_code: wechat.loginCode({ openid: person.openid }).code }));
    assert.equal((await me(t.app, again)).user.user_id, mine.user.user_id);
    const audit = await auditOf(t.app, mine.user.user_id);
    assert.ok(
      audit.some((line) => line.startsWith('register:success:patient via wechat; agreed ')),
      audit.join('\n'),
    );
    assert.ok(audit.includes('link:success:wechat'));
    assert.ok(audit.includes('login:success:wechat'));
    assert.deepEqual(wechat.problems, []);
    // Logged in without X-Client: app, a browser-like client gets the session cookie instead.
    const cookie = await post(t.app, '/wechat/sessions', {
      login_code: wechat.loginCode({ openid: person.openid }).code,
    });
    assertRet(cookie, '0');
    assert.match(String(cookie.headers['set-cookie']), /session=/);
  });

  it('an account registered with its phone is found by the phone WeChat vouches for, and linked to it', async () => {
    const phone = newPhone();
    const session = await registerAccount(t.app, phone);
    const before = assertRet(await whoAmI(t.app, session), '0') as { user: { user_id: number } };
    const tokens = tokensOf(
      await logIn({ login_code: wechat.loginCode().code, phone_code: wechat.phoneCode(phone) }),
    );
    assert.equal((await me(t.app, tokens)).user.user_id, before.user.user_id);
  });

  it('an account opened by a mini program has no password: a password login fails as a wrong one', async () => {
    const phone = newPhone();
    tokensOf(await logIn({ login_code: wechat.loginCode().code, phone_code: wechat.phoneCode(phone) }));
    assertRefused(
      await post(t.app, '/sessions', { phone, password: '' + 'x'.repeat(8) }),
      '4102',
      'loginFailed',
    );
  });

  it('a phone outside PHONE_REGIONS is refused (phoneInvalid)', async () => {
    const response = await logIn({
      login_code: wechat.loginCode().code,
      phone_code: wechat.phoneCode('61234567', '852'),
    });
    assertRefused(response, '4103', 'phoneInvalid');
  });

  it('an invalid login code (40029) is DATAERR platformCodeInvalid', async () => {
    assertRefused(await logIn({ login_code: 'not-a-code-WeChat-gave' }), '4004', 'platformCodeInvalid');
    assertRefused(
      await logIn({ login_code: wechat.loginCode().code, phone_code: 'not-a-phone-code' }),
      '4004',
      'platformCodeInvalid',
    );
  });

  it('a rate limit (45011) is REQERR platformRateLimited', async () => {
    wechat.behaviour = 'rateLimit';
    try {
      assertRefused(await logIn({ login_code: wechat.loginCode().code }), '4201', 'platformRateLimited');
    } finally {
      wechat.behaviour = 'accept';
    }
  });

  it('an access token WeChat calls invalid (40001) is renewed once, with force_refresh, and the call retried', async () => {
    // One login first, so that a token is cached.
    tokensOf(await logIn({ login_code: wechat.loginCode().code, phone_code: wechat.phoneCode(newPhone()) }));
    const calls = wechat.tokenCalls.length;
    wechat.invalidateTokens();
    const phone = newPhone();
    const tokens = tokensOf(
      await logIn({ login_code: wechat.loginCode().code, phone_code: wechat.phoneCode(phone) }),
    );
    assert.equal((await me(t.app, tokens)).user.phone, phone);
    assert.deepEqual(wechat.tokenCalls.slice(calls), [true], 'one forced renewal');
  });

  it('a token refused again after its renewal is THIRDERR, not a loop', async () => {
    tokensOf(await logIn({ login_code: wechat.loginCode().code, phone_code: wechat.phoneCode(newPhone()) }));
    const calls = wechat.tokenCalls.length;
    const realInvalidate = wechat.invalidateTokens;
    wechat.invalidateTokens();
    // Every token is refused, the renewed one too.
    const original = wechat.tokens.set.bind(wechat.tokens);
    wechat.tokens.set = (token, _valid) => original(token, false);
    try {
      const response = await logIn({
        login_code: wechat.loginCode().code,
        phone_code: wechat.phoneCode(newPhone()),
      });
      assertRefused(response, '4301', 'platformFailed');
      assert.equal(wechat.tokenCalls.length - calls, 1, 'renewed once only');
    } finally {
      wechat.tokens.set = original;
      realInvalidate();
    }
  });

  it('WeChat answering 500 or nothing is THIRDERR within MINI_PROGRAM_TIMEOUT_MS', async () => {
    for (const behaviour of ['http500', 'hang', 'busy'] as const) {
      wechat.behaviour = behaviour;
      try {
        assertRefused(await logIn({ login_code: wechat.loginCode().code }), '4301', 'platformFailed');
      } finally {
        wechat.behaviour = 'accept';
      }
    }
  });

  it('a phone whose watermark names another app is refused', async () => {
    const response = await logIn({
      login_code: wechat.loginCode().code,
      phone_code: wechat.phoneCode(newPhone(), '86', 'wx-another-app'),
    });
    assertRefused(response, '4301', 'platformFailed');
  });

  it('two first logins of one person at once make one account and one link', async () => {
    const phone = newPhone();
    const openid = `o-race-${Date.now()}`;
    const replies = await Promise.all(
      Array.from({ length: 6 }, () =>
        logIn({ login_code: wechat.loginCode({ openid }).code, phone_code: wechat.phoneCode(phone) }),
      ),
    );
    const ids = new Set<number>();
    for (const reply of replies) ids.add((await me(t.app, tokensOf(reply))).user.user_id);
    assert.equal(ids.size, 1);
    const [id] = [...ids];
    assert.equal((await t.app.services.miniPrograms.links(id!)).length, 1);
  });

  it('never logs the secret, the session_key, an access token or a whole phone number', () => {
    // The test hook's own URL (`/test/sms?phone=`, never served in production) names the phone it is asked about.
    const log = lines.filter((line) => !line.includes('/test/sms?phone=')).join('');
    assert.ok(log.length > 0);
    assert.ok(!log.includes(WECHAT.appSecret));
    assert.ok(!log.includes('session_key'));
    assert.ok(!log.includes('ACCESS_TOKEN_'));
    const whole = /(?<!\d)1[3-9]\d{9}(?!\d)/.exec(log);
    assert.equal(whole, null, whole ? log.slice(Math.max(0, whole.index - 300), whole.index + 40) : '');
  });
});

describe("WeChat's access token is shared by every instance", () => {
  it('is fetched once for many logins on two instances over one store, and renewed ahead of its end', async () => {
    const wechat = await startFakeWeChat();
    const store = await openKeyValueStore(testConfig(), systemClock);
    const a = await startTestApp(wechatEnv(wechat.origin), { keyValueStore: store });
    const b = await startTestApp(wechatEnv(wechat.origin), { keyValueStore: store });
    try {
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          post(
            (i % 2 === 0 ? a : b).app,
            '/wechat/sessions',
            { login_code: wechat.loginCode().code, phone_code: wechat.phoneCode(newPhone()) },
            APP,
          ),
        ),
      );
      for (const reply of replies) assertRet(reply, '0');
      assert.deepEqual(wechat.tokenCalls, [false], 'one stable_token call for both instances');
      // Five minutes before its end, it is renewed (without force: the same call WeChat answers in normal mode).
      a.clock.advance(7200_000 - 4 * 60_000);
      b.clock.advance(7200_000 - 4 * 60_000);
      assertRet(
        await post(
          b.app,
          '/wechat/sessions',
          { login_code: wechat.loginCode().code, phone_code: wechat.phoneCode(newPhone()) },
          APP,
        ),
        '0',
      );
      assert.deepEqual(wechat.tokenCalls, [false, false]);
      assert.deepEqual(wechat.problems, []);
    } finally {
      await a.close();
      await b.close();
      await store.close();
      await wechat.close();
    }
  });
});

describe('a flood of mini-program logins from one address', () => {
  it('is cut at MINI_PROGRAM_CALLS_PER_IP_PER_MINUTE before WeChat is asked; other addresses go on, and the window passes', async () => {
    const wechat = await startFakeWeChat();
    const t = await startTestApp({ ...wechatEnv(wechat.origin), MINI_PROGRAM_CALLS_PER_IP_PER_MINUTE: '3' });
    const from = (remoteAddress: string, code: string) =>
      t.app.inject({
        method: 'POST',
        url: `${API}/wechat/sessions`,
        payload: { login_code: code },
        headers: APP,
        remoteAddress,
      });
    try {
      // 40 at once from one address: three reach WeChat (each spends its single-use code), the rest are refused here.
      const codes = Array.from({ length: 40 }, () => wechat.loginCode().code);
      const replies = await Promise.all(codes.map((code) => from('198.51.100.7', code)));
      const asked = replies.filter((r) => String(r.json<{ re_code: string }>().re_code) === '4104');
      const refused = replies.filter((r) => String(r.json<{ re_code: string }>().re_code) === '4202');
      assert.equal(asked.length, 3);
      assert.equal(refused.length, 37);
      assertRefused(refused[0]!, '4202', 'miniProgramTooOften');
      assert.ok(Number(refused[0]!.headers['retry-after']) > 0, 'Retry-After says when to come back');
      const unspent = codes.filter((code) => wechat.loginCodes.has(code));
      assert.equal(unspent.length, 37, 'WeChat was never asked for the refused ones');
      // Another address is not held up by the first one's flood.
      assertRefused(await from('203.0.113.9', unspent[0]!), '4104', 'phoneRequired');
      // A minute later the first address may try again.
      t.clock.advance(61_000);
      assertRefused(await from('198.51.100.7', unspent[1]!), '4104', 'phoneRequired');
    } finally {
      await t.close();
      await wechat.close();
    }
  });
});

describe('Alipay mini-program login', () => {
  let alipay: FakeAlipay;
  let t: TestApp;
  before(async () => {
    alipay = await startFakeAlipay();
    t = await startTestApp({ ...alipayEnv(alipay.origin), MINI_PROGRAM_TIMEOUT_MS: '1000' });
  });
  after(async () => {
    await t.close();
    await alipay.close();
  });
  const logIn = (body: Record<string, string>) => post(t.app, '/alipay/sessions', body, APP);

  it('opens an account with the phone of my.getPhoneNumber (signature verified, decrypted), then logs in with auth_code alone', async () => {
    const phone = newPhone();
    const person = alipay.authCode();
    assertRefused(await logIn({ auth_code: person.code }), '4104', 'phoneRequired');
    const tokens = tokensOf(
      await logIn({ auth_code: alipay.authCode(person.userId).code, phone_response: phoneResponse(phone) }),
    );
    const mine = await me(t.app, tokens);
    assert.equal(mine.user.phone, phone);
    assert.deepEqual(
      mine.links.map((l) => l.provider),
      ['alipay'],
    );
    const again = tokensOf(await logIn({ auth_code: alipay.authCode(person.userId).code }));
    assert.equal((await me(t.app, again)).user.user_id, mine.user.user_id);
    assert.ok((await auditOf(t.app, mine.user.user_id)).includes('login:success:alipay'));
    assert.deepEqual(alipay.problems, []);
  });

  it('a phone response signed by anyone but Alipay is refused (phoneProofInvalid)', async () => {
    const response = await logIn({
      auth_code: alipay.authCode().code,
      phone_response: phoneResponse(newPhone(), { forged: true }),
    });
    assertRefused(response, '4004', 'phoneProofInvalid');
    const edited = JSON.parse(phoneResponse(newPhone())) as Record<string, string>;
    edited.response = `${edited.response!.slice(0, -4)}AAA=`;
    assertRefused(
      await logIn({ auth_code: alipay.authCode().code, phone_response: JSON.stringify(edited) }),
      '4004',
      'phoneProofInvalid',
    );
  });

  it('an answer of the gateway whose signature does not hold is THIRDERR, and nobody is logged in', async () => {
    const person = alipay.authCode();
    await logIn({ auth_code: person.code, phone_response: phoneResponse(newPhone()) });
    alipay.behaviour = 'tamper';
    try {
      assertRefused(
        await logIn({ auth_code: alipay.authCode(person.userId).code }),
        '4301',
        'platformFailed',
      );
    } finally {
      alipay.behaviour = 'accept';
    }
  });

  it('an invalid auth code is DATAERR platformCodeInvalid; a gateway down or slow is THIRDERR', async () => {
    assertRefused(await logIn({ auth_code: 'not-a-code' }), '4004', 'platformCodeInvalid');
    for (const behaviour of ['http500', 'hang'] as const) {
      alipay.behaviour = behaviour;
      try {
        assertRefused(await logIn({ auth_code: alipay.authCode().code }), '4301', 'platformFailed');
      } finally {
        alipay.behaviour = 'accept';
      }
    }
    assert.deepEqual(alipay.problems, []);
  });
});

describe('linking and unlinking platforms', () => {
  let wechat: FakeWeChat;
  let alipay: FakeAlipay;
  let t: TestApp;
  before(async () => {
    wechat = await startFakeWeChat();
    alipay = await startFakeAlipay();
    t = await startTestApp({ ...wechatEnv(wechat.origin), ...alipayEnv(alipay.origin) });
  });
  after(async () => {
    await t.close();
    await wechat.close();
    await alipay.close();
  });
  const linkWith = (session: string, provider: string, code: string) =>
    t.app.inject({
      method: 'POST',
      url: `${API}/users/links/${provider}`,
      cookies: { session },
      payload: { code },
    });
  const unlink = (session: string, provider: string) =>
    t.app.inject({ method: 'DELETE', url: `${API}/users/links/${provider}`, cookies: { session } });

  it('a logged-in person links WeChat and Alipay, GET /users lists them, and unlinks them; each is audited', async () => {
    const session = await registerAccount(t.app, newPhone());
    const person = wechat.loginCode();
    assertRet(await linkWith(session, 'wechat', person.code), '0');
    assertRet(await linkWith(session, 'alipay', alipay.authCode().code), '0');
    const listed = assertRet(await whoAmI(t.app, session), '0') as {
      user: { user_id: number };
      links: { provider: string }[];
    };
    assert.deepEqual(
      listed.links.map((l) => l.provider),
      ['alipay', 'wechat'],
    );
    // The linked WeChat now logs into this account.
    const tokens = tokensOf(
      await post(
        t.app,
        '/wechat/sessions',
        { login_code: wechat.loginCode({ openid: person.openid }).code },
        APP,
      ),
    );
    assert.equal((await me(t.app, tokens)).user.user_id, listed.user.user_id);
    assertRet(await unlink(session, 'wechat'), '0');
    assertRefused(await unlink(session, 'wechat'), '4002', 'linkNotFound');
    const audit = await auditOf(t.app, listed.user.user_id);
    for (const entry of ['link:success:wechat', 'link:success:alipay', 'unlink:success:wechat'])
      assert.ok(audit.includes(entry), `${entry} in ${audit.join(', ')}`);
    // Unlinked, that WeChat no longer logs in.
    assertRefused(
      await post(
        t.app,
        '/wechat/sessions',
        { login_code: wechat.loginCode({ openid: person.openid }).code },
        APP,
      ),
      '4104',
      'phoneRequired',
    );
  });

  it('deleting the account (issue 15) removes its links: the same WeChat then opens nothing and needs the phone again', async () => {
    const phone = newPhone();
    const session = await registerAccount(t.app, phone);
    const person = wechat.loginCode();
    assertRet(await linkWith(session, 'wechat', person.code), '0');
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `${API}/users`,
      cookies: { session },
      payload: { password: 'correct horse' },
    });
    assertRet(deleted, '0');
    assertRefused(
      await post(
        t.app,
        '/wechat/sessions',
        { login_code: wechat.loginCode({ openid: person.openid }).code },
        APP,
      ),
      '4104',
      'phoneRequired',
    );
    // The phone and the WeChat are free again: one tap makes a new account, linked anew.
    const tokens = tokensOf(
      await post(
        t.app,
        '/wechat/sessions',
        { login_code: wechat.loginCode({ openid: person.openid }).code, phone_code: wechat.phoneCode(phone) },
        APP,
      ),
    );
    const mine = await me(t.app, tokens);
    assert.equal(mine.user.phone, phone);
    assert.deepEqual(
      mine.links.map((l) => l.provider),
      ['wechat'],
    );
  });

  it('one WeChat links one account: linking it to a second account is refused', async () => {
    const person = wechat.loginCode();
    assertRet(await linkWith(await registerAccount(t.app, newPhone()), 'wechat', person.code), '0');
    const other = await registerAccount(t.app, newPhone());
    assertRefused(
      await linkWith(other, 'wechat', wechat.loginCode({ openid: person.openid }).code),
      '4003',
      'platformLinkedElsewhere',
    );
  });

  it('unlinking the last way to log in is refused', async () => {
    const tokens = tokensOf(
      await post(
        t.app,
        '/wechat/sessions',
        { login_code: wechat.loginCode().code, phone_code: wechat.phoneCode(newPhone()) },
        APP,
      ),
    );
    const response = await t.app.inject({
      method: 'DELETE',
      url: `${API}/users/links/wechat`,
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assertRefused(response, '4004', 'lastLoginWay');
    assert.deepEqual(
      (await me(t.app, tokens)).links.map((l) => l.provider),
      ['wechat'],
    );
  });

  it('linking needs a session', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: `${API}/users/links/alipay` });
    assertRefused(response, '4101', 'notLoggedIn');
  });
});

describe('mini-program configuration', () => {
  it('a platform is off unless configured: its login is refused with platformOff', async () => {
    const t = await startTestApp();
    try {
      assertRefused(await post(t.app, '/wechat/sessions', { login_code: 'x' }, APP), '4201', 'platformOff');
      assertRefused(await post(t.app, '/alipay/sessions', { auth_code: 'x' }, APP), '4201', 'platformOff');
    } finally {
      await t.close();
    }
  });

  it('start-up names every missing or unusable variable of a half-configured platform', () => {
    assert.throws(
      () => loadConfig({ WECHAT_APP_ID: 'wx1' }),
      (e: unknown) => e instanceof ConfigError && /WECHAT_APP_SECRET/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ ALIPAY_APP_ID: '2021' }),
      (e: unknown) =>
        e instanceof ConfigError && /ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY, ALIPAY_AES_KEY/.test(e.message),
    );
    const env = alipayEnv('http://127.0.0.1:1');
    assert.throws(() => loadConfig({ ...env, ALIPAY_AES_KEY: 'short' }), /ALIPAY_AES_KEY/);
    assert.throws(() => loadConfig({ ...env, ALIPAY_PUBLIC_KEY: 'bm90IGEga2V5' }), /ALIPAY_PUBLIC_KEY/);
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', ...wechatEnv('http://127.0.0.1:1') }),
      /WECHAT_API_BASE_URL must use https|MEDICINE_SECRET/,
    );
    assert.equal(loadConfig({ ...wechatEnv('http://127.0.0.1:1') }).miniPrograms.wechat?.appId, WECHAT.appId);
    assert.equal(loadConfig({}).miniPrograms.wechat, undefined);
  });

  it('a platform that cannot be reached at all is THIRDERR', async () => {
    const origin = await closedPortOrigin();
    const t = await startTestApp({ ...wechatEnv(origin), ...alipayEnv(origin) });
    try {
      assertRefused(
        await post(t.app, '/wechat/sessions', { login_code: 'abc' }, APP),
        '4301',
        'platformFailed',
      );
      assertRefused(
        await post(t.app, '/alipay/sessions', { auth_code: 'abc' }, APP),
        '4301',
        'platformFailed',
      );
    } finally {
      await t.close();
    }
  });
});

describe('mini-program registration and consent (issue 15)', () => {
  let wechat: FakeWeChat;
  let t: TestApp;
  before(async () => {
    wechat = await startFakeWeChat();
    t = await startTestApp({ ...wechatEnv(wechat.origin), CONSENT_REQUIRED: '1' });
  });
  after(async () => {
    await t.close();
    await wechat.close();
  });

  it('with CONSENT_REQUIRED=1 a first login without agree opens no account; with it, the consent is recorded', async () => {
    const phone = newPhone();
    const person = wechat.loginCode();
    const refused = await post(
      t.app,
      '/wechat/sessions',
      { login_code: person.code, phone_code: wechat.phoneCode(phone) },
      APP,
    );
    assertRefused(refused, '4103', 'consentMissing');
    const stale = await post(
      t.app,
      '/wechat/sessions',
      {
        login_code: wechat.loginCode({ openid: person.openid }).code,
        phone_code: wechat.phoneCode(phone),
        agree: '0,0',
      },
      APP,
    );
    assertRefused(stale, '4103', 'consentOutdated');
    const tokens = tokensOf(
      await post(
        t.app,
        '/wechat/sessions',
        {
          login_code: wechat.loginCode({ openid: person.openid }).code,
          phone_code: wechat.phoneCode(phone),
          agree: await agreeInForce(t.app),
        },
        APP,
      ),
    );
    const body = await me(t.app, tokens);
    assert.equal(body.user.phone, phone);
    assert.equal(body.account.consent_required, false, 'the agreement made at the first login is on record');
  });
});
