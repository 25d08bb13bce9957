import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  API,
  assertRet,
  drawCaptcha,
  newPhone,
  newUuid,
  post,
  registerAccount,
  startTestApp,
} from '../helpers/app.js';
import { UnreachableStore } from '../helpers/fakes.js';

const TOKEN = 'metrics-token-0123456789';

describe('health, readiness, metrics and request ids', () => {
  it('/healthz answers while the process lives; /readyz when the database and the store answer', async () => {
    const t = await startTestApp();
    try {
      assert.deepEqual((await t.app.inject({ url: '/healthz' })).json(), { status: 'ok' });
      const ready = await t.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'ready' });
    } finally {
      await t.close();
    }
  });

  it('/readyz is 503 and names what is down', async () => {
    const t = await startTestApp({}, { keyValueStore: new UnreachableStore() });
    try {
      assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
      const ready = await t.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.deepEqual(ready.json(), { status: 'unavailable', failing: ['store'] });
    } finally {
      await t.close();
    }
  });

  it('/metrics is not served without METRICS_TOKEN', async () => {
    const t = await startTestApp();
    try {
      const response = await t.app.inject({ url: '/metrics' });
      assert.notEqual(response.statusCode, 200);
      assert.doesNotMatch(response.body, /medicine_/);
    } finally {
      await t.close();
    }
  });

  it('/metrics wants the token, then counts requests by route, SMS, logins, lockouts and captchas', async () => {
    const t = await startTestApp({ METRICS_TOKEN: TOKEN });
    try {
      const phone = newPhone();
      await registerAccount(t.app, phone, 'password1');
      for (let i = 0; i < 5; i++)
        assertRet(await post(t.app, '/sessions', { phone, password: 'wrong!!!' }), '4102');
      assertRet(await post(t.app, '/sessions', { phone, password: 'password1' }), '4201');
      await drawCaptcha(t.app, newUuid());

      assert.equal((await t.app.inject({ url: '/metrics' })).statusCode, 401);
      const wrong = await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer nope' } });
      assert.equal(wrong.statusCode, 401);
      const response = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^text\/plain/);
      const text = response.body;
      assert.match(
        text,
        /medicine_http_request_duration_seconds_count\{route="\/api\/1\.0\/sessions",method="POST",status="200"\} 6/,
      );
      assert.match(text, /medicine_sms_total\{provider="console",outcome="sent"\} 1/);
      assert.match(text, /medicine_logins_total\{outcome="wrong_credentials"\} 5/);
      assert.match(text, /medicine_logins_total\{outcome="locked"\} 1/);
      assert.match(text, /medicine_lockouts_total\{scope="phone"\} 1/);
      assert.match(text, /medicine_captchas_drawn_total 2/);
      assert.match(text, /medicine_registrations_total\{types="patient"\} 1/);
      assert.match(text, /medicine_process_resident_memory_bytes/);
    } finally {
      await t.close();
    }
  });

  it('every reply carries a request id; a plain X-Request-Id from the caller is kept', async () => {
    const t = await startTestApp();
    try {
      const own = await t.app.inject({ url: `${API}/users` });
      assert.match(String(own.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      const given = await t.app.inject({ url: `${API}/users`, headers: { 'x-request-id': 'edge-42.abc' } });
      assert.equal(given.headers['x-request-id'], 'edge-42.abc');
      const hostile = await t.app.inject({
        url: `${API}/users`,
        headers: { 'x-request-id': 'a\nb'.repeat(40) },
      });
      assert.notEqual(hostile.headers['x-request-id'], 'a\nb'.repeat(40));
    } finally {
      await t.close();
    }
  });

  it('interactive API docs are served at /docs', async () => {
    const t = await startTestApp();
    try {
      const page = await t.app.inject({ url: '/docs/' });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /swagger/i);
    } finally {
      await t.close();
    }
  });
});
