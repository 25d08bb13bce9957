import { createHmac } from 'node:crypto';
import { defineSmsProvider } from './provider-definition.js';
import { postForText, smsFailure } from './provider-call.js';
import type { SmsSender } from './sms-sender.js';

/** A signed JSON POST to a gateway of your own. */
export interface WebhookSmsSettings {
  readonly url: string;
  /** HMAC-SHA256 key for the X-Medicine-Signature header. */
  readonly secret: string;
}

export const WEBHOOK_SIGNATURE_HEADER = 'X-Medicine-Signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'X-Medicine-Timestamp';

/**
 * The signature a receiver recomputes: HMAC-SHA256 over `<timestamp>.<raw body>`, so a
 * captured request cannot be replayed once the receiver's time window has passed.
 */
export function webhookSignature(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/**
 * Hands the code to a gateway of your own: a JSON POST `{phone, code, ttl_minutes, sent_at}`
 * to SMS_WEBHOOK_URL. Any 2xx is acceptance; anything else fails with the status as code.
 */
export class WebhookSmsSender implements SmsSender {
  readonly name = 'webhook';
  constructor(
    private readonly settings: WebhookSmsSettings,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async sendCode(phone: string, code: string, ttlMinutes: number, signal: AbortSignal): Promise<void> {
    const nowMs = this.now();
    const body = JSON.stringify({
      phone,
      code,
      ttl_minutes: ttlMinutes,
      sent_at: new Date(nowMs).toISOString(),
    });
    const timestamp = String(Math.floor(nowMs / 1000));
    const hidden = [this.settings.secret, code, phone];
    const { status } = await postForText(
      this.name,
      this.settings.url,
      {
        headers: {
          'content-type': 'application/json; charset=utf-8',
          [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
          [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(this.settings.secret, timestamp, body),
        },
        body,
      },
      signal,
      this.timeoutMs,
      hidden,
    );
    // The gateway's reply text is not quoted: it is not ours to know what it holds.
    if (status < 200 || status > 299) throw smsFailure(this.name, String(status), undefined, hidden);
  }
}

export const webhookProvider = defineSmsProvider({
  name: 'webhook',
  title: 'your own gateway: a signed JSON POST, described below',
  settings: {
    SMS_WEBHOOK_URL: { required: true, about: 'where to POST' },
    SMS_WEBHOOK_SECRET: { required: true, about: 'the HMAC key, 32+ characters' },
  },
  readSettings: (read): WebhookSmsSettings => {
    const url = read.url('SMS_WEBHOOK_URL');
    const secret = read.required('SMS_WEBHOOK_SECRET');
    if (secret.length < 32) read.fail('SMS_WEBHOOK_SECRET must be at least 32 characters long');
    return { url, secret };
  },
  open: (settings, { timeoutMs }) => new WebhookSmsSender(settings, timeoutMs),
});
