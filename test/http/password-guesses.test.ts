import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { openDatabase } from '../../src/db/open-database.js';
import type { AccountDatabase } from '../../src/db/user-store.js';
import { Argon2Hasher } from '../../src/passwords/argon2-hasher.js';
import { sha256Hex } from '../../src/services/secrets.js';
import {
  API,
  assertRet,
  drawCaptcha,
  lastSmsCode,
  newPhone,
  newUuid,
  sessionCookie,
  startTestApp,
  testConfig,
  whoAmI,
  type TestApp,
} from '../helpers/app.js';
import { CountingHasher } from '../helpers/fakes.js';

const PASSWORD = 'the owner’s password';
const GUESSES = 300;
const codes = (replies: LightMyRequestResponse[]) =>
  replies.map((r) => (r.json() as { re_code: string }).re_code);
const count = (list: string[], code: string) => list.filter((c) => c === code).length;
/** Addresses from the documentation ranges: a stranger per guess. */
const stranger = (i: number) => `2001:db8::${(i + 1).toString(16)}`;

interface Browser {
  /** The browser's cookies, as it would keep them between requests. */
  cookies: Record<string, string>;
  ip: string;
}

const newBrowser = (ip = '203.0.113.10'): Browser => ({ cookies: {}, ip });

/** A request as a browser makes it: its cookies go out, the cookies set come back into the jar. */
async function send(
  t: TestApp,
  browser: Browser,
  method: 'POST' | 'PUT' | 'GET',
  path: string,
  payload?: object,
): Promise<LightMyRequestResponse> {
  const response = await t.app.inject({
    method,
    url: `${API}${path}`,
    cookies: browser.cookies,
    remoteAddress: browser.ip,
    ...(payload ? { payload } : {}),
  });
  for (const cookie of response.cookies) {
    if (cookie.value === '') delete browser.cookies[cookie.name];
    else browser.cookies[cookie.name] = cookie.value;
  }
  return response;
}

async function smsCodeFor(t: TestApp, browser: Browser, phone: string, purpose: string): Promise<string> {
  const uuid = newUuid();
  const text = await drawCaptcha(t.app, uuid);
  assertRet(await send(t, browser, 'POST', '/smsCode', { phone, img_code_client: text, uuid, purpose }), '0');
  return lastSmsCode(t.app, phone);
}

async function registerIn(t: TestApp, browser: Browser, phone = newPhone()): Promise<string> {
  const code = await smsCodeFor(t, browser, phone, 'register');
  const body = { phone, phone_code: code, password: PASSWORD, password2: PASSWORD };
  assertRet(await send(t, browser, 'POST', '/register', body), '0');
  return phone;
}

const logIn = (t: TestApp, browser: Browser, phone: string, password = PASSWORD) =>
  send(t, browser, 'POST', '/sessions', { phone, password });

