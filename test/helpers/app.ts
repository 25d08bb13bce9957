import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type App, type Overrides } from '../../src/app.js';
import type { ManualClock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import { OpenApiReplies } from './openapi-replies.js';
import { TimeTravellingRedisStore, TravellingClock } from './time-travel.js';

export const API = '/api/1.0';
export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123';

let appCounter = 0;

/**
 * A config with test hooks on, over the backends CI names in DATABASE_URL and REDIS_URL
 * (an in-memory SQLite and the in-process store when they are unset). Each app gets
 * its own Redis key prefix, so that counters such as the per-IP quota never leak
 * from one test into another.
 */
export function testConfig(env: Record<string, string> = {}): Config {
  appCounter += 1;
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: process.env.DATABASE_URL ?? 'sqlite::memory:',
    REDIS_URL: process.env.REDIS_URL ?? '',
    REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX ?? 'test:'}${process.pid}:${appCounter}:`,
    MEDICINE_SECRET: TEST_SECRET,
    MEDICINE_TEST_HOOKS: '1',
    // Drawing 2 000 captchas ahead in every test app would take the suite's CPU; the pool's
    // own tests (test/services/captcha-pool.test.ts) turn it on.
    CAPTCHA_POOL_SIZE: '0',
    ...env,
  });
}

export interface TestApp {
  app: App;
  clock: ManualClock;
  close(): Promise<void>;
}

/**
 * An app on embedded defaults with a clock the test moves by hand. Over Redis, moving the
 * clock also ages the app's keys (see time-travel.ts), so time-travel tests hold there too.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  overrides: Overrides = {},
): Promise<TestApp> {
  const config = testConfig(env);
  const clock = new TravellingClock(Date.now());
  let store: TimeTravellingRedisStore | undefined;
  if (config.redisUrl !== undefined && overrides.keyValueStore === undefined) {
    const opened = await TimeTravellingRedisStore.open(config);
    clock.onAdvance = (ms) => opened.age(ms);
    store = opened;
  }
  const app = await buildApp(config, { clock, ...(store && { keyValueStore: store }), ...overrides }).catch(
    async (error: unknown) => {
      await store?.close();
      throw error;
    },
  );
  const unreported = checkRepliesAgainstDocument(app);
  return {
    app,
    clock,
    close: async () => {
      await app.close();
      await store?.close();
      assert.deepEqual(unreported(), [], 'replies that the OpenAPI document does not describe');
    },
  };
}

const validators = new Map<string, OpenApiReplies>();

/**
 * Every reply the app sends to a path of the API is checked against the app's own OpenAPI
 * document (status, declared headers, body). An `inject` whose reply does not fit rejects,
 * so the test that made it fails; a reply over a socket that does not fit fails `close()`.
 * Returns what was found and not yet reported.
 */
function checkRepliesAgainstDocument(app: App): () => string[] {
  const problems = new Map<string, string[]>();
  let validator: OpenApiReplies | undefined;
  const validatorOf = () => {
    if (validator === undefined) {
      const document = app.swagger() as unknown as Record<string, unknown>;
      const key = JSON.stringify(document);
      validator = validators.get(key) ?? new OpenApiReplies(document);
      validators.set(key, validator);
    }
    return validator;
  };
  app.addHook('onSend', (request, reply, payload, done) => {
    const checker = validatorOf();
    if (request.routeOptions.schema?.hide === true || !checker.covers(request.url)) {
      done(null, payload);
      return;
    }
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : undefined;
    const found = checker.check({
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      headers: reply.getHeaders(),
      body,
    });
    if (found.length > 0) problems.set(request.id, found);
    done(null, payload);
  });
  const inject = app.inject.bind(app) as (options: unknown) => Promise<LightMyRequestResponse>;
  app.inject = (async (options: unknown) => {
    const response = await inject(options);
    const id = String(response.headers['x-request-id']);
    const found = problems.get(id);
    problems.delete(id);
    assert.deepEqual(found ?? [], [], 'the reply fits the OpenAPI document');
    return response;
  }) as App['inject'];
  return () => [...problems.values()].flat();
}

export function json(response: LightMyRequestResponse): Record<string, unknown> {
  assert.match(String(response.headers['content-type']), /^application\/json/);
  return response.json();
}

/** Asserts a `{re_code, msg}` reply with this code (and HTTP 200 unless told otherwise). */
export function assertRet(
  response: LightMyRequestResponse,
  reCode: string,
  status = 200,
): Record<string, unknown> {
  const body = json(response);
  assert.equal(response.statusCode, status, `HTTP status for ${response.body}`);
  assert.equal(body.re_code, reCode, `re_code for ${response.body}`);
  assert.equal(typeof body.msg, 'string');
  return body;
}

let phoneCounter = 0;
/** A different valid mainland number each call, within one test process. */
export function newPhone(): string {
  phoneCounter += 1;
  return `139${String(process.pid % 10000).padStart(4, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

export function post(app: App, path: string, payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: `${API}${path}`, payload: payload as object, headers });
}

/** Draws a captcha and returns its text, read from the test-hook header. */
export async function drawCaptcha(app: App, uuid: string): Promise<string> {
  const response = await app.inject({ method: 'GET', url: `${API}/imageCode?uuid=${uuid}` });
  assert.equal(response.statusCode, 200);
  const text = response.headers['x-captcha-text'];
  assert.equal(typeof text, 'string');
  return text as string;
}

let uuidCounter = 0;
export function newUuid(): string {
  uuidCounter += 1;
  return `test-${process.pid}-${uuidCounter}`;
}

/** Passes a captcha and sends an SMS code to `phone`; returns the code via the test hook. */
export async function sendSmsCode(app: App, phone: string): Promise<string> {
  const uuid = newUuid();
  const text = await drawCaptcha(app, uuid);
  assertRet(await post(app, '/smsCode', { phone, img_code_client: text, uuid }), '0');
  return lastSmsCode(app, phone);
}

export async function lastSmsCode(app: App, phone: string): Promise<string> {
  const response = await app.inject({
    method: 'GET',
    url: `${API}/test/sms?phone=${encodeURIComponent(phone)}`,
  });
  const body = assertRet(response, '0');
  return body.code as string;
}

export function sessionCookie(response: LightMyRequestResponse): string | undefined {
  return response.cookies.find((c) => c.name === 'session')?.value;
}

/** Registers `phone` through the whole flow; returns the session cookie value. */
export async function registerAccount(
  app: App,
  phone: string,
  password = 'correct horse',
  types?: string,
): Promise<string> {
  const code = await sendSmsCode(app, phone);
  const response = await post(app, '/register', {
    phone,
    phone_code: code,
    password,
    password2: password,
    ...(types ? { types } : {}),
  });
  assertRet(response, '0');
  const cookie = sessionCookie(response);
  assert.ok(cookie);
  return cookie;
}

export function whoAmI(app: App, session: string | undefined) {
  return app.inject({ method: 'GET', url: `${API}/users`, cookies: session ? { session } : {} });
}
