import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  assertRet,
  drawCaptcha,
  newPhone,
  newUuid,
  post,
  sendSmsCode,
  startTestApp,
  type TestApp,
} from '../helpers/app.js';
import { RecordingSmsSender } from '../helpers/fakes.js';

const codesOf = (replies: { json(): { re_code: string } }[]) => replies.map((r) => r.json().re_code);
const count = (codes: string[], code: string) => codes.filter((c) => c === code).length;

/** Races, run on whichever store and database the suite is given (CI: in-process and Redis). */
describe('50 requests at once', () => {
  let t: TestApp;
  const sender = new RecordingSmsSender();
  before(async () => {
    t = await startTestApp({}, { smsSender: sender });
  });
  after(() => t.close());

  it('one captcha: exactly one of 50 smsCode calls passes it', async () => {
    const uuid = newUuid();
    const text = await drawCaptcha(t.app, uuid);
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        post(t.app, '/smsCode', { phone: newPhone(), img_code_client: text, uuid }),
      ),
    );
    const codes = codesOf(replies);
    assert.equal(count(codes, '0'), 1, codes.join(','));
    assert.equal(count(codes, '4002'), 49);
  });

  it('one phone: 50 registrations with its code make exactly one account', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    const body = { phone, phone_code: code, password: 'password1', password2: 'password1' };
    const codes = codesOf(
      await Promise.all(Array.from({ length: 50 }, () => post(t.app, '/register', body))),
    );
    assert.equal(count(codes, '0'), 1, codes.join(','));
    assert.equal(count(codes, '4003') + count(codes, '4002'), 49, codes.join(','));
    assertRet(await post(t.app, '/sessions', { phone, password: 'password1' }), '0');
  });

  it('one code: of 50 wrong guesses at most 5 are judged, and the code is then dead', async () => {
    const phone = newPhone();
    const code = await sendSmsCode(t.app, phone);
    const wrong = code === '000000' ? '111111' : '000000';
    const body = { phone, phone_code: wrong, password: 'password1', password2: 'password1' };
    const codes = codesOf(
      await Promise.all(Array.from({ length: 50 }, () => post(t.app, '/register', body))),
    );
    assert.ok(count(codes, '4004') <= 5, codes.join(','));
    assert.equal(count(codes, '4004') + count(codes, '4002'), 50, codes.join(','));
    assertRet(await post(t.app, '/register', { ...body, phone_code: code }), '4002');
  });

  it('one phone: 50 sends, each with its own right captcha, send one SMS', async () => {
    const phone = newPhone();
    const captchas = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const uuid = newUuid();
        return { uuid, text: await drawCaptcha(t.app, uuid) };
      }),
    );
    const before = sender.sent.length;
    const replies = await Promise.all(
      captchas.map(({ uuid, text }) => post(t.app, '/smsCode', { phone, img_code_client: text, uuid })),
    );
    const codes = codesOf(replies);
    assert.equal(count(codes, '0'), 1, codes.join(','));
    assert.equal(count(codes, '4201'), 49, codes.join(','));
    assert.equal(sender.sent.length - before, 1);
  });
});
