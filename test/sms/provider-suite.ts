import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SmsError } from '../../src/sms/sms-sender.js';
import { senderFor, type FakeProvider, type ProviderCase } from './fakes/provider-case.js';
import { closedPortOrigin } from './fakes/server.js';

export const PHONE = '13812345678';
export const CODE = '482915';

/** The failure every adapter must produce: an SmsError with this code, and nothing secret in it. */
export async function assertSafeFailure(
  sending: Promise<void>,
  providerCode: string,
  secrets: readonly string[],
  code = CODE,
): Promise<SmsError> {
  const error = await sending.then(
    () => assert.fail(`expected a failure with ${providerCode}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SmsError, `an SmsError, got ${String(error)}`);
  assert.equal(error.providerCode, providerCode, error.message);
  assert.equal(error.cause, undefined, 'no SDK or transport error passed on as cause');
  const everything = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)}`;
  assert.ok(!everything.includes(code), `the code is not in "${error.message}"`);
  assert.ok(!everything.includes(PHONE), `the phone is not in "${error.message}"`);
  for (const secret of secrets) assert.ok(!everything.includes(secret), `a secret is in "${error.message}"`);
  return error;
}

/**
 * What every provider adapter must do, run against its fake: the same rules for all, so a
 * new provider proves itself by passing them (and adds its own checks beside).
 */
export function describeProviderSuite(providerCase: ProviderCase): void {
  describe(`${providerCase.provider}: the SmsSender contract`, () => {
    let fake: FakeProvider;
    const send = (env: Record<string, string> = {}, signal = new AbortController().signal) =>
      senderFor(providerCase, fake.origin, env).sendCode(PHONE, CODE, 5, signal);

    before(async () => {
      fake = await providerCase.start();
    });
    after(() => fake.close());
    beforeEach(() => {
      fake.behaviour = 'accept';
      fake.received.length = 0;
      fake.problems.length = 0;
    });

    it('resolves when the provider accepts a request that passes its signature and parameter checks', async () => {
      await send();
      assert.deepEqual(fake.problems, []);
      assert.equal(fake.received.length, 1);
      assert.equal(fake.received[0]?.phone.replace(/^\+86/, ''), PHONE);
      assert.equal(fake.received[0]?.code, CODE);
    });

    it("a refusal fails with the provider's own code, and the message holds neither secret nor code", async () => {
      fake.behaviour = 'refuse';
      await assertSafeFailure(send(), providerCase.codes.refused, providerCase.secrets);
      assert.equal(fake.received.length, 1);
    });

    it('an HTTP 5xx answer is a failure', async () => {
      fake.behaviour = 'http500';
      await assertSafeFailure(send(), providerCase.codes.http500, providerCase.secrets);
    });

    const malformed = providerCase.codes.malformed;
    if (malformed === null) {
      it('any 2xx answer is acceptance, whatever its body', async () => {
        fake.behaviour = 'malformed';
        await send();
        assert.equal(fake.received.length, 1);
      });
    } else {
      it('an unreadable answer is a failure, not a success', async () => {
        fake.behaviour = 'malformed';
        await assertSafeFailure(send(), malformed, providerCase.secrets);
      });
    }

    it('a wrong secret is turned away by the signature check', async () => {
      await assertSafeFailure(
        send(providerCase.wrongSecretEnv),
        providerCase.codes.wrongSecret,
        providerCase.secrets,
      );
      assert.equal(fake.received.length, 0);
      assert.ok(fake.problems.length > 0);
    });

    it('a provider that hangs fails with TIMEOUT once SMS_SEND_TIMEOUT_MS has passed', async () => {
      fake.behaviour = 'hang';
      const started = performance.now();
      await assertSafeFailure(send({ SMS_SEND_TIMEOUT_MS: '250' }), 'TIMEOUT', providerCase.secrets);
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 200 && elapsed < 3000, `gave up after ${Math.round(elapsed)} ms`);
    });

    it("the caller's AbortSignal ends the send at once", async () => {
      fake.behaviour = 'hang';
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(), 50);
      await assertSafeFailure(
        send({ SMS_SEND_TIMEOUT_MS: '10000' }, controller.signal),
        'ABORTED',
        providerCase.secrets,
      );
      assert.ok(performance.now() - started < 2000);
    });

    it('an unreachable provider is a NETWORK failure', async () => {
      const origin = await closedPortOrigin();
      const sending = senderFor(providerCase, origin).sendCode(PHONE, CODE, 5, new AbortController().signal);
      await assertSafeFailure(sending, 'NETWORK', providerCase.secrets);
    });
  });
}
