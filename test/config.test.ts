import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';
import { PRODUCTION_TOKEN_ENV } from './helpers/production-env.js';

const SECRET = 's'.repeat(32);

describe('configuration', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 5000);
    assert.equal(config.databaseUrl, `sqlite:${path.resolve('data', 'medicine.db')}`);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.smsProvider, 'console');
    assert.equal(config.sessionTtlSeconds, 3600);
    assert.equal(config.imageCodeTtlSeconds, 300);
    assert.equal(config.smsCodeTtlSeconds, 300);
    assert.equal(config.smsResendSeconds, 60);
    assert.equal(config.passwordMinLength, 8);
    assert.equal(config.testHooks, false);
    assert.equal(config.cookieSecure, false);
    assert.equal(config.bodyLimitBytes, 16 * 1024);
  });

  it('hashes as many passwords at once as each process has cores, unless HASH_CONCURRENCY says otherwise', () => {
    const cores = os.availableParallelism();
    assert.equal(loadConfig({}).hashConcurrency, cores);
    assert.equal(loadConfig({ HASH_CONCURRENCY: 'auto' }).hashConcurrency, cores);
    const shared = loadConfig({ WORKERS: String(cores * 2), REDIS_URL: 'redis://127.0.0.1:6379' });
    assert.equal(shared.hashConcurrency, 1, 'never less than one');
    assert.equal(loadConfig({ HASH_CONCURRENCY: '3' }).hashConcurrency, 3);
    assert.throws(() => loadConfig({ HASH_CONCURRENCY: '0' }), /HASH_CONCURRENCY/);
    assert.throws(() => loadConfig({ HASH_CONCURRENCY: 'many' }), /HASH_CONCURRENCY/);
  });

  it('draws captchas on as many threads as each process has cores; CAPTCHA_THREADS=0 draws on the event loop', () => {
    const cores = os.availableParallelism();
    assert.equal(loadConfig({}).captchaThreads, cores);
    assert.equal(loadConfig({ CAPTCHA_THREADS: '0' }).captchaThreads, 0);
    assert.equal(loadConfig({ CAPTCHA_THREADS: '3' }).captchaThreads, 3);
    assert.throws(() => loadConfig({ CAPTCHA_THREADS: '-1' }), /CAPTCHA_THREADS/);
  });

  it("keeps the canvas's allocator off transparent huge pages unless MIMALLOC_ALLOW_THP says otherwise", () => {
    assert.equal(loadConfig({}).canvasHugePages, false);
    assert.equal(loadConfig({ MIMALLOC_ALLOW_THP: '1' }).canvasHugePages, true);
    assert.equal(loadConfig({ MIMALLOC_ALLOW_THP: '0' }).canvasHugePages, false);
    assert.throws(() => loadConfig({ MIMALLOC_ALLOW_THP: 'maybe' }), /MIMALLOC_ALLOW_THP/);
  });

  it('is frozen', () => {
    const config = loadConfig({});
    assert.ok(Object.isFrozen(config));
    assert.throws(() => {
      (config as { port: number }).port = 1;
    });
  });

  it('reads each documented variable', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db/medicine',
      REDIS_URL: 'redis://cache:6379',
      SESSION_TTL_SECONDS: '7200',
      IMAGE_CODE_TTL_SECONDS: '120',
      SMS_CODE_TTL_SECONDS: '600',
      SMS_RESEND_SECONDS: '90',
      PASSWORD_MIN_LENGTH: '10',
      MEDICINE_TEST_HOOKS: '1',
    });
    assert.deepEqual(
      [config.host, config.port, config.databaseUrl, config.redisUrl, config.sessionTtlSeconds],
      ['0.0.0.0', 8080, 'postgres://u:p@db/medicine', 'redis://cache:6379', 7200],
    );
    assert.deepEqual(
      [
        config.imageCodeTtlSeconds,
        config.smsCodeTtlSeconds,
        config.smsResendSeconds,
        config.passwordMinLength,
      ],
      [120, 600, 90, 10],
    );
    assert.equal(config.testHooks, true);
  });

  it('refuses values it cannot use, naming the variable', () => {
    for (const [name, value] of [
      ['PORT', 'eighty'],
      ['PORT', '70000'],
      ['SESSION_TTL_SECONDS', '-5'],
      ['PASSWORD_MIN_LENGTH', '0'],
      ['MEDICINE_TEST_HOOKS', 'maybe'],
      ['DATABASE_URL', 'oracle://x'],
      ['SMS_PROVIDER', 'carrier-pigeon'],
      ['MEDICINE_SECRET', 'short'],
      ['ALLOWED_ORIGINS', 'not a url'],
    ] as const) {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: Error) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, new RegExp(name));
          return true;
        },
      );
    }
  });

  it('SMS_REGISTER_SHARE: 0.8 by default, any share above 0 and at most 1, nothing else', () => {
    assert.equal(loadConfig({}).smsRegisterShare, 0.8);
    assert.equal(loadConfig({ SMS_REGISTER_SHARE: '0.5' }).smsRegisterShare, 0.5);
    assert.equal(loadConfig({ SMS_REGISTER_SHARE: '1' }).smsRegisterShare, 1);
    for (const value of ['0', '1.5', '-0.2', 'half', '0x1', '1e-1']) {
      assert.throws(() => loadConfig({ SMS_REGISTER_SHARE: value }), /SMS_REGISTER_SHARE/, value);
    }
  });

  it('refuses test hooks in production', () => {
    assert.throws(
      () =>
        loadConfig({
          NODE_ENV: 'production',
          MEDICINE_TEST_HOOKS: '1',
          MEDICINE_SECRET: SECRET,
          SMS_PROVIDER: 'console',
        }),
      /MEDICINE_TEST_HOOKS/,
    );
  });

  it('in production needs a secret and an explicit SMS provider, and sets Secure cookies', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production', SMS_PROVIDER: 'console' }), /MEDICINE_SECRET/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', MEDICINE_SECRET: SECRET }), /SMS_PROVIDER/);
    const config = loadConfig({
      NODE_ENV: 'production',
      MEDICINE_SECRET: SECRET,
      SMS_PROVIDER: 'console',
      ...PRODUCTION_TOKEN_ENV,
    });
    assert.equal(config.cookieSecure, true);
  });
});
