import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  API,
  assertRet,
  drawCaptcha,
  newPhone,
  newUuid,
  post,
  registerAccount,
  sendSmsCode,
  startTestApp,
  type TestApp,
} from '../helpers/app.js';

async function askForCode(t: TestApp, phone: string, headers: Record<string, string> = {}) {
  const uuid = newUuid();
  const text = await drawCaptcha(t.app, uuid);
  return post(t.app, '/smsCode', { phone, img_code_client: text, uuid }, headers);
}

async function withApp(env: Record<string, string>, body: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await startTestApp(env);
  try {
    await body(t);
  } finally {
    await t.close();
  }
}

describe('abuse quotas', () => {
  it('SMS per phone: five an hour, then REQERR with Retry-After until the hour ends', () =>
    withApp({}, async (t) => {
      const phone = newPhone();
      for (let i = 0; i < 5; i++) {
        assertRet(await askForCode(t, phone), '0');
        t.clock.advance(61_000);
      }
      const refused = await askForCode(t, phone);
      assertRet(refused, '4201');
      const wait = Number(refused.headers['retry-after']);
      assert.ok(wait > 0 && wait <= 3600 - 4 * 61, `Retry-After ${wait}`);
      t.clock.advance(wait * 1000);
      assertRet(await askForCode(t, phone), '0');
    }));

  it('SMS for the whole deployment: past SMS_GLOBAL_PER_HOUR nothing is sent, and it is logged as an error', async () => {
    const lines: string[] = [];
    const t = await startTestApp(
      // Sign-up codes alone may use the whole budget here (SMS_REGISTER_SHARE=1): this is the global limit's test.
      { SMS_GLOBAL_PER_HOUR: '3', SMS_REGISTER_SHARE: '1', LOG_LEVEL: 'error' },
      { logStream: { write: (line) => lines.push(line) } },
    );
    try {
      for (let i = 0; i < 3; i++) assertRet(await askForCode(t, newPhone()), '0');
      const refused = await askForCode(t, newPhone());
      assertRet(refused, '4201');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      assert.ok(lines.some((line) => /"level":50/.test(line) && /SMS_GLOBAL_PER_HOUR/.test(line)));
      t.clock.advance(3600_000);
      assertRet(await askForCode(t, newPhone()), '0');
    } finally {
      await t.close();
    }
  });

  it('captcha images per address: past CAPTCHA_PER_IP_PER_MINUTE the reply is JSON IPERR with Retry-After', () =>
    withApp({ CAPTCHA_PER_IP_PER_MINUTE: '5' }, async (t) => {
      const get = () => t.app.inject({ method: 'GET', url: `${API}/imageCode?uuid=${newUuid()}` });
      for (let i = 0; i < 5; i++) assert.equal((await get()).headers['content-type'], 'image/jpeg');
      const refused = await get();
      assertRet(refused, '4202');
      assert.ok(Number(refused.headers['retry-after']) <= 60);
      t.clock.advance(60_000);
      assert.equal((await get()).headers['content-type'], 'image/jpeg');
    }));

  it('failed logins per address: past LOGIN_FAILURES_PER_IP_PER_HOUR every login from it is IPERR', () =>
    withApp({ LOGIN_FAILURES_PER_IP_PER_HOUR: '6' }, async (t) => {
      const phone = newPhone();
      await registerAccount(t.app, phone, 'the password');
      for (let i = 0; i < 6; i++)
        assertRet(await post(t.app, '/sessions', { phone: newPhone(), password: 'guess' }), '4102');
      const refused = await post(t.app, '/sessions', { phone, password: 'the password' });
      assertRet(refused, '4202');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      t.clock.advance(3600_000);
      assertRet(await post(t.app, '/sessions', { phone, password: 'the password' }), '0');
    }));

  it('wrong SMS-code guesses per phone per hour: new codes do not buy new guesses past the hourly limit', () =>
    withApp({}, async (t) => {
      const phone = newPhone();
      const register = (code: string) =>
        post(t.app, '/register', { phone, phone_code: code, password: 'password1', password2: 'password1' });
      const wrong = (code: string) => (code === '000000' ? '111111' : '000000');
      const first = await sendSmsCode(t.app, phone);
      for (let i = 0; i < 5; i++) assertRet(await register(wrong(first)), '4004');
      t.clock.advance(61_000);
      const second = await sendSmsCode(t.app, phone);
      for (let i = 0; i < 5; i++) assertRet(await register(wrong(second)), '4004');
      t.clock.advance(61_000);
      const third = await sendSmsCode(t.app, phone);
      const refused = await register(third);
      assertRet(refused, '4201');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      t.clock.advance(3600_000);
      const fourth = await sendSmsCode(t.app, phone);
      assertRet(await register(fourth), '0');
    }));

  it('wrong SMS-code guesses per phone per hour are counted before they are judged: 50 at once, at most the limit judged', () =>
    withApp({ SMS_CODE_GUESSES_PER_PHONE_PER_HOUR: '3' }, async (t) => {
      const phone = newPhone();
      const code = await sendSmsCode(t.app, phone);
      const wrong = code === '000000' ? '111111' : '000000';
      const body = { phone, phone_code: wrong, password: 'password1', password2: 'password1' };
      const replies = await Promise.all(Array.from({ length: 50 }, () => post(t.app, '/register', body)));
      const codes = replies.map((r) => (r.json() as { re_code: string }).re_code);
      // Five tries of the code are counted, of which the hourly allowance lets three be judged.
      assert.ok(codes.filter((c) => c === '4004').length <= 3, codes.join(','));
      assert.ok(codes.includes('4201'), codes.join(','));
    }));

  it('the client address is the socket’s unless TRUST_PROXY names the proxy', async () => {
    const spoofed = { 'x-forwarded-for': '203.0.113.7' };
    await withApp({ SMS_PER_IP_PER_HOUR: '1' }, async (t) => {
      assertRet(await askForCode(t, newPhone(), spoofed), '0');
      // The header is not believed: the second request is the same address, over quota.
      assertRet(await askForCode(t, newPhone(), { 'x-forwarded-for': '198.51.100.9' }), '4202');
    });
    await withApp({ SMS_PER_IP_PER_HOUR: '1', TRUST_PROXY: '127.0.0.1' }, async (t) => {
      assertRet(await askForCode(t, newPhone(), spoofed), '0');
      // Behind a trusted proxy, each forwarded client has its own quota.
      assertRet(await askForCode(t, newPhone(), { 'x-forwarded-for': '198.51.100.9' }), '0');
      assertRet(await askForCode(t, newPhone(), spoofed), '4202');
    });
  });
});
