import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  currentUser,
  imageCodeUrl,
  lastSmsCodeForTests,
  logIn,
  logOut,
  parseRetryAfter,
  register,
  RET,
  sendSmsCode,
  type ApiOptions,
  type FailureCode,
  type Reason,
} from '../../web/src/api.js';
import { RET as SERVER_RET } from '../../src/ret.js';
import { RET_REASONS } from '../../src/shared/api-codes.js';
import { newCaptchaId } from '../../web/src/captcha-id.js';
import { text } from '../../web/src/i18n.js';
import { formatWait, loginFailure, registerFailure, smsCodeFailure } from '../../web/src/messages.js';
import { newPhone, startServer, type Server } from './support.js';

describe('web/src/api.ts against the real server', () => {
  it('reads the RET table from the very module the server uses, not a copy', () => {
    assert.equal(RET, SERVER_RET);
  });

  let server: Server;
  let options: ApiOptions;
  before(async () => {
    server = await startServer();
    options = { baseUrl: server.apiBase };
  });
  after(() => server?.close());

  async function drawCaptcha(uuid: string): Promise<string> {
    const response = await fetch(`${server.origin}${imageCodeUrl(uuid, undefined, { baseUrl: '/api/1.0' })}`);
    assert.match(String(response.headers.get('content-type')), /^image\//);
    return String(response.headers.get('x-captcha-text'));
  }

  it('walks register → who am I → log out → log in, with typed replies', async () => {
    const phone = newPhone();
    const uuid = newCaptchaId();
    const sent = await sendSmsCode({ phone, img_code_client: await drawCaptcha(uuid), uuid }, options);
    assert.deepEqual(sent, { kind: 'ok', msg: '验证码发送成功', value: undefined });

    const code = await lastSmsCodeForTests(phone, options);
    assert.ok(code.kind === 'ok' && /^\d{6}$/.test(code.value));
    const password = 'correct horse';
    let cookie = '';
    const keepCookie: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      // A login sets the device mark too (issue 12): keep the session cookie.
      const session = response.headers.getSetCookie().find((line) => line.startsWith('session='));
      cookie = session?.split(';')[0] ?? cookie;
      return response;
    };
    const registered = await register(
      { phone, phone_code: code.value, password, password2: password, types: 'expert' },
      { ...options, fetch: keepCookie },
    );
    assert.equal(registered.kind, 'ok');
    assert.match(cookie, /^session=/);
    const loggedIn = { ...options, headers: { cookie } };

    const me = await currentUser(loggedIn);
    assert.equal(me.kind, 'ok');
    assert.equal(me.kind === 'ok' && me.value.phone, phone);
    assert.equal(me.kind === 'ok' && me.value.types, 'expert');

    assert.equal((await logOut(loggedIn)).kind, 'ok');
    const gone = await currentUser(loggedIn);
    assert.ok(gone.kind === 'refused' && gone.code === RET.SESSIONERR);
    assert.equal((await logIn({ phone, password }, options)).kind, 'ok');
  });

  it('a refusal carries its RET code, the server’s sentence and Retry-After in seconds', async () => {
    const phone = newPhone();
    const first = newCaptchaId();
    await sendSmsCode({ phone, img_code_client: await drawCaptcha(first), uuid: first }, options);
    const second = newCaptchaId();
    const again = await sendSmsCode(
      { phone, img_code_client: await drawCaptcha(second), uuid: second },
      options,
    );
    assert.equal(again.kind, 'refused');
    assert.ok(again.kind === 'refused');
    assert.equal(again.code, RET.REQERR);
    assert.equal(again.retryAfterSeconds, 60);
    assert.equal(again.httpStatus, 200);
    assert.match(again.msg, /60 秒/);
  });

  it('asks for Chinese sentences, the language of the pages, unless told otherwise', async () => {
    const malformed = { phone: '12345', password: 'x' };
    const zh = await logIn(malformed, options);
    assert.ok(zh.kind === 'refused' && /[\u4e00-\u9fff]/.test(zh.msg), JSON.stringify(zh));
    const en = await logIn(malformed, { ...options, language: 'en' });
    assert.ok(en.kind === 'refused' && !/[\u4e00-\u9fff]/.test(en.msg), JSON.stringify(en));
  });

  it('the server’s English sentences land on the same fields as its Chinese ones', async () => {
    for (const language of ['zh-CN', 'en'] as const) {
      const asked = { ...options, language };
      const badPhone = await logIn({ phone: '12345', password: 'x' }, asked);
      assert.ok(badPhone.kind !== 'ok');
      assert.equal(
        loginFailure(badPhone, language).field,
        'phone',
        `${language}: ${JSON.stringify(badPhone)}`,
      );

      const noPassword = await logIn({ phone: newPhone(), password: '' }, asked);
      assert.ok(noPassword.kind !== 'ok');
      assert.equal(loginFailure(noPassword, language).field, 'password', JSON.stringify(noPassword));

      const request = {
        phone: newPhone(),
        phone_code: '123456',
        password: 'correct horse',
        types: 'patient' as const,
      };
      const differ = await register({ ...request, password2: 'another horse' }, asked);
      assert.ok(differ.kind !== 'ok');
      assert.equal(registerFailure(differ, language).field, 'password2', JSON.stringify(differ));

      const badTypes = await register(
        { ...request, password2: request.password, types: 'nurse' as 'patient' },
        asked,
      );
      assert.ok(badTypes.kind !== 'ok');
      assert.equal(registerFailure(badTypes, language).field, 'types', JSON.stringify(badTypes));

      const uuid = newCaptchaId();
      const noCaptcha = await sendSmsCode({ phone: newPhone(), img_code_client: '', uuid }, asked);
      assert.ok(noCaptcha.kind !== 'ok');
      assert.equal(smsCodeFailure(noCaptcha, language).field, 'captcha', JSON.stringify(noCaptcha));
    }
  });
});

