import os from 'node:os';
import path from 'node:path';
import type { JWK } from 'jose';
import { isSupportedCountry } from 'libphonenumber-js/max';
import type { ProviderSetting, SettingsReader } from './sms/provider-definition.js';
import {
  SMS_PROVIDERS,
  smsProviderNamed,
  type SmsProviderName,
  type SmsProviderSettings,
} from './sms/registry.js';
import { LEGAL_TEMPLATES_DIR } from './paths.js';
import { parsePrivateKeys } from './tokens/keys.js';
import { readAesKey, readRsaKey, type AlipaySettings } from './mini-programs/alipay.js';
import type { WeChatSettings } from './mini-programs/wechat.js';

/**
 * Everything the service can be told from outside, read once from the environment,
 * validated, and frozen. Nothing else in the code reads `process.env`.
 */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  /** `sqlite:<file>` (default `sqlite:./data/medicine.db`), `sqlite::memory:`, `postgres://…`, `mysql://…`. */
  readonly databaseUrl: string;
  /** Unset: the in-process key-value store. */
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  // --- Storage time bounds: a store that is down or stuck becomes a DBERR reply, never a hung request.
  /** REDIS_COMMAND_TIMEOUT_MS: longest wait for one Redis reply (default 2000). */
  readonly redisCommandTimeoutMs: number;
  /** REDIS_CONNECT_TIMEOUT_MS: longest wait to reach Redis, at start-up and on each reconnect (default 5000). */
  readonly redisConnectTimeoutMs: number;
  // --- end of storage time bounds.
  readonly dataDir: string;
  /** HMAC key for codes at rest; unset outside production: generated once under `dataDir`. */
  readonly secret: string | undefined;
  readonly smsProvider: SmsProviderName;
  /** SMS_<PROVIDER>_*: the settings of the provider SMS_PROVIDER names (only that block is read). */
  readonly sms: SmsProviderSettings;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly testHooks: boolean;
  readonly cookieSecure: boolean;
  readonly allowedOrigins: readonly string[];
  readonly trustProxy: boolean | string;
  readonly sessionTtlSeconds: number;
  readonly imageCodeTtlSeconds: number;
  readonly imageCodeLength: number;
  readonly smsCodeTtlSeconds: number;
  readonly smsResendSeconds: number;
  readonly smsCodeMaxAttempts: number;
  readonly smsPerPhonePerDay: number;
  readonly smsPerIpPerHour: number;
  // --- Abuse quotas (all kept in the key-value store, so shared by every process).
  readonly smsPerPhonePerHour: number;
  /** Every SMS this deployment sends in an hour; past it sending stops (pumping-fraud guard). */
  readonly smsGlobalPerHour: number;
  readonly captchaPerIpPerMinute: number;
  readonly loginFailuresPerIpPerHour: number;
  /** Wrong SMS-code guesses per phone per hour, whatever the number of codes sent. */
  readonly smsCodeGuessesPerPhonePerHour: number;
  // --- end of abuse quotas.
  readonly smsSendTimeoutMs: number;
  readonly passwordMinLength: number;
  readonly loginMaxFailures: number;
  readonly loginLockSeconds: number;
  /** DEVICE_MARK_DAYS: how long a browser or app that logged in keeps its own guess allowance (default 30). */
  readonly deviceMarkDays: number;
  readonly bodyLimitBytes: number;
  /** Redis Cluster seed nodes (`host:port`), or Sentinels and the master's name; empty: one server. */
  readonly redisClusterNodes: readonly string[];
  readonly redisSentinels: readonly string[];
  readonly redisSentinelName: string;
  /** TEST_PHONE_CODES: fictional numbers and their fixed codes (review, QA); no SMS goes to them. */
  readonly testPhoneCodes: ReadonlyMap<string, string>;
  /** Worker processes on this machine (`WORKERS`, `auto` = one per core); more than one needs Redis. */
  readonly workers: number;
  /**
   * Password hashes computed at once by one process (`HASH_CONCURRENCY`, `auto` = the cores
   * divided among the workers): more would only make each slower and starve the event loop.
   */
  readonly hashConcurrency: number;
  /**
   * Threads in libuv's pool (`UV_THREADPOOL_SIZE`; default: as many as hashes may run at
   * once, at least 2). argon2id runs there, and glibc keeps each thread's 19 MiB of it for
   * reuse: four threads (libuv's default) taking turns at two hashes kept 76 MiB.
   */
  readonly threadPoolSize: number;
  /**
   * Whether the allocator inside @napi-rs/canvas (mimalloc) may use transparent huge pages
   * (`MIMALLOC_ALLOW_THP`, default no): src/main.ts passes it on before a captcha thread loads it.
   */
  readonly canvasHugePages: boolean;
  /** Worker threads drawing captchas (`CAPTCHA_THREADS`, `auto` = cores per worker; 0 = on the event loop). */
  readonly captchaThreads: number;
  /** Captchas drawn ahead and kept ready (`CAPTCHA_POOL_SIZE`; 0 = every captcha drawn on request). */
  readonly captchaPoolSize: number;
  /** The most requests one process lets wait for a captcha to be drawn (`CAPTCHA_MAX_WAITING`); beyond it, REQERR. */
  readonly captchaMaxWaiting: number;
  /** Seconds a process trusts a session it looked up (`SESSION_CACHE_SECONDS`; only with Redis; 0 = off). */
  readonly sessionCacheSeconds: number;
  /** Most keys the in-process store holds (`MEMORY_STORE_MAX_KEYS`); beyond it new captchas are refused. */
  readonly memoryStoreMaxKeys: number;
  /** ISO regions whose mobile numbers are accepted; `CN` alone is the contract's rule. */
  readonly phoneRegions: readonly string[];
  /** Bearer token that `/metrics` requires; unset: `/metrics` is not served. */
  readonly metricsToken: string | undefined;
  // --- Issue 12, SMS budget share and ALTCHA.
  /** SMS_REGISTER_SHARE: the share of SMS_GLOBAL_PER_HOUR sign-up codes may use (0 < x ≤ 1, default 0.8). */
  readonly smsRegisterShare: number;
  // --- end of issue 12.
  /** Bearer tokens for apps and the platform's other services (issue 14): see TokenSettings. */
  readonly tokens: TokenSettings;
  /** Issue 15: the documents people agree to, consent, retention, filing numbers. */
  readonly legal: LegalSettings;
  /** WeChat and Alipay mini-program logins (issue 17): see MiniProgramSettings. */
  readonly miniPrograms: MiniProgramSettings;
}

