import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { senderFor, type FakeProvider } from './fakes/provider-case.js';
import { tencentCase } from './fakes/tencent.js';
import { CODE, PHONE } from './provider-suite.js';

describe('tencent: SendSms as Tencent Cloud expects it', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await tencentCase.start();
  });
  after(() => fake.close());

  it('sends the number as +86…, and the code and its lifetime as TemplateParamSet', async () => {
    await senderFor(tencentCase, fake.origin).sendCode(PHONE, CODE, 7, new AbortController().signal);
    assert.deepEqual(fake.problems, []);
    assert.deepEqual(fake.received, [{ phone: `+86${PHONE}`, code: CODE, ttlMinutes: '7' }]);
  });

  it('an API error (wrong SmsSdkAppId) fails with the code from Response.Error', async () => {
    const sending = senderFor(tencentCase, fake.origin, { SMS_TENCENT_SDK_APP_ID: '1400000000' }).sendCode(
      PHONE,
      CODE,
      5,
      new AbortController().signal,
    );
    await assert.rejects(sending, {
      name: 'SmsError',
      providerCode: 'InvalidParameterValue.SdkAppIdNotExist',
    });
  });

  it('SMS_TENCENT_REGION is sent as X-TC-Region', async () => {
    const sending = senderFor(tencentCase, fake.origin, { SMS_TENCENT_REGION: 'ap-beijing' }).sendCode(
      PHONE,
      CODE,
      5,
      new AbortController().signal,
    );
    await assert.rejects(sending, { name: 'SmsError', providerCode: 'UnsupportedRegion' });
  });
});
