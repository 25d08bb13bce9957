import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  API,
  assertRet,
  drawCaptcha,
  newPhone,
  newUuid,
  post,
  sendSmsCode,
  startTestApp,
  type TestApp,
} from '../helpers/app.js';
import { PROVIDER_CASES } from './cases.js';
import type { FakeProvider } from './fakes/provider-case.js';

async function askForCode(t: TestApp, phone: string) {
  const uuid = newUuid();
  const text = await drawCaptcha(t.app, uuid);
  return post(t.app, '/smsCode', { phone, img_code_client: text, uuid });
}

async function storedCodeIsAbsent(t: TestApp, phone: string) {
  const response = await t.app.inject({ method: 'GET', url: `${API}/test/sms?phone=${phone}` });
  assertRet(response, '4002');
}

for (const providerCase of PROVIDER_CASES) {
  describe(`POST /smsCode with SMS_PROVIDER=${providerCase.provider} (a local stand-in)`, () => {
    let fake: FakeProvider;
    let t: TestApp;
    before(async () => {
      fake = await providerCase.start();
      t = await startTestApp({
        SMS_PROVIDER: providerCase.provider,
        SMS_SEND_TIMEOUT_MS: '800',
        ...providerCase.env(fake.origin),
      });
    });
    after(async () => {
      await t.close();
      await fake.close();
    });

    it('the code the provider accepted is the one stored, and the reply is "0"', async () => {
      fake.behaviour = 'accept';
      const phone = newPhone();
      const stored = await sendSmsCode(t.app, phone);
      assert.deepEqual(fake.problems, []);
      const sent = fake.received.at(-1);
      assert.equal(sent?.phone.replace(/^\+86/, ''), phone);
      assert.equal(sent?.code, stored);
    });

    it('a provider refusal is THIRDERR ("4301") and nothing is stored', async () => {
      fake.behaviour = 'refuse';
      const phone = newPhone();
      assertRet(await askForCode(t, phone), '4301');
      await storedCodeIsAbsent(t, phone);
    });

    it('a provider that hangs past SMS_SEND_TIMEOUT_MS is THIRDERR ("4301")', async () => {
      fake.behaviour = 'hang';
      const phone = newPhone();
      const started = performance.now();
      assertRet(await askForCode(t, phone), '4301');
      assert.ok(performance.now() - started < 3000);
      await storedCodeIsAbsent(t, phone);
    });
  });
}
