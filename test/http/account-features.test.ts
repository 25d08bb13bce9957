import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import {
  API,
  assertRet,
  drawCaptcha,
  lastSmsCode,
  newPhone,
  newUuid,
  post,
  registerAccount,
  sessionCookie,
  startTestApp,
  whoAmI,
  type TestApp,
} from '../helpers/app.js';
import { RecordingSmsSender } from '../helpers/fakes.js';
import { PRODUCTION_TOKEN_ENV } from '../helpers/production-env.js';

const PASSWORD = 'the first password';
const NEW_PASSWORD = 'the second password';

async function askForCode(t: TestApp, phone: string, purpose?: string) {
  const uuid = newUuid();
  const text = await drawCaptcha(t.app, uuid);
  return post(t.app, '/smsCode', { phone, img_code_client: text, uuid, ...(purpose ? { purpose } : {}) });
}

const call = (
  t: TestApp,
  method: 'GET' | 'PUT' | 'DELETE' | 'POST',
  path: string,
  session?: string,
  payload?: object,
) =>
  t.app.inject({
    method,
    url: `${API}${path}`,
    cookies: session ? { session } : {},
    ...(payload ? { payload } : {}),
  });

const logIn = async (t: TestApp, phone: string, password = PASSWORD) => {
  const response = await post(t.app, '/sessions', { phone, password });
  assertRet(response, '0');
  return sessionCookie(response) ?? '';
};

