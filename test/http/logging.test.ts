import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { openSmsSender } from '../../src/sms/open-sender.js';
import {
  API,
  assertRet,
  drawCaptcha,
  lastSmsCode,
  newPhone,
  newUuid,
  post,
  sessionCookie,
  startTestApp,
} from '../helpers/app.js';
import { RecordingSmsSender } from '../helpers/fakes.js';
import { PRODUCTION_TOKEN_ENV } from '../helpers/production-env.js';

describe('logs', () => {
  it('hold no password, SMS code, captcha text or session id, even at trace level', async () => {
    const lines: string[] = [];
    const t = await startTestApp(
      { LOG_LEVEL: 'trace' },
      { smsSender: new RecordingSmsSender(), logStream: { write: (line) => lines.push(line) } },
    );
    const phone = newPhone();
    const password = 'PASSWORD-IN-LOGS?';
    const secrets: string[] = [password];
    try {
      const uuid = newUuid();
      const text = await drawCaptcha(t.app, uuid);
      secrets.push(text);
      assertRet(await post(t.app, '/smsCode', { phone, img_code_client: text, uuid }), '0');
      const code = await lastSmsCode(t.app, phone);
      secrets.push(code);
      const registered = await post(t.app, '/register', {
        phone,
        phone_code: code,
        password,
        password2: password,
      });
      const session = sessionCookie(registered) ?? '';
      secrets.push(session);
      await t.app.inject({ method: 'GET', url: `${API}/users`, cookies: { session } });
      assertRet(await post(t.app, '/sessions', { phone, password: `${password}x` }), '4102');
      await t.app.inject({ method: 'DELETE', url: `${API}/sessions`, cookies: { session } });
    } finally {
      await t.close();
    }
    const log = lines.join('');
    assert.ok(lines.length > 10, 'requests were logged');
    for (const secret of secrets) {
      // Bounded by non-alphanumerics, so that a code is not "found" inside a timestamp.
      const standalone = new RegExp(
        `(?<![A-Za-z0-9])${secret.replace(/[^A-Za-z0-9]/g, '\\$&')}(?![A-Za-z0-9])`,
      );
      assert.doesNotMatch(log, standalone, `log contains "${secret}"`);
    }
  });

  it('with the console provider, the code appears only in the provider’s own line', async () => {
    const lines: string[] = [];
    const t = await startTestApp({ LOG_LEVEL: 'info' }, { logStream: { write: (line) => lines.push(line) } });
    try {
      const phone = newPhone();
      const uuid = newUuid();
      const text = await drawCaptcha(t.app, uuid);
      assertRet(await post(t.app, '/smsCode', { phone, img_code_client: text, uuid }), '0');
      const code = await lastSmsCode(t.app, phone);
      const withCode = lines.filter((line) => line.includes(code));
      assert.equal(withCode.length, 1);
      assert.match(withCode[0] ?? '', /"provider":"console"/);
    } finally {
      await t.close();
    }
  });

  it('in production the console provider withholds the code and masks the phone', async () => {
    const lines: string[] = [];
    const config = loadConfig({
      NODE_ENV: 'production',
      ...PRODUCTION_TOKEN_ENV,
      MEDICINE_SECRET: 'p'.repeat(40),
      SMS_PROVIDER: 'console',
      DATABASE_URL: 'sqlite::memory:',
    });
    const sender = openSmsSender(config, pino({}, { write: (line: string) => lines.push(line) }));
    await sender.sendCode('13812345678', '482913', 5, new AbortController().signal);
    const log = lines.join('');
    assert.doesNotMatch(log, /482913/);
    assert.doesNotMatch(log, /13812345678/);
    assert.match(log, /138\*\*\*\*5678/);
  });

  it('lines written by the services carry the id of the request they serve', async () => {
    const lines: string[] = [];
    const t = await startTestApp({ LOG_LEVEL: 'info' }, { logStream: { write: (line) => lines.push(line) } });
    try {
      const phone = newPhone();
      const uuid = newUuid();
      const text = await drawCaptcha(t.app, uuid);
      const response = await post(
        t.app,
        '/smsCode',
        { phone, img_code_client: text, uuid },
        { 'x-request-id': 'trace-sms-1' },
      );
      assertRet(response, '0');
      const smsLine = lines.find((line) => line.includes('"provider":"console"'));
      assert.ok(smsLine, 'the console provider logged the SMS');
      assert.equal(JSON.parse(smsLine).reqId, 'trace-sms-1');
    } finally {
      await t.close();
    }
  });
});