describe('every password guess is counted before it is judged', () => {
  let t: TestApp;
  const hasher = new CountingHasher(new Argon2Hasher());
  before(async () => {
    t = await startTestApp({ LOGIN_FAILURES_PER_IP_PER_HOUR: '1000' }, { passwordHasher: hasher });
  });
  after(() => t.close());

  it(`${GUESSES} guesses at once from one address: at most 5 are judged, the right password among them is refused, the rest cost no hash`, async () => {
    const owner = newBrowser();
    const phone = await registerIn(t, owner);
    const attacker = newBrowser('203.0.113.66');
    const before = hasher.verifications;
    const replies = await Promise.all(
      Array.from({ length: GUESSES }, (_, i) =>
        logIn(t, { ...attacker, cookies: {} }, phone, i === GUESSES / 2 ? PASSWORD : `guess ${i}`),
      ),
    );
    const list = codes(replies);
    assert.ok(count(list, '4102') <= 5, list.join(','));
    assert.equal(count(list, '0'), 0, 'the right password arrived after the allowance was spent');
    assert.equal(count(list, '4102') + count(list, '4201'), GUESSES, list.join(','));
    assert.ok(hasher.verifications - before <= 5, `${hasher.verifications - before} hashes`);
    const refused = replies.find((r) => (r.json() as { re_code: string }).re_code === '4201');
    assert.ok(Number(refused?.headers['retry-after']) > 0);
    assertRet(await logIn(t, newBrowser('203.0.113.67'), phone), '4201');
  });

  it(`${GUESSES} guesses at once from ${GUESSES} addresses: still at most 5 are judged`, async () => {
    const phone = await registerIn(t, newBrowser());
    const before = hasher.verifications;
    const list = codes(
      await Promise.all(
        Array.from({ length: GUESSES }, (_, i) =>
          logIn(t, newBrowser(stranger(i)), phone, i === 7 ? PASSWORD : `guess ${i}`),
        ),
      ),
    );
    assert.ok(count(list, '4102') + count(list, '0') <= 5, list.join(','));
    assert.equal(count(list, '4201'), GUESSES - count(list, '4102') - count(list, '0'));
    assert.ok(hasher.verifications - before <= 5);
  });

  it('a right password gives its place back: logging in costs none of the allowance', async () => {
    const phone = await registerIn(t, newBrowser());
    for (let i = 0; i < 10; i++) assertRet(await logIn(t, newBrowser(), phone), '0');
    for (let i = 0; i < 4; i++) assertRet(await logIn(t, newBrowser(), phone, 'wrong'), '4102');
    assertRet(await logIn(t, newBrowser(), phone), '0');
  });
});

describe('the per-address allowance holds under parallel guesses', () => {
  let t: TestApp;
  const hasher = new CountingHasher(new Argon2Hasher());
  before(async () => {
    t = await startTestApp({ LOGIN_FAILURES_PER_IP_PER_HOUR: '20' }, { passwordHasher: hasher });
  });
  after(() => t.close());

  it(`${GUESSES} guesses at once at ${GUESSES} phones from one address: at most 20 are judged, the rest IPERR`, async () => {
    const attacker = newBrowser('198.51.100.23');
    const before = hasher.verifications;
    const replies = await Promise.all(
      Array.from({ length: GUESSES }, () => logIn(t, { ...attacker, cookies: {} }, newPhone(), 'guess')),
    );
    const list = codes(replies);
    assert.ok(count(list, '4102') <= 20, list.join(','));
    assert.equal(count(list, '4102') + count(list, '4202'), GUESSES, list.join(','));
    assert.ok(hasher.verifications - before <= 20);
    const refused = replies.find((r) => (r.json() as { re_code: string }).re_code === '4202');
    assert.ok(Number(refused?.headers['retry-after']) > 0);
  });
});

describe('PUT /passwords: old-password guesses are counted before they are judged', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('60 guesses at once with a stolen session: at most 5 judged, the right old password among them is refused', async () => {
    const owner = newBrowser();
    await registerIn(t, owner);
    // A thief with the session cookie only, not the browser's device mark.
    const thief = { ip: '203.0.113.99', cookies: { session: owner.cookies.session ?? '' } };
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.app.inject({
          method: 'PUT',
          url: `${API}/passwords`,
          cookies: thief.cookies,
          remoteAddress: thief.ip,
          payload: {
            old_password: i === 30 ? PASSWORD : `guess ${i}`,
            password: 'the thief’s password',
            password2: 'the thief’s password',
          },
        }),
      ),
    );
    const list = codes(replies);
    assert.ok(count(list, '4106') <= 5, list.join(','));
    assert.equal(count(list, '0'), 0, list.join(','));
    assert.equal(count(list, '4106') + count(list, '4201'), 60, list.join(','));
  });
});