// --- Mini-program logins (issue 17).
export interface MiniProgramSettings {
  /** WECHAT_APP_ID and WECHAT_APP_SECRET (both, or neither: then WeChat logins are off). */
  readonly wechat: WeChatSettings | undefined;
  /** ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY, ALIPAY_AES_KEY (all, or none: then Alipay logins are off). */
  readonly alipay: AlipaySettings | undefined;
  /** MINI_PROGRAM_TIMEOUT_MS: a platform slower than this is a THIRDERR (default 5000). */
  readonly timeoutMs: number;
  /** MINI_PROGRAM_CALLS_PER_IP_PER_MINUTE: mini-program logins and links one address may start a minute (default 30). */
  readonly perIpPerMinute: number;
}

/** The variables of one platform: all set (the platform is on), or none (off); else the missing ones are named. */
function allOrNone<const N extends SettingName>(env: Settings, names: readonly N[], platform: string) {
  const values = names.map((name) => env[name]?.trim() || undefined);
  if (values.every((v) => v === undefined)) return undefined;
  const missing = names.filter((_, i) => values[i] === undefined);
  if (missing.length > 0)
    throw new ConfigError(
      `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required to turn ${platform} logins on`,
    );
  return Object.fromEntries(names.map((name, i) => [name, values[i] as string])) as Record<N, string>;
}

function platformUrl(
  env: Settings,
  name: SettingName,
  fallback: string,
  production: boolean,
  origin: boolean,
): string {
  const raw = env[name]?.trim() || fallback;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || (origin && url.pathname !== '/'))
    throw new ConfigError(
      `${name} must be an http(s) ${origin ? 'origin' : 'URL'} such as ${fallback}, got "${raw}"`,
    );
  if (production && url.protocol !== 'https:')
    throw new ConfigError(`${name} must use https when NODE_ENV=production`);
  return origin ? url.origin : url.href;
}

