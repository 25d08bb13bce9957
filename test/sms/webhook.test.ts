import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { webhookSignature, WebhookSmsSender } from '../../src/sms/webhook.js';
import { senderFor } from './fakes/provider-case.js';
import { startFakeWebhook, WEBHOOK, webhookCase } from './fakes/webhook.js';
import { assertSafeFailure, CODE, PHONE } from './provider-suite.js';

describe('webhook: a signed JSON POST', () => {
  let fake: Awaited<ReturnType<typeof startFakeWebhook>>;
  before(async () => {
    fake = await startFakeWebhook();
  });
  after(() => fake.close());

  it('posts exactly {phone, code, ttl_minutes, sent_at} to SMS_WEBHOOK_URL (path and query kept)', async () => {
    const before = Date.now();
    await senderFor(webhookCase, fake.origin).sendCode(PHONE, CODE, 5, new AbortController().signal);
    assert.deepEqual(fake.problems, []);
    const payload = fake.payloads.at(-1)!;
    assert.deepEqual(Object.keys(payload).sort(), ['code', 'phone', 'sent_at', 'ttl_minutes']);
    assert.deepEqual([payload.phone, payload.code, payload.ttl_minutes], [PHONE, CODE, 5]);
    assert.ok(Date.parse(String(payload.sent_at)) >= before - 1000);
  });

  it('the signature is HMAC-SHA256 over "<timestamp>.<body>", so the timestamp cannot be swapped', () => {
    const body = '{"phone":"13812345678"}';
    assert.match(webhookSignature(WEBHOOK.secret, '1700000000', body), /^sha256=[0-9a-f]{64}$/);
    assert.notEqual(
      webhookSignature(WEBHOOK.secret, '1700000000', body),
      webhookSignature(WEBHOOK.secret, '1700000001', body),
    );
  });

  it('a request signed 10 minutes ago is refused by a receiver that checks the timestamp', async () => {
    const config = loadConfig({ SMS_PROVIDER: 'webhook', ...webhookCase.env(fake.origin) });
    const sender = new WebhookSmsSender(config.sms.webhook!, 2000, () => Date.now() - 10 * 60_000);
    await assertSafeFailure(
      sender.sendCode(PHONE, CODE, 5, new AbortController().signal),
      '401',
      webhookCase.secrets,
    );
  });
});
