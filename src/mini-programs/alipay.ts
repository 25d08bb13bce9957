import {
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  type KeyObject,
} from 'node:crypto';
import { callPlatform, LOCAL_CODES, parseJsonObject, PlatformError } from './platform-call.js';

/** ALIPAY_*: an Alipay mini program's keys and gateway. */
export interface AlipaySettings {
  readonly appId: string;
  /** ALIPAY_PRIVATE_KEY: the app's RSA private key (signs requests, SHA256withRSA). */
  readonly privateKey: KeyObject;
  /** ALIPAY_PUBLIC_KEY: Alipay's public key (verifies answers and the phone's response). */
  readonly publicKey: KeyObject;
  /** ALIPAY_AES_KEY: the content-encryption key (接口内容加密), 16, 24 or 32 bytes. */
  readonly aesKey: Buffer;
  /** ALIPAY_GATEWAY: `https://openapi.alipay.com/gateway.do` by default. */
  readonly gateway: string;
}

/**
 * A key as Alipay's console gives it (bare base64 DER, PKCS#8 or PKCS#1 for the private
 * key, SPKI for the public one) or as PEM. Throws a plain Error on anything else.
 */
export function readRsaKey(kind: 'private' | 'public', text: string): KeyObject {
  const value = text.trim().replace(/\\n/g, '\n');
  const read = kind === 'private' ? createPrivateKey : createPublicKey;
  if (value.includes('-----BEGIN')) return read(value);
  const der = Buffer.from(value.replace(/\s+/g, ''), 'base64');
  const types = kind === 'private' ? (['pkcs8', 'pkcs1'] as const) : (['spki', 'pkcs1'] as const);
  for (const type of types) {
    try {
      const key = read({ key: der, format: 'der', type } as never);
      if (key.asymmetricKeyType === 'rsa') return key;
    } catch {
      // Try the next encoding.
    }
  }
  throw new Error('is not an RSA key (base64 DER or PEM)');
}

/** The AES key: base64 of 16, 24 or 32 bytes. */
export function readAesKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (![16, 24, 32].includes(key.length) || key.toString('base64') !== text.trim())
    throw new Error('must be the base64 of a 16-, 24- or 32-byte AES key');
  return key;
}

/** Alipay's gateway time: `yyyy-MM-dd HH:mm:ss` in China (UTC+8, no daylight saving). */
export function gatewayTimestamp(now: number): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** What Alipay signs: the non-empty parameters but `sign`, sorted by name, `k=v` joined by `&`, unescaped. */
export function signContent(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && params[key] !== '')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

/**
 * The raw text of the node `name` in an answer of the gateway: the bytes Alipay signed,
 * which re-serialising the parsed JSON would not reproduce (key order, escapes, spaces).
 */
export function rawNode(text: string, name: string): string | null {
  const key = `"${name}"`;
  const at = text.indexOf(key);
  if (at < 0) return null;
  let start = at + key.length;
  while (start < text.length && /[\s:]/.test(text[start] ?? '')) start += 1;
  if (text[start] !== '{') return null;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth += 1;
    else if (c === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return null;
}

const verifies = (content: string, sign: string, key: KeyObject): boolean => {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(key, sign, 'base64');
  } catch {
    return false;
  }
};

/** Alipay's code for an auth code that is wrong, used or expired. */
export const ALIPAY_INVALID_CODE = 'isv.code-invalid';

/**
 * The Alipay open platform as a mini-program login needs it: `alipay.system.oauth.token`
 * (an RSA2-signed gateway request whose signed answer is verified), and the phone of
 * `my.getPhoneNumber`, verified with Alipay's public key and decrypted with the AES key.
 */
export class AlipayApi {
  readonly name = 'alipay';

