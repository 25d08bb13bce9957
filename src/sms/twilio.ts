import { createRequire } from 'node:module';
import type TwilioModule from 'twilio';
import type { RequestOptions } from 'twilio/lib/base/RequestClient.js';
import { defineSmsProvider } from './provider-definition.js';
import { httpStatusCode, LOCAL_CODES, smsFailure, untilAborted } from './provider-call.js';
import type { SmsError, SmsSender } from './sms-sender.js';
import { toE164 } from '../shared/phone-format.js';

type TwilioSdk = typeof TwilioModule;
type TwilioClient = ReturnType<TwilioSdk>;

/** Twilio Programmable Messaging (2010-04-01, Messages). */
export interface TwilioSmsSettings {
  readonly accountSid: string;
  readonly authToken: string;
  /** At least one of `from` and `messagingServiceSid` is set. */
  readonly from: string | undefined;
  readonly messagingServiceSid: string | undefined;
  /** The text, with `{code}` and `{ttl_minutes}` filled in. */
  readonly body: string;
  /** SMS_TWILIO_BASE_URL: `https://api.twilio.com` by default. */
  readonly baseUrl: string;
}

// CommonJS and heavy: required when the sender is built, so an app on another provider never loads it.
const require = createRequire(import.meta.url);

/** SMS_TWILIO_BODY with its placeholders filled in. */
export function twilioBody(template: string, code: string, ttlMinutes: number): string {
  return template.split('{code}').join(code).split('{ttl_minutes}').join(String(ttlMinutes));
}

/**
 * Twilio Programmable Messaging through the official SDK (Messages.create, basic auth).
 * The SDK has no base-URL setting, but it takes a custom HTTP client (its documented
 * extension point): ours is the SDK's own, with every request's origin moved to
 * SMS_TWILIO_BASE_URL, so a test (or a relay) can stand in for api.twilio.com.
 */
export class TwilioSmsSender implements SmsSender {
  readonly name = 'twilio';
  private readonly client: TwilioClient;

  /** `timeoutMs` bounds the SDK's own request; the AbortSignal bounds the whole send. */
  constructor(
    private readonly settings: TwilioSmsSettings,
    timeoutMs: number,
  ) {
    const twilio = require('twilio') as TwilioSdk;
    const base = new URL(settings.baseUrl);
    class RebasedRequestClient extends twilio.RequestClient {
      override request<TData>(opts: RequestOptions<TData>) {
        const uri = new URL(opts.uri);
        uri.protocol = base.protocol;
        uri.host = base.host;
        return super.request<TData>({ ...opts, uri: uri.href });
      }
    }
    this.client = twilio(settings.accountSid, settings.authToken, {
      httpClient: new RebasedRequestClient({ timeout: timeoutMs, autoRetry: false }),
    });
    // The SDK loads its REST modules on first access (a quarter of a second, more under
    // load): here at start-up, not inside the first code's SMS_SEND_TIMEOUT_MS.
    void this.client.messages;
  }

  async sendCode(phone: string, code: string, ttlMinutes: number, signal: AbortSignal): Promise<void> {
    const { from, messagingServiceSid, authToken } = this.settings;
    const hidden = [authToken, code, phone];
    let message: { sid?: unknown; errorCode?: unknown; errorMessage?: unknown };
    try {
      message = await untilAborted(
        this.client.messages.create({
          to: toE164(phone),
          body: twilioBody(this.settings.body, code, ttlMinutes),
          ...(from === undefined ? {} : { from }),
          ...(messagingServiceSid === undefined ? {} : { messagingServiceSid }),
        }),
        signal,
        this.name,
      );
    } catch (error) {
      throw this.failure(error, hidden);
    }
    if (message.errorCode !== null && message.errorCode !== undefined) {
      const detail = typeof message.errorMessage === 'string' ? message.errorMessage : undefined;
      throw smsFailure(this.name, String(message.errorCode), detail, hidden);
    }
    if (typeof message.sid !== 'string' || message.sid === '') {
      throw smsFailure(this.name, LOCAL_CODES.badResponse, 'no sid in the reply', hidden);
    }
  }

  private failure(error: unknown, hidden: readonly string[]): SmsError {
    if ((error as Error | null)?.name === 'SmsError') return error as SmsError;
    const e = (error ?? {}) as { status?: unknown; code?: unknown; message?: unknown; name?: unknown };
    if (typeof e.status === 'number') {
      // RestException: Twilio's numeric code (21211 invalid "To", 20003 authentication…).
      const providerCode =
        typeof e.code === 'number' && e.code !== 0 ? String(e.code) : httpStatusCode(e.status);
      return smsFailure(
        this.name,
        providerCode,
        typeof e.message === 'string' ? e.message : undefined,
        hidden,
      );
    }
    if (e.name === 'SyntaxError') return smsFailure(this.name, LOCAL_CODES.badResponse, 'not JSON', hidden);
    // axios: ECONNABORTED / ETIMEDOUT on its timeout, ECONNREFUSED & co. when unreachable.
    if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') {
      return smsFailure(this.name, LOCAL_CODES.timeout, 'no answer in time', hidden);
    }
    return smsFailure(
      this.name,
      LOCAL_CODES.network,
      typeof e.code === 'string' ? e.code : 'unreachable',
      hidden,
    );
  }
}

export const twilioProvider = defineSmsProvider({
  name: 'twilio',
  title: 'Twilio Messages; sends `SMS_TWILIO_BODY` with `{code}` and `{ttl_minutes}` filled in',
  settings: {
    SMS_TWILIO_ACCOUNT_SID: { required: true, about: 'the account SID' },
    SMS_TWILIO_AUTH_TOKEN: { required: true, about: 'its auth token' },
    SMS_TWILIO_FROM: { about: 'the sending number; this or `SMS_TWILIO_MESSAGING_SERVICE_SID` is required' },
    SMS_TWILIO_MESSAGING_SERVICE_SID: { about: 'a Messaging Service instead of a number' },
    SMS_TWILIO_BODY: {
      default: '【Medicine】您的验证码是 {code}，{ttl_minutes} 分钟内有效。',
      about: 'the text; must contain `{code}`',
    },
    SMS_TWILIO_BASE_URL: { default: 'https://api.twilio.com', about: 'the API origin' },
  },
  readSettings: (read): TwilioSmsSettings => {
    const from = read.optional('SMS_TWILIO_FROM');
    const messagingServiceSid = read.optional('SMS_TWILIO_MESSAGING_SERVICE_SID');
    if (from === undefined && messagingServiceSid === undefined) {
      read.fail('SMS_TWILIO_FROM or SMS_TWILIO_MESSAGING_SERVICE_SID is required when SMS_PROVIDER=twilio');
    }
    const body = read.optional('SMS_TWILIO_BODY') ?? '';
    if (!body.includes('{code}')) read.fail('SMS_TWILIO_BODY must contain {code}');
    return {
      accountSid: read.required('SMS_TWILIO_ACCOUNT_SID'),
      authToken: read.required('SMS_TWILIO_AUTH_TOKEN'),
      from,
      messagingServiceSid,
      body,
      baseUrl: read.origin('SMS_TWILIO_BASE_URL'),
    };
  },
  open: (settings, { timeoutMs }) => new TwilioSmsSender(settings, timeoutMs),
});