describe('the lockout never locks the owner out (device marks)', () => {
  let t: TestApp;
  let database: AccountDatabase;
  before(async () => {
    const config = testConfig();
    database = await openDatabase(config);
    t = await startTestApp({}, { database });
  });
  after(async () => {
    await t.close();
    await database.close();
  });

  /** Strangers lock the phone: five wrong passwords from five addresses. */
  async function lockPhone(phone: string): Promise<void> {
    for (let i = 0; i < 5; i++) await logIn(t, newBrowser(stranger(100 + i)), phone, `attack ${i}`);
    assertRet(await logIn(t, newBrowser(stranger(200)), phone), '4201');
  }

  it('registering or logging in leaves a device mark: HttpOnly, SameSite=Lax, only for the API, 30 days, kept only as a hash', async () => {
    const owner = newBrowser();
    const phone = newPhone();
    const code = await smsCodeFor(t, owner, phone, 'register');
    const response = await send(t, owner, 'POST', '/register', {
      phone,
      phone_code: code,
      password: PASSWORD,
      password2: PASSWORD,
    });
    const mark = response.cookies.find((c) => c.name === 'device');
    assert.ok(mark);
    assert.equal(mark.httpOnly, true);
    assert.equal(mark.sameSite, 'Lax');
    assert.equal(mark.path, '/api/1.0');
    assert.equal(mark.maxAge, 30 * 24 * 3600);
    const [secretPart] = mark.value.split('.');
    assert.ok(secretPart);
    const now = t.clock.now();
    assert.ok(await database.findLiveDeviceMark(sha256Hex(secretPart), now), 'its hash is stored');
    assert.equal(await database.findLiveDeviceMark(secretPart, now), null, 'the secret itself is not');
    assert.equal(await database.findLiveDeviceMark(mark.value, now), null);
  });

  it('an attacker from other addresses keeps the phone locked; the owner’s known browser logs in on its first try', async () => {
    const owner = newBrowser();
    const phone = await registerIn(t, owner);
    await lockPhone(phone);
    for (let i = 0; i < 20; i++) await logIn(t, newBrowser(stranger(300 + i)), phone, 'more attack');
    assertRet(await logIn(t, newBrowser(), phone), '4201', 200);
    const response = await logIn(t, owner, phone);
    assertRet(response, '0');
    assertRet(await whoAmI(t.app, sessionCookie(response)), '0');
  });

  it('the owner’s new browser logs in by SMS code while the password is locked, and is known from then on', async () => {
    const phone = await registerIn(t, newBrowser());
    await lockPhone(phone);
    const newOne = newBrowser('203.0.113.200');
    t.clock.advance(61_000); // the SMS resend window of the registration code
    const code = await smsCodeFor(t, newOne, phone, 'login');
    const response = await send(t, newOne, 'POST', '/sessions', { phone, phone_code: code });
    assertRet(response, '0');
    assertRet(await whoAmI(t.app, sessionCookie(response)), '0');
    assertRet(await logIn(t, newOne, phone), '0', 200);
  });

  it('a known device is not kept out by its address’s allowance, which strangers behind the same address spent', async () => {
    const shared = '203.0.113.77'; // a carrier's NAT: the owner and an attacker behind one address
    const owner = newBrowser(shared);
    const phone = await registerIn(t, owner);
    const limited = await startTestApp({ LOGIN_FAILURES_PER_IP_PER_HOUR: '3' }, { database });
    try {
      const ownerThere = { ip: shared, cookies: { ...owner.cookies } };
      for (let i = 0; i < 3; i++)
        assertRet(await logIn(limited, newBrowser(shared), newPhone(), 'attack'), '4102');
      assertRet(await logIn(limited, newBrowser(shared), phone), '4202');
      assertRet(await logIn(limited, ownerThere, phone), '0');
    } finally {
      await limited.close();
    }
  });

  it('a known device has an allowance of its own: its failures lock it, not the phone for others', async () => {
    const owner = newBrowser();
    const phone = await registerIn(t, owner);
    for (let i = 0; i < 5; i++) assertRet(await logIn(t, owner, phone, `typo ${i}`), '4102');
    assertRet(await logIn(t, owner, phone), '4201');
    assertRet(await logIn(t, newBrowser(), phone), '0');
  });

  it('a mark is bound to its account and signed: another account’s mark or a forged one is a stranger', async () => {
    const owner = newBrowser();
    const phone = await registerIn(t, owner);
    const other = newBrowser();
    const otherPhone = await registerIn(t, other);
    await lockPhone(otherPhone);
    assertRet(await logIn(t, { ...owner, cookies: { ...owner.cookies } }, otherPhone), '4201');
    const [nonce] = (owner.cookies.device ?? '').split('.');
    const forged = { ip: owner.ip, cookies: { device: `${nonce}.${'A'.repeat(22)}` } };
    await lockPhone(phone);
    assertRet(await logIn(t, forged, phone), '4201');
    assertRet(await logIn(t, other, otherPhone), '0');
  });

  it('one browser keeps the marks of several accounts', async () => {
    const shared = newBrowser();
    const first = await registerIn(t, shared);
    const second = await registerIn(t, shared);
    await lockPhone(first);
    await lockPhone(second);
    assertRet(await logIn(t, shared, first), '0');
    assertRet(await logIn(t, shared, second), '0');
  });

  it('a password reset forgets every device mark of the account', async () => {
    const owner = newBrowser();
    const phone = await registerIn(t, owner);
    const stolen = { ip: '203.0.113.250', cookies: { device: owner.cookies.device ?? '' } };
    t.clock.advance(61_000);
    const code = await smsCodeFor(t, newBrowser(), phone, 'reset');
    const reset = {
      phone,
      phone_code: code,
      password: 'a brand new password',
      password2: 'a brand new password',
    };
    assertRet(await send(t, newBrowser(), 'POST', '/passwords/reset', reset), '0');
    await lockPhone(phone);
    assertRet(await logIn(t, stolen, phone, 'a brand new password'), '4201');
  });
});

