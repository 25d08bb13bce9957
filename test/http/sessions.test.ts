import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Argon2Hasher } from '../../src/passwords/argon2-hasher.js';
import {
  API,
  assertRet,
  newPhone,
  post,
  registerAccount,
  sessionCookie,
  startTestApp,
  whoAmI,
  type TestApp,
} from '../helpers/app.js';
import { CountingHasher } from '../helpers/fakes.js';

const PASSWORD = 'correct horse';

describe('POST /sessions (log in)', () => {
  let t: TestApp;
  const hasher = new CountingHasher(new Argon2Hasher());
  before(async () => {
    t = await startTestApp({}, { passwordHasher: hasher });
  });
  after(() => t.close());

  const logIn = (phone: string, password: string, cookies: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: `${API}/sessions`, payload: { phone, password }, cookies });

  it('logs in with {"re_code":"0","msg":"登陆成功"} and a session that GET /users accepts', async () => {
    const phone = newPhone();
    await registerAccount(t.app, phone, PASSWORD);
    const response = await logIn(phone, PASSWORD);
    assert.deepEqual(response.json(), { re_code: '0', msg: '登陆成功' });
    const session = sessionCookie(response);
    const me = assertRet(await whoAmI(t.app, session), '0');
    assert.equal((me.user as { phone: string }).phone, phone);
  });

  it('accepts the phone with +86 in front', async () => {
    const phone = newPhone();
    await registerAccount(t.app, phone, PASSWORD);
    assertRet(await logIn(`+86${phone}`, PASSWORD), '0');
  });

  it('a missing field or a badly formed phone is PARAMERR', async () => {
    assertRet(await post(t.app, '/sessions', { phone: newPhone() }), '4103');
    assertRet(await post(t.app, '/sessions', { password: PASSWORD }), '4103');
    assertRet(await logIn('1234', PASSWORD), '4103');
    assertRet(await logIn(newPhone(), ''), '4103');
  });

  it('gives an unknown phone and a wrong password the same LOGINERR reply, both after a hash check', async () => {
    const phone = newPhone();
    await registerAccount(t.app, phone, PASSWORD);
    const before = hasher.verifications;
    const wrong = await logIn(phone, 'not the password');
    const unknown = await logIn(newPhone(), 'not the password');
    assert.deepEqual(wrong.json(), unknown.json());
    assertRet(wrong, '4102');
    assert.equal(hasher.verifications - before, 2, 'an unknown phone costs a password hash like a known one');
  });

  it('issues a new session id at every login and destroys the one the client presented', async () => {
    const phone = newPhone();
    const registered = await registerAccount(t.app, phone, PASSWORD);
    const first = sessionCookie(await logIn(phone, PASSWORD, { session: registered }));
    const second = sessionCookie(await logIn(phone, PASSWORD));
    assert.ok(first && second);
    assert.notEqual(first, registered);
    assert.notEqual(first, second);
    assertRet(await whoAmI(t.app, registered), '4101');
    assertRet(await whoAmI(t.app, first), '0');
    assertRet(await whoAmI(t.app, second), '0');
  });

  it('never adopts a session id the client made up (fixation)', async () => {
    const phone = newPhone();
    await registerAccount(t.app, phone, PASSWORD);
    const planted = 'attacker-chosen-session-id-0123456789';
    const session = sessionCookie(await logIn(phone, PASSWORD, { session: planted }));
    assert.notEqual(session, planted);
    assertRet(await whoAmI(t.app, planted), '4101');
  });

  it('after 5 failures in 10 minutes, even the right password is REQERR with Retry-After until the window passes', async () => {
    const phone = newPhone();
    await registerAccount(t.app, phone, PASSWORD);
    for (let i = 0; i < 5; i++) assertRet(await logIn(phone, 'wrong password'), '4102');
    const locked = await logIn(phone, PASSWORD);
    assertRet(locked, '4201');
    // Over Redis, real time passes too (its clock is its own), so allow a few seconds of it.
    const wait = Number(locked.headers['retry-after']);
    assert.ok(wait > 590 && wait <= 600, `Retry-After ${wait}`);
    t.clock.advance(590_000);
    assertRet(await logIn(phone, PASSWORD), '4201');
    t.clock.advance(10_000);
    assertRet(await logIn(phone, PASSWORD), '0');
  });

  it('counts failures for unknown phones too, so guessing cannot tell them apart', async () => {
    const phone = newPhone();
    for (let i = 0; i < 5; i++) assertRet(await logIn(phone, 'wrong password'), '4102');
    assertRet(await logIn(phone, 'wrong password'), '4201');
  });

  it('four failures do not lock the account', async () => {
    const phone = newPhone();
    await registerAccount(t.app, phone, PASSWORD);
    for (let i = 0; i < 4; i++) assertRet(await logIn(phone, 'wrong password'), '4102');
    assertRet(await logIn(phone, PASSWORD), '0');
  });
});

describe('DELETE /sessions (log out) and GET /users', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const logOut = (session?: string) =>
    t.app.inject({ method: 'DELETE', url: `${API}/sessions`, cookies: session ? { session } : {} });

  it('without a session both are SESSIONERR', async () => {
    assertRet(await logOut(), '4101');
    assertRet(await logOut('no-such-session'), '4101');
    assertRet(await whoAmI(t.app, undefined), '4101');
    assertRet(await whoAmI(t.app, 'x'.repeat(5000)), '4101');
  });

  it('logs out with {"re_code":"0","msg":"退出成功"}, clears the cookie, and the old value is worthless', async () => {
    const session = await registerAccount(t.app, newPhone());
    const response = await logOut(session);
    assert.deepEqual(response.json(), { re_code: '0', msg: '退出成功' });
    const cleared = response.cookies.find((c) => c.name === 'session');
    assert.ok(cleared);
    assert.equal(cleared.value, '');
    assert.ok(cleared.expires !== undefined && cleared.expires.getTime() <= Date.now());
    assertRet(await whoAmI(t.app, session), '4101');
    assertRet(await logOut(session), '4101');
  });

  it('logging out one session leaves the same person’s other sessions alone', async () => {
    const phone = newPhone();
    const first = await registerAccount(t.app, phone, PASSWORD);
    const second = sessionCookie(await post(t.app, '/sessions', { phone, password: PASSWORD }));
    assertRet(await logOut(first), '0');
    assertRet(await whoAmI(t.app, second), '0');
  });

  it('a session lives one hour without use', async () => {
    const session = await registerAccount(t.app, newPhone());
    t.clock.advance(3_599_000);
    assertRet(await whoAmI(t.app, session), '0');
    const idle = await registerAccount(t.app, newPhone());
    t.clock.advance(3_600_000);
    assertRet(await whoAmI(t.app, idle), '4101');
  });

  it('is renewed on use, and the cookie is sent again with the new lifetime', async () => {
    const session = await registerAccount(t.app, newPhone());
    for (let i = 0; i < 3; i++) {
      t.clock.advance(50 * 60_000);
      const response = await whoAmI(t.app, session);
      assertRet(response, '0');
      const renewed = response.cookies.find((c) => c.name === 'session');
      assert.equal(renewed?.value, session);
      assert.equal(renewed?.maxAge, 3600);
    }
  });

  it('SESSION_TTL_SECONDS changes the lifetime', async () => {
    const short = await startTestApp({ SESSION_TTL_SECONDS: '120' });
    try {
      const session = await registerAccount(short.app, newPhone());
      short.clock.advance(121_000);
      assertRet(await whoAmI(short.app, session), '4101');
    } finally {
      await short.close();
    }
  });
});
