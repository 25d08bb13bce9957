import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALIYUN, aliyunCase } from './fakes/aliyun.js';
import { senderFor, type FakeProvider } from './fakes/provider-case.js';
import { CODE, PHONE } from './provider-suite.js';

describe('aliyun: SendSms as Alibaba Cloud expects it', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await aliyunCase.start();
  });
  after(() => fake.close());

  it('sends PhoneNumbers, SignName, TemplateCode and TemplateParam {"code"}, each time with a fresh nonce', async () => {
    const sender = senderFor(aliyunCase, fake.origin);
    await sender.sendCode(PHONE, CODE, 5, new AbortController().signal);
    await sender.sendCode('13900000000', '000123', 5, new AbortController().signal);
    // The fake refuses a reused nonce, a wrong template or sign name, and any parameter it cannot read.
    assert.deepEqual(fake.problems, []);
    assert.deepEqual(fake.received, [
      { phone: PHONE, code: CODE },
      { phone: '13900000000', code: '000123' },
    ]);
  });

  it('a template the account does not own is refused with the provider code', async () => {
    const sending = senderFor(aliyunCase, fake.origin, { SMS_ALIYUN_TEMPLATE_CODE: 'SMS_000000' }).sendCode(
      PHONE,
      CODE,
      5,
      new AbortController().signal,
    );
    await assert.rejects(sending, { name: 'SmsError', providerCode: 'isv.SMS_TEMPLATE_ILLEGAL' });
  });

  it('an unknown AccessKeyId is refused before the signature is even checked', async () => {
    const sending = senderFor(aliyunCase, fake.origin, {
      SMS_ALIYUN_ACCESS_KEY_ID: `${ALIYUN.accessKeyId}x`,
    }).sendCode(PHONE, CODE, 5, new AbortController().signal);
    await assert.rejects(sending, { name: 'SmsError', providerCode: 'InvalidAccessKeyId.NotFound' });
  });
});
