import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API, assertRet, newPhone, newUuid, sendSmsCode, startTestApp } from '../helpers/app.js';

describe('test hooks (contract §6)', () => {
  it('GET /test/sms gives the last code sent to a phone, and NODATA when none was', async () => {
    const t = await startTestApp();
    try {
      const phone = newPhone();
      assertRet(await t.app.inject({ method: 'GET', url: `${API}/test/sms?phone=${phone}` }), '4002');
      const code = await sendSmsCode(t.app, phone);
      assert.match(code, /^\d{6}$/);
      assertRet(await t.app.inject({ method: 'GET', url: `${API}/test/sms` }), '4103');
    } finally {
      await t.close();
    }
  });

  it('without MEDICINE_TEST_HOOKS there is no X-Captcha-Text header and no /test/sms route', async () => {
    const t = await startTestApp({ MEDICINE_TEST_HOOKS: '0' });
    try {
      const image = await t.app.inject({ method: 'GET', url: `${API}/imageCode?uuid=${newUuid()}` });
      assert.equal(image.statusCode, 200);
      assert.equal(image.headers['x-captcha-text'], undefined);
      assertRet(
        await t.app.inject({ method: 'GET', url: `${API}/test/sms?phone=${newPhone()}` }),
        '4201',
        404,
      );
    } finally {
      await t.close();
    }
  });
});
