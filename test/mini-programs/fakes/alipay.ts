import { createCipheriv, createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { FakeHttpServer, text, type Reply, type SeenRequest } from '../../sms/fakes/server.js';

/** The app's keys (what the app's developer generates) and Alipay's (whose public half the app is given). */
const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const alipayKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** A key pair Alipay never used: what a forger would sign with. */
const forgerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const base64Der = (key: ReturnType<typeof generateKeyPairSync>['publicKey'], type: 'spki' | 'pkcs8') =>
  key.export({ format: 'der', type } as never).toString('base64');

export const ALIPAY = {
  appId: '2021004100000001',
  /** As Alipay's key tool gives it: bare base64 PKCS#8. */
  privateKey: base64Der(appKeys.privateKey, 'pkcs8'),
  /** As the console shows Alipay's public key: bare base64 SPKI. */
  alipayPublicKey: base64Der(alipayKeys.publicKey, 'spki'),
  aesKey: randomBytes(16).toString('base64'),
};

export type AlipayBehaviour = 'accept' | 'tamper' | 'hang' | 'http500';

export interface FakeAlipay {
  readonly origin: string;
  behaviour: AlipayBehaviour;
  readonly problems: string[];
  /** A new auth code for a person (a new user_id unless given), single use. */
  authCode(userId?: string): { code: string; userId: string };
  close(): Promise<void>;
}

/** China time as the gateway reads `timestamp`. */
function chinaTime(timestamp: string): number | null {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(timestamp);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h! - 8, mi!, s!);
}

const signWith = (key: ReturnType<typeof generateKeyPairSync>['privateKey'], content: string) =>
  createSign('RSA-SHA256').update(content, 'utf8').sign(key, 'base64');

/** Writes an answer as the gateway does: the node's JSON text, and Alipay's signature over exactly that text. */
function signedAnswer(node: string, body: string, tamper = false): Reply {
  const sign = signWith(alipayKeys.privateKey, body);
  const sent = tamper ? body.replace(/"user_id":"(\d+)"/, '"user_id":"2088000000000001"') : body;
  return {
    status: 200,
    body: `{"${node}":${sent},"sign":"${sign}"}`,
    contentType: 'text/html;charset=utf-8',
  };
}

/**
 * Alipay's open-platform gateway answering `alipay.system.oauth.token`: it checks the form
 * parameters, the China-time timestamp and the RSA2 signature over the sorted parameters
 * with the app's public key, then answers a node signed with Alipay's key.
 */
export async function startFakeAlipay(): Promise<FakeAlipay> {
  const codes = new Map<string, string>();
  const fake = { behaviour: 'accept' as AlipayBehaviour, problems: [] as string[] };
  const error = (code: string, msg: string, subCode: string, subMsg: string) =>
    signedAnswer('error_response', JSON.stringify({ code, msg, sub_code: subCode, sub_msg: subMsg }));
  const turnAway = (why: string, reply: Reply): Reply => {
    fake.problems.push(why);
    return reply;
  };

  const server = await FakeHttpServer.start((req: SeenRequest) => {
    if (req.method !== 'POST' || req.url.pathname !== '/gateway.do')
      return turnAway('not POST /gateway.do', text(404, 'not found'));
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return turnAway(
        'not a form',
        error('40001', 'Missing Required Arguments', 'isv.missing-method', '缺少方法名参数'),
      );
    const params = Object.fromEntries(new URLSearchParams(req.body));
    const expected = {
      app_id: ALIPAY.appId,
      method: 'alipay.system.oauth.token',
      format: 'JSON',
      sign_type: 'RSA2',
      version: '1.0',
      grant_type: 'authorization_code',
    };
    for (const [name, value] of Object.entries(expected)) {
      if (params[name] !== value)
        return turnAway(`param ${name}`, error('40002', 'Invalid Arguments', `isv.invalid-${name}`, name));
    }
    if (!/^utf-?8$/i.test(params.charset ?? ''))
      return turnAway('charset', error('40002', 'Invalid Arguments', 'isv.invalid-charset', 'charset'));
    const at = chinaTime(params.timestamp ?? '');
    if (at === null || Math.abs(Date.now() - at) > 10 * 60_000)
      return turnAway(
        'timestamp',
        error('40002', 'Invalid Arguments', 'isv.invalid-timestamp', '时间戳参数错误'),
      );
    const content = Object.keys(params)
      .filter((k) => k !== 'sign' && params[k] !== '')
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&');
    const valid = createVerify('RSA-SHA256')
      .update(content, 'utf8')
      .verify(appKeys.publicKey, params.sign ?? '', 'base64');
    if (!valid)
      return turnAway('signature', error('40002', 'Invalid Arguments', 'isv.invalid-signature', '验签出错'));
    switch (fake.behaviour) {
      case 'hang':
        return 'hang';
      case 'http500':
        return text(500, 'Internal Server Error');
      default:
        break;
    }
    const userId = codes.get(params.code ?? '');
    if (userId === undefined)
      return error('40002', 'Invalid Arguments', 'isv.code-invalid', '授权码code无效');
    codes.delete(params.code ?? '');
    return signedAnswer(
      'alipay_system_oauth_token_response',
      JSON.stringify({
        access_token: `authusrB${randomBytes(16).toString('hex')}`,
        alipay_user_id: `2088${randomBytes(6).toString('hex')}`,
        auth_start: '2026-12-01 15:00:00',
        expires_in: 1296000,
        re_expires_in: 2592000,
        refresh_token: `authusrB${randomBytes(16).toString('hex')}`,
        user_id: userId,
      }),
      fake.behaviour === 'tamper',
    );
  });

  return Object.assign(fake, {
    origin: server.origin,
    close: () => server.close(),
    authCode: (userId = `2088${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`) => {
      const code = randomBytes(16).toString('hex');
      codes.set(code, userId);
      return { code, userId };
    },
  });
}

/**
 * `my.getPhoneNumber`'s `response`, as the Alipay client hands it to the mini program:
 * `{code, msg, mobile}` AES-CBC encrypted (zero IV) with the app's content key, and signed
 * by Alipay over the ciphertext in double quotes. `forged`: signed by someone else.
 */
export function phoneResponse(mobile: string, options: { forged?: boolean; code?: string } = {}): string {
  const key = Buffer.from(ALIPAY.aesKey, 'base64');
  const cipher = createCipheriv('aes-128-cbc', key, Buffer.alloc(16));
  const plain = JSON.stringify({ code: options.code ?? '10000', msg: 'Success', mobile });
  const response = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
  const sign = signWith(options.forged ? forgerKeys.privateKey : alipayKeys.privateKey, `"${response}"`);
  return JSON.stringify({ response, sign, sign_type: 'RSA2', encrypt_type: 'AES', charset: 'UTF-8' });
}

export const alipayEnv = (origin: string) => ({
  ALIPAY_APP_ID: ALIPAY.appId,
  ALIPAY_PRIVATE_KEY: ALIPAY.privateKey,
  ALIPAY_PUBLIC_KEY: ALIPAY.alipayPublicKey,
  ALIPAY_AES_KEY: ALIPAY.aesKey,
  ALIPAY_GATEWAY: `${origin}/gateway.do`,
});
