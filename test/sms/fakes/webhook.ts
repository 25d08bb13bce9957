import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FakeProvider, ProviderCase } from './provider-case.js';
import { FakeHttpServer, json, text, type Reply, type SeenRequest } from './server.js';

export const WEBHOOK = {
  secret: 'webhook-test-secret-0123456789abcdef',
  path: '/hooks/sms?tenant=medicine',
};

function header(req: SeenRequest, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/**
 * The receiving end of the webhook, written as a gateway's developer would from the
 * README: HMAC-SHA256 over `<X-Medicine-Timestamp>.<raw body>` compared in constant time,
 * a timestamp no older than 5 minutes, a signature never seen before (replay), then the body.
 */
export async function startFakeWebhook(): Promise<FakeProvider & { payloads: Record<string, unknown>[] }> {
  const seenSignatures = new Set<string>();
  const fake = {
    behaviour: 'accept' as FakeProvider['behaviour'],
    received: [] as FakeProvider['received'],
    problems: [] as string[],
    payloads: [] as Record<string, unknown>[],
  };
  const turnAway = (reason: string, reply: Reply): Reply => {
    fake.problems.push(reason);
    return reply;
  };

  const server = await FakeHttpServer.start((req) => {
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
    fake.payloads.push(payload);
    fake.received.push({ phone, code, ttlMinutes: String(ttl) });

    switch (fake.behaviour) {
      case 'accept':
        return json(202, { queued: true });
      case 'refuse':
        return json(422, { error: `number ${phone} is blocked; code ${code} not sent` });
      case 'http500':
        return text(500, 'Internal Server Error');
      case 'malformed':
        return text(200, '}{ not json, yet a 2xx: accepted');
      case 'hang':
        return 'hang';
    }
  });

  return Object.assign(fake, { origin: server.origin, close: () => server.close() });
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
