import { randomBytes, randomUUID } from 'node:crypto';
import { FakeHttpServer, json, text, type Reply, type SeenRequest } from '../../sms/fakes/server.js';

export const WECHAT = {
  appId: 'wx0123456789abcdef',
  appSecret: 'wechat-test-app-secret-9f3c2a7e',
};

/** What the fake answers once a request has passed its checks. */
export type WeChatBehaviour = 'accept' | 'rateLimit' | 'busy' | 'hang' | 'http500';

export interface FakeWeChat {
  readonly origin: string;
  behaviour: WeChatBehaviour;
  /** `wx.login` codes the fake knows, each once (WeChat's codes are single use). */
  loginCodes: Map<string, { openid: string; unionid?: string; sessionKey: string }>;
  /** `getPhoneNumber` codes, each once. */
  phoneCodes: Map<string, { countryCode: string; purePhoneNumber: string; appid?: string }>;
  /** Every access token stable_token handed out, and whether it still works. */
  readonly tokens: Map<string, boolean>;
  /** stable_token calls, with their force_refresh. */
  readonly tokenCalls: boolean[];
  /** Why requests were turned away (format, credentials, parameters). */
  readonly problems: string[];
  /** Makes every token handed out so far invalid (as another deployment's force_refresh would). */
  invalidateTokens(): void;
  /** A new login code for this person (new openid unless given). */
  loginCode(person?: { openid?: string; unionid?: string }): { code: string; openid: string };
  phoneCode(purePhoneNumber: string, countryCode?: string, appid?: string): string;
  close(): Promise<void>;
}

const wxError = (errcode: number, errmsg: string): Reply =>
  json(200, { errcode, errmsg: `${errmsg} rid: ${randomUUID().slice(0, 8)}` });

/**
 * WeChat's server API as a mini-program login calls it: `GET /sns/jscode2session`,
 * `POST /cgi-bin/stable_token` and `POST /wxa/business/getuserphonenumber?access_token=`,
 * each checked for its method, its parameters, this app's credentials and (for the phone)
 * a live access token, and answered in WeChat's shapes and error codes.
 */
