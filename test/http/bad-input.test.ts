import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API, assertRet, startTestApp, type TestApp } from '../helpers/app.js';

/** Every JSON endpoint and a body that would otherwise pass its schema. */
const ENDPOINTS: { path: string; body: Record<string, string> }[] = [
  { path: '/smsCode', body: { phone: '13812345678', img_code_client: 'ABCD', uuid: 'abc' } },
  {
    path: '/register',
    body: { phone: '13812345678', phone_code: '123456', password: 'password1', password2: 'password1' },
  },
  { path: '/sessions', body: { phone: '13812345678', password: 'password1' } },
];

const NOT_STRINGS: unknown[] = [13812345678, 0, true, false, null, [], ['13812345678'], {}, { a: 1 }];

describe('bad input never yields a 5xx', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const send = (path: string, payload: string, contentType = 'application/json') =>
    t.app.inject({ method: 'POST', url: `${API}${path}`, payload, headers: { 'content-type': contentType } });

  it('a number, boolean, null, array or object where a string belongs is PARAMERR, never coerced', async () => {
    for (const { path, body } of ENDPOINTS) {
      for (const field of Object.keys(body)) {
        for (const value of NOT_STRINGS) {
          const response = await send(path, JSON.stringify({ ...body, [field]: value }));
          const reply = assertRet(response, '4103');
          assert.match(String(reply.msg), new RegExp(field), `${path} ${field}=${JSON.stringify(value)}`);
        }
      }
    }
  });

  it('an empty string or a 10 000-character string in any field is PARAMERR', async () => {
    for (const { path, body } of ENDPOINTS) {
      for (const field of Object.keys(body)) {
        assertRet(await send(path, JSON.stringify({ ...body, [field]: '' })), '4103');
        assertRet(await send(path, JSON.stringify({ ...body, [field]: '9'.repeat(10_000) })), '4103');
      }
    }
  });

  it('unicode text where a phone belongs is PARAMERR', async () => {
    for (const phone of [
      '一三八一二三四五六七八',
      '13812345678\u0000',
      '😀😀😀😀😀😀😀😀😀😀😀',
      '\u202e13812345678',
    ]) {
      for (const { path, body } of ENDPOINTS) {
        assertRet(await send(path, JSON.stringify({ ...body, phone })), '4103');
      }
    }
  });

  it('a body that is not a JSON object is PARAMERR', async () => {
    for (const { path } of ENDPOINTS) {
      for (const payload of ['[]', '"text"', '42', 'null', 'true']) {
        assertRet(await send(path, payload), '4103');
      }
    }
  });

  it('no body at all is PARAMERR', async () => {
    for (const { path } of ENDPOINTS) {
      assertRet(await t.app.inject({ method: 'POST', url: `${API}${path}` }), '4103');
    }
  });

  it('malformed JSON is HTTP 400 with PARAMERR', async () => {
    for (const { path } of ENDPOINTS) {
      for (const payload of ['{', '{"phone": }', "{'phone':'13812345678'}", '{"a":1}}', '']) {
        const response = await send(path, payload);
        assertRet(response, '4103', 400);
      }
    }
  });

  it('a content type other than JSON is HTTP 415 with PARAMERR', async () => {
    for (const { path } of ENDPOINTS) {
      for (const type of [
        'application/x-www-form-urlencoded',
        'text/plain',
        'multipart/form-data; boundary=x',
      ]) {
        assertRet(await send(path, 'phone=13812345678', type), '4103', 415);
      }
    }
  });

  it('a body over 16 KiB is HTTP 413 with REQERR', async () => {
    for (const { path, body } of ENDPOINTS) {
      const response = await send(path, JSON.stringify({ ...body, padding: 'x'.repeat(17 * 1024) }));
      assertRet(response, '4201', 413);
    }
  });

  it('an unknown route is HTTP 404 with REQERR, JSON not HTML', async () => {
    for (const url of [`${API}/nothing`, '/api/2.0/register', `${API}/register/extra`, '/api/1.0']) {
      assertRet(await t.app.inject({ method: 'GET', url }), '4201', 404);
    }
  });

  it('a known route with the wrong method is HTTP 405 with REQERR and Allow', async () => {
    const put = await t.app.inject({ method: 'PUT', url: `${API}/sessions` });
    assertRet(put, '4201', 405);
    assert.match(String(put.headers.allow), /POST/);
    assert.match(String(put.headers.allow), /DELETE/);
    assertRet(await t.app.inject({ method: 'GET', url: `${API}/register` }), '4201', 405);
    assertRet(await t.app.inject({ method: 'POST', url: `${API}/imageCode?uuid=a` }), '4201', 405);
  });

  it('unknown extra fields are ignored', async () => {
    const response = await send('/sessions', JSON.stringify({ ...ENDPOINTS[2]?.body, remember: 'yes' }));
    assertRet(response, '4102');
  });

  it('every API reply says nosniff and no-store', async () => {
    const response = await send('/sessions', '{');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['cache-control'], 'no-store');
  });
});
