import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { yuntongxunTimestamp, YuntongxunSmsSender } from '../../src/sms/yuntongxun.js';
import { senderFor, type FakeProvider } from './fakes/provider-case.js';
import { yuntongxunCase } from './fakes/yuntongxun.js';
import { assertSafeFailure, CODE, PHONE } from './provider-suite.js';

describe('yuntongxun: TemplateSMS as Ronglian expects it', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await yuntongxunCase.start();
  });
  after(() => fake.close());

  it('the timestamp is yyyyMMddHHmmss in Beijing time', () => {
    assert.equal(yuntongxunTimestamp(Date.UTC(2024, 4, 1, 16, 30, 5)), '20240502003005');
  });

  it('sends `to` as 11 digits and `datas` as [code, minutes]', async () => {
    await senderFor(yuntongxunCase, fake.origin).sendCode(PHONE, CODE, 5, new AbortController().signal);
    assert.deepEqual(fake.problems, []);
    assert.deepEqual(fake.received, [{ phone: PHONE, code: CODE, ttlMinutes: '5' }]);
  });

  it('a timestamp older than 24 hours is refused: sig and Authorization are bound to the clock', async () => {
    const config = loadConfig({ SMS_PROVIDER: 'yuntongxun', ...yuntongxunCase.env(fake.origin) });
    const yesterday = () => Date.now() - 25 * 3600 * 1000;
    const sender = new YuntongxunSmsSender(config.sms.yuntongxun!, 2000, yesterday);
    await assertSafeFailure(
      sender.sendCode(PHONE, CODE, 5, new AbortController().signal),
      '111109',
      yuntongxunCase.secrets,
    );
  });
});
