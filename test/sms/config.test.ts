import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { ConfigError, loadConfig, SMS_PROVIDERS } from '../../src/config.js';
import { openSmsSender } from '../../src/sms/open-sender.js';
import { smsProviderNamed, smsProviderSettingDocs } from '../../src/sms/registry.js';
import { PROVIDER_CASES } from './cases.js';
import { aliyunCase } from './fakes/aliyun.js';
import type { ProviderCase } from './fakes/provider-case.js';
import { tencentCase } from './fakes/tencent.js';
import { twilioCase } from './fakes/twilio.js';
import { webhookCase } from './fakes/webhook.js';
import { yuntongxunCase } from './fakes/yuntongxun.js';
import { PRODUCTION_TOKEN_ENV } from '../helpers/production-env.js';

const ORIGIN = 'https://sms.example.test';
const SECRET = 's'.repeat(32);

/** The variables each provider declares required (its file says so beside the code that reads them). */
const required = (providerCase: ProviderCase): string[] =>
  smsProviderSettingDocs(smsProviderNamed(providerCase.provider))
    .filter(([, setting]) => setting.required === true)
    .map(([name]) => name);

function envFor(providerCase: ProviderCase, extra: Record<string, string | undefined> = {}) {
  return { SMS_PROVIDER: providerCase.provider, ...providerCase.env(ORIGIN), ...extra };
}

function assertConfigError(env: Record<string, string | undefined>, names: RegExp) {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, names);
      return true;
    },
  );
}

describe('SMS provider configuration', () => {
  it('with nothing set the provider is still console, with no provider settings', () => {
    const config = loadConfig({});
    assert.equal(config.smsProvider, 'console');
    assert.deepEqual(config.sms, {});
  });

  it('an SMS_PROVIDER outside the list is refused, and the message lists the choices', () => {
    assertConfigError(
      { SMS_PROVIDER: 'no-such-provider' },
      new RegExp(`SMS_PROVIDER must be one of ${SMS_PROVIDERS.join(', ')}`),
    );
  });

  for (const providerCase of PROVIDER_CASES) {
    const { provider } = providerCase;

    it(`${provider}: start-up fails naming each missing setting (unset or blank)`, () => {
      assert.ok(required(providerCase).length > 0, 'declares at least one required variable');
      for (const name of required(providerCase)) {
        assertConfigError(envFor(providerCase, { [name]: undefined }), new RegExp(`^${name} `));
        assertConfigError(envFor(providerCase, { [name]: '   ' }), new RegExp(`^${name} `));
      }
    });

    it(`${provider}: only the chosen provider's block is read, frozen, and opens a sender of that name`, () => {
      const config = loadConfig(envFor(providerCase));
      assert.deepEqual(Object.keys(config.sms), [provider]);
      assert.ok(Object.isFrozen(config.sms) && Object.isFrozen(config.sms[provider]));
      assert.equal(
        openSmsSender(config, pino({ enabled: false }) as unknown as FastifyBaseLogger).name,
        provider,
      );
    });
  }

  it('endpoints default to the real services', () => {
    const endpoint = (providerCase: ProviderCase, name: string) =>
      loadConfig(envFor(providerCase, { [name]: undefined })).sms;
    assert.equal(
      endpoint(aliyunCase, 'SMS_ALIYUN_ENDPOINT').aliyun?.endpoint,
      'https://dysmsapi.aliyuncs.com',
    );
    const tencent = endpoint(tencentCase, 'SMS_TENCENT_ENDPOINT').tencent;
    assert.equal(tencent?.endpoint, 'https://sms.tencentcloudapi.com');
    assert.equal(
      loadConfig(envFor(tencentCase, { SMS_TENCENT_REGION: undefined })).sms.tencent?.region,
      'ap-guangzhou',
    );
    assert.equal(
      endpoint(yuntongxunCase, 'SMS_YUNTONGXUN_BASE_URL').yuntongxun?.baseUrl,
      'https://app.cloopen.com:8883',
    );
    const twilio = endpoint(twilioCase, 'SMS_TWILIO_BASE_URL').twilio;
    assert.equal(twilio?.baseUrl, 'https://api.twilio.com');
    assert.equal(twilio?.body, '【Medicine】您的验证码是 {code}，{ttl_minutes} 分钟内有效。');
  });

  it('an endpoint must be an http(s) origin, without a path', () => {
    assertConfigError(
      envFor(aliyunCase, { SMS_ALIYUN_ENDPOINT: 'ftp://dysmsapi.aliyuncs.com' }),
      /^SMS_ALIYUN_ENDPOINT /,
    );
    assertConfigError(
      envFor(tencentCase, { SMS_TENCENT_ENDPOINT: 'https://x.test/api' }),
      /^SMS_TENCENT_ENDPOINT /,
    );
    assertConfigError(envFor(twilioCase, { SMS_TWILIO_BASE_URL: 'api.twilio.com' }), /^SMS_TWILIO_BASE_URL /);
    assertConfigError(
      envFor(webhookCase, { SMS_WEBHOOK_URL: 'mailto:sms@example.test' }),
      /^SMS_WEBHOOK_URL /,
    );
  });

  it('in production every provider URL must use https', () => {
    const production = { NODE_ENV: 'production', MEDICINE_SECRET: SECRET, ...PRODUCTION_TOKEN_ENV };
    assertConfigError(
      {
        ...production,
        ...envFor(yuntongxunCase, { SMS_YUNTONGXUN_BASE_URL: 'http://app.cloopen.com:8883' }),
      },
      /^SMS_YUNTONGXUN_BASE_URL must use https/,
    );
    assertConfigError(
      { ...production, ...envFor(webhookCase, { SMS_WEBHOOK_URL: 'http://gateway.internal/sms' }) },
      /^SMS_WEBHOOK_URL must use https/,
    );
    assert.equal(loadConfig({ ...production, ...envFor(aliyunCase) }).smsProvider, 'aliyun');
  });

  it('twilio needs a sender: SMS_TWILIO_FROM or SMS_TWILIO_MESSAGING_SERVICE_SID', () => {
    assertConfigError(
      envFor(twilioCase, { SMS_TWILIO_FROM: undefined, SMS_TWILIO_MESSAGING_SERVICE_SID: undefined }),
      /^SMS_TWILIO_FROM or SMS_TWILIO_MESSAGING_SERVICE_SID is required/,
    );
    const viaService = loadConfig(
      envFor(twilioCase, { SMS_TWILIO_FROM: undefined, SMS_TWILIO_MESSAGING_SERVICE_SID: 'MG0123' }),
    );
    assert.deepEqual(
      [viaService.sms.twilio?.from, viaService.sms.twilio?.messagingServiceSid],
      [undefined, 'MG0123'],
    );
  });

  it('SMS_TWILIO_BODY must hold {code}', () => {
    assertConfigError(
      envFor(twilioCase, { SMS_TWILIO_BODY: 'Your code is coming' }),
      /^SMS_TWILIO_BODY must contain/,
    );
  });

  it('SMS_WEBHOOK_SECRET must be at least 32 characters, and is not echoed', () => {
    assertConfigError(
      envFor(webhookCase, { SMS_WEBHOOK_SECRET: 'short-secret' }),
      /^SMS_WEBHOOK_SECRET must be at least 32/,
    );
    assert.throws(
      () => loadConfig(envFor(webhookCase, { SMS_WEBHOOK_SECRET: 'short-secret' })),
      (error: Error) => !error.message.includes('short-secret'),
    );
  });
});
