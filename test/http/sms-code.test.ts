import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  API,
  assertRet,
  drawCaptcha,
  lastSmsCode,
  newPhone,
  newUuid,
  post,
  registerAccount,
  startTestApp,
  type TestApp,
} from '../helpers/app.js';
import { RecordingSmsSender, RefusingSmsSender, SilentSmsSender } from '../helpers/fakes.js';

async function askForCode(t: TestApp, phone: string, answer?: (text: string) => string) {
  const uuid = newUuid();
  const text = await drawCaptcha(t.app, uuid);
  return post(t.app, '/smsCode', { phone, img_code_client: answer ? answer(text) : text, uuid });
}

const testSms = (t: TestApp, phone: string) =>
  t.app.inject({ method: 'GET', url: `${API}/test/sms?phone=${phone}` });

describe('POST /smsCode', () => {
  let t: TestApp;
  const sender = new RecordingSmsSender();
  before(async () => {
    t = await startTestApp({}, { smsSender: sender });
  });
  after(() => t.close());

  it('sends a 6-digit code through the provider and answers {"re_code":"0","msg":"验证码发送成功"}', async () => {
    const phone = newPhone();
    const response = await askForCode(t, phone);
    assert.deepEqual(response.json(), { re_code: '0', msg: '验证码发送成功' });
    const sent = sender.sent.at(-1);
    assert.equal(sent?.phone, phone);
    assert.match(sent?.code ?? '', /^\d{6}$/);
    assert.equal(await lastSmsCode(t.app, phone), sent?.code);
  });

  it('rule 1: a missing field or a badly formed phone is PARAMERR', async () => {
    const uuid = newUuid();
    const text = await drawCaptcha(t.app, uuid);
    for (const body of [
      { img_code_client: text, uuid },
      { phone: newPhone(), uuid },
      { phone: newPhone(), img_code_client: text },
      { phone: '', img_code_client: text, uuid },
      { phone: '12812345678', img_code_client: text, uuid },
      { phone: '1381234567', img_code_client: text, uuid },
      { phone: '138123456789', img_code_client: text, uuid },
      { phone: '138-1234-5678', img_code_client: text, uuid },
    ]) {
      assertRet(await post(t.app, '/smsCode', body), '4103');
    }
    assert.equal(sender.sent.length === 0 || !sender.sent.some((s) => s.phone === '12812345678'), true);
    // The captcha was not spent by refused requests.
    assertRet(await post(t.app, '/smsCode', { phone: newPhone(), img_code_client: text, uuid }), '0');
  });

  it('accepts +86 and 86 in front of the number and sends to the 11 digits', async () => {
    const phone = newPhone();
    assertRet(await askForCode(t, `+86${phone}`), '0');
    assert.equal(sender.sent.at(-1)?.phone, phone);
    const other = newPhone();
    assertRet(await askForCode(t, `86${other}`), '0');
    assert.equal(sender.sent.at(-1)?.phone, other);
  });

  it('rule 2: a uuid that has no captcha is NODATA', async () => {
    assertRet(
      await post(t.app, '/smsCode', { phone: newPhone(), img_code_client: 'ABCD', uuid: newUuid() }),
      '4002',
    );
  });

  it('rules 3–4: one captcha, one try: a wrong answer is DATAERR and deletes it', async () => {
    const uuid = newUuid();
    const text = await drawCaptcha(t.app, uuid);
    const wrong = text === 'AAAA' ? 'BBBB' : 'AAAA';
    assertRet(await post(t.app, '/smsCode', { phone: newPhone(), img_code_client: wrong, uuid }), '4004');
    assertRet(await post(t.app, '/smsCode', { phone: newPhone(), img_code_client: text, uuid }), '4002');
  });

  it('rule 3: a right answer spends the captcha too', async () => {
    const uuid = newUuid();
    const text = await drawCaptcha(t.app, uuid);
    assertRet(await post(t.app, '/smsCode', { phone: newPhone(), img_code_client: text, uuid }), '0');
    assertRet(await post(t.app, '/smsCode', { phone: newPhone(), img_code_client: text, uuid }), '4002');
  });

  it('rule 4: compares the captcha text case-insensitively', async () => {
    assertRet(await askForCode(t, newPhone(), (text) => text.toLowerCase()), '0');
  });

  it('rule 5: a registered phone is DATAEXIST, and no SMS goes out', async () => {
    const phone = newPhone();
    await registerAccount(t.app, phone);
    t.clock.advance(61_000);
    const before = sender.sent.length;
    assertRet(await askForCode(t, phone), '4003');
    assert.equal(sender.sent.length, before);
  });

  it('checks the captcha before the phone, and the phone before the resend window', async () => {
    const phone = newPhone();
    await registerAccount(t.app, phone);
    // A wrong captcha for a registered phone is DATAERR: the captcha speaks first.
    assertRet(await askForCode(t, phone, (text) => (text === 'AAAA' ? 'BBBB' : 'AAAA')), '4004');
    // Within the resend window of its registration code, a registered phone is DATAEXIST.
    assertRet(await askForCode(t, phone), '4003');
  });

  it('rule 6: a second code within 60 s is REQERR with Retry-After; after 60 s it is sent', async () => {
    const phone = newPhone();
    assertRet(await askForCode(t, phone), '0');
    const first = await lastSmsCode(t.app, phone);
    t.clock.advance(20_000);
    const refused = await askForCode(t, phone);
    assertRet(refused, '4201');
    const wait = Number(refused.headers['retry-after']);
    assert.ok(wait > 35 && wait <= 40, `Retry-After ${wait}`);
    t.clock.advance(40_000);
    assertRet(await askForCode(t, phone), '0');
    // Rule 7: the new code replaces the earlier one.
    const second = await lastSmsCode(t.app, phone);
    if (second !== first) {
      assertRet(
        await post(t.app, '/register', {
          phone,
          phone_code: first,
          password: 'password1',
          password2: 'password1',
        }),
        '4004',
      );
    }
  });

  it('rule 7: codes are drawn at random, six digits, leading zeros allowed', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 12; i++) {
      assertRet(await askForCode(t, newPhone()), '0');
      codes.add(sender.sent.at(-1)?.code ?? '');
    }
    for (const code of codes) assert.match(code, /^\d{6}$/);
    assert.ok(codes.size >= 11, 'twelve draws give (almost surely) twelve different codes');
  });
});

