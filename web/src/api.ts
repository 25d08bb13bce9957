/**
 * The one typed client of the Medicine API (see CONTRACT.md): one function per endpoint.
 * The pages use it in the browser and the browser tests use it from Node, so it needs
 * nothing but `fetch`.
 *
 * No call ever rejects. Each resolves to an `ApiResult`: the server's answer (`ok` or a
 * RET refusal) or `unreachable` when no readable answer came (network down, timeout,
 * a proxy's HTML error page), so that every page has to decide what a person sees then.
 */

import { currentLanguage } from './language.js';

/** The RET table of the seed document, codes verbatim. */
export const RET = {
  OK: '0',
  DBERR: '4001',
  NODATA: '4002',
  DATAEXIST: '4003',
  DATAERR: '4004',
  SESSIONERR: '4101',
  LOGINERR: '4102',
  PARAMERR: '4103',
  USERERR: '4104',
  ROLEERR: '4105',
  PWDERR: '4106',
  REQERR: '4201',
  IPERR: '4202',
  THIRDERR: '4301',
  IOERR: '4302',
  SERVERERR: '4500',
  UNKOWNERR: '4501',
} as const;

export type RetName = keyof typeof RET;
export type RetCode = (typeof RET)[RetName];
export type FailureCode = Exclude<RetCode, typeof RET.OK>;

const RET_CODES: ReadonlySet<string> = new Set(Object.values(RET));

export type AccountType = 'patient' | 'expert';

export interface SmsCodeRequest {
  phone: string;
  /** The text the person read in the captcha. */
  img_code_client: string;
  /** The id the captcha was drawn for. */
  uuid: string;
}

export interface RegisterRequest {
  phone: string;
  /** The SMS code. */
  phone_code: string;
  password: string;
  password2: string;
  types: AccountType;
}

export interface LoginRequest {
  phone: string;
  password: string;
}

/** What GET /users tells about the person logged in. */
export interface User {
  user_id: number;
  name: string;
  phone: string;
  types: AccountType;
  avatar_url: string | null;
  age: number | null;
  address: string | null;
}

/** Every JSON reply of the API. */
export interface RetReply {
  re_code: RetCode;
  msg: string;
}

export type ApiResult<T = undefined> =
  | { kind: 'ok'; msg: string; value: T }
  | {
      kind: 'refused';
      code: FailureCode;
      msg: string;
      /** From the `Retry-After` header, in whole seconds; null when there is none. */
      retryAfterSeconds: number | null;
      httpStatus: number;
    }
  | { kind: 'unreachable'; reason: 'network' | 'timeout' | 'bad-reply'; httpStatus: number | null };

export type Refusal = Extract<ApiResult<unknown>, { kind: 'refused' }>;
export type Unreachable = Extract<ApiResult<unknown>, { kind: 'unreachable' }>;

export interface ApiOptions {
  /** Default `/api/1.0`, relative to the page; Node callers give an absolute URL. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /**
   * The language of the server's `msg` sentences (`Accept-Language`); by default the
   * page's (language.ts: zh-CN or en), so that a sentence shown matches the page; zh-CN in Node.
   */
  language?: string;
  /** Extra request headers, e.g. a `cookie` for a Node caller. */
  headers?: Record<string, string>;
  /** A call with no answer after this long is `unreachable` / `timeout`. Default 15 s. */
  timeoutMs?: number;
}

const DEFAULT_BASE_URL = '/api/1.0';
const DEFAULT_TIMEOUT_MS = 15_000;

/** GET /imageCode — the address of a new captcha image for `uuid`, dropping `lastUuid`'s. */
export function imageCodeUrl(uuid: string, lastUuid?: string, options: ApiOptions = {}): string {
  const query = new URLSearchParams({ uuid });
  if (lastUuid !== undefined && lastUuid !== '') query.set('last_uuid', lastUuid);
  return `${options.baseUrl ?? DEFAULT_BASE_URL}/imageCode?${query.toString()}`;
}

