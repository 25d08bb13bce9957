import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preferredLanguage } from '../../src/messages.js';
import { API, assertRet, newPhone, sendSmsCode, startTestApp, type TestApp } from '../helpers/app.js';

describe('the language of msg', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const logIn = (acceptLanguage?: string) =>
    t.app.inject({
      method: 'POST',
      url: `${API}/sessions`,
      payload: { phone: newPhone(), password: 'password1' },
      headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
    });

  it('is Chinese by default and says so to caches with Vary', async () => {
    const response = await logIn();
    assert.equal(assertRet(response, '4102').msg, '手机号或密码错误');
    assert.match(String(response.headers.vary), /Accept-Language/);
  });

  it('is English when the request prefers English', async () => {
    assert.equal(assertRet(await logIn('en-US,en;q=0.9'), '4102').msg, 'Wrong phone number or password');
    assert.equal(
      assertRet(await logIn('fr, en;q=0.5, zh;q=0.4'), '4102').msg,
      'Wrong phone number or password',
    );
  });

  it('stays Chinese when Chinese ranks higher or nothing we speak is asked for', async () => {
    for (const header of [
      'zh-CN,zh;q=0.9,en;q=0.8',
      'en;q=0.3, zh-TW',
      'fr-FR',
      'en;q=0',
      '*',
      'garbage;;;q=x',
    ]) {
      assert.equal(assertRet(await logIn(header), '4102').msg, '手机号或密码错误', header);
    }
  });

  it('covers success messages, messages with numbers, validation and HTTP-level errors', async () => {
    const en = { 'accept-language': 'en' };
    const phone = newPhone();
    await sendSmsCode(t.app, phone);
    const body = { phone, phone_code: '000000', password: 'short', password2: 'short' };
    const short = await t.app.inject({ method: 'POST', url: `${API}/register`, payload: body, headers: en });
    assert.equal(assertRet(short, '4103').msg, 'The password must be 8 to 128 characters long');
    const missing = await t.app.inject({
      method: 'POST',
      url: `${API}/sessions`,
      payload: { phone },
      headers: en,
    });
    assert.match(String(assertRet(missing, '4103').msg), /^password is missing/);
    const notFound = await t.app.inject({ method: 'GET', url: `${API}/nothing`, headers: en });
    assert.equal(assertRet(notFound, '4201', 404).msg, 'No such endpoint');
    const out = await t.app.inject({ method: 'DELETE', url: `${API}/sessions`, headers: en });
    assert.equal(assertRet(out, '4101').msg, 'Not logged in');
  });

  it('reads Accept-Language the way browsers send it', () => {
    assert.equal(preferredLanguage(undefined), 'zh');
    assert.equal(preferredLanguage('en-GB'), 'en');
    assert.equal(preferredLanguage('zh-Hans-CN, en;q=0.9'), 'zh');
    assert.equal(preferredLanguage('de, en;q=0.7, zh;q=0.6'), 'en');
    assert.equal(preferredLanguage(`${'x,'.repeat(1000)}en`), 'zh', 'only the first 512 characters are read');
  });
});
