import { createHash } from 'node:crypto';
import { defineSmsProvider } from './provider-definition.js';
import { parseJsonObject } from '../outbound.js';
import { httpStatusCode, LOCAL_CODES, postForText, smsFailure } from './provider-call.js';
import type { SmsSender } from './sms-sender.js';

/** Ronglian Cloud Communication (容联云通讯, REST 2013-12-26, TemplateSMS), the upstream project's provider. */
export interface YuntongxunSmsSettings {
  readonly accountSid: string;
  readonly authToken: string;
  readonly appId: string;
  readonly templateId: string;
  /** SMS_YUNTONGXUN_BASE_URL: `https://app.cloopen.com:8883` by default. */
  readonly baseUrl: string;
}

const SUCCESS = '000000';

/** `yyyyMMddHHmmss` in Beijing time, the clock Ronglian's servers keep (valid for 24 h either way). */
export function yuntongxunTimestamp(nowMs: number): string {
  const beijing = new Date(nowMs + 8 * 3600 * 1000).toISOString(); // 2024-05-01T08:30:00.000Z
  return beijing.slice(0, 19).replace(/\D/g, '');
}

/**
 * Ronglian Cloud Communication (容联云通讯), the upstream project's provider, through its
 * REST API: POST {base}/2013-12-26/Accounts/{sid}/SMS/TemplateSMS?sig=MD5(sid+token+ts),
 * `Authorization: base64(sid:ts)`; statusCode "000000" is acceptance.
 */
export class YuntongxunSmsSender implements SmsSender {
  readonly name = 'yuntongxun';
  constructor(
    private readonly settings: YuntongxunSmsSettings,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async sendCode(phone: string, code: string, ttlMinutes: number, signal: AbortSignal): Promise<void> {
    const { accountSid, authToken, appId, templateId, baseUrl } = this.settings;
    const timestamp = yuntongxunTimestamp(this.now());
    const sig = createHash('md5')
      .update(accountSid + authToken + timestamp)
      .digest('hex')
      .toUpperCase();
    const url = `${baseUrl}/2013-12-26/Accounts/${encodeURIComponent(accountSid)}/SMS/TemplateSMS?sig=${sig}`;
    const hidden = [authToken, sig, code, phone];
    const { status, text } = await postForText(
      this.name,
      url,
      {
        headers: {
          accept: 'application/json',
          'content-type': 'application/json;charset=utf-8',
          authorization: Buffer.from(`${accountSid}:${timestamp}`).toString('base64'),
        },
        body: JSON.stringify({
          to: phone.startsWith('+') ? `00${phone.slice(1)}` : phone,
          appId,
          templateId,
          datas: [code, String(ttlMinutes)],
        }),
      },
      signal,
      this.timeoutMs,
      hidden,
    );
    const reply = parseJsonObject(text);
    const statusCode = typeof reply?.statusCode === 'string' ? reply.statusCode : undefined;
    const statusMsg = typeof reply?.statusMsg === 'string' ? reply.statusMsg : undefined;
    if (statusCode === SUCCESS && status >= 200 && status <= 299) return;
    if (statusCode !== undefined && statusCode !== SUCCESS) {
      throw smsFailure(this.name, statusCode, statusMsg, hidden);
    }
    if (status < 200 || status > 299) throw smsFailure(this.name, httpStatusCode(status), undefined, hidden);
    throw smsFailure(this.name, LOCAL_CODES.badResponse, 'no statusCode in the reply', hidden);
  }
}

export const yuntongxunProvider = defineSmsProvider({
  name: 'yuntongxun',
  title:
    "容联云通讯 Ronglian, TemplateSMS (the upstream project's provider); the template takes `{1}` the code and `{2}` the minutes",
  settings: {
    SMS_YUNTONGXUN_ACCOUNT_SID: { required: true, about: 'the main account id' },
    SMS_YUNTONGXUN_AUTH_TOKEN: { required: true, about: 'its auth token' },
    SMS_YUNTONGXUN_APP_ID: { required: true, about: 'the application id' },
    SMS_YUNTONGXUN_TEMPLATE_ID: { required: true, about: 'the approved template' },
    SMS_YUNTONGXUN_BASE_URL: { default: 'https://app.cloopen.com:8883', about: 'the API origin' },
  },
  readSettings: (read): YuntongxunSmsSettings => ({
    accountSid: read.required('SMS_YUNTONGXUN_ACCOUNT_SID'),
    authToken: read.required('SMS_YUNTONGXUN_AUTH_TOKEN'),
    appId: read.required('SMS_YUNTONGXUN_APP_ID'),
    templateId: read.required('SMS_YUNTONGXUN_TEMPLATE_ID'),
    baseUrl: read.origin('SMS_YUNTONGXUN_BASE_URL'),
  }),
  open: (settings, { timeoutMs }) => new YuntongxunSmsSender(settings, timeoutMs),
});