describe('apps keep their device mark in a field (X-Client: app)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const appCall = (path: string, payload: object) =>
    t.app.inject({
      method: 'POST',
      url: `${API}${path}`,
      headers: { 'x-client': 'app' },
      remoteAddress: '203.0.113.30',
      payload,
    });

  it('registration answers device_mark in the body and sets no device cookie; the mark gets the app in while strangers keep the phone locked', async () => {
    const phone = newPhone();
    const code = await smsCodeFor(t, newBrowser('203.0.113.30'), phone, 'register');
    const registered = await appCall('/register', {
      phone,
      phone_code: code,
      password: PASSWORD,
      password2: PASSWORD,
    });
    const body = assertRet(registered, '0');
    assert.equal(typeof body.device_mark, 'string');
    assert.equal(
      registered.cookies.find((c) => c.name === 'device'),
      undefined,
    );
    for (let i = 0; i < 5; i++) await logIn(t, newBrowser(stranger(400 + i)), phone, 'attack');
    assertRet(await appCall('/sessions', { phone, password: PASSWORD }), '4201');
    assertRet(await appCall('/sessions', { phone, password: PASSWORD, device_mark: 'not a mark' }), '4201');
    const loggedIn = assertRet(
      await appCall('/sessions', { phone, password: PASSWORD, device_mark: body.device_mark }),
      '0',
    );
    assert.equal(loggedIn.device_mark, body.device_mark, 'the same mark, renewed');
  });

  it('a browser (no X-Client) never gets the mark in the body, and a device_mark field from it is ignored', async () => {
    const owner = newBrowser();
    const phone = await registerIn(t, owner);
    const response = await logIn(t, owner, phone);
    assert.equal(assertRet(response, '0').device_mark, undefined);
    for (let i = 0; i < 5; i++) await logIn(t, newBrowser(stranger(500 + i)), phone, 'attack');
    const [mark] = (owner.cookies.device ?? '').split('~');
    assertRet(
      await send(t, newBrowser(), 'POST', '/sessions', { phone, password: PASSWORD, device_mark: mark }),
      '4201',
    );
  });
});
