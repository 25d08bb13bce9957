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

  it('the latency histogram has cumulative buckets, sum and count per route; unmatched requests and HEAD are counted once each', async () => {
    const t = await startTestApp({ METRICS_TOKEN: TOKEN });
    try {
      for (let i = 0; i < 3; i++) await t.app.inject({ url: '/healthz' });
      await t.app.inject({ method: 'HEAD', url: '/healthz' });
      await t.app.inject({ url: `${API}/no-such-route` });
      await t.app.inject({ url: `${API}/no-such-route?x=${newUuid()}` });
      const text = (await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } }))
        .body;
      const series = (labels: string) =>
        Object.fromEntries(
          [...text.matchAll(/^medicine_http_request_duration_seconds_(\w+)\{([^}]*)\} (\S+)$/gm)]
            .filter((m) => m[2]?.replace(/,?le="[^"]*"/, '') === labels)
            .map((m) => [`${m[1]}${/le="([^"]*)"/.exec(m[2] ?? '')?.[1] ?? ''}`, Number(m[3])]),
        );
      const healthz = series('route="/healthz",method="GET",status="200"');
      assert.equal(healthz.count, 3);
      assert.equal(healthz['bucket+Inf'], 3);
      assert.ok((healthz.sum ?? -1) >= 0 && (healthz.sum ?? 0) < 10, 'the sum is in seconds');
      // Cumulative: never smaller at a larger bound.
      const buckets = [
        '0.001',
        '0.0025',
        '0.005',
        '0.01',
        '0.025',
        '0.05',
        '0.1',
        '0.25',
        '0.5',
        '1',
        '2.5',
        '+Inf',
      ];
      buckets
        .slice(1)
        .forEach((le, i) =>
          assert.ok((healthz[`bucket${le}`] ?? -1) >= (healthz[`bucket${buckets[i]}`] ?? 0)),
        );
      assert.equal(series('route="/healthz",method="HEAD",status="200"').count, 1);
      assert.equal(series('route="unmatched",method="GET",status="404"').count, 2);
      assert.match(text, /# TYPE medicine_http_request_duration_seconds histogram/);
    } finally {
      await t.close();
    }
  });

  it('request ids differ from request to request, and a service’s log line carries the one its reply names', async () => {
    const lines: string[] = [];
    const t = await startTestApp(
      { LOG_LEVEL: 'warn' },
      { keyValueStore: new UnreachableStore(), logStream: { write: (line) => lines.push(line) } },
    );
    try {
      const ids = new Set<string>();
      for (let i = 0; i < 50; i++)
        ids.add(String((await t.app.inject({ url: '/healthz' })).headers['x-request-id']));
      assert.equal(ids.size, 50);
      for (const id of ids)
        assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      // /readyz with the store down logs a warning through the request's logger.
      const ready = await t.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      const id = String(ready.headers['x-request-id']);
      const warned = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((l) => l.level === 40);
      assert.deepEqual(
        warned.filter((l) => l.msg === 'not ready').map((l) => l.reqId),
        [id],
      );
      assert.ok(!lines.some((line) => /"level":30/.test(line)), 'nothing below warn is written');
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
