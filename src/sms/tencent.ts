import { createRequire } from 'node:module';
import type * as TencentSdkModule from 'tencentcloud-sdk-nodejs-sms';
import type { SendSmsResponse } from 'tencentcloud-sdk-nodejs-sms/tencentcloud/services/sms/v20210111/sms_models.js';
import { defineSmsProvider } from './provider-definition.js';
import { deadline } from '../outbound.js';
import { httpStatusCode, LOCAL_CODES, smsFailure } from './provider-call.js';
import type { SmsError, SmsSender } from './sms-sender.js';
import { toE164 } from '../shared/phone-format.js';

type TencentSdk = typeof TencentSdkModule;
type SmsClient = InstanceType<TencentSdk['sms']['v20210111']['Client']>;

/** Tencent Cloud SMS (2021-01-11, SendSms). */
export interface TencentSmsSettings {
  readonly secretId: string;
  readonly secretKey: string;
  readonly sdkAppId: string;
  readonly signName: string;
  readonly templateId: string;
  readonly region: string;
  /** SMS_TENCENT_ENDPOINT: an origin such as `https://sms.tencentcloudapi.com` (the default). */
  readonly endpoint: string;
}

// CommonJS and heavy: required when the sender is built, so an app on another provider never loads it.
const require = createRequire(import.meta.url);

/**
 * Tencent Cloud SMS through its official SDK (SendSms 2021-01-11, signed TC3-HMAC-SHA256).
 * An API error (`AuthFailure.SignatureFailure`, …) or a per-number status other than "Ok"
 * (`LimitExceeded.PhoneNumberDailyLimit`, …) is a failure with that code.
 */
export class TencentSmsSender implements SmsSender {
  readonly name = 'tencent';
  private readonly client: SmsClient;

  /** `timeoutMs` bounds the whole send, both through the AbortSignal and the SDK's own timeout. */
  constructor(
    private readonly settings: TencentSmsSettings,
    private readonly timeoutMs: number,
  ) {
    const { sms } = require('tencentcloud-sdk-nodejs-sms') as TencentSdk;
    const endpoint = new URL(settings.endpoint);
    this.client = new sms.v20210111.Client({
      credential: { secretId: settings.secretId, secretKey: settings.secretKey },
      region: settings.region,
      profile: {
        httpProfile: {
          endpoint: endpoint.host,
          protocol: `${endpoint.protocol}//`,
          reqTimeout: timeoutMs / 1000,
        },
      },
    });
  }

  async sendCode(phone: string, code: string, ttlMinutes: number, signal: AbortSignal): Promise<void> {
    const { sdkAppId, signName, templateId, secretKey } = this.settings;
    const hidden = [secretKey, code, phone];
    const bounded = deadline(signal, this.timeoutMs);
    let reply: SendSmsResponse;
    try {
      // `request` rather than `SendSms`: the same call, and the one that takes an AbortSignal.
      reply = (await this.client.request(
        'SendSms',
        {
          PhoneNumberSet: [toE164(phone)],
          SmsSdkAppId: sdkAppId,
          SignName: signName,
          TemplateId: templateId,
          TemplateParamSet: [code, String(ttlMinutes)],
        },
        { signal: bounded.signal },
      )) as SendSmsResponse;
    } catch (error) {
      throw this.failure(error, bounded.timedOut(), signal.aborted, hidden);
    }
    const status = reply?.SendStatusSet?.[0];
    if (status?.Code === 'Ok') return;
    if (typeof status?.Code === 'string' && status.Code !== '') {
      throw smsFailure(this.name, status.Code, status.Message, hidden);
    }
    throw smsFailure(this.name, LOCAL_CODES.badResponse, 'no SendStatusSet in the reply', hidden);
  }

  private failure(error: unknown, timedOut: boolean, aborted: boolean, hidden: readonly string[]): SmsError {
    if (timedOut) return smsFailure(this.name, LOCAL_CODES.timeout, 'no answer in time', hidden);
    if (aborted) return smsFailure(this.name, LOCAL_CODES.aborted, 'abandoned by the caller', []);
    const e = (error ?? {}) as { code?: unknown; httpCode?: unknown; message?: unknown; traceId?: unknown };
    // TencentCloudSDKHttpException: `code` for an API error, `httpCode` for an HTTP one.
    if (typeof e.code === 'string' && e.code !== '') {
      return smsFailure(this.name, e.code, typeof e.message === 'string' ? e.message : undefined, hidden);
    }
    if (typeof e.httpCode === 'number')
      return smsFailure(this.name, httpStatusCode(e.httpCode), undefined, hidden);
    if (typeof e.traceId === 'string') {
      // A TencentCloudSDKHttpException with neither: a transport failure, and the SDK kept only node-fetch's message ("request to … failed, reason: …").
      const message = typeof e.message === 'string' ? e.message : '';
      const timeout = /timeout/i.test(message);
      return smsFailure(
        this.name,
        timeout ? LOCAL_CODES.timeout : LOCAL_CODES.network,
        /reason: (.*)$/.exec(message)?.[1] ?? (timeout ? 'no answer in time' : 'unreachable'),
        hidden,
      );
    }
    // Anything else happened while reading the reply (not JSON, no Response…).
    return smsFailure(this.name, LOCAL_CODES.badResponse, 'unreadable reply', hidden);
  }
}

export const tencentProvider = defineSmsProvider({
  name: 'tencent',
  title:
    'Tencent Cloud SMS, SendSms 2021-01-11; the template takes `{1}` the code and `{2}` the minutes it is valid',
  settings: {
    SMS_TENCENT_SECRET_ID: { required: true, about: 'the API SecretId' },
    SMS_TENCENT_SECRET_KEY: { required: true, about: 'its SecretKey' },
    SMS_TENCENT_SDK_APP_ID: { required: true, about: 'the SMS application, e.g. `1400006666`' },
    SMS_TENCENT_SIGN_NAME: { required: true, about: 'the approved signature (签名)' },
    SMS_TENCENT_TEMPLATE_ID: { required: true, about: 'the approved template' },
    SMS_TENCENT_REGION: { default: 'ap-guangzhou', about: 'the API region' },
    SMS_TENCENT_ENDPOINT: { default: 'https://sms.tencentcloudapi.com', about: 'the API origin' },
  },
  readSettings: (read): TencentSmsSettings => ({
    secretId: read.required('SMS_TENCENT_SECRET_ID'),
    secretKey: read.required('SMS_TENCENT_SECRET_KEY'),
    sdkAppId: read.required('SMS_TENCENT_SDK_APP_ID'),
    signName: read.required('SMS_TENCENT_SIGN_NAME'),
    templateId: read.required('SMS_TENCENT_TEMPLATE_ID'),
    region: read.optional('SMS_TENCENT_REGION') ?? 'ap-guangzhou',
    endpoint: read.origin('SMS_TENCENT_ENDPOINT'),
  }),
  open: (settings, { timeoutMs }) => new TencentSmsSender(settings, timeoutMs),
});
