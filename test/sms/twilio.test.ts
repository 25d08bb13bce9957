import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { senderFor } from './fakes/provider-case.js';
import { startFakeTwilio, TWILIO, twilioCase } from './fakes/twilio.js';
import { CODE, PHONE } from './provider-suite.js';

describe('twilio: Messages.create as Twilio expects it', () => {
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
  before(async () => {
    fake = await startFakeTwilio();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.bodies.length = 0;
    fake.problems.length = 0;
  });

  it('the text is SMS_TWILIO_BODY with {code} and {ttl_minutes} filled in', async () => {
    const sender = senderFor(twilioCase, fake.origin, {
      SMS_TWILIO_BODY: 'Medicine code {code}, valid {ttl_minutes} min. Never share {code}.',
    });
    await sender.sendCode(PHONE, CODE, 5, new AbortController().signal);
    assert.deepEqual(fake.bodies, [`Medicine code ${CODE}, valid 5 min. Never share ${CODE}.`]);
  });

  it('sends through a Messaging Service when SMS_TWILIO_MESSAGING_SERVICE_SID is set instead of a From', async () => {
    const sender = senderFor(twilioCase, fake.origin, {
      SMS_TWILIO_FROM: '',
      SMS_TWILIO_MESSAGING_SERVICE_SID: TWILIO.messagingServiceSid,
    });
    await sender.sendCode(PHONE, CODE, 5, new AbortController().signal);
    assert.deepEqual(fake.problems, []);
  });

  it("a From number the account does not own is refused with Twilio's code", async () => {
    const sending = senderFor(twilioCase, fake.origin, { SMS_TWILIO_FROM: '+15005550001' }).sendCode(
      PHONE,
      CODE,
      5,
      new AbortController().signal,
    );
    await assert.rejects(sending, { name: 'SmsError', providerCode: '21606' });
  });
});