describe('account features', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ SMS_PER_PHONE_PER_HOUR: '100', SMS_PER_PHONE_PER_DAY: '100' });
  });
  after(() => t.close());
  const nextMinute = () => t.clock.advance(61_000);

  describe('SMS-code purposes', () => {
    it('login and reset codes go only to registered phones: USERERR otherwise, after the captcha is spent', async () => {
      for (const purpose of ['login', 'reset']) {
        const uuid = newUuid();
        const text = await drawCaptcha(t.app, uuid);
        const phone = newPhone();
        assertRet(await post(t.app, '/smsCode', { phone, img_code_client: text, uuid, purpose }), '4104');
        assertRet(await post(t.app, '/smsCode', { phone, img_code_client: text, uuid, purpose }), '4002');
      }
      assertRet(await askForCode(t, newPhone(), 'other'), '4103');
    });

    it('a code sent for one purpose is not accepted for another', async () => {
      const phone = newPhone();
      await registerAccount(t.app, phone, PASSWORD);
      nextMinute();
      assertRet(await askForCode(t, phone, 'reset'), '0');
      const resetCode = await lastSmsCode(t.app, phone);
      assertRet(await post(t.app, '/sessions', { phone, phone_code: resetCode }), '4002');
      const body = { phone, phone_code: resetCode, password: NEW_PASSWORD, password2: NEW_PASSWORD };
      assertRet(await post(t.app, '/passwords/reset', body), '0');
    });
  });

  describe('logging in with an SMS code', () => {
    it('logs in with a login code, once; a wrong one is DATAERR; password and code together are PARAMERR', async () => {
      const phone = newPhone();
      await registerAccount(t.app, phone, PASSWORD);
      nextMinute();
      assertRet(await askForCode(t, phone, 'login'), '0');
      const code = await lastSmsCode(t.app, phone);
      assertRet(await post(t.app, '/sessions', { phone, phone_code: code, password: PASSWORD }), '4103');
      assertRet(await post(t.app, '/sessions', { phone }), '4103');
      assertRet(
        await post(t.app, '/sessions', { phone, phone_code: code === '000000' ? '111111' : '000000' }),
        '4004',
      );
      const response = await post(t.app, '/sessions', { phone, phone_code: code });
      assert.deepEqual(response.json(), { re_code: '0', msg: '登陆成功' });
      assertRet(await whoAmI(t.app, sessionCookie(response)), '0');
      assertRet(await post(t.app, '/sessions', { phone, phone_code: code }), '4002');
    });
  });

  describe('passwords', () => {
    it('a reset sets the new password and ends every session of that person', async () => {
      const phone = newPhone();
      const first = await registerAccount(t.app, phone, PASSWORD);
      const second = await logIn(t, phone);
      nextMinute();
      assertRet(await askForCode(t, phone, 'reset'), '0');
      const code = await lastSmsCode(t.app, phone);
      const mismatch = { phone, phone_code: code, password: NEW_PASSWORD, password2: 'something else' };
      assertRet(await post(t.app, '/passwords/reset', mismatch), '4004');
      const body = { phone, phone_code: code, password: NEW_PASSWORD, password2: NEW_PASSWORD };
      const response = await post(t.app, '/passwords/reset', body);
      assert.deepEqual(response.json(), { re_code: '0', msg: '密码重置成功' });
      assertRet(await whoAmI(t.app, first), '4101');
      assertRet(await whoAmI(t.app, second), '4101');
      assertRet(await post(t.app, '/sessions', { phone, password: PASSWORD }), '4102');
      await logIn(t, phone, NEW_PASSWORD);
      assertRet(await post(t.app, '/passwords/reset', body), '4002');
    });

    it('a change needs the old password (PWDERR, counted toward the lockout) and ends every other session', async () => {
      const phone = newPhone();
      const current = await registerAccount(t.app, phone, PASSWORD);
      const other = await logIn(t, phone);
      const change = (old: string) =>
        call(t, 'PUT', '/passwords', current, {
          old_password: old,
          password: NEW_PASSWORD,
          password2: NEW_PASSWORD,
        });
      assertRet(
        await call(t, 'PUT', '/passwords', undefined, {
          old_password: PASSWORD,
          password: NEW_PASSWORD,
          password2: NEW_PASSWORD,
        }),
        '4101',
      );
      assertRet(await change('not the password'), '4106');
      const response = await change(PASSWORD);
      assert.deepEqual(response.json(), { re_code: '0', msg: '密码修改成功' });
      assertRet(await whoAmI(t.app, current), '0');
      assertRet(await whoAmI(t.app, other), '4101');
      await logIn(t, phone, NEW_PASSWORD);

      for (let i = 0; i < 4; i++) assertRet(await change('still not it'), '4106');
      const locked = await change(NEW_PASSWORD);
      assertRet(locked, '4201');
      assert.ok(Number(locked.headers['retry-after']) > 0);
    });
  });

  describe('profiles and doctors', () => {
    it('a person edits name, age and address within bounds; only doctors have major and grade', async () => {
      const session = await registerAccount(t.app, newPhone(), PASSWORD);
      const edit = (body: object) => call(t, 'PUT', '/users', session, body);
      const saved = assertRet(await edit({ name: ' 张三 ', age: '35', address: '北京市海淀区' }), '0');
      assert.deepEqual(
        [(saved.user as { name: string }).name, (saved.user as { age: number }).age],
        ['张三', 35],
      );
      const me = assertRet(await whoAmI(t.app, session), '0');
      assert.equal((me.user as { address: string }).address, '北京市海淀区');
      for (const body of [
        { name: '' },
        { name: '名'.repeat(33) },
        { age: '151' },
        { age: '3.5' },
        { age: 35 },
      ]) {
        assertRet(await edit(body), '4103');
      }
      assertRet(await edit({ major: '心内科' }), '4105');
      assertRet(await call(t, 'PUT', '/users', undefined, { name: 'x' }), '4101');
    });

    it('a doctor starts pending: can log in and edit, but is listed only once an admin approves', async () => {
      const doctorPhone = newPhone();
      const doctor = await registerAccount(t.app, doctorPhone, PASSWORD, 'expert');
      const me = assertRet(await whoAmI(t.app, doctor), '0');
      assert.equal((me.account as { expert_status: string }).expert_status, 'pending');
      assertRet(
        await call(t, 'PUT', '/users', doctor, { name: '李医生', major: '心内科', grade: 'professor' }),
        '0',
      );
      assertRet(await call(t, 'PUT', '/users', doctor, { grade: 'intern' }), '4103');
      const id = (me.user as { user_id: number }).user_id;
      assertRet(await call(t, 'GET', `/experts/${id}`), '4002');

      const patient = await registerAccount(t.app, newPhone(), PASSWORD);
      assertRet(await call(t, 'PUT', `/admin/users/${id}`, patient, { action: 'approve' }), '4105');
      const adminPhone = newPhone();
      const admin = await registerAccount(t.app, adminPhone, PASSWORD);
      const adminId = (assertRet(await whoAmI(t.app, admin), '0').user as { user_id: number }).user_id;
      assert.ok((await t.app.services.admin.setRole(adminId, 'admin')).ok);
      assertRet(await call(t, 'PUT', `/admin/users/${id}`, admin, { action: 'approve' }), '0');

      const shown = assertRet(await call(t, 'GET', `/experts/${id}`), '0');
      assert.deepEqual(shown.expert, {
        user_id: id,
        name: '李医生',
        avatar_url: null,
        major: '心内科',
        grade: 'professor',
      });
      const list = assertRet(await call(t, 'GET', '/experts?page=1&count=50'), '0');
      assert.ok((list.data as { user_id: number }[]).some((e) => e.user_id === id));
      for (const key of ['current_page', 'pages', 'total', 'has_next']) assert.ok(key in list, key);
      assertRet(await call(t, 'GET', '/experts?count=0'), '4103');
    });

    it('a doctor who never chose a name is listed with an empty name, never their phone (publicly or to an admin)', async () => {
      const doctorPhone = newPhone();
      const doctor = await registerAccount(t.app, doctorPhone, PASSWORD, 'expert');
      const id = (assertRet(await whoAmI(t.app, doctor), '0').user as { user_id: number }).user_id;
      const admin = await registerAccount(t.app, newPhone(), PASSWORD);
      const adminId = (assertRet(await whoAmI(t.app, admin), '0').user as { user_id: number }).user_id;
      assert.ok((await t.app.services.admin.setRole(adminId, 'admin')).ok);
      const found = assertRet(await call(t, 'GET', `/admin/users?phone=${doctorPhone}`, admin), '0');
      const listed = found.data as { user_id: number; name: string; phone: string }[];
      assert.deepEqual(
        listed.map(({ user_id, name, phone }) => ({ user_id, name, phone })),
        [{ user_id: id, name: '', phone: `${doctorPhone.slice(0, 3)}****${doctorPhone.slice(-4)}` }],
      );
      assertRet(await call(t, 'PUT', `/admin/users/${id}`, admin, { action: 'approve' }), '0');
      const shown = assertRet(await call(t, 'GET', `/experts/${id}`), '0');
      assert.equal((shown.expert as { name: string }).name, '');
      const list = assertRet(await call(t, 'GET', '/experts?page=1&count=50'), '0');
      assert.doesNotMatch(JSON.stringify(list), new RegExp(doctorPhone));
      // Once they choose one, it is shown.
      assertRet(await call(t, 'PUT', '/users', doctor, { name: '赵医生' }), '0');
      const named = assertRet(await call(t, 'GET', `/experts/${id}`), '0');
      assert.equal((named.expert as { name: string }).name, '赵医生');
    });

    it('an admin disables an account: its sessions end and it cannot log in (USERERR) until enabled', async () => {
      const phone = newPhone();
      const session = await registerAccount(t.app, phone, PASSWORD);
      const id = (assertRet(await whoAmI(t.app, session), '0').user as { user_id: number }).user_id;
      const admin = await registerAccount(t.app, newPhone(), PASSWORD);
      const adminId = (assertRet(await whoAmI(t.app, admin), '0').user as { user_id: number }).user_id;
      await t.app.services.admin.setRole(adminId, 'admin');
      const disabled = assertRet(
        await call(t, 'PUT', `/admin/users/${id}`, admin, { action: 'disable' }),
        '0',
      );
      assert.equal((disabled.user as { disabled: boolean }).disabled, true);
      assertRet(await whoAmI(t.app, session), '4101');
      assertRet(await post(t.app, '/sessions', { phone, password: PASSWORD }), '4104');
      assertRet(await call(t, 'PUT', `/admin/users/${id}`, admin, { action: 'enable' }), '0');
      await logIn(t, phone);
      assertRet(await call(t, 'PUT', `/admin/users/${id}`, admin, { action: 'approve' }), '4105');
    });

    it('an admin cannot disable their own account (DATAERR, saying why), but may disable another admin', async () => {
      const adminPhone = newPhone();
      const admin = await registerAccount(t.app, adminPhone, PASSWORD);
      const adminId = (assertRet(await whoAmI(t.app, admin), '0').user as { user_id: number }).user_id;
      assert.ok((await t.app.services.admin.setRole(adminId, 'admin')).ok);
      const refused = assertRet(
        await call(t, 'PUT', `/admin/users/${adminId}`, admin, { action: 'disable' }),
        '4004',
      );
      assert.equal(refused.msg, '不能停用自己的账号');
      const english = await t.app.inject({
        method: 'PUT',
        url: `${API}/admin/users/${adminId}`,
        cookies: { session: admin },
        headers: { 'accept-language': 'en' },
        payload: { action: 'disable' },
      });
      assert.equal(assertRet(english, '4004').msg, 'You cannot disable your own account');
      assertRet(await whoAmI(t.app, admin), '0');
      await logIn(t, adminPhone);

      const other = await registerAccount(t.app, newPhone(), PASSWORD);
      const otherId = (assertRet(await whoAmI(t.app, other), '0').user as { user_id: number }).user_id;
      assert.ok((await t.app.services.admin.setRole(otherId, 'admin')).ok);
      assertRet(await call(t, 'PUT', `/admin/users/${otherId}`, admin, { action: 'disable' }), '0');
      assertRet(await whoAmI(t.app, other), '4101');
    });
  });

  describe('sessions', () => {
    it('lists one’s sessions, ends one by its id, and ends all the others', async () => {
      const phone = newPhone();
      const first = await registerAccount(t.app, phone, PASSWORD);
      const second = await logIn(t, phone);
      const third = await logIn(t, phone);
      const listed = assertRet(await call(t, 'GET', '/sessions', first), '0').sessions as {
        id: string;
        current: boolean;
        user_agent: string | null;
        kind: string;
      }[];
      assert.equal(listed.length, 3);
      assert.deepEqual(
        listed.map((s) => s.kind),
        ['browser', 'browser', 'browser'],
      );
      assert.equal(listed.filter((s) => s.current).length, 1);
      assert.ok(listed.every((s) => /^[0-9a-f]{16}$/.test(s.id)));
      assert.ok(
        listed.every((s) => !JSON.stringify(s).includes(first) && !JSON.stringify(s).includes(second)),
      );

      const notCurrent = listed.find((s) => !s.current);
      assertRet(await call(t, 'DELETE', `/sessions/${notCurrent?.id}`, first), '0');
      assertRet(await call(t, 'DELETE', `/sessions/${notCurrent?.id}`, first), '4002');
      assert.equal(
        (assertRet(await call(t, 'GET', '/sessions', first), '0').sessions as unknown[]).length,
        2,
      );

      assertRet(await call(t, 'DELETE', '/sessions?scope=others', first), '0');
      assertRet(await whoAmI(t.app, first), '0');
      assertRet(await whoAmI(t.app, second), '4101');
      assertRet(await whoAmI(t.app, third), '4101');
      assertRet(await call(t, 'GET', '/sessions'), '4101');
    });

    it('cannot end someone else’s session', async () => {
      const mine = await registerAccount(t.app, newPhone(), PASSWORD);
      const theirs = await registerAccount(t.app, newPhone(), PASSWORD);
      const theirId = (
        assertRet(await call(t, 'GET', '/sessions', theirs), '0').sessions as { id: string }[]
      )[0]?.id;
      assertRet(await call(t, 'DELETE', `/sessions/${theirId}`, mine), '4002');
      assertRet(await whoAmI(t.app, theirs), '0');
    });
  });

  describe('the audit log', () => {
    it('records register, logins, logout and password changes; a person sees their own, admins see all', async () => {
      const phone = newPhone();
      const session = await registerAccount(t.app, phone, PASSWORD);
      assertRet(await post(t.app, '/sessions', { phone, password: 'wrong!!!' }), '4102');
      const again = await logIn(t, phone);
      await call(t, 'PUT', '/passwords', again, {
        old_password: PASSWORD,
        password: NEW_PASSWORD,
        password2: NEW_PASSWORD,
      });
      assertRet(await call(t, 'DELETE', '/sessions', again), '0');
      // The password change ended the registration's session.
      assertRet(await call(t, 'GET', '/audit?count=50', session), '4101');
      const fresh = await logIn(t, phone, NEW_PASSWORD);
      const page = assertRet(await call(t, 'GET', '/audit?count=50', fresh), '0');
      const entries = page.data as {
        action: string;
        outcome: string;
        phone: string;
        ip: string;
        at: string;
      }[];
      const seen = entries.map((e) => `${e.action}:${e.outcome}`);
      for (const expected of [
        'login:success',
        'logout:success',
        'password_change:success',
        'login:wrong_password',
        'register:success',
      ]) {
        assert.ok(seen.includes(expected), `${expected} in ${seen.join(', ')}`);
      }
      assert.equal(seen[0], 'login:success', 'newest first');
      assert.ok(
        entries.every((e) => e.phone === null || /\*\*\*\*/.test(e.phone)),
        'phones are masked',
      );
      assert.ok(entries.every((e) => !Number.isNaN(Date.parse(e.at))));
      assertRet(await call(t, 'GET', '/audit?scope=all', fresh), '4105');
      const id = (assertRet(await whoAmI(t.app, fresh), '0').user as { user_id: number }).user_id;
      await t.app.services.admin.setRole(id, 'admin');
      const all = assertRet(await call(t, 'GET', '/audit?scope=all&count=50', fresh), '0');
      const everyone = (all.data as { action: string; user_id: number | null; phone: string }[]).map(
        (e) => e.action,
      );
      assert.ok(
        everyone.includes('sms_sent'),
        'the SMS sent before the account existed is in everyone’s log',
      );
      assert.ok((all.total as number) > entries.length);
    });
  });
});