export async function startFakeWeChat(): Promise<FakeWeChat> {
  const fake = {
    behaviour: 'accept' as WeChatBehaviour,
    loginCodes: new Map<string, { openid: string; unionid?: string; sessionKey: string }>(),
    phoneCodes: new Map<string, { countryCode: string; purePhoneNumber: string; appid?: string }>(),
    tokens: new Map<string, boolean>(),
    tokenCalls: [] as boolean[],
    problems: [] as string[],
  };
  const turnAway = (why: string, reply: Reply): Reply => {
    fake.problems.push(why);
    return reply;
  };
  const failing = (): Reply | 'hang' | undefined => {
    switch (fake.behaviour) {
      case 'accept':
        return undefined;
      case 'rateLimit':
        return wxError(45011, 'api minute-quota reach limit mustslower retry next minute');
      case 'busy':
        return wxError(-1, 'system error');
      case 'http500':
        return text(500, 'Internal Server Error');
      case 'hang':
        return 'hang';
    }
  };

  const jscode2session = (req: SeenRequest): Reply | 'hang' => {
    const q = req.url.searchParams;
    if (req.method !== 'GET') return turnAway('jscode2session not GET', wxError(43001, 'require GET method'));
    if (q.get('grant_type') !== 'authorization_code')
      return turnAway('grant_type', wxError(40002, 'invalid grant_type'));
    if (q.get('appid') !== WECHAT.appId) return turnAway('appid', wxError(40013, 'invalid appid'));
    if (q.get('secret') !== WECHAT.appSecret) return turnAway('secret', wxError(40125, 'invalid appsecret'));
    const failure = failing();
    if (failure) return failure;
    const person = fake.loginCodes.get(q.get('js_code') ?? '');
    if (person === undefined) return wxError(40029, 'invalid code');
    fake.loginCodes.delete(q.get('js_code') ?? '');
    return json(200, {
      openid: person.openid,
      session_key: person.sessionKey,
      ...(person.unionid && { unionid: person.unionid }),
    });
  };

  const stableToken = (req: SeenRequest): Reply | 'hang' => {
    if (req.method !== 'POST')
      return turnAway('stable_token not POST', wxError(43002, 'require POST method'));
    if (!String(req.headers['content-type']).startsWith('application/json'))
      return turnAway('stable_token content-type', wxError(47001, 'data format error'));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return turnAway('stable_token body not JSON', wxError(47001, 'data format error'));
    }
    if (body.grant_type !== 'client_credential')
      return turnAway('grant_type', wxError(40002, 'invalid grant_type'));
    if (body.appid !== WECHAT.appId) return turnAway('appid', wxError(40013, 'invalid appid'));
    if (body.secret !== WECHAT.appSecret) return turnAway('secret', wxError(40125, 'invalid appsecret'));
    if (body.force_refresh !== undefined && typeof body.force_refresh !== 'boolean')
      return turnAway('force_refresh not boolean', wxError(47001, 'data format error'));
    const failure = failing();
    if (failure) return failure;
    fake.tokenCalls.push(body.force_refresh === true);
    // Normal mode hands back the live token while it lasts; force_refresh replaces it.
    const live = [...fake.tokens].find(([, valid]) => valid)?.[0];
    if (live !== undefined && body.force_refresh !== true)
      return json(200, { access_token: live, expires_in: 7200 });
    for (const token of fake.tokens.keys()) fake.tokens.set(token, false);
    const token = `ACCESS_TOKEN_${randomBytes(24).toString('hex')}`;
    fake.tokens.set(token, true);
    return json(200, { access_token: token, expires_in: 7200 });
  };

  const phoneNumber = (req: SeenRequest): Reply | 'hang' => {
    if (req.method !== 'POST')
      return turnAway('getuserphonenumber not POST', wxError(43002, 'require POST method'));
    const token = req.url.searchParams.get('access_token') ?? '';
    if (!fake.tokens.has(token))
      return turnAway('unknown access token', wxError(40001, 'invalid credential'));
    if (fake.tokens.get(token) !== true)
      return wxError(40001, 'invalid credential, access_token is invalid or not latest');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return turnAway('getuserphonenumber body not JSON', wxError(47001, 'data format error'));
    }
    const failure = failing();
    if (failure) return failure;
    const phone = fake.phoneCodes.get(String(body.code));
    if (phone === undefined) return wxError(40029, 'invalid code');
    fake.phoneCodes.delete(String(body.code));
    return json(200, {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber:
          phone.countryCode === '86'
            ? phone.purePhoneNumber
            : `+${phone.countryCode}${phone.purePhoneNumber}`,
        purePhoneNumber: phone.purePhoneNumber,
        countryCode: phone.countryCode,
        watermark: { timestamp: Math.floor(Date.now() / 1000), appid: phone.appid ?? WECHAT.appId },
      },
    });
  };

  const server = await FakeHttpServer.start((req) => {
    switch (req.url.pathname) {
      case '/sns/jscode2session':
        return jscode2session(req);
      case '/cgi-bin/stable_token':
        return stableToken(req);
      case '/wxa/business/getuserphonenumber':
        return phoneNumber(req);
      default:
        return turnAway(`unknown path ${req.url.pathname}`, text(404, 'not found'));
    }
  });

  return Object.assign(fake, {
    origin: server.origin,
    close: () => server.close(),
    invalidateTokens: () => {
      for (const token of fake.tokens.keys()) fake.tokens.set(token, false);
    },
    loginCode: (person: { openid?: string; unionid?: string } = {}) => {
      const code = randomBytes(16).toString('hex');
      const openid = person.openid ?? `o${randomBytes(14).toString('base64url')}`;
      fake.loginCodes.set(code, {
        openid,
        ...(person.unionid && { unionid: person.unionid }),
        sessionKey: randomBytes(16).toString('base64'),
      });
      return { code, openid };
    },
    phoneCode: (purePhoneNumber: string, countryCode = '86', appid?: string) => {
      const code = randomBytes(32).toString('hex');
      fake.phoneCodes.set(code, { purePhoneNumber, countryCode, ...(appid && { appid }) });
      return code;
    },
  });
}

export const wechatEnv = (origin: string) => ({
  WECHAT_APP_ID: WECHAT.appId,
  WECHAT_APP_SECRET: WECHAT.appSecret,
  WECHAT_API_BASE_URL: origin,
});
