import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import type { Picture } from '../../src/captcha/captcha-renderer.js';
import { CanvasCaptchaRenderer } from '../../src/captcha/canvas-renderer.js';
import { loadConfig } from '../../src/config.js';
import { API, assertRet, newPhone, post, TEST_SECRET } from '../helpers/app.js';
import { RecordingSmsSender } from '../helpers/fakes.js';
import { PRODUCTION_TOKEN_ENV } from '../helpers/production-env.js';

/** Remembers the text it last drew, so a test can answer the captcha without the test hooks. */
class RememberingRenderer extends CanvasCaptchaRenderer {
  last = '';
  override render(text: string): Promise<Picture> {
    this.last = text;
    return super.render(text);
  }
}

describe('in production mode', () => {
  it('the session cookie is Secure, HttpOnly and SameSite=Lax, and no test hook exists', async () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      ...PRODUCTION_TOKEN_ENV,
      MEDICINE_SECRET: TEST_SECRET,
      SMS_PROVIDER: 'console',
      DATABASE_URL: 'sqlite::memory:',
      LOG_LEVEL: 'silent',
      // The renderer's last text is the captcha served only when each is drawn on request.
      CAPTCHA_POOL_SIZE: '0',
    });
    const renderer = new RememberingRenderer();
    const sender = new RecordingSmsSender();
    const app = await buildApp(config, { captchaRenderer: renderer, smsSender: sender });
    try {
      const phone = newPhone();
      const image = await app.inject({ method: 'GET', url: `${API}/imageCode?uuid=prod-1` });
      assert.equal(image.headers['x-captcha-text'], undefined);
      assertRet(await post(app, '/smsCode', { phone, img_code_client: renderer.last, uuid: 'prod-1' }), '0');
      assertRet(await app.inject({ method: 'GET', url: `${API}/test/sms?phone=${phone}` }), '4201', 404);
      const code = sender.sent.at(-1)?.code ?? '';
      const response = await post(app, '/register', {
        phone,
        phone_code: code,
        password: 'password1',
        password2: 'password1',
      });
      assertRet(response, '0');
      const cookie = response.cookies.find((c) => c.name === 'session');
      assert.equal(cookie?.secure, true);
      assert.equal(cookie?.httpOnly, true);
      assert.equal(cookie?.sameSite, 'Lax');
    } finally {
      await app.close();
    }
  });

  it('every API reply carries headers that stop framing, sniffing, caching and referrer leaks', async () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      ...PRODUCTION_TOKEN_ENV,
      MEDICINE_SECRET: TEST_SECRET,
      SMS_PROVIDER: 'console',
      DATABASE_URL: 'sqlite::memory:',
      LOG_LEVEL: 'silent',
    });
    const app = await buildApp(config);
    try {
      for (const response of [
        await app.inject({ method: 'GET', url: `${API}/users` }),
        await app.inject({ method: 'GET', url: `${API}/imageCode?uuid=h` }),
        await app.inject({ method: 'GET', url: `${API}/nothing` }),
      ]) {
        assert.equal(response.headers['x-content-type-options'], 'nosniff');
        assert.equal(response.headers['x-frame-options'], 'DENY');
        assert.equal(response.headers['cache-control'], 'no-store');
        assert.equal(response.headers['referrer-policy'], 'no-referrer');
        assert.match(String(response.headers['content-security-policy']), /default-src 'none'/);
      }
    } finally {
      await app.close();
    }
  });
});