describe('TEST_PHONE_CODES', () => {
  it('sends no SMS to a fictional number and accepts its fixed code', async () => {
    const sender = new RecordingSmsSender();
    const t = await startTestApp(
      { TEST_PHONE_CODES: '13800000000:123456, 13800000001:654321' },
      { smsSender: sender },
    );
    try {
      assertRet(await askForCode(t, '13800000000'), '0');
      assert.equal(sender.sent.length, 0);
      const body = { phone: '13800000000', phone_code: '123456', password: PASSWORD, password2: PASSWORD };
      assertRet(await post(t.app, '/register', body), '0');
      assertRet(await askForCode(t, newPhone()), '0');
      assert.equal(sender.sent.length, 1, 'real numbers still get their SMS');
    } finally {
      await t.close();
    }
  });

  it('is refused in production unless explicitly allowed, and malformed entries are refused', () => {
    const production = {
      NODE_ENV: 'production',
      MEDICINE_SECRET: 's'.repeat(40),
      SMS_PROVIDER: 'console',
      ...PRODUCTION_TOKEN_ENV,
    };
    assert.throws(
      () => loadConfig({ ...production, TEST_PHONE_CODES: '13800000000:123456' }),
      /TEST_PHONE_CODES/,
    );
    const allowed = loadConfig({
      ...production,
      TEST_PHONE_CODES: '13800000000:123456',
      ALLOW_TEST_PHONE_CODES_IN_PRODUCTION: '1',
    });
    assert.equal(allowed.testPhoneCodes.get('13800000000'), '123456');
    assert.throws(() => loadConfig({ TEST_PHONE_CODES: '13800000000:12345' }), /TEST_PHONE_CODES/);
  });
});
