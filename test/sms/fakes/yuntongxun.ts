import { createHash } from 'node:crypto';
import type { FakeProvider, ProviderCase } from './provider-case.js';
import { header, json, startFakeProvider, text, type Reply } from './server.js';

export const YUNTONGXUN = {
  accountSid: '8aaf0708test0000000000000000001',
  authToken: 'ytx-test-auth-token-5e6f7a8b9c',
  appId: '8aaf0708test0000000000000000002',
  templateId: '1',
};

// The error codes below are the fake's: Ronglian's list is long, these stand for its kinds.
const failure = (statusCode: string, statusMsg: string): Reply => json(200, { statusCode, statusMsg });

/** `yyyyMMddHHmmss` (Beijing time) to epoch milliseconds. */
function parseTimestamp(ts: string): number {
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(ts);
  if (m === null) return Number.NaN;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - 8 * 3600 * 1000;
}

/**
 * Ronglian's TemplateSMS as the REST API 2013-12-26 answers it: the account in the path,
 * `sig` = upper-case MD5(accountSid + authToken + timestamp) recomputed with the test
 * token, `Authorization` = base64(accountSid:timestamp) with the same timestamp, less than
 * 24 hours old, JSON both ways, then the app, template, number and `datas`.
 */
export async function startFakeYuntongxun(): Promise<FakeProvider> {
  return startFakeProvider((req, turnAway) => {
    const path = /^\/2013-12-26\/Accounts\/([^/]+)\/SMS\/TemplateSMS$/.exec(req.url.pathname);
    if (req.method !== 'POST' || path === null) return turnAway('path', text(404, 'Not Found'));
    if (path[1] !== YUNTONGXUN.accountSid) return turnAway('account', failure('111141', '主账户不存在'));
    const [sid, timestamp = ''] = Buffer.from(header(req, 'authorization'), 'base64')
      .toString('utf8')
      .split(':');
    if (
      sid !== YUNTONGXUN.accountSid ||
      Math.abs(Date.now() - parseTimestamp(timestamp)) > 24 * 3600 * 1000
    ) {
      return turnAway('Authorization', failure('111109', 'Authorization 不正确或已过期'));
    }
    const sig = createHash('md5')
      .update(YUNTONGXUN.accountSid + YUNTONGXUN.authToken + timestamp)
      .digest('hex')
      .toUpperCase();
    if (req.url.searchParams.get('sig') !== sig) return turnAway('sig', failure('111107', 'sig 校验失败'));
    if (
      !header(req, 'accept').includes('application/json') ||
      !header(req, 'content-type').startsWith('application/json')
    ) {
      return turnAway('content types', failure('111101', '请求包头格式错误'));
    }
    let body: { to?: unknown; appId?: unknown; templateId?: unknown; datas?: unknown };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return turnAway('body', failure('111102', '请求包体格式错误'));
    }
    if (body.appId !== YUNTONGXUN.appId) return turnAway('appId', failure('112300', '应用不存在'));
    if (body.templateId !== YUNTONGXUN.templateId)
      return turnAway('templateId', failure('112318', '模板不存在'));
    if (typeof body.to !== 'string' || !/^1[3-9]\d{9}$/.test(body.to)) {
      return turnAway('to', failure('112301', '号码格式错误'));
    }
    const datas = body.datas;
    if (!Array.isArray(datas) || datas.length !== 2 || !datas.every((d) => typeof d === 'string')) {
      return turnAway('datas', failure('112319', '模板参数错误'));
    }
    return {
      message: { phone: body.to, code: String(datas[0]), ttlMinutes: String(datas[1]) },
      answers: {
        accept: json(200, {
          statusCode: '000000',
          templateSMS: { dateCreated: timestamp, smsMessageSid: 'ff75e0f84f05445ba08efdd0787ad7d0' },
        }),
        refuse: failure('160040', `验证码超出同模板同号码天发送上限 ${body.to}`),
        malformed: text(200, '<?xml version="1.0"?><Response>?</Response>'),
      },
    };
  });
}

export const yuntongxunCase: ProviderCase = {
  provider: 'yuntongxun',
  start: startFakeYuntongxun,
  env: (origin) => ({
    SMS_YUNTONGXUN_ACCOUNT_SID: YUNTONGXUN.accountSid,
    SMS_YUNTONGXUN_AUTH_TOKEN: YUNTONGXUN.authToken,
    SMS_YUNTONGXUN_APP_ID: YUNTONGXUN.appId,
    SMS_YUNTONGXUN_TEMPLATE_ID: YUNTONGXUN.templateId,
    SMS_YUNTONGXUN_BASE_URL: origin,
  }),
  wrongSecretEnv: { SMS_YUNTONGXUN_AUTH_TOKEN: 'ytx-WRONG-auth-token-000000' },
  secrets: [YUNTONGXUN.authToken, 'ytx-WRONG-auth-token-000000'],
  codes: { refused: '160040', http500: 'HTTP_500', wrongSecret: '111107', malformed: 'BAD_RESPONSE' },
};