describe('POST /smsCode quotas', () => {
  it('refuses a phone past its daily quota with REQERR and Retry-After', async () => {
    const t = await startTestApp({ SMS_PER_PHONE_PER_DAY: '2' });
    try {
      const phone = newPhone();
      for (let i = 0; i < 2; i++) {
        assertRet(await askForCode(t, phone), '0');
        t.clock.advance(61_000);
      }
      const refused = await askForCode(t, phone);
      assertRet(refused, '4201');
      assert.ok(Number(refused.headers['retry-after']) > 3600);
      // The refusal did not open a resend window: the quota, not the 60 s rule, is what speaks.
      t.clock.advance(24 * 3600 * 1000);
      assertRet(await askForCode(t, phone), '0');
    } finally {
      await t.close();
    }
  });

  it('refuses one address past its hourly quota with IPERR and Retry-After', async () => {
    const t = await startTestApp({ SMS_PER_IP_PER_HOUR: '3' });
    try {
      for (let i = 0; i < 3; i++) assertRet(await askForCode(t, newPhone()), '0');
      const refused = await askForCode(t, newPhone());
      assertRet(refused, '4202');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      t.clock.advance(3600 * 1000);
      assertRet(await askForCode(t, newPhone()), '0');
    } finally {
      await t.close();
    }
  });
});

describe('POST /smsCode when the provider fails', () => {
  it('is THIRDERR when the provider refuses; nothing is stored and the resend window stays open', async () => {
    const refusing = new RefusingSmsSender();
    const t = await startTestApp({}, { smsSender: refusing });
    try {
      const phone = newPhone();
      assertRet(await askForCode(t, phone), '4301');
      assertRet(await testSms(t, phone), '4002');
      assertRet(await askForCode(t, phone), '4301');
      assert.equal(refusing.attempts, 2, 'the second try reached the provider: no 60 s wait after a failure');
    } finally {
      await t.close();
    }
  });

  it('is THIRDERR when the provider does not answer within SMS_SEND_TIMEOUT_MS', async () => {
    const t = await startTestApp({ SMS_SEND_TIMEOUT_MS: '100' }, { smsSender: new SilentSmsSender() });
    try {
      const phone = newPhone();
      assertRet(await askForCode(t, phone), '4301');
      assertRet(await testSms(t, phone), '4002');
    } finally {
      await t.close();
    }
  });
});
