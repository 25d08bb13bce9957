import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FakeProvider, ProviderCase } from './provider-case.js';
import { header, json, startFakeProvider, text } from './server.js';

export const WEBHOOK = {
  secret: 'webhook-test-secret-0123456789abcdef',
  path: '/hooks/sms?tenant=medicine',
};

/**
 * The receiving end of the webhook, written as a gateway's developer would from the
 * README: HMAC-SHA256 over `<X-Medicine-Timestamp>.<raw body>` compared in constant time,
 * a timestamp no older than 5 minutes, a signature never seen before (replay), then the body.
 */
export async function startFakeWebhook(): Promise<FakeProvider & { payloads: Record<string, unknown>[] }> {
  const seenSignatures = new Set<string>();
  const payloads: Record<string, unknown>[] = [];
  const fake = await startFakeProvider((req, turnAway) => {
    if (req.method !== 'POST' || `${req.url.pathname}${req.url.search}` !== WEBHOOK.path) {
      return turnAway('path', text(404, 'not found'));
    }
    const timestamp = header(req, 'x-medicine-timestamp');
    if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) {
      return turnAway('stale timestamp', text(401, 'stale'));
    }
    const expected = Buffer.from(
      `sha256=${createHmac('sha256', WEBHOOK.secret).update(`${timestamp}.${req.body}`).digest('hex')}`,
    );
    const given = Buffer.from(header(req, 'x-medicine-signature'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return turnAway('signature', text(401, 'bad signature'));
    }
    if (seenSignatures.has(given.toString())) return turnAway('replay', text(409, 'replayed'));
    seenSignatures.add(given.toString());
    if (!header(req, 'content-type').startsWith('application/json'))
      return turnAway('content type', text(415, ''));
    const payload = JSON.parse(req.body) as Record<string, unknown>;
    const { phone, code, ttl_minutes: ttl, sent_at: sentAt } = payload;
    if (
      typeof phone !== 'string' ||
      typeof code !== 'string' ||
      typeof ttl !== 'number' ||
      typeof sentAt !== 'string' ||
      Number.isNaN(Date.parse(sentAt))
    ) {
      return turnAway('payload', text(400, 'bad payload'));
    }
    payloads.push(payload);
    return {
      message: { phone, code, ttlMinutes: String(ttl) },
      answers: {
        accept: json(202, { queued: true }),
        refuse: json(422, { error: `number ${phone} is blocked; code ${code} not sent` }),
        malformed: text(200, '}{ not json, yet a 2xx: accepted'),
      },
    };
  });
  return Object.assign(fake, { payloads });
}

export const webhookCase: ProviderCase = {
  provider: 'webhook',
  start: startFakeWebhook,
  env: (origin) => ({ SMS_WEBHOOK_URL: `${origin}${WEBHOOK.path}`, SMS_WEBHOOK_SECRET: WEBHOOK.secret }),
  wrongSecretEnv: { SMS_WEBHOOK_SECRET: 'webhook-WRONG-secret-000000000000000' },
  secrets: [WEBHOOK.secret, 'webhook-WRONG-secret-000000000000000'],
  // A webhook's answer body is not read: any 2xx is acceptance, so there is no malformed kind.
  codes: { refused: '422', http500: '500', wrongSecret: '401', malformed: null },
};