describe('web/src/api.ts when no readable answer comes', () => {
  it('a refused connection is `unreachable` / network', async () => {
    const closed = await startServer();
    const baseUrl = closed.apiBase;
    await closed.close();
    assert.deepEqual(await currentUser({ baseUrl }), {
      kind: 'unreachable',
      reason: 'network',
      httpStatus: null,
    });
  });

  it('an HTML error page from a proxy is `unreachable` / bad-reply', async () => {
    const fetch502: typeof fetch = async () =>
      new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } });
    assert.deepEqual(await logIn({ phone: '13800138000', password: 'x' }, { fetch: fetch502 }), {
      kind: 'unreachable',
      reason: 'bad-reply',
      httpStatus: 502,
    });
  });

  it('a server that never answers is `unreachable` / timeout after timeoutMs', async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const started = Date.now();
    assert.deepEqual(await logOut({ fetch: hang, timeoutMs: 50 }), {
      kind: 'unreachable',
      reason: 'timeout',
      httpStatus: null,
    });
    assert.ok(Date.now() - started < 2000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('42'), 42);
    assert.equal(parseRetryAfter(new Date(1_000_000 + 90_000).toUTCString(), 1_000_000), 90);
    assert.equal(parseRetryAfter(null), null);
    assert.equal(parseRetryAfter('soon'), null);
  });
});

