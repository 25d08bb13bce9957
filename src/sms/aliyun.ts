import { createRequire } from 'node:module';
import type * as DysmsapiModule from '@alicloud/dysmsapi20170525';
import type * as OpenApiCoreModule from '@alicloud/openapi-core';
import { defineSmsProvider } from './provider-definition.js';
import { httpStatusCode, LOCAL_CODES, smsFailure, untilAborted } from './provider-call.js';
import type { SmsError, SmsSender } from './sms-sender.js';

type DysmsapiSdk = (typeof DysmsapiModule)['default'];
type OpenApiCore = (typeof OpenApiCoreModule)['default'];
type DysmsapiClient = InstanceType<DysmsapiSdk['default']>;

/** Alibaba Cloud SMS (dysmsapi 2017-05-25, SendSms). */
export interface AliyunSmsSettings {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly signName: string;
  readonly templateCode: string;
  /** SMS_ALIYUN_ENDPOINT: an origin such as `https://dysmsapi.aliyuncs.com` (the default). */
  readonly endpoint: string;
}

// The SDKs are CommonJS and heavy: required (one shape under Node and tsx alike) when the
// sender is built, so that an app on another provider never loads them.
const require = createRequire(import.meta.url);

/**
 * Alibaba Cloud SMS through its official SDK (dysmsapi 2017-05-25 SendSms, signed
 * ACS3-HMAC-SHA256). The reply's `Code` is "OK" on acceptance, else the reason
 * (`isv.BUSINESS_LIMIT_CONTROL`, `isv.MOBILE_NUMBER_ILLEGAL`, …).
 */
export class AliyunSmsSender implements SmsSender {
  readonly name = 'aliyun';
  private readonly sdk: DysmsapiSdk;
  private readonly client: DysmsapiClient;

  /** `timeoutMs` bounds the SDK's own connect and read; the AbortSignal bounds the whole send. */
  constructor(
    private readonly settings: AliyunSmsSettings,
    timeoutMs: number,
  ) {
    this.sdk = require('@alicloud/dysmsapi20170525') as DysmsapiSdk;
    const { $OpenApiUtil } = require('@alicloud/openapi-core') as OpenApiCore;
    const endpoint = new URL(settings.endpoint);
    this.client = new this.sdk.default(
      new $OpenApiUtil.Config({
        accessKeyId: settings.accessKeyId,
        accessKeySecret: settings.accessKeySecret,
        endpoint: endpoint.host,
        protocol: endpoint.protocol.replace(':', ''),
        connectTimeout: timeoutMs,
        readTimeout: timeoutMs,
      }),
    );
  }

  async sendCode(phone: string, code: string, _ttlMinutes: number, signal: AbortSignal): Promise<void> {
    const request = new this.sdk.SendSmsRequest({
      // Mainland numbers bare; others as country code and number without the plus (Alibaba's format).
      phoneNumbers: phone.startsWith('+') ? phone.slice(1) : phone,
      signName: this.settings.signName,
      templateCode: this.settings.templateCode,
      templateParam: JSON.stringify({ code }),
    });
    const hidden = [this.settings.accessKeySecret, code, phone];
    let reply: { code?: unknown; message?: unknown } | undefined;
    try {
      reply = (await untilAborted(this.client.sendSms(request), signal, this.name)).body;
    } catch (error) {
      throw this.failure(error, hidden);
    }
    if (reply?.code === 'OK') return;
    if (typeof reply?.code === 'string' && reply.code !== '') {
      throw smsFailure(this.name, reply.code, String(reply.message ?? ''), hidden);
    }
    throw smsFailure(this.name, LOCAL_CODES.badResponse, 'no Code in the reply', hidden);
  }

  /** SDK errors quote the request URL (and so the code): only their code and the provider's words pass. */
  private failure(error: unknown, hidden: readonly string[]): SmsError {
    if ((error as Error | null)?.name === 'SmsError') return error as SmsError;
    const e = (error ?? {}) as { name?: unknown; code?: unknown; statusCode?: unknown; data?: unknown };
    if (typeof e.statusCode === 'number') {
      // The provider answered an HTTP error: its body's Code when it had one (SignatureDoesNotMatch…).
      const data = (e.data ?? {}) as { Code?: unknown; Message?: unknown };
      const providerCode = typeof data.Code === 'string' && data.Code !== '' ? data.Code : undefined;
      return smsFailure(
        this.name,
        providerCode ?? httpStatusCode(e.statusCode),
        typeof data.Message === 'string' ? data.Message : undefined,
        hidden,
      );
    }
    if (e.name === 'RequestTimeoutError') {
      return smsFailure(this.name, LOCAL_CODES.timeout, 'no answer in time', hidden);
    }
    if (e.name === 'SyntaxError') return smsFailure(this.name, LOCAL_CODES.badResponse, 'not JSON', hidden);
    return smsFailure(
      this.name,
      LOCAL_CODES.network,
      typeof e.code === 'string' ? e.code : String(e.name ?? 'unknown'),
      hidden,
    );
  }
}

export const aliyunProvider = defineSmsProvider({
  name: 'aliyun',
  title: 'Alibaba Cloud SMS, SendSms; the template takes one variable, `${code}`',
  settings: {
    SMS_ALIYUN_ACCESS_KEY_ID: { required: true, about: 'the AccessKey ID' },
    SMS_ALIYUN_ACCESS_KEY_SECRET: { required: true, about: 'its secret' },
    SMS_ALIYUN_SIGN_NAME: { required: true, about: 'the approved signature (签名)' },
    SMS_ALIYUN_TEMPLATE_CODE: { required: true, about: 'the approved template, e.g. `SMS_154950909`' },
    SMS_ALIYUN_ENDPOINT: { default: 'https://dysmsapi.aliyuncs.com', about: 'the API origin' },
  },
  readSettings: (read): AliyunSmsSettings => ({
    accessKeyId: read.required('SMS_ALIYUN_ACCESS_KEY_ID'),
    accessKeySecret: read.required('SMS_ALIYUN_ACCESS_KEY_SECRET'),
    signName: read.required('SMS_ALIYUN_SIGN_NAME'),
    templateCode: read.required('SMS_ALIYUN_TEMPLATE_CODE'),
    endpoint: read.origin('SMS_ALIYUN_ENDPOINT'),
  }),
  open: (settings, { timeoutMs }) => new AliyunSmsSender(settings, timeoutMs),
});