function miniProgramSettings(env: Settings, production: boolean): MiniProgramSettings {
  const wechat = allOrNone(env, ['WECHAT_APP_ID', 'WECHAT_APP_SECRET'], 'WeChat');
  const alipay = allOrNone(
    env,
    ['ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY', 'ALIPAY_AES_KEY'],
    'Alipay',
  );
  const key = <T>(name: SettingName, read: () => T): T => {
    try {
      return read();
    } catch (error) {
      throw new ConfigError(`${name} ${error instanceof Error ? error.message : 'is unreadable'}`);
    }
  };
  return Object.freeze({
    wechat:
      wechat &&
      Object.freeze({
        appId: wechat.WECHAT_APP_ID,
        appSecret: wechat.WECHAT_APP_SECRET,
        apiBaseUrl: platformUrl(env, 'WECHAT_API_BASE_URL', 'https://api.weixin.qq.com', production, true),
      }),
    alipay:
      alipay &&
      Object.freeze({
        appId: alipay.ALIPAY_APP_ID,
        privateKey: key('ALIPAY_PRIVATE_KEY', () => readRsaKey('private', alipay.ALIPAY_PRIVATE_KEY)),
        publicKey: key('ALIPAY_PUBLIC_KEY', () => readRsaKey('public', alipay.ALIPAY_PUBLIC_KEY)),
        aesKey: key('ALIPAY_AES_KEY', () => readAesKey(alipay.ALIPAY_AES_KEY)),
        gateway: platformUrl(
          env,
          'ALIPAY_GATEWAY',
          'https://openapi.alipay.com/gateway.do',
          production,
          false,
        ),
      }),
    timeoutMs: integer(env, 'MINI_PROGRAM_TIMEOUT_MS', 5000, 100, 60_000),
    perIpPerMinute: integer(env, 'MINI_PROGRAM_CALLS_PER_IP_PER_MINUTE', 30, 1, 1_000_000),
  });
}
// --- end of mini-program logins.

// --- Bearer tokens (issue 14): every setting of the token feature, read by tokenSettings below.
export interface TokenSettings {
  /** JWT_PRIVATE_KEYS (required in production): PEM blocks, a JWK, or a JSON array of them; the first signs, all are published. Unset: generated into `<dataDir>/jwt-keys.json` (in memory under NODE_ENV=test). */
  readonly privateKeys: readonly JWK[] | undefined;
  /** TOKEN_ISSUER (required in production): the `iss` of every access token; its URL is where the well-known documents are announced. */
  readonly issuer: string;
  /** TOKEN_AUDIENCE: the `aud` of every access token (default `medicine`). */
  readonly audience: string;
  /** ACCESS_TOKEN_TTL_SECONDS: an access token's life (default 900). */
  readonly accessTtlSeconds: number;
  /** REFRESH_REUSE_INTERVAL_SECONDS: how long the previous refresh token still answers the current pair (default 10). */
  readonly reuseIntervalSeconds: number;
  /** REFRESH_TOKEN_MAX_AGE_SECONDS: a token session's absolute life, however often it is refreshed (default 30 days). */
  readonly refreshMaxAgeSeconds: number;
  /** SERVICE_CLIENTS: `name:secret,…`, the services allowed to introspect and revoke (HTTP Basic); empty: none. */
  readonly serviceClients: ReadonlyMap<string, string>;
}

function serviceClients(env: Settings): ReadonlyMap<string, string> {
  const clients = new Map<string, string>();
  for (const entry of (env.SERVICE_CLIENTS ?? '').split(',')) {
    if (entry.trim() === '') continue;
    const at = entry.indexOf(':');
    const name = entry.slice(0, Math.max(0, at)).trim();
    const secret = entry.slice(at + 1).trim();
    if (at <= 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(name))
      throw new ConfigError('SERVICE_CLIENTS entries are name:secret, the name of letters, digits, . _ -');
    if (secret.length < 32)
      throw new ConfigError(`SERVICE_CLIENTS: the secret of "${name}" must be 32+ characters`);
    if (clients.has(name)) throw new ConfigError(`SERVICE_CLIENTS names "${name}" twice`);
    clients.set(name, secret);
  }
  return clients;
}