describe('web/src/messages.ts: every failure has words a person understands', () => {
  const TEXT = text('zh-CN');
  const failureCodes = Object.values(RET).filter((code): code is FailureCode => code !== RET.OK);
  // What a page reads is the reason (and field); `msg` is only ever shown, so it is a foil here.
  const refusal = (
    code: FailureCode,
    msg = '无关的句子',
    retryAfterSeconds: number | null = null,
    reason: Reason = RET_REASONS[code],
    field: string | null = null,
  ) => ({ kind: 'refused', code, reason, field, msg, retryAfterSeconds, httpStatus: 200 }) as const;
  const RET_DEFAULTS = [
    '数据库查询错误',
    '无数据',
    '数据已存在',
    '数据错误',
    '参数错误',
    '内部错误',
    '未知错误',
  ];

  it('no RET code from any endpoint is shown as the bare code or as the RET table’s default sentence', () => {
    for (const code of failureCodes) {
      for (const notice of [
        smsCodeFailure(refusal(code)),
        registerFailure(refusal(code)),
        loginFailure(refusal(code)),
        smsCodeFailure(refusal(code, '参数错误')),
        registerFailure(refusal(code, '参数错误')),
        loginFailure(refusal(code, '参数错误')),
      ]) {
        assert.ok(notice.text.length > 0, code);
        assert.ok(!notice.text.includes(code), `${code}: ${notice.text}`);
        assert.ok(!RET_DEFAULTS.includes(notice.text), `${code}: ${notice.text}`);
      }
      for (const notice of [
        smsCodeFailure(refusal(code, 'Invalid parameters'), 'en'),
        registerFailure(refusal(code, 'Invalid parameters'), 'en'),
        loginFailure(refusal(code, 'Invalid parameters'), 'en'),
      ]) {
        assert.ok(notice.text.length > 0 && !notice.text.includes(code), `${code}: ${notice.text}`);
        assert.ok(!/[\u4e00-\u9fff]/.test(notice.text), `${code} in English: ${notice.text}`);
        assert.notEqual(notice.text, 'Invalid parameters');
      }
    }
  });

  it('says waits in each language: seconds up to two minutes, then minutes, then hours', () => {
    assert.equal(formatWait(60, 'long', text('zh-CN')), '60 秒');
    assert.equal(formatWait(60, 'long', text('en')), '60 seconds');
    assert.equal(formatWait(1, 'long', text('en')), '1 second');
    assert.equal(formatWait(0, 'short', text('en')), '1 s');
    assert.equal(formatWait(600, 'short', text('en')), '10 min');
    assert.equal(formatWait(20 * 3600, 'long', text('en')), '20 hours');
    assert.equal(formatWait(20 * 3600, 'short', text('zh-CN')), '20 小时');
  });

  it('words every failure in English too, placing the server’s English sentences as the Chinese ones', () => {
    assert.equal(loginFailure(refusal(RET.LOGINERR), 'en').text, 'Wrong mobile number or password');
    assert.equal(
      loginFailure(refusal(RET.REQERR, '', 600), 'en').text,
      'Too many failed logins. Try again in 10 minutes, or use the “With SMS code” tab above.',
    );
    assert.equal(
      smsCodeFailure(refusal(RET.REQERR, 'Please wait 42 s', 42), 'en').text,
      'Too many code requests. Try again in 42 seconds',
    );
    const phone = registerFailure(
      refusal(RET.PARAMERR, 'Not a valid mainland-China mobile number', null, 'phoneInvalid'),
      'en',
    );
    assert.deepEqual(phone, { field: 'phone', text: 'Enter a valid 11-digit mobile number' });
    assert.equal(
      registerFailure(refusal(RET.DATAERR, 'The two passwords differ', null, 'passwordsDiffer'), 'en').field,
      'password2',
    );
    assert.equal(
      registerFailure(refusal(RET.DATAERR, 'The SMS code is wrong', null, 'smsCodeWrong'), 'en').field,
      'phone_code',
    );
    const rule = registerFailure(
      refusal(RET.PARAMERR, 'The password must be 10 to 128 characters long', null, 'passwordLength'),
      'en',
    );
    assert.deepEqual(rule, { field: 'password', text: 'The password must be 10 to 128 characters long' });
    assert.deepEqual(
      loginFailure(refusal(RET.PARAMERR, 'The body must be a JSON object', null, 'bodyNotObject'), 'en'),
      {
        field: 'form',
        text: 'The body must be a JSON object',
      },
    );
    assert.equal(
      smsCodeFailure({ kind: 'unreachable', reason: 'network', httpStatus: null }, 'en').text,
      'Cannot reach the server. Check your connection and try again',
    );
  });

  it('captcha failures go under the captcha and ask for a new picture; the SMS wait comes from Retry-After', () => {
    assert.deepEqual(smsCodeFailure(refusal(RET.DATAERR, '图片验证码错误', null, 'captchaWrong')), {
      newCaptcha: true,
      waitSeconds: null,
      field: 'captcha',
      text: TEXT.captchaWrong,
    });
    assert.equal(smsCodeFailure(refusal(RET.NODATA)).field, 'captcha');
    assert.equal(smsCodeFailure(refusal(RET.NODATA)).newCaptcha, true);
    const tooSoon = smsCodeFailure(refusal(RET.REQERR, '发送过于频繁', 42, 'smsResendTooSoon'));
    assert.equal(tooSoon.waitSeconds, 42);
    assert.equal(tooSoon.text, '获取验证码太频繁，请 42 秒后再试');
    const daily = smsCodeFailure(refusal(RET.REQERR, '今日已达上限', 20 * 3600, 'smsDailyQuota'));
    assert.equal(daily.text, '获取验证码太频繁，请 20 小时后再试');
  });

  it('register: the overloaded codes land on the right field', () => {
    assert.equal(
      registerFailure(refusal(RET.DATAERR, '短信验证码错误', null, 'smsCodeWrong')).field,
      'phone_code',
    );
    assert.equal(
      registerFailure(refusal(RET.DATAERR, '两次输入的密码不一致', null, 'passwordsDiffer')).field,
      'password2',
    );
    assert.equal(
      registerFailure(refusal(RET.PARAMERR, '手机号格式错误', null, 'phoneInvalid')).field,
      'phone',
    );
    assert.equal(
      registerFailure(refusal(RET.PARAMERR, '缺少参数 phone_code', null, 'fieldMissing', 'phone_code')).field,
      'phone_code',
    );
    const rule = registerFailure(refusal(RET.PARAMERR, '密码长度须为 10–128 个字符', null, 'passwordLength'));
    assert.deepEqual(rule, { field: 'password', text: '密码长度须为 10–128 个字符' });
    assert.equal(registerFailure(refusal(RET.NODATA)).field, 'phone_code');
    assert.equal(registerFailure(refusal(RET.DATAEXIST)).offerLogin, true);
    assert.deepEqual(registerFailure(refusal(RET.REQERR, '验证码错误次数过多', 1800, 'smsGuessesQuota')), {
      field: 'phone_code',
      text: '短信验证码错误次数太多，请 30 分钟后再试',
    });
    assert.deepEqual(registerFailure(refusal(RET.REQERR, '跨站请求被拒绝', null, 'crossSiteRefused')), {
      field: 'form',
      text: TEXT.refused,
    });
  });

  it('login: a locked phone and a locked network each say how long to wait', () => {
    assert.equal(
      loginFailure(refusal(RET.REQERR, '', 600)).text,
      '登录失败次数太多，请 10 分钟后再试，或改用上方的“短信登录”',
    );
    assert.equal(
      loginFailure(refusal(RET.IPERR, '', 3600)).text,
      '当前网络登录失败的次数太多，请 60 分钟后再试',
    );
    assert.equal(loginFailure(refusal(RET.LOGINERR)).text, '手机号或密码不正确');
  });
});