/** POST /smsCode — pass the captcha and have a 6-digit code sent to `phone`. */
export function sendSmsCode(request: SmsCodeRequest, options?: ApiOptions): Promise<ApiResult> {
  return call('POST', '/smsCode', request, options, noValue);
}

/** POST /register — create the account and log in (the reply sets the session cookie). */
export function register(request: RegisterRequest, options?: ApiOptions): Promise<ApiResult> {
  return call('POST', '/register', request, options, noValue);
}

/** POST /sessions — log in. */
export function logIn(request: LoginRequest, options?: ApiOptions): Promise<ApiResult> {
  return call('POST', '/sessions', request, options, noValue);
}

/** DELETE /sessions — log out. */
export function logOut(options?: ApiOptions): Promise<ApiResult> {
  return call('DELETE', '/sessions', undefined, options, noValue);
}

/** GET /users — who is logged in; SESSIONERR when nobody is. */
export function currentUser(options?: ApiOptions): Promise<ApiResult<User>> {
  return call('GET', '/users', undefined, options, (body) => (isUser(body.user) ? body.user : undefined));
}

/** GET /test/sms — test hook (MEDICINE_TEST_HOOKS=1 only): the last SMS code sent to `phone`. */
export function lastSmsCodeForTests(phone: string, options?: ApiOptions): Promise<ApiResult<string>> {
  const path = `/test/sms?${new URLSearchParams({ phone }).toString()}`;
  return call('GET', path, undefined, options, (body) =>
    typeof body.code === 'string' ? body.code : undefined,
  );
}

/** Reads an endpoint's extra fields from a successful reply; `undefined` when they are not there. */
type ReadValue<T> = (body: Record<string, unknown>) => T | undefined;

const noValue: ReadValue<undefined> = () => undefined;

async function call<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body: object | undefined,
  options: ApiOptions = {},
  readValue: ReadValue<T>,
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    // The server's sentences a page may show must be in the page's language.
    'accept-language': options.language ?? currentLanguage(),
    ...options.headers,
  };
  // A DELETE with a JSON content type and no body is refused by the server, so the type goes only with a body.
  if (body !== undefined) headers['content-type'] = 'application/json';
  const timeout = timeoutSignal(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let response: Response;
  let reply: unknown;
  try {
    response = await (options.fetch ?? fetch)(`${options.baseUrl ?? DEFAULT_BASE_URL}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: timeout.signal,
    });
  } catch {
    timeout.clear();
    return { kind: 'unreachable', reason: timeout.signal.aborted ? 'timeout' : 'network', httpStatus: null };
  }
  try {
    reply = await response.json();
  } catch {
    return {
      kind: 'unreachable',
      reason: timeout.signal.aborted ? 'timeout' : 'bad-reply',
      httpStatus: response.status,
    };
  } finally {
    timeout.clear();
  }
  if (!isRetReply(reply)) return { kind: 'unreachable', reason: 'bad-reply', httpStatus: response.status };
  if (reply.re_code !== RET.OK) {
    return {
      kind: 'refused',
      code: reply.re_code,
      msg: reply.msg,
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
      httpStatus: response.status,
    };
  }
  const value = readValue(reply as unknown as Record<string, unknown>);
  if (value === undefined && readValue !== noValue) {
    return { kind: 'unreachable', reason: 'bad-reply', httpStatus: response.status };
  }
  return { kind: 'ok', msg: reply.msg, value: value as T };
}

function isRetReply(body: unknown): body is RetReply {
  if (typeof body !== 'object' || body === null) return false;
  const { re_code: code, msg } = body as Record<string, unknown>;
  return typeof code === 'string' && RET_CODES.has(code) && typeof msg === 'string';
}

function isUser(value: unknown): value is User {
  if (typeof value !== 'object' || value === null) return false;
  const user = value as Record<string, unknown>;
  return (
    typeof user.user_id === 'number' &&
    typeof user.name === 'string' &&
    typeof user.phone === 'string' &&
    (user.types === 'patient' || user.types === 'expert')
  );
}

/** `Retry-After` is either whole seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/** A signal that aborts after `ms`; built by hand because `AbortSignal.timeout` is missing from older browsers. */
function timeoutSignal(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
