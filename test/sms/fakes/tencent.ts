import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { FakeProvider, ProviderCase } from './provider-case.js';
import { header, json, startFakeProvider, text, type Reply } from './server.js';

export const TENCENT = {
  secretId: 'AKIDtestSecretId0123456789',
  secretKey: 'tencent-test-secret-key-4f8a2c',
  sdkAppId: '1400006666',
  signName: '医疗平台',
  templateId: '449739',
  region: 'ap-guangzhou',
};

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

const apiError = (code: string, message: string): Reply =>
  json(200, { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } });

const status = (phone: string, code: string, message: string) => ({
  SerialNo: code === 'Ok' ? '2645:118243893516817181230436127' : '',
  PhoneNumber: phone,
  Fee: code === 'Ok' ? 1 : 0,
  SessionContext: '',
  Code: code,
  Message: message,
  IsoCode: 'CN',
});

/**
 * Tencent Cloud SMS as SendSms 2021-01-11 answers it: the TC3-HMAC-SHA256 Authorization
 * recomputed with the test key (credential scope, fresh timestamp, signed content-type and
 * host, payload hash), the X-TC-* headers, then the parameters, then the behaviour.
 * The scope's service must be the host's first label: "sms" at sms.tencentcloudapi.com,
 * "127" here, because the SDK derives it from the endpoint.
 */
export async function startFakeTencent(): Promise<FakeProvider> {
  return startFakeProvider((req, turnAway) => {
    if (req.method !== 'POST' || req.url.pathname !== '/') {
      return turnAway('not POST /', apiError('UnsupportedOperation', 'POST / only'));
    }
    const auth =
      /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d\d-\d\d)\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        header(req, 'authorization'),
      );
    if (auth === null)
      return turnAway('malformed Authorization', apiError('AuthFailure.InvalidAuthorization', 'bad'));
    const [, secretId = '', date = '', service = '', signedHeaderList = '', signature = ''] = auth;
    if (secretId !== TENCENT.secretId) {
      return turnAway('unknown SecretId', apiError('AuthFailure.SecretIdNotFound', 'SecretId not found'));
    }
    const timestamp = Number(header(req, 'x-tc-timestamp'));
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) {
      return turnAway('stale timestamp', apiError('AuthFailure.SignatureExpire', 'expired'));
    }
    const hostname = header(req, 'host').replace(/:\d+$/, '');
    if (
      date !== new Date(timestamp * 1000).toISOString().slice(0, 10) ||
      service !== hostname.split('.')[0]
    ) {
      return turnAway('credential scope', apiError('AuthFailure.InvalidAuthorization', 'bad scope'));
    }
    const signedHeaders = signedHeaderList.split(';');
    if (!signedHeaders.includes('content-type') || !signedHeaders.includes('host')) {
      return turnAway(
        'content-type or host unsigned',
        apiError('AuthFailure.InvalidAuthorization', 'unsigned'),
      );
    }
    // The real service listens on the default port, where Host and the signed host agree.
    const value = (h: string) => (h === 'host' ? hostname : header(req, h)).trim().toLowerCase();
    const canonicalRequest = [
      'POST',
      '/',
      req.url.search.replace(/^\?/, ''),
      signedHeaders.map((h) => `${h}:${value(h)}\n`).join(''),
      signedHeaderList,
      sha256(req.body),
    ].join('\n');
    const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${sha256(canonicalRequest)}`;
    const signingKey = hmac(hmac(hmac(`TC3${TENCENT.secretKey}`, date), service), 'tc3_request');
    if (createHmac('sha256', signingKey).update(stringToSign).digest('hex') !== signature) {
      return turnAway(
        'signature',
        apiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.'),
      );
    }
    if (header(req, 'x-tc-action') !== 'SendSms' || header(req, 'x-tc-version') !== '2021-01-11') {
      return turnAway('action or version', apiError('InvalidAction', 'no such action'));
    }
    if (header(req, 'x-tc-region') !== TENCENT.region) {
      return turnAway('region', apiError('UnsupportedRegion', 'region'));
    }

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return turnAway('body not JSON', apiError('InvalidParameter', 'body'));
    }
    const phones = body.PhoneNumberSet as unknown;
    const params = body.TemplateParamSet as unknown;
    if (body.SmsSdkAppId !== TENCENT.sdkAppId) {
      return turnAway(
        'SmsSdkAppId',
        apiError('InvalidParameterValue.SdkAppIdNotExist', 'SdkAppId not found'),
      );
    }
    if (body.TemplateId !== TENCENT.templateId) {
      return turnAway('TemplateId', apiError('FailedOperation.TemplateIncorrectOrUnapproved', 'template'));
    }
    if (body.SignName !== TENCENT.signName) {
      return turnAway('SignName', apiError('FailedOperation.SignatureIncorrectOrUnapproved', 'sign'));
    }
    if (!Array.isArray(phones) || phones.length !== 1 || !/^\+861[3-9]\d{9}$/.test(String(phones[0]))) {
      return turnAway('PhoneNumberSet', apiError('InvalidParameterValue.IncorrectPhoneNumber', 'phone'));
    }
    if (!Array.isArray(params) || params.length !== 2 || !params.every((p) => typeof p === 'string')) {
      return turnAway(
        'TemplateParamSet',
        apiError('FailedOperation.TemplateParamSetNotMatchApprovedTemplate', 'params'),
      );
    }
    const phone = String(phones[0]);
    return {
      message: { phone, code: String(params[0]), ttlMinutes: String(params[1]) },
      answers: {
        accept: json(200, {
          Response: { SendStatusSet: [status(phone, 'Ok', 'send success')], RequestId: randomUUID() },
        }),
        refuse: json(200, {
          Response: {
            SendStatusSet: [
              status(
                phone,
                'LimitExceeded.PhoneNumberDailyLimit',
                `daily limit reached for ${phone} (code ${String(params[0])})`,
              ),
            ],
            RequestId: randomUUID(),
          },
        }),
        malformed: text(200, '<html>gateway</html>'),
      },
    };
  });
}

export const tencentCase: ProviderCase = {
  provider: 'tencent',
  start: startFakeTencent,
  env: (origin) => ({
    SMS_TENCENT_SECRET_ID: TENCENT.secretId,
    SMS_TENCENT_SECRET_KEY: TENCENT.secretKey,
    SMS_TENCENT_SDK_APP_ID: TENCENT.sdkAppId,
    SMS_TENCENT_SIGN_NAME: TENCENT.signName,
    SMS_TENCENT_TEMPLATE_ID: TENCENT.templateId,
    SMS_TENCENT_REGION: TENCENT.region,
    SMS_TENCENT_ENDPOINT: origin,
  }),
  wrongSecretEnv: { SMS_TENCENT_SECRET_KEY: 'tencent-WRONG-secret-key-000' },
  secrets: [TENCENT.secretKey, 'tencent-WRONG-secret-key-000'],
  codes: {
    refused: 'LimitExceeded.PhoneNumberDailyLimit',
    http500: 'HTTP_500',
    wrongSecret: 'AuthFailure.SignatureFailure',
    malformed: 'BAD_RESPONSE',
  },
};