function tokenSettings(env: Settings, required: boolean, port: number): TokenSettings {
  const raw = env.JWT_PRIVATE_KEYS?.trim() || undefined;
  if (required && raw === undefined)
    throw new ConfigError(
      'JWT_PRIVATE_KEYS is required when NODE_ENV=production (see `npx medicine keys rotate`)',
    );
  let privateKeys: JWK[] | undefined;
  try {
    privateKeys = raw === undefined ? undefined : parsePrivateKeys(raw);
  } catch (error) {
    throw new ConfigError(`JWT_PRIVATE_KEYS ${error instanceof Error ? error.message : 'is unreadable'}`);
  }
  const issuer = env.TOKEN_ISSUER?.trim() || undefined;
  if (required && issuer === undefined)
    throw new ConfigError(
      "TOKEN_ISSUER is required when NODE_ENV=production (this service's public https URL)",
    );
  if (issuer !== undefined && !URL.canParse(issuer)) throw new ConfigError('TOKEN_ISSUER must be a URL');
  return Object.freeze({
    privateKeys: privateKeys && Object.freeze(privateKeys),
    issuer: issuer ?? `http://localhost:${port}`,
    audience: env.TOKEN_AUDIENCE?.trim() || 'medicine',
    accessTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 24 * 3600),
    reuseIntervalSeconds: integer(env, 'REFRESH_REUSE_INTERVAL_SECONDS', 10, 0, 300),
    refreshMaxAgeSeconds: integer(env, 'REFRESH_TOKEN_MAX_AGE_SECONDS', 30 * 24 * 3600, 60, 365 * 24 * 3600),
    serviceClients: serviceClients(env),
  });
}
// --- end of bearer tokens.

// --- Issue 15: personal information (consent, retention, filing numbers).
export interface LegalSettings {
  /** Where terms.<zh|en>.md and privacy.<zh|en>.md are (default: the shipped templates, legal/). */
  readonly dir: string;
  /** Registration through the API refuses a request without `agree`. */
  readonly consentRequired: boolean;
  readonly auditRetentionDays: number;
  /** The ICP filing number (e.g. 京ICP备12345678号-1), shown in every page's footer when set. */
  readonly icpFiling: string | undefined;
  /** The public-security filing number (e.g. 京公网安备11010802012345号). */
  readonly psbFiling: string | undefined;
}

function filingNumber(env: Settings, name: SettingName): string | undefined {
  const raw = env[name]?.trim() || undefined;
  if (raw !== undefined && (raw.length > 64 || /[<>]|\p{Cc}/u.test(raw)))
    throw new ConfigError(`${name} must be at most 64 characters, without < > or control characters`);
  return raw;
}

function legalSettings(env: Settings): LegalSettings {
  return Object.freeze({
    dir: path.resolve(env.LEGAL_DIR?.trim() || LEGAL_TEMPLATES_DIR),
    consentRequired: flag(env, 'CONSENT_REQUIRED', false),
    auditRetentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 180, 1, 3650),
    icpFiling: filingNumber(env, 'ICP_FILING'),
    psbFiling: filingNumber(env, 'PSB_FILING'),
  });
}
// --- end of issue 15.

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Every variable this file reads, besides each SMS provider's own (declared in the provider's
 * file, see src/sms/registry.ts). A read of a name not listed here does not compile, and
 * test/readme.test.ts fails while one listed is missing from the README's Configuration.
 */
