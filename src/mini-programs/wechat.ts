import { callPlatform, LOCAL_CODES, parseJsonObject, PlatformError } from './platform-call.js';

/** WECHAT_*: a WeChat mini program's credentials and where its API is. */
export interface WeChatSettings {
  readonly appId: string;
  readonly appSecret: string;
  /** WECHAT_API_BASE_URL: an origin, `https://api.weixin.qq.com` by default. */
  readonly apiBaseUrl: string;
}

/** Who `wx.login`'s code belongs to. The session_key WeChat also answers is dropped here: nothing needs it. */
export interface WeChatIdentity {
  openid: string;
  unionid: string | null;
}

/** WeChat's codes this service acts on. */
export const WECHAT_CODES = {
  invalidCode: '40029',
  codeUsed: '40163',
  rateLimited: '45011',
  invalidToken: '40001',
  expiredToken: '42001',
  /** getuserphonenumber: the phone code is invalid or expired. */
  invalidPhoneCode: '40013',
} as const;

/**
 * The three calls of WeChat's server API a mini-program login needs: jscode2session,
 * stable_token and getuserphonenumber. Each failure is a PlatformError with WeChat's
 * errcode (or a local code); the secret, the codes and the access token never appear in it.
 */
export class WeChatApi {
  readonly name = 'wechat';

  constructor(
    readonly settings: WeChatSettings,
    private readonly timeoutMs: number,
  ) {}

  /** `GET /sns/jscode2session`: the openid (and unionid) of the person `wx.login` gave `jsCode` to. */
  async codeToSession(jsCode: string): Promise<WeChatIdentity> {
    const query = new URLSearchParams({
      appid: this.settings.appId,
      secret: this.settings.appSecret,
      js_code: jsCode,
      grant_type: 'authorization_code',
    });
    const answer = await this.call(`/sns/jscode2session?${query}`, { method: 'GET' }, [jsCode]);
    const { openid, unionid } = answer;
    if (typeof openid !== 'string' || openid === '' || openid.length > 128)
      throw this.failure(LOCAL_CODES.badResponse, 'no openid in the answer', [jsCode]);
    return {
      openid,
      unionid: typeof unionid === 'string' && unionid !== '' && unionid.length <= 128 ? unionid : null,
    };
  }

  /** `POST /cgi-bin/stable_token`: an access token and its life in seconds. */
  async stableToken(forceRefresh: boolean): Promise<{ token: string; expiresIn: number }> {
    const body = JSON.stringify({
      grant_type: 'client_credential',
      appid: this.settings.appId,
      secret: this.settings.appSecret,
      force_refresh: forceRefresh,
    });
    const answer = await this.call(
      '/cgi-bin/stable_token',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body },
      [],
    );
    const { access_token: token, expires_in: expiresIn } = answer;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number' || expiresIn <= 0)
      throw this.failure(LOCAL_CODES.badResponse, 'no access_token in the answer', []);
    return { token, expiresIn };
  }

  /**
   * `POST /wxa/business/getuserphonenumber`: the phone the person let the mini program
   * have (`getPhoneNumber`'s code), as `countryCode` and `purePhoneNumber`. The watermark
   * must name this app: a phone vouched for to another app is refused.
   */
  async phoneNumber(accessToken: string, phoneCode: string): Promise<{ countryCode: string; pure: string }> {
    const hidden = [accessToken, phoneCode];
    const answer = await this.call(
      `/wxa/business/getuserphonenumber?${new URLSearchParams({ access_token: accessToken })}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: phoneCode }),
      },
      hidden,
    );
    const info = answer.phone_info as
      { purePhoneNumber?: unknown; countryCode?: unknown; watermark?: { appid?: unknown } } | undefined;
    if (typeof info?.purePhoneNumber !== 'string' || typeof info.countryCode !== 'string')
      throw this.failure(LOCAL_CODES.badResponse, 'no phone_info in the answer', hidden);
    if (info.watermark?.appid !== this.settings.appId)
      throw this.failure(LOCAL_CODES.badResponse, 'the watermark names another app', hidden);
    return { countryCode: info.countryCode, pure: info.purePhoneNumber };
  }

  /** The answer as a JSON object whose errcode, if any, is 0; a PlatformError otherwise. */
  private async call(
    pathAndQuery: string,
    init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
    codes: readonly string[],
  ): Promise<Record<string, unknown>> {
    const hidden = [this.settings.appSecret, ...codes];
    const { status, text } = await callPlatform(
      this.name,
      `${this.settings.apiBaseUrl}${pathAndQuery}`,
      init,
      this.timeoutMs,
      hidden,
    );
    const answer = parseJsonObject(text);
    if (answer === undefined)
      throw this.failure(status === 200 ? LOCAL_CODES.badResponse : `HTTP_${status}`, undefined, hidden);
    const { errcode, errmsg } = answer;
    if (errcode !== undefined && errcode !== 0) {
      throw this.failure(String(errcode), typeof errmsg === 'string' ? errmsg : undefined, hidden);
    }
    if (status !== 200) throw this.failure(`HTTP_${status}`, undefined, hidden);
    return answer;
  }

  private failure(code: string, detail: string | undefined, codes: readonly string[]): PlatformError {
    return new PlatformError(this.name, code, detail, [this.settings.appSecret, ...codes]);
  }
}
