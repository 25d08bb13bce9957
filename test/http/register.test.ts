import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  assertRet,
  newPhone,
  post,
  registerAccount,
  sendSmsCode,
  sessionCookie,
  startTestApp,
  whoAmI,
  type TestApp,
} from '../helpers/app.js';

describe('POST /register', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('registers a patient by default, logs them in, and names them by their phone', async () => {
    const phone = newPhone();
    const session = await registerAccount(t.app, phone);
    const body = assertRet(await whoAmI(t.app, session), '0');
    assert.equal(body.msg, '查询成功');
    assert.deepEqual(body.user, {
      user_id: (body.user as { user_id: number }).user_id,
      name: phone,
      phone,
      types: 'patient',
      avatar_url: null,
      age: null,
      address: null,
    });
  });

  it('answers exactly {"re_code":"0","msg":"注册成功"} with an HttpOnly SameSite=Lax session cookie', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    const response = await post(t.app, '/register', {
      phone,
      phone_code: code,
      password: 'abcdefgh',
      password2: 'abcdefgh',
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { re_code: '0', msg: '注册成功' });
    const cookie = response.cookies.find((c) => c.name === 'session');
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.ok(Buffer.from(cookie.value, 'base64url').length >= 16, 'at least 128 bits');
    assert.notEqual(sessionCookie(response), undefined);
  });
});