export const SETTING_NAMES = [
  'NODE_ENV',
  'HOST',
  'PORT',
  'DATA_DIR',
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_KEY_PREFIX',
  'REDIS_COMMAND_TIMEOUT_MS',
  'REDIS_CONNECT_TIMEOUT_MS',
  'REDIS_CLUSTER_NODES',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'WORKERS',
  'HASH_CONCURRENCY',
  'CAPTCHA_THREADS',
  'CAPTCHA_POOL_SIZE',
  'CAPTCHA_MAX_WAITING',
  'SESSION_CACHE_SECONDS',
  'MEMORY_STORE_MAX_KEYS',
  'UV_THREADPOOL_SIZE',
  'MIMALLOC_ALLOW_THP',
  'MEDICINE_SECRET',
  'SMS_PROVIDER',
  'PHONE_REGIONS',
  'SMS_SEND_TIMEOUT_MS',
  'SESSION_TTL_SECONDS',
  'IMAGE_CODE_TTL_SECONDS',
  'IMAGE_CODE_LENGTH',
  'SMS_CODE_TTL_SECONDS',
  'SMS_RESEND_SECONDS',
  'SMS_CODE_MAX_ATTEMPTS',
  'SMS_PER_PHONE_PER_DAY',
  'SMS_PER_IP_PER_HOUR',
  'SMS_PER_PHONE_PER_HOUR',
  'SMS_GLOBAL_PER_HOUR',
  'SMS_REGISTER_SHARE',
  'JWT_PRIVATE_KEYS',
  'TOKEN_ISSUER',
  'TOKEN_AUDIENCE',
  'ACCESS_TOKEN_TTL_SECONDS',
  'REFRESH_REUSE_INTERVAL_SECONDS',
  'REFRESH_TOKEN_MAX_AGE_SECONDS',
  'SERVICE_CLIENTS',
  'WECHAT_APP_ID',
  'WECHAT_APP_SECRET',
  'WECHAT_API_BASE_URL',
  'ALIPAY_APP_ID',
  'ALIPAY_PRIVATE_KEY',
  'ALIPAY_PUBLIC_KEY',
  'ALIPAY_AES_KEY',
  'ALIPAY_GATEWAY',
  'MINI_PROGRAM_TIMEOUT_MS',
  'MINI_PROGRAM_CALLS_PER_IP_PER_MINUTE',
  'CAPTCHA_PER_IP_PER_MINUTE',
  'LOGIN_FAILURES_PER_IP_PER_HOUR',
  'SMS_CODE_GUESSES_PER_PHONE_PER_HOUR',
  'PASSWORD_MIN_LENGTH',
  'TEST_PHONE_CODES',
  'ALLOW_TEST_PHONE_CODES_IN_PRODUCTION',
  'LOGIN_MAX_FAILURES',
  'DEVICE_MARK_DAYS',
  'LOGIN_LOCK_SECONDS',
  'ALLOWED_ORIGINS',
  'TRUST_PROXY',
  'COOKIE_SECURE',
  'BODY_LIMIT_BYTES',
  'METRICS_TOKEN',
  'LOG_LEVEL',
  'MEDICINE_TEST_HOOKS',
  'LEGAL_DIR',
  'CONSENT_REQUIRED',
  'AUDIT_RETENTION_DAYS',
  'ICP_FILING',
  'PSB_FILING',
] as const;
export type SettingName = (typeof SETTING_NAMES)[number];
/** The environment as this file may read it: only the names above. */
type Settings = { readonly [Name in SettingName]?: string };

function integer(env: Settings, name: SettingName, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  }
  const value = Number(raw.trim());
  if (value < min || value > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** A decimal in (0, 1]. */
function share(env: Settings, name: SettingName, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^(?:\d+\.?\d*|\.\d+)$/.test(raw) || !(value > 0 && value <= 1)) {
    throw new ConfigError(`${name} must be a number greater than 0 and at most 1, got "${raw}"`);
  }
  return value;
}

