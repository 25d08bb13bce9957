import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { buildApp, type App } from '../../src/app.js';
import { API, newPhone, newUuid, post, registerAccount, testConfig } from '../helpers/app.js';
import { TcpRelay } from '../helpers/tcp-relay.js';

const REDIS_URL = process.env.REDIS_URL || undefined;
const SQL_URL = /^(postgres|mysql)/.test(process.env.DATABASE_URL ?? '')
  ? process.env.DATABASE_URL
  : undefined;

/** Retries `probe` until it answers `re_code "0"`, for at most `ms`; says how long it took. */
async function recovers(probe: () => Promise<{ re_code: string }>, ms: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if ((await probe()).re_code === '0') return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`no recovery within ${ms} ms`);
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

// These cut the connection to a real Redis or SQL server, so they run where CI names one.
if (REDIS_URL !== undefined) {
  describe('losing Redis while running', () => {
    it('requests become DBERR within the command timeout, /readyz says so, and service resumes by itself', async () => {
      const relay = new TcpRelay(new URL(REDIS_URL));
      await relay.up();
      let app: App | undefined;
      try {
        app = await buildApp(testConfig({ REDIS_URL: relay.url, REDIS_COMMAND_TIMEOUT_MS: '500' }));
        const captcha = () => app!.inject({ url: `${API}/imageCode?uuid=${newUuid()}` });
        assert.equal((await captcha()).headers['content-type'], 'image/jpeg');

        await relay.down();
        const cut = await timed(captcha);
        assert.equal(cut.value.json().re_code, '4001');
        assert.ok(cut.ms < 3000, `DBERR after ${cut.ms} ms`);
        const refused = await post(app, '/smsCode', {
          phone: newPhone(),
          img_code_client: 'ABCD',
          uuid: 'x',
        });
        assert.equal(refused.json().re_code, '4001');
        assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503);

        relay.stall(true);
        await relay.up();
        const stalled = await timed(captcha);
        assert.equal(stalled.value.json().re_code, '4001', 'a Redis that stops answering is DBERR too');
        assert.ok(stalled.ms < 3000, `DBERR after ${stalled.ms} ms`);
        relay.stall(false);

        await recovers(async () => {
          const response = await captcha();
          return {
            re_code: response.headers['content-type'] === 'image/jpeg' ? '0' : response.json().re_code,
          };
        }, 10_000);
        await registerAccount(app, newPhone());
      } finally {
        await app?.close();
        await relay.down();
      }
    });
  });
}

if (SQL_URL !== undefined) {
  describe('losing the SQL database while running', () => {
    it('requests become DBERR in bounded time, and service resumes by itself when it is back', async () => {
      const upstream = new URL(SQL_URL);
      const relay = new TcpRelay(upstream, upstream.protocol.startsWith('postgres') ? 5432 : 3306);
      await relay.up();
      const viaRelay = new URL(SQL_URL);
      viaRelay.hostname = '127.0.0.1';
      viaRelay.port = String(relay.port);
      let app: App | undefined;
      try {
        // The session cache answers who-am-I for up to SESSION_CACHE_SECONDS without the
        // database: one second here, so that the cut shows within the bound below.
        app = await buildApp(testConfig({ DATABASE_URL: viaRelay.toString(), SESSION_CACHE_SECONDS: '1' }));
        const phone = newPhone();
        const session = await registerAccount(app, phone, 'outage password');
        const me = () => app!.inject({ url: `${API}/users`, cookies: { session } });
        assert.equal((await me()).json().re_code, '0');

        await relay.down();
        const cut = await timed(async () => {
          for (;;) {
            const reply = await me();
            if (reply.json().re_code !== '0') return reply;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        });
        assert.equal(cut.value.json().re_code, '4001');
        assert.ok(cut.ms < 8000, `DBERR after ${cut.ms} ms (1 s of cache, then at most the 5 s timeouts)`);
        const login = await timed(() => post(app!, '/sessions', { phone, password: 'outage password' }));
        assert.equal(login.value.json().re_code, '4001');
        assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503);

        await relay.up();
        await recovers(async () => (await me()).json(), 15_000);
        assert.equal(
          (await post(app, '/sessions', { phone, password: 'outage password' })).json().re_code,
          '0',
        );
      } finally {
        await app?.close();
        await relay.down();
      }
    });
  });
}
