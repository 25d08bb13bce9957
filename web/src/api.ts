/**
 * The one typed client of the Medicine API (see CONTRACT.md): one function per endpoint.
 * The pages use it in the browser and the browser tests use it from Node, so it needs
 * nothing but `fetch`.
 *
 * No call ever rejects. Each resolves to an `ApiResult`: the server's answer (`ok` or a
 * RET refusal) or `unreachable` when no readable answer came (network down, timeout,
 * a proxy's HTML error page), so that every page has to decide what a person sees then.
 */

import {
  RET,
  REASONS,
  RET_REASONS,
  type FailureRet,
  type Reason,
  type Ret,
  type RetName,
} from '../../src/shared/api-codes.js';
import type { components, operations } from './api-types.js';
import { currentLanguage } from './language.js';

// The RET table and the refusals' reasons: one module, shared with the server.
export { RET, REASONS, type Reason, type RetName };
export type RetCode = Ret;
export type FailureCode = FailureRet;

const RET_CODES: ReadonlySet<string> = new Set(Object.values(RET));
const REASON_WORDS: ReadonlySet<string> = new Set(Object.keys(REASONS));

// The shapes below come from the OpenAPI document (web/src/api-types.ts, `npm run api:files`).
type Schemas = components['schemas'];
type JsonBody<Operation extends keyof operations> = operations[Operation] extends {
  requestBody?: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

export type AccountType = NonNullable<JsonBody<'register'>['types']>;

/** What an SMS code is for: a code sent for one purpose is refused for another. */
export type SmsPurpose = NonNullable<JsonBody<'sendSmsCode'>['purpose']>;

/** POST /smsCode; `purpose` 'register' when left out (DATAEXIST for a registered phone). */
export type SmsCodeRequest = JsonBody<'sendSmsCode'>;

export type RegisterRequest = JsonBody<'register'> & { types: AccountType };

type LoginBody = JsonBody<'logIn'>;
export type LoginRequest = Pick<LoginBody, 'phone'> & Required<Pick<LoginBody, 'password'>>;
/** An SMS code sent for the purpose 'login' instead of the password. */
export type SmsLoginRequest = Pick<LoginBody, 'phone'> & Required<Pick<LoginBody, 'phone_code'>>;

export type PasswordResetRequest = JsonBody<'resetPassword'>;
export type PasswordChangeRequest = JsonBody<'changePassword'>;

/** What GET /users tells about the person logged in. */
export type User = NonNullable<Schemas['UserReply']['user']>;
/** What GET /users tells beside `user`: role, a doctor's standing and a doctor's fields. */
export type Account = NonNullable<Schemas['UserReply']['account']>;
export type Role = Account['role'];
export type ExpertStatus = NonNullable<Account['expert_status']>;
export type Grade = 'professor' | 'assprofessor';

/** A platform (WeChat, Alipay) the account is linked to: GET /users lists them (issue 17). */
export interface PlatformLink {
  provider: 'wechat' | 'alipay';
  linked_at: string;
}

export interface UserAndAccount {
  user: User;
  account: Account;
  /** GET /users only. */
  links?: PlatformLink[];
}

/** PUT /users: only the fields given change; `age` is digits, '' clears it. major and grade: doctors only. */
export type ProfileChanges = JsonBody<'updateProfile'> & { grade?: Grade | '' };

/** One approved doctor, as GET /experts lists them. */
export type Expert = Schemas['Expert'];

/** The seed's paging shape. */
export type PageOf<T> = Required<
  Pick<Schemas['ExpertPage'], 'current_page' | 'pages' | 'total' | 'has_next'>
> & {
  data: T[];
};

export type AdminAction = JsonBody<'moderateUser'>['action'];

/** An account as GET /admin/users lists it; `phone` is masked: 138****5678. */
export type AdminListedUser = Schemas['AdminListedUser'];

/** One of the person's sessions; `id` is a handle for DELETE /sessions/:id, not the session's secret. */
export type SessionInfo = Schemas['SessionInfo'];

/** An audit entry; `phone` is masked: 138****5678. */
export type AuditEntry = Schemas['AuditEntry'];

/** Every JSON reply of the API. */
export type RetReply = Schemas['RetReply'];

export type ApiResult<T = undefined> =
  | { kind: 'ok'; msg: string; value: T }
  | {
      kind: 'refused';
      code: FailureCode;
      /** Why, one stable word (docs/reasons.md): what a page reads, never `msg`. */
      reason: Reason;
      /** The request field the refusal is about, when there is one. */
      field: string | null;
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

/** GET /users — who is logged in, with their role and doctor's standing; SESSIONERR when nobody is. */
export function currentAccount(options?: ApiOptions): Promise<ApiResult<UserAndAccount>> {
  return call('GET', '/users', undefined, options, readUserAndAccount);
}

/** DELETE /users/links/{provider} — unlink WeChat or Alipay (never the account's last way to log in). */
export function unlinkPlatform(provider: PlatformLink['provider'], options?: ApiOptions): Promise<ApiResult> {
  return call('DELETE', `/users/links/${provider}`, undefined, options, noValue);
}

/** POST /sessions with an SMS code sent for 'login' — log in without the password. */
export function logInWithCode(request: SmsLoginRequest, options?: ApiOptions): Promise<ApiResult> {
  return call('POST', '/sessions', request, options, noValue);
}

/** POST /passwords/reset — a new password with a 'reset' SMS code; every session of the account ends. */
export function resetPassword(request: PasswordResetRequest, options?: ApiOptions): Promise<ApiResult> {
  return call('POST', '/passwords/reset', request, options, noValue);
}

/** PUT /passwords — change one's password (logged in); every other session ends. */
export function changePassword(request: PasswordChangeRequest, options?: ApiOptions): Promise<ApiResult> {
  return call('PUT', '/passwords', request, options, noValue);
}

/** PUT /users — edit one's profile; the account as it now is. */
export function updateProfile(
  changes: ProfileChanges,
  options?: ApiOptions,
): Promise<ApiResult<UserAndAccount>> {
  return call('PUT', '/users', changes, options, readUserAndAccount);
}

/** GET /experts — approved doctors, a page at a time (page from 1, count 1–50). */
export function listExperts(
  page: number,
  count: number,
  options?: ApiOptions,
): Promise<ApiResult<PageOf<Expert>>> {
  const query = new URLSearchParams({ page: String(page), count: String(count) });
  return call('GET', `/experts?${query.toString()}`, undefined, options, (body) => readPage(body, isExpert));
}

/** GET /experts/:id — one approved doctor; NODATA when there is none such. */
export function getExpert(id: number, options?: ApiOptions): Promise<ApiResult<Expert>> {
  return call('GET', `/experts/${encodeURIComponent(String(id))}`, undefined, options, (body) =>
    isExpert(body.expert) ? body.expert : undefined,
  );
}

/** PUT /admin/users/:id — approve or reject a doctor, disable or enable an account (admins only). */
export function moderateUser(id: number, action: AdminAction, options?: ApiOptions): Promise<ApiResult> {
  return call('PUT', `/admin/users/${encodeURIComponent(String(id))}`, { action }, options, noValue);
}

/** GET /admin/users — doctors in a vetting state and/or the account of a whole phone number (admins only). */
export function listUsersForAdmin(
  filter: { status?: ExpertStatus; phone?: string },
  page: number,
  count: number,
  options?: ApiOptions,
): Promise<ApiResult<PageOf<AdminListedUser>>> {
  const query = new URLSearchParams({ page: String(page), count: String(count) });
  if (filter.status !== undefined) query.set('status', filter.status);
  if (filter.phone !== undefined) query.set('phone', filter.phone);
  return call('GET', `/admin/users?${query.toString()}`, undefined, options, (body) =>
    readPage(body, isAdminListedUser),
  );
}

/** GET /sessions — the logged-in person's sessions, this browser's marked `current`. */
export function listSessions(options?: ApiOptions): Promise<ApiResult<SessionInfo[]>> {
  return call('GET', '/sessions', undefined, options, (body) =>
    Array.isArray(body.sessions) && body.sessions.every(isSessionInfo) ? body.sessions : undefined,
  );
}

/** DELETE /sessions/:id — end one of one's own sessions; NODATA when it is gone already. */
export function endSession(id: string, options?: ApiOptions): Promise<ApiResult> {
  return call('DELETE', `/sessions/${encodeURIComponent(id)}`, undefined, options, noValue);
}

/** DELETE /sessions?scope=others — end every session but this browser's. */
export function endOtherSessions(options?: ApiOptions): Promise<ApiResult> {
  return call('DELETE', '/sessions?scope=others', undefined, options, noValue);
}

/** GET /audit — one's own audit entries, newest first. */
export function listAudit(
  page: number,
  count: number,
  options?: ApiOptions,
): Promise<ApiResult<PageOf<AuditEntry>>> {
  const query = new URLSearchParams({ page: String(page), count: String(count) });
  return call('GET', `/audit?${query.toString()}`, undefined, options, (body) =>
    readPage(body, isAuditEntry),
  );
}

/** What GET /legal answers (issue 15): the documents' versions and pages, what to send as `agree`, the filings. */
export type LegalInfo = Required<
  Pick<Schemas['LegalReply'], 'terms' | 'privacy' | 'agree' | 'agree_required' | 'filings'>
>;
/** One document as GET /legal/{name} answers it. */
export type LegalDocument = NonNullable<Schemas['LegalDocumentReply']['document']>;
/** What GET /users/export answers as `data`. */
export type PersonalData = NonNullable<Schemas['PersonalDataReply']['data']>;

/** GET /legal — the versions in force, the documents' pages, the filing numbers. */
export function legalInfo(options?: ApiOptions): Promise<ApiResult<LegalInfo>> {
  return call('GET', '/legal', undefined, options, (body) =>
    isObject(body.terms) && isObject(body.privacy) && typeof body.agree === 'string' && isObject(body.filings)
      ? (body as unknown as LegalInfo)
      : undefined,
  );
}

/** GET /legal/{name} — the user agreement or the privacy policy as HTML, in the page's language. */
export function legalDocument(
  name: 'terms' | 'privacy',
  options?: ApiOptions,
): Promise<ApiResult<LegalDocument>> {
  return call('GET', `/legal/${name}`, undefined, options, (body) =>
    isObject(body.document) && typeof body.document.html === 'string'
      ? (body.document as unknown as LegalDocument)
      : undefined,
  );
}

/** POST /consents — agree to the versions in force (`agree` as GET /legal says it). */
export function giveConsent(agree: string, options?: ApiOptions): Promise<ApiResult> {
  return call('POST', '/consents', { agree }, options, noValue);
}

/** DELETE /users — delete one's account, proving it with the password (or an SMS code sent for 'delete'). */
export function deleteAccount(
  proof: { password: string } | { phone_code: string },
  options?: ApiOptions,
): Promise<ApiResult> {
  return call('DELETE', '/users', proof, options, noValue);
}

/** GET /users/export — a copy of one's data. */
export function exportData(options?: ApiOptions): Promise<ApiResult<PersonalData>> {
  return call('GET', '/users/export', undefined, options, (body) =>
    isObject(body.data) ? (body.data as unknown as PersonalData) : undefined,
  );
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

/** Calls this page has made that have not answered yet, and who waits for there to be none. */
let callsInFlight = 0;
const quietWaiters: (() => void)[] = [];

/**
 * Resolves once the page has no call in flight and has had a turn to show the answers (a
 * call started while showing one is waited for too). The footer waits for it, so that it
 * is not pushed down by content that arrives after the first paint.
 */
export function whenCallsSettle(): Promise<void> {
  return new Promise((resolve) => {
    quietWaiters.push(resolve);
    setTimeout(releaseQuietWaiters, 0);
  });
}

function releaseQuietWaiters(): void {
  if (callsInFlight > 0) return;
  for (const resolve of quietWaiters.splice(0)) resolve();
}

/** One call to the API, counted while in flight (see whenCallsSettle). */
async function call<T>(...args: Parameters<typeof callOnce<T>>): Promise<ApiResult<T>> {
  callsInFlight += 1;
  try {
    return await callOnce(...args);
  } finally {
    callsInFlight -= 1;
    // A macrotask later: the caller has shown the answer, or started its next call.
    if (callsInFlight === 0) setTimeout(releaseQuietWaiters, 0);
  }
}

async function callOnce<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
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
      reason: isReason(reply.reason) ? reply.reason : RET_REASONS[reply.re_code],
      field: reply.field ?? null,
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

/** A reason this client does not know (a newer server) reads as the RET code's own word. */
function isReason(value: unknown): value is Reason {
  return typeof value === 'string' && REASON_WORDS.has(value);
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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const isNullableString = (value: unknown): value is string | null =>
  value === null || typeof value === 'string';

function isAccount(value: unknown): value is Account {
  if (!isObject(value)) return false;
  return (
    (value.role === 'user' || value.role === 'admin') &&
    (value.expert_status === null ||
      value.expert_status === 'pending' ||
      value.expert_status === 'approved' ||
      value.expert_status === 'rejected') &&
    isNullableString(value.major) &&
    isNullableString(value.grade)
  );
}

function readUserAndAccount(body: Record<string, unknown>): UserAndAccount | undefined {
  if (!isUser(body.user) || !isAccount(body.account)) return undefined;
  const links = Array.isArray(body.links) ? body.links.filter(isPlatformLink) : undefined;
  return { user: body.user, account: body.account, ...(links && { links }) };
}

function isPlatformLink(value: unknown): value is PlatformLink {
  const link = value as Partial<PlatformLink> | null;
  return (
    typeof link === 'object' &&
    link !== null &&
    (link.provider === 'wechat' || link.provider === 'alipay') &&
    typeof link.linked_at === 'string'
  );
}

function isExpert(value: unknown): value is Expert {
  return (
    isObject(value) &&
    typeof value.user_id === 'number' &&
    typeof value.name === 'string' &&
    isNullableString(value.major) &&
    isNullableString(value.grade)
  );
}

function isAdminListedUser(value: unknown): value is AdminListedUser {
  return (
    isObject(value) &&
    typeof value.user_id === 'number' &&
    typeof value.name === 'string' &&
    typeof value.phone === 'string' &&
    typeof value.types === 'string' &&
    typeof value.disabled === 'boolean' &&
    isNullableString(value.expert_status)
  );
}

function isSessionInfo(value: unknown): value is SessionInfo {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.last_used_at === 'string' &&
    typeof value.current === 'boolean' &&
    isNullableString(value.ip) &&
    isNullableString(value.user_agent)
  );
}

function isAuditEntry(value: unknown): value is AuditEntry {
  return (
    isObject(value) &&
    typeof value.id === 'number' &&
    typeof value.at === 'string' &&
    typeof value.action === 'string' &&
    typeof value.outcome === 'string'
  );
}

function readPage<T>(
  body: Record<string, unknown>,
  isItem: (value: unknown) => value is T,
): PageOf<T> | undefined {
  const { current_page: current, pages, total, has_next: hasNext, data } = body;
  if (typeof current !== 'number' || typeof pages !== 'number' || typeof total !== 'number') return undefined;
  if (typeof hasNext !== 'boolean' || !Array.isArray(data) || !data.every(isItem)) return undefined;
  return { current_page: current, pages, total, has_next: hasNext, data };
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
