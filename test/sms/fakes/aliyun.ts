import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { FakeProvider, ProviderCase } from './provider-case.js';
import { header, json, startFakeProvider, text, type Reply } from './server.js';

export const ALIYUN = {
  accessKeyId: 'LTAI5tTestAccessKeyId',
  accessKeySecret: 'aliyun-test-secret-9b1c7e5f2d',
  signName: '医疗平台',
  templateCode: 'SMS_154950909',
};

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
// RFC 3986 percent-encoding, as ACS3 canonicalisation requires.
const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function queryPairs(search: string): [string, string][] {
  return search
    .replace(/^\?/, '')
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const [k = '', v = ''] = p.split('=');
      return [decodeURIComponent(k), decodeURIComponent(v)];
    });
}

const refusal = (status: number, code: string, message: string): Reply =>
  json(status, { Code: code, Message: message, RequestId: randomUUID() });

/**
 * Alibaba Cloud SMS as SendSms answers it: the ACS3-HMAC-SHA256 signature recomputed with
 * the test secret (canonical request, payload hash, fresh date, unused nonce), then the
 * parameters, then the behaviour asked for.
 */
export async function startFakeAliyun(): Promise<FakeProvider> {
  const nonces = new Set<string>();
  return startFakeProvider((req, turnAway) => {
    if (req.method !== 'POST' || req.url.pathname !== '/') {
      return turnAway('not POST /', refusal(404, 'InvalidAction.NotFound', 'Specified api is not found'));
    }
    if (header(req, 'x-acs-action') !== 'SendSms' || header(req, 'x-acs-version') !== '2017-05-25') {
      return turnAway('wrong action or version', refusal(400, 'InvalidAction.NotFound', 'no such action'));
    }
    const auth = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
      header(req, 'authorization'),
    );
    if (auth === null) {
      return turnAway('malformed Authorization', refusal(400, 'IncompleteSignature', 'bad Authorization'));
    }
    const [, accessKeyId = '', signedHeaderList = '', signature = ''] = auth;
    if (accessKeyId !== ALIYUN.accessKeyId) {
      return turnAway('unknown AccessKeyId', refusal(404, 'InvalidAccessKeyId.NotFound', 'not found'));
    }
    const date = Date.parse(header(req, 'x-acs-date'));
    if (
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(header(req, 'x-acs-date')) ||
      Math.abs(Date.now() - date) > 15 * 60_000
    ) {
      return turnAway('stale x-acs-date', refusal(400, 'InvalidTimeStamp.Expired', 'expired'));
    }
    const nonce = header(req, 'x-acs-signature-nonce');
    if (nonce === '' || nonces.has(nonce)) {
      return turnAway('nonce reused', refusal(400, 'SignatureNonceUsed', 'nonce used'));
    }
    nonces.add(nonce);
    if (header(req, 'x-acs-content-sha256') !== sha256(req.body)) {
      return turnAway('payload hash', refusal(400, 'ContentSHA256NotMatched', 'payload hash'));
    }
    const signedHeaders = signedHeaderList.split(';');
    const mustSign = ['host', ...Object.keys(req.headers).filter((h) => h.startsWith('x-acs-'))];
    if (mustSign.some((h) => !signedHeaders.includes(h))) {
      return turnAway('host or an x-acs- header unsigned', refusal(400, 'IncompleteSignature', 'unsigned'));
    }
    const canonicalQuery = queryPairs(req.url.search)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${encode(k)}=${encode(v)}`)
      .join('&');
    const canonicalHeaders = signedHeaders.map((h) => `${h}:${header(req, h).trim()}\n`).join('');
    const canonicalRequest = [
      'POST',
      '/',
      canonicalQuery,
      canonicalHeaders,
      signedHeaderList,
      header(req, 'x-acs-content-sha256'),
    ].join('\n');
    const expected = createHmac('sha256', ALIYUN.accessKeySecret)
      .update(`ACS3-HMAC-SHA256\n${sha256(canonicalRequest)}`)
      .digest('hex');
    if (expected !== signature) {
      // Like the real service, the refusal quotes what the server signed: the request, code included.
      return turnAway(
        'signature',
        refusal(
          400,
          'SignatureDoesNotMatch',
          `Specified signature does not match. Server canonical request: ${canonicalRequest}`,
        ),
      );
    }

    const query = Object.fromEntries(queryPairs(req.url.search));
    if (query.TemplateCode !== ALIYUN.templateCode) {
      return turnAway('template', refusal(200, 'isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板'));
    }
    if (query.SignName !== ALIYUN.signName) {
      return turnAway('sign name', refusal(200, 'isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名'));
    }
    if (!/^1[3-9]\d{9}$/.test(query.PhoneNumbers ?? '')) {
      return turnAway('phone', refusal(200, 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号'));
    }
    let code: unknown;
    try {
      code = (JSON.parse(query.TemplateParam ?? '') as { code?: unknown }).code;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string' || !/^\d{6}$/.test(code)) {
      return turnAway('TemplateParam', refusal(200, 'isv.TEMPLATE_MISSING_PARAMETERS', '模板缺少变量'));
    }
    return {
      message: { phone: query.PhoneNumbers ?? '', code },
      answers: {
        accept: json(200, {
          Code: 'OK',
          Message: 'OK',
          BizId: '900619746936498440^0',
          RequestId: randomUUID(),
        }),
        refuse: refusal(
          200,
          'isv.BUSINESS_LIMIT_CONTROL',
          `触发分钟级流控Permits:1 (TemplateParam ${query.TemplateParam})`,
        ),
        http500: refusal(
          503,
          'ServiceUnavailable',
          'The request has failed due to a temporary failure of the server.',
        ),
        malformed: text(200, '<html><body>502 Bad Gateway</body></html>'),
      },
    };
  });
}

export const aliyunCase: ProviderCase = {
  provider: 'aliyun',
  start: startFakeAliyun,
  env: (origin) => ({
    SMS_ALIYUN_ACCESS_KEY_ID: ALIYUN.accessKeyId,
    SMS_ALIYUN_ACCESS_KEY_SECRET: ALIYUN.accessKeySecret,
    SMS_ALIYUN_SIGN_NAME: ALIYUN.signName,
    SMS_ALIYUN_TEMPLATE_CODE: ALIYUN.templateCode,
    SMS_ALIYUN_ENDPOINT: origin,
  }),
  wrongSecretEnv: { SMS_ALIYUN_ACCESS_KEY_SECRET: 'aliyun-WRONG-secret-000000' },
  secrets: [ALIYUN.accessKeySecret, 'aliyun-WRONG-secret-000000'],
  codes: {
    refused: 'isv.BUSINESS_LIMIT_CONTROL',
    http500: 'ServiceUnavailable',
    wrongSecret: 'SignatureDoesNotMatch',
    malformed: 'BAD_RESPONSE',
  },
};