  constructor(
    readonly settings: AlipaySettings,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `alipay.system.oauth.token`: who the auth code of `my.getAuthCode` belongs to (user_id or open_id). */
  async oauthToken(authCode: string): Promise<{ subject: string }> {
    const params: Record<string, string> = {
      app_id: this.settings.appId,
      method: 'alipay.system.oauth.token',
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: gatewayTimestamp(this.now()),
      version: '1.0',
      grant_type: 'authorization_code',
      code: authCode,
    };
    params.sign = createSign('RSA-SHA256')
      .update(signContent(params), 'utf8')
      .sign(this.settings.privateKey, 'base64');
    const hidden = [authCode];
    const { status, text } = await callPlatform(
      this.name,
      this.settings.gateway,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
        body: new URLSearchParams(params).toString(),
      },
      this.timeoutMs,
      hidden,
    );
    const answer = parseJsonObject(text);
    if (answer === undefined)
      throw this.failure(status === 200 ? LOCAL_CODES.badResponse : `HTTP_${status}`, undefined, hidden);
    const nodeName =
      'alipay_system_oauth_token_response' in answer
        ? 'alipay_system_oauth_token_response'
        : 'error_response';
    const raw = rawNode(text, nodeName);
    const node = parseJsonObject(raw ?? '');
    if (raw === null || node === undefined)
      throw this.failure(LOCAL_CODES.badResponse, 'no response node', hidden);
    // An identity is believed only once Alipay's signature over the node's own bytes holds; a
    // refusal may come unsigned (it logs nobody in), but a signature that is there must hold.
    const unsignedRefusal = nodeName === 'error_response' && answer.sign === undefined;
    if (
      !unsignedRefusal &&
      (typeof answer.sign !== 'string' || !verifies(raw, answer.sign, this.settings.publicKey))
    )
      throw this.failure(LOCAL_CODES.badSignature, 'the answer is not signed by Alipay', hidden);
    if (node.code !== undefined && node.code !== '10000') {
      const code =
        typeof node.sub_code === 'string' && node.sub_code !== '' ? node.sub_code : String(node.code);
      throw this.failure(
        code,
        typeof node.sub_msg === 'string' ? node.sub_msg : String(node.msg ?? ''),
        hidden,
      );
    }
    const subject = [node.user_id, node.open_id].find(
      (v): v is string => typeof v === 'string' && v !== '' && v.length <= 128,
    );
    if (subject === undefined)
      throw this.failure(LOCAL_CODES.badResponse, 'neither user_id nor open_id', hidden);
    return { subject };
  }

  /**
   * The mobile number in `my.getPhoneNumber`'s response, as the mini program passed it on
   * (the whole JSON text): its signature (over the ciphertext in double quotes, as Alipay
   * signs an encrypted value) checked with Alipay's public key, then AES-CBC decrypted with
   * a zero IV. Null when it is forged, edited, or does not say `10000`.
   */
  decryptPhone(phoneResponse: string): { mobile: string } | null {
    const outer = parseJsonObject(phoneResponse);
    if (outer === undefined) return null;
    const { response, sign } = outer;
    const encryptType = outer.encrypt_type ?? outer.encryptType ?? 'AES';
    const signType = outer.sign_type ?? outer.signType ?? 'RSA2';
    if (
      typeof response !== 'string' ||
      typeof sign !== 'string' ||
      encryptType !== 'AES' ||
      signType !== 'RSA2'
    )
      return null;
    if (!verifies(`"${response}"`, sign, this.settings.publicKey)) return null;
    let plain: Record<string, unknown> | undefined;
    try {
      const { aesKey } = this.settings;
      const decipher = createDecipheriv(`aes-${aesKey.length * 8}-cbc`, aesKey, Buffer.alloc(16));
      plain = parseJsonObject(
        Buffer.concat([decipher.update(response, 'base64'), decipher.final()]).toString('utf8'),
      );
    } catch {
      return null;
    }
    if (plain?.code !== '10000' || typeof plain.mobile !== 'string') return null;
    return { mobile: plain.mobile };
  }

  private failure(code: string, detail: string | undefined, hidden: readonly string[]): PlatformError {
    return new PlatformError(this.name, code, detail, hidden);
  }
}
