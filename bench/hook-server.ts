// One server for bench/hooks.ts: either the whole service (`HOOK_APP=<project root>`: that
// tree's own buildApp, so an older checkout can be measured beside this one), or Fastify with
// the service's per-request layers stacked one at a time (`HOOK_LAYERS=logger,reqid,…`), each
// in its old form (as in main before issue 18's per-request work) or its new one (this tree's).
// Answers GET /healthz (and, for the whole service, GET /api/1.0/users with a session it
// prints). Not part of the service; see bench/README.md "Per-request cost".
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { buildApp as BuildApp } from '../src/app.js';
import type { loadConfig as LoadConfig } from '../src/config.js';
import originCheck from '../src/http/plugins/origin-check.js';
import { Histogram } from 'prom-client';
import { PrometheusMetrics } from '../src/metrics/prometheus.js';

const port = Number(process.env.PORT ?? 0);
const layers = new Set((process.env.HOOK_LAYERS ?? '').split(',').filter((s) => s !== ''));
const appRoot = process.env.HOOK_APP;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const API_HEADERS = Object.freeze({
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});
const devNull = fs.createWriteStream('/dev/null');

async function layered(): Promise<FastifyInstance> {
  const fast = await import('../src/http/request-logging.js').catch(() => undefined);
  const loggerOptions = {
    level: 'warn',
    stream: devNull,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  };
  const app = Fastify({
    logger: layers.has('logger') || layers.has('logger-new') ? loggerOptions : false,
    ...(layers.has('logger-new') && fast ? fast.requestLogging() : {}),
    ...(layers.has('reqid') && {
      requestIdHeader: false,
      genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
        const given = request.headers['x-request-id'];
        return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      },
    }),
    ...(layers.has('reqid-new') && fast
      ? { requestIdHeader: false, genReqId: fast.requestIdGenerator() }
      : {}),
  });
  if (layers.has('cookie')) await app.register(cookie);
  if (layers.has('origin')) await app.register(originCheck, { allowedOrigins: [] });
  if (layers.has('metrics') || layers.has('metrics-new')) {
    const metrics = new PrometheusMetrics();
    if (layers.has('metrics-new')) {
      const { default: metricsPlugin } = await import('../src/http/plugins/metrics.js');
      await app.register(metricsPlugin, { metrics, token: undefined });
    } else {
      // As in main before: prom-client's histogram, the route's pattern and a string key per request.
      const series = new Map<string, { observe(seconds: number): void }>();
      const histogram = new Histogram({
        name: 'old_http_request_duration_seconds',
        help: 'as before',
        labelNames: ['route', 'method', 'status'] as const,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [metrics.registry],
      });
      app.addHook('onResponse', (request, reply, done) => {
        const route = request.routeOptions.url ?? 'unmatched';
        const key = `${request.method} ${reply.statusCode} ${route}`;
        let s = series.get(key);
        if (s === undefined) {
          s = histogram.labels({ route, method: request.method, status: String(reply.statusCode) });
          series.set(key, s);
        }
        s.observe(reply.elapsedTime / 1000);
        done();
      });
    }
  }
  if (layers.has('headers')) {
    app.addHook('onSend', (request, reply, payload, done) => {
      reply.header('x-request-id', request.id);
      if (request.url.startsWith('/api/1.0')) {
        reply.headers(API_HEADERS);
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      }
      done(null, payload);
    });
  }
  if (layers.has('headers-new')) {
    const { default: apiHeaders } = await import('../src/http/plugins/api-headers.js');
    await app.register(apiHeaders, { prefix: '/api/1.0' });
  }
  const schema = {
    response: {
      200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] },
    },
  };
  app.get('/healthz', { schema }, async () => ({ status: 'ok' }));
  return app;
}

/** The whole service from `root`, on SQLite in a temporary directory, with one registered account. */
async function whole(root: string): Promise<{ app: FastifyInstance; cookie: string }> {
  const { buildApp } = (await import(path.join(root, 'src', 'app.ts'))) as { buildApp: typeof BuildApp };
  const { loadConfig } = (await import(path.join(root, 'src', 'config.ts'))) as {
    loadConfig: typeof LoadConfig;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hook-bench-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({
    NODE_ENV: 'development',
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    MEDICINE_SECRET: 'hook-bench-secret-hook-bench-secret-0123',
    MEDICINE_TEST_HOOKS: '1',
    CAPTCHA_POOL_SIZE: '0',
    CAPTCHA_THREADS: '0',
    SMS_PROVIDER: 'console',
  });
  const app = (await buildApp(config, { logStream: devNull })) as unknown as FastifyInstance;
  const api = '/api/1.0';
  const phone = `1390000${String(process.pid % 10000).padStart(4, '0')}`;
  const image = await app.inject({ url: `${api}/imageCode?uuid=hook-bench&last_uuid=` });
  const text = String(image.headers['x-captcha-text']);
  await app.inject({
    method: 'POST',
    url: `${api}/smsCode`,
    payload: { phone, img_code_client: text, uuid: 'hook-bench' },
  });
  const code = (await app.inject({ url: `${api}/test/sms?phone=${phone}` })).json<{ code: string }>().code;
  const registered = await app.inject({
    method: 'POST',
    url: `${api}/register`,
    payload: { phone, phone_code: code, password: 'a long password', password2: 'a long password' },
  });
  const session = registered.cookies.find((c) => c.name === 'session')?.value;
  if (session === undefined) throw new Error(`registering failed: ${registered.body}`);
  return { app, cookie: session };
}

const built = appRoot ? await whole(appRoot) : { app: await layered(), cookie: '' };
const address = await built.app.listen({ host: '127.0.0.1', port });
process.stdout.write(`hook server listening at ${address}\nsession ${built.cookie}\n`);
const stop = () => {
  built.app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