function flag(env: Settings, name: SettingName, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be 1/0, true/false, yes/no or on/off, got "${env[name]}"`);
}

function oneOf<T extends string>(env: Settings, name: SettingName, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function databaseUrl(env: Settings, dataDir: string): string {
  const raw = env.DATABASE_URL?.trim();
  if (raw === undefined || raw === '') return `sqlite:${path.join(dataDir, 'medicine.db')}`;
  if (!/^(sqlite:|postgres(ql)?:\/\/|mysql:\/\/|mariadb:\/\/)/.test(raw)) {
    throw new ConfigError('DATABASE_URL must start with sqlite:, postgres://, postgresql:// or mysql://');
  }
  return raw;
}

function trustProxy(env: Settings): boolean | string {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  return raw; // a comma-separated list of addresses or CIDR ranges, handed to Fastify
}

// --- SMS providers: each declares its variables and reads them in its own file (src/sms/registry.ts).
export { SMS_PROVIDERS, type SmsProviderName, type SmsProviderSettings } from './sms/registry.js';

/**
 * Reads the chosen provider's block through the reader it is handed, which lets it read
 * only the variables it declared; a provider without settings has no block.
 */
function smsProviderSettings(env: Env, provider: SmsProviderName, production: boolean): SmsProviderSettings {
  const definition = smsProviderNamed(provider);
  if (definition.readSettings === undefined) return {};
  const declared = definition.settings as Readonly<Record<string, ProviderSetting>>;
  const value = (name: string): string | undefined => {
    if (!Object.hasOwn(declared, name))
      throw new Error(`SMS provider ${provider} reads ${name}, which it does not declare`);
    return env[name]?.trim() || undefined;
  };
  const httpUrl = (name: string, raw: string, shown: string): URL => {
    const url = URL.canParse(raw) ? new URL(raw) : undefined;
    if (url === undefined || !['http:', 'https:'].includes(url.protocol)) {
      throw new ConfigError(`${name} must be an http(s) ${shown}`);
    }
    // Plain http is for a local stand-in, never production.
    if (production && url.protocol !== 'https:')
      throw new ConfigError(`${name} must use https when NODE_ENV=production`);
    return url;
  };
  const read: SettingsReader<string> = {
    production,
    required: (name) => {
      const found = value(name);
      if (found === undefined) throw new ConfigError(`${name} is required when SMS_PROVIDER=${provider}`);
      return found;
    },
    optional: (name) => value(name) ?? declared[name]?.default,
    origin: (name) => {
      const fallback = declared[name]?.default ?? '';
      const raw = value(name) ?? fallback;
      const url = URL.canParse(raw) ? new URL(raw) : undefined;
      if (url === undefined || url.pathname !== '/') {
        throw new ConfigError(`${name} must be an http(s) origin such as ${fallback}, got "${raw}"`);
      }
      return httpUrl(name, raw, `origin such as ${fallback}, got "${raw}"`).origin;
    },
    // Not echoed: a URL may carry a token.
    url: (name) => httpUrl(name, read.required(name), 'URL').href,
    fail: (message) => {
      throw new ConfigError(message);
    },
  };
  const settings = definition.readSettings(read);
  return { [provider]: Object.freeze(settings) } as SmsProviderSettings;
}
// --- end of SMS providers.

function hostPorts(env: Settings, name: SettingName): readonly string[] {
  const list = (env[name] ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  for (const node of list) {
    if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(node))
      throw new ConfigError(`${name}: "${node}" is not host:port`);
  }
  return Object.freeze(list);
}

function testPhoneCodes(env: Settings, production: boolean): ReadonlyMap<string, string> {
  const raw = env.TEST_PHONE_CODES?.trim() ?? '';
  const codes = new Map<string, string>();
  if (raw === '') return codes;
  if (production && !flag(env, 'ALLOW_TEST_PHONE_CODES_IN_PRODUCTION', false)) {
    throw new ConfigError(
      'TEST_PHONE_CODES is refused when NODE_ENV=production unless ALLOW_TEST_PHONE_CODES_IN_PRODUCTION=1',
    );
  }
  for (const pair of raw.split(',')) {
    const match = /^\s*(1[3-9]\d{9}|\+\d{6,15}):(\d{6})\s*$/.exec(pair);
    if (!match?.[1] || !match[2]) {
      throw new ConfigError(`TEST_PHONE_CODES: "${pair.trim()}" is not <phone>:<6 digits>`);
    }
    codes.set(match[1], match[2]);
  }
  return codes;
}

function workers(env: Settings): number {
  const raw = env.WORKERS?.trim().toLowerCase();
  if (raw === 'auto') return os.availableParallelism();
  return integer(env, 'WORKERS', 1, 1, 256);
}

/** A count of threads for one process: a number, or `auto` (the default): the cores divided among the processes. */
function perProcess(env: Settings, name: SettingName, processes: number, min: number): number {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'auto') {
    return Math.max(1, Math.floor(os.availableParallelism() / processes));
  }
  return integer(env, name, 1, min, 64);
}

function phoneRegions(env: Settings): readonly string[] {
  const regions = (env.PHONE_REGIONS ?? 'CN')
    .split(',')
    .map((r) => r.trim().toUpperCase())
    .filter((r) => r !== '');
  for (const region of regions) {
    if (!/^[A-Z]{2}$/.test(region) || !isSupportedCountry(region)) {
      throw new ConfigError(
        `PHONE_REGIONS: "${region}" is not a two-letter region code libphonenumber knows`,
      );
    }
  }
  if (regions.length === 0) throw new ConfigError('PHONE_REGIONS must name at least one region, e.g. CN');
  return Object.freeze(regions);
}

function metricsToken(env: Settings): string | undefined {
  const token = env.METRICS_TOKEN?.trim() || undefined;
  if (token !== undefined && token.length < 16)
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters long');
  return token;
}

/**
 * What a program needs besides the database: the command line (`npx medicine`) sends no SMS
 * and hashes no code, so it neither requires nor reads the SMS provider's variables or the secret.
 */
export interface ConfigUse {
  readonly sms: boolean;
  readonly secret: boolean;
  /** The access-token keys and issuer (required in production only by what signs or lists tokens). */
  readonly tokens?: boolean;
}

/** Reads the environment (by default `process.env`) into a frozen, validated `Config`. */
export function loadConfig(source: Env = process.env, use: ConfigUse = { sms: true, secret: true }): Config {
  const env: Settings = source;
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';
  const dataDir = path.resolve(env.DATA_DIR?.trim() || 'data');
  const testHooks = flag(env, 'MEDICINE_TEST_HOOKS', false);
  if (testHooks && production) {
    throw new ConfigError('MEDICINE_TEST_HOOKS must not be set when NODE_ENV=production');
  }
  const secret = env.MEDICINE_SECRET?.trim() || undefined;
  if (use.secret && production && secret === undefined) {
    throw new ConfigError('MEDICINE_SECRET is required when NODE_ENV=production (32+ random characters)');
  }
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('MEDICINE_SECRET must be at least 32 characters long');
  }
  const smsProvider = oneOf(env, 'SMS_PROVIDER', SMS_PROVIDERS, 'console');
  if (use.sms && production && env.SMS_PROVIDER === undefined) {
    throw new ConfigError('SMS_PROVIDER must be set explicitly when NODE_ENV=production');
  }
  const allowedOrigins = (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of allowedOrigins) {
    if (!URL.canParse(origin)) throw new ConfigError(`ALLOWED_ORIGINS: "${origin}" is not a URL origin`);
  }

  const config: Config = {
    env: nodeEnv,
    host: env.HOST?.trim() || '127.0.0.1',
    port: integer(env, 'PORT', 5000, 0, 65535),
    databaseUrl: databaseUrl(env, dataDir),
    redisUrl: env.REDIS_URL?.trim() || undefined,
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? 'medicine:',
    // Storage time bounds (see the Config fields of the same names).
    redisCommandTimeoutMs: integer(env, 'REDIS_COMMAND_TIMEOUT_MS', 2000, 50, 60_000),
    redisConnectTimeoutMs: integer(env, 'REDIS_CONNECT_TIMEOUT_MS', 5000, 100, 60_000),
    dataDir,
    secret,
    smsProvider,
    sms: Object.freeze(use.sms ? smsProviderSettings(source, smsProvider, production) : {}),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      nodeEnv === 'test' ? 'silent' : 'info',
    ),
    testHooks,
    cookieSecure: flag(env, 'COOKIE_SECURE', production),
    allowedOrigins: Object.freeze(allowedOrigins.map((o) => new URL(o).origin)),
    trustProxy: trustProxy(env),
    sessionTtlSeconds: integer(env, 'SESSION_TTL_SECONDS', 3600, 60, 365 * 24 * 3600),
    imageCodeTtlSeconds: integer(env, 'IMAGE_CODE_TTL_SECONDS', 300, 10, 3600),
    imageCodeLength: integer(env, 'IMAGE_CODE_LENGTH', 4, 4, 8),
    smsCodeTtlSeconds: integer(env, 'SMS_CODE_TTL_SECONDS', 300, 30, 3600),
    smsResendSeconds: integer(env, 'SMS_RESEND_SECONDS', 60, 1, 3600),
    smsCodeMaxAttempts: integer(env, 'SMS_CODE_MAX_ATTEMPTS', 5, 1, 20),
    smsPerPhonePerDay: integer(env, 'SMS_PER_PHONE_PER_DAY', 10, 1, 1000),
    smsPerIpPerHour: integer(env, 'SMS_PER_IP_PER_HOUR', 30, 1, 100000),
    // Abuse quotas (see the Config fields of the same names).
    smsPerPhonePerHour: integer(env, 'SMS_PER_PHONE_PER_HOUR', 5, 1, 1000),
    smsGlobalPerHour: integer(env, 'SMS_GLOBAL_PER_HOUR', 1000, 1, 100_000_000),
    captchaPerIpPerMinute: integer(env, 'CAPTCHA_PER_IP_PER_MINUTE', 60, 1, 1_000_000),
    loginFailuresPerIpPerHour: integer(env, 'LOGIN_FAILURES_PER_IP_PER_HOUR', 100, 1, 1_000_000),
    smsCodeGuessesPerPhonePerHour: integer(env, 'SMS_CODE_GUESSES_PER_PHONE_PER_HOUR', 10, 1, 1000),
    smsSendTimeoutMs: integer(env, 'SMS_SEND_TIMEOUT_MS', 5000, 100, 60000),
    passwordMinLength: integer(env, 'PASSWORD_MIN_LENGTH', 8, 1, 128),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 100),
    loginLockSeconds: integer(env, 'LOGIN_LOCK_SECONDS', 600, 1, 24 * 3600),
    deviceMarkDays: integer(env, 'DEVICE_MARK_DAYS', 30, 1, 365),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 16 * 1024, 1024, 1024 * 1024),
    metricsToken: metricsToken(env),
    phoneRegions: phoneRegions(env),
    workers: workers(env),
    hashConcurrency: perProcess(env, 'HASH_CONCURRENCY', workers(env), 1),
    captchaThreads: perProcess(env, 'CAPTCHA_THREADS', workers(env), 0),
    captchaPoolSize: integer(env, 'CAPTCHA_POOL_SIZE', 2000, 0, 100_000),
    captchaMaxWaiting: integer(env, 'CAPTCHA_MAX_WAITING', 1000, 1, 1_000_000),
    sessionCacheSeconds: integer(env, 'SESSION_CACHE_SECONDS', 5, 0, 60),
    memoryStoreMaxKeys: integer(env, 'MEMORY_STORE_MAX_KEYS', 200_000, 1000, 100_000_000),
    threadPoolSize: integer(
      env,
      'UV_THREADPOOL_SIZE',
      Math.max(2, perProcess(env, 'HASH_CONCURRENCY', workers(env), 1)),
      1,
      1024,
    ),
    canvasHugePages: flag(env, 'MIMALLOC_ALLOW_THP', false),
    testPhoneCodes: testPhoneCodes(env, production),
    redisClusterNodes: hostPorts(env, 'REDIS_CLUSTER_NODES'),
    redisSentinels: hostPorts(env, 'REDIS_SENTINELS'),
    redisSentinelName: env.REDIS_SENTINEL_NAME?.trim() || 'mymaster',
    // Issue 12 (see the Config fields of the same names).
    smsRegisterShare: share(env, 'SMS_REGISTER_SHARE', 0.8),
    legal: legalSettings(env),
    tokens: tokenSettings(env, production && (use.tokens ?? true), integer(env, 'PORT', 5000, 0, 65535)),
    miniPrograms: miniProgramSettings(env, production),
  };
  if (config.workers > 1 && config.redisUrl === undefined) {
    throw new ConfigError(
      `WORKERS=${config.workers} needs REDIS_URL: with the in-process store each worker would keep its own ` +
        'captchas, codes and counters, so a captcha drawn by one would be unknown to the others and every limit ' +
        `would be ${config.workers} times looser`,
    );
  }
  if (config.workers > 1 && config.databaseUrl === 'sqlite::memory:') {
    throw new ConfigError(`WORKERS=${config.workers} cannot share an in-memory database: set DATABASE_URL`);
  }
  return Object.freeze(config);
}
