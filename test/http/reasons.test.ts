import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REASONS } from '../../src/shared/api-codes.js';
import {
  API,
  assertRet,
  drawCaptcha,
  newPhone,
  newUuid,
  post,
  startTestApp,
  type TestApp,
} from '../helpers/app.js';

/** Issue 13: every refusal says why in one stable word from the documented list; successes do not. */
describe('the reason of a refusal', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('a missing field is fieldMissing, naming the field, in either language', async () => {
    for (const language of ['zh-CN', 'en']) {
      const response = await post(
        t.app,
        '/smsCode',
        { phone: newPhone(), uuid: 'x' },
        { 'accept-language': language },
      );
      const body = assertRet(response, '4103');
      assert.equal(body.reason, 'fieldMissing');
      assert.equal(body.field, 'img_code_client');
    }
  });

  it('a number where a string belongs is fieldNotString; a bad phone is phoneInvalid', async () => {
    const number = assertRet(await post(t.app, '/sessions', { phone: 13812345678, password: 'x' }), '4103');
    assert.deepEqual([number.reason, number.field], ['fieldNotString', 'phone']);
    const phone = assertRet(await post(t.app, '/sessions', { phone: '12345', password: 'x' }), '4103');
    assert.equal(phone.reason, 'phoneInvalid');
    assert.equal(phone.field, undefined);
  });

  it('a second code within the minute is smsResendTooSoon, with Retry-After', async () => {
    const phone = newPhone();
    for (const expected of ['0', '4201']) {
      const uuid = newUuid();
      const text = await drawCaptcha(t.app, uuid);
      const response = await post(t.app, '/smsCode', { phone, img_code_client: text, uuid });
      const body = assertRet(response, expected);
      if (expected === '0') assert.equal('reason' in body, false, 'a success carries no reason');
      else {
        assert.equal(body.reason, 'smsResendTooSoon');
        assert.match(String(response.headers['retry-after']), /^[0-9]+$/);
      }
    }
  });

  it('no session is notLoggedIn, the RET code’s own word', async () => {
    assert.equal(assertRet(await t.app.inject({ url: `${API}/users` }), '4101').reason, 'notLoggedIn');
  });

  it('the HTTP-level refusals each have theirs', async () => {
    const cases = [
      [await t.app.inject({ url: `${API}/nowhere` }), 404, 'routeNotFound'],
      [await t.app.inject({ method: 'PATCH', url: `${API}/register` }), 405, 'methodNotAllowed'],
      [await t.app.inject({ url: `${API}/sessions/0123456789abcdef` }), 405, 'methodNotAllowed'],
      [
        await t.app.inject({
          method: 'POST',
          url: `${API}/register`,
          payload: '{',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'bodyNotJson',
      ],
      [
        await t.app.inject({
          method: 'POST',
          url: `${API}/register`,
          payload: 'x',
          headers: { 'content-type': 'text/csv' },
        }),
        415,
        'contentTypeNotJson',
      ],
    ] as const;
    for (const [response, status, reason] of cases) {
      assert.equal(response.statusCode, status);
      assert.equal(response.json().reason, reason);
    }
  });

  it('is always one of the documented words', async () => {
    const response = await t.app.inject({ url: `${API}/openapi.json` });
    const documented = response.json().components.schemas.Reason.enum;
    assert.deepEqual(documented, Object.keys(REASONS));
  });
});
