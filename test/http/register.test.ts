import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/db/open-database.js';
import type { AccountDatabase } from '../../src/db/user-store.js';
import { sha256Hex } from '../../src/services/secrets.js';
import {
  assertRet,
  newPhone,
  post,
  registerAccount,
  sendSmsCode,
  sessionCookie,
  startTestApp,
  testConfig,
  whoAmI,
  type TestApp,
} from '../helpers/app.js';

const PASSWORD = 'correct horse';

describe('POST /register', () => {
  let t: TestApp;
  let database: AccountDatabase;
  before(async () => {
    database = await openDatabase(testConfig());
    t = await startTestApp({}, { database });
  });
  after(async () => {
    await t.close();
    await database.close();
  });

  const register = (body: Record<string, unknown>, cookies: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/1.0/register', payload: body, cookies });
  const valid = (phone: string, code: string) => ({
    phone,
    phone_code: code,
    password: PASSWORD,
    password2: PASSWORD,
  });

  it('registers a patient by default, logs them in, and names them by their phone', async () => {
    const phone = newPhone();
    const session = await registerAccount(t.app, phone);
    const body = assertRet(await whoAmI(t.app, session), '0');
    assert.equal(body.msg, '查询成功');
    const user = body.user as Record<string, unknown>;
    assert.equal(typeof user.user_id, 'number');
    assert.deepEqual(user, {
      user_id: user.user_id,
      name: phone,
      phone,
      types: 'patient',
      avatar_url: null,
      age: null,
      address: null,
    });
  });

  it('registers a doctor with types "expert"', async () => {
    const session = await registerAccount(t.app, newPhone(), PASSWORD, 'expert');
    const body = assertRet(await whoAmI(t.app, session), '0');
    assert.equal((body.user as { types: string }).types, 'expert');
  });

  it('rule 9: answers {"re_code":"0","msg":"注册成功"} and sets an HttpOnly SameSite=Lax cookie of ≥128 bits', async () => {
    const phone = newPhone();
    const response = await register(valid(phone, await sendSmsCode(t.app, phone)));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { re_code: '0', msg: '注册成功' });
    const cookie = response.cookies.find((c) => c.name === 'session');
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.equal(cookie.secure, undefined, 'not Secure outside production');
    assert.ok(Buffer.from(cookie.value, 'base64url').length >= 16);
  });

  it('rule 1: each missing or empty field is PARAMERR', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    for (const field of ['phone', 'phone_code', 'password', 'password2']) {
      const missing: Record<string, unknown> = valid(phone, code);
      delete missing[field];
      assertRet(await register(missing), '4103');
      assertRet(await register({ ...valid(phone, code), [field]: '' }), '4103');
    }
    // None of those refusals touched the code.
    assertRet(await register(valid(phone, code)), '0');
  });

  it('rule 2: a phone that is not a mainland mobile number is PARAMERR', async () => {
    for (const phone of [
      '12345678901',
      '2381234567',
      '1381234567a',
      '+1 415 555 0100',
      '１３８１２３４５６７８',
    ]) {
      assertRet(
        await register({ phone, phone_code: '123456', password: PASSWORD, password2: PASSWORD }),
        '4103',
      );
    }
  });

  it('rule 3: types other than patient or expert is PARAMERR', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    for (const types of ['admin', 'doctor', '']) {
      assertRet(await register({ ...valid(phone, code), types }), '4103');
    }
  });

  it('rule 4: a password shorter than 8 or longer than 128 characters is PARAMERR saying the rule', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    for (const password of ['1234567', 'x'.repeat(129)]) {
      const body = assertRet(
        await register({ ...valid(phone, code), password, password2: password }),
        '4103',
      );
      assert.match(String(body.msg), /8.*128/);
    }
    const eight = '密码密码密码密码';
    assertRet(await register({ ...valid(phone, code), password: eight, password2: eight }), '0');
  });

  it('rule 4: PASSWORD_MIN_LENGTH changes the minimum', async () => {
    const strict = await startTestApp({ PASSWORD_MIN_LENGTH: '12' });
    try {
      const phone = newPhone();
      const code = await sendSmsCode(strict.app, phone);
      const body = { phone, phone_code: code, password: 'elevenchars', password2: 'elevenchars' };
      assert.match(String(assertRet(await post(strict.app, '/register', body), '4103').msg), /12/);
    } finally {
      await strict.close();
    }
  });

  it('rule 5: two different passwords are DATAERR', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    assertRet(await register({ ...valid(phone, code), password2: `${PASSWORD}!` }), '4004');
  });

  it('rule 6: no code sent to this phone is NODATA', async () => {
    assertRet(await register(valid(newPhone(), '123456')), '4002');
  });

  it('rule 6: a code older than 300 s is NODATA', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    t.clock.advance(300_000);
    assertRet(await register(valid(phone, code)), '4002');
  });

  it('rule 7: a wrong code is DATAERR; four wrong tries then the right code succeeds', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) assertRet(await register(valid(phone, wrong)), '4004');
    assertRet(await register(valid(phone, code)), '0');
  });

  it('rule 7: the fifth wrong try invalidates the code, so the right code is then NODATA', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) assertRet(await register(valid(phone, wrong)), '4004');
    assertRet(await register(valid(phone, code)), '4002');
  });

  it('rule 7: a new code gives a new five tries', async () => {
    const phone = newPhone();
    const first = await sendSmsCode(t.app, phone);
    const wrong = first === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) assertRet(await register(valid(phone, wrong)), '4004');
    t.clock.advance(60_000);
    const second = await sendSmsCode(t.app, phone);
    assertRet(await register(valid(phone, second)), '0');
  });

  it('rule 8: a phone registered meanwhile is DATAEXIST', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    const now = t.clock.now();
    const session = { idHash: sha256Hex(`seeded ${phone}`), createdAt: now, lastUsedAt: now };
    await database.createUser(
      { phone, passwordHash: 'x', name: phone, types: 'patient', createdAt: now },
      { ...session, expiresAt: now + 1000, ip: null, userAgent: null },
    );
    assertRet(await register(valid(phone, code)), '4003');
  });

  it('rule 9: the code is single use: registering again with it is NODATA', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    assertRet(await register(valid(phone, code)), '0');
    assertRet(await register(valid(phone, code)), '4002');
  });

  it('rule 9: a session the client already had is replaced by a new id and destroyed', async () => {
    const old = await registerAccount(t.app, newPhone());
    const phone = newPhone();
    const response = await register(valid(phone, await sendSmsCode(t.app, phone)), { session: old });
    assertRet(response, '0');
    const fresh = sessionCookie(response);
    assert.ok(fresh);
    assert.notEqual(fresh, old);
    assertRet(await whoAmI(t.app, old), '4101');
    assertRet(await whoAmI(t.app, fresh), '0');
  });

  it('checks the rules in the contract’s order', async () => {
    // 2 before 4: a bad phone with a short password speaks of the phone.
    const badPhone = assertRet(
      await register({ phone: '123', phone_code: '1', password: 'x', password2: 'y' }),
      '4103',
    );
    assert.match(String(badPhone.msg), /手机号/);
    // 4 before 5: a short password that also differs from password2 is PARAMERR.
    assertRet(
      await register({ ...valid(newPhone(), '123456'), password: 'short', password2: 'other' }),
      '4103',
    );
    // 5 before 6: different passwords without any code sent are DATAERR, not NODATA.
    assertRet(await register({ ...valid(newPhone(), '123456'), password2: 'something else' }), '4004');
    // 7 before 8: a wrong code for a registered phone is DATAERR, not DATAEXIST.
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    const now = t.clock.now();
    await database.createUser(
      { phone, passwordHash: 'x', name: phone, types: 'patient', createdAt: now },
      {
        idHash: sha256Hex(`order ${phone}`),
        createdAt: now,
        lastUsedAt: now,
        expiresAt: now,
        ip: null,
        userAgent: null,
      },
    );
    assertRet(await register(valid(phone, code === '000000' ? '111111' : '000000')), '4004');
    assertRet(await register(valid(phone, code)), '4003');
  });

  it('two concurrent registrations of one phone create exactly one account', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    const replies = await Promise.all(Array.from({ length: 10 }, () => register(valid(phone, code))));
    const codes = replies.map((r) => r.json().re_code as string);
    assert.equal(codes.filter((c) => c === '0').length, 1, codes.join(','));
    for (const c of codes.filter((c) => c !== '0')) assert.ok(c === '4003' || c === '4002', c);
  });
});

describe('PHONE_REGIONS beyond the mainland', () => {
  it('registers and logs in a Hong Kong mobile number in E.164, and still refuses other regions', async () => {
    const t = await startTestApp({ PHONE_REGIONS: 'CN,HK' });
    try {
      const phone = '+85261234567';
      const session = await registerAccount(t.app, phone, PASSWORD);
      const me = assertRet(await whoAmI(t.app, session), '0');
      assert.equal((me.user as { phone: string }).phone, phone);
      assertRet(await post(t.app, '/sessions', { phone, password: PASSWORD }), '0');
      assertRet(await post(t.app, '/sessions', { phone: '+14155550100', password: PASSWORD }), '4103');
    } finally {
      await t.close();
    }
  });
});
