import os from 'node:os';
import path from 'node:path';
import type { JWK } from 'jose';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { parsePrivateKeys } from './tokens/keys.js';

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
  /** Worker threads drawing captchas (`CAPTCHA_THREADS`, `auto` = cores per worker; 0 = on the event loop). */
  readonly captchaThreads: number;
  /** ISO regions whose mobile numbers are accepted; `CN` alone is the contract's rule. */
  readonly phoneRegions: readonly string[];
  /** Bearer token that `/metrics` requires; unset: `/metrics` is not served. */
  readonly metricsToken: string | undefined;
  /** Bearer tokens for apps and the platform's other services (issue 14): see TokenSettings. */
  readonly tokens: TokenSettings;
}

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

function serviceClients(env: Env): ReadonlyMap<string, string> {
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

function tokenSettings(env: Env, production: boolean, port: number): TokenSettings {
  const raw = env.JWT_PRIVATE_KEYS?.trim() || undefined;
  if (production && raw === undefined)
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
  if (production && issuer === undefined)
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

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
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

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be 1/0, true/false, yes/no or on/off, got "${env[name]}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function databaseUrl(env: Env, dataDir: string): string {
  const raw = env.DATABASE_URL?.trim();
  if (raw === undefined || raw === '') return `sqlite:${path.join(dataDir, 'medicine.db')}`;
  if (!/^(sqlite:|postgres(ql)?:\/\/|mysql:\/\/|mariadb:\/\/)/.test(raw)) {
    throw new ConfigError('DATABASE_URL must start with sqlite:, postgres://, postgresql:// or mysql://');
  }
  return raw;
}

function trustProxy(env: Env): boolean | string {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  return raw; // a comma-separated list of addresses or CIDR ranges, handed to Fastify
}

// --- SMS providers (issue #8): one settings block per provider, read only when SMS_PROVIDER names it.
export const SMS_PROVIDERS = ['console', 'aliyun', 'tencent', 'yuntongxun', 'twilio', 'webhook'] as const;
export type SmsProviderName = (typeof SMS_PROVIDERS)[number];

/** Alibaba Cloud SMS (dysmsapi 2017-05-25, SendSms). */
export interface AliyunSmsSettings {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly signName: string;
  readonly templateCode: string;
  /** SMS_ALIYUN_ENDPOINT: an origin such as `https://dysmsapi.aliyuncs.com` (the default). */
  readonly endpoint: string;
}

/** Tencent Cloud SMS (2021-01-11, SendSms). */
export interface TencentSmsSettings {
  readonly secretId: string;
  readonly secretKey: string;
  readonly sdkAppId: string;
  readonly signName: string;
  readonly templateId: string;
  readonly region: string;
  /** SMS_TENCENT_ENDPOINT: an origin such as `https://sms.tencentcloudapi.com` (the default). */
  readonly endpoint: string;
}

/** Ronglian Cloud Communication (容联云通讯, REST 2013-12-26, TemplateSMS), the upstream project's provider. */
export interface YuntongxunSmsSettings {
  readonly accountSid: string;
  readonly authToken: string;
  readonly appId: string;
  readonly templateId: string;
  /** SMS_YUNTONGXUN_BASE_URL: `https://app.cloopen.com:8883` by default. */
  readonly baseUrl: string;
}

/** Twilio Programmable Messaging (2010-04-01, Messages). */
export interface TwilioSmsSettings {
  readonly accountSid: string;
  readonly authToken: string;
  /** At least one of `from` and `messagingServiceSid` is set. */
  readonly from: string | undefined;
  readonly messagingServiceSid: string | undefined;
  /** The text, with `{code}` and `{ttl_minutes}` filled in. */
  readonly body: string;
  /** SMS_TWILIO_BASE_URL: `https://api.twilio.com` by default. */
  readonly baseUrl: string;
}

/** A signed JSON POST to a gateway of your own. */
export interface WebhookSmsSettings {
  readonly url: string;
  /** HMAC-SHA256 key for the X-Medicine-Signature header. */
  readonly secret: string;
}

export interface SmsProviderSettings {
  readonly aliyun?: AliyunSmsSettings;
  readonly tencent?: TencentSmsSettings;
  readonly yuntongxun?: YuntongxunSmsSettings;
  readonly twilio?: TwilioSmsSettings;
  readonly webhook?: WebhookSmsSettings;
}

function smsProviderSettings(env: Env, provider: SmsProviderName, production: boolean): SmsProviderSettings {
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (value === undefined || value === '') {
      throw new ConfigError(`${name} is required when SMS_PROVIDER=${provider}`);
    }
    return value;
  };
  const optional = (name: string): string | undefined => env[name]?.trim() || undefined;
  // An endpoint is an origin (scheme, host, port); plain http is for a local stand-in, never production.
  const origin = (name: string, fallback: string): string => {
    const raw = env[name]?.trim() || fallback;
    const url = URL.canParse(raw) ? new URL(raw) : undefined;
    if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/') {
      throw new ConfigError(`${name} must be an http(s) origin such as ${fallback}, got "${raw}"`);
    }
    if (production && url.protocol !== 'https:') {
      throw new ConfigError(`${name} must use https when NODE_ENV=production`);
    }
    return url.origin;
  };
  switch (provider) {
    case 'console':
      return {};
    case 'aliyun':
      return {
        aliyun: Object.freeze({
          accessKeyId: required('SMS_ALIYUN_ACCESS_KEY_ID'),
          accessKeySecret: required('SMS_ALIYUN_ACCESS_KEY_SECRET'),
          signName: required('SMS_ALIYUN_SIGN_NAME'),
          templateCode: required('SMS_ALIYUN_TEMPLATE_CODE'),
          endpoint: origin('SMS_ALIYUN_ENDPOINT', 'https://dysmsapi.aliyuncs.com'),
        }),
      };
    case 'tencent':
      return {
        tencent: Object.freeze({
          secretId: required('SMS_TENCENT_SECRET_ID'),
          secretKey: required('SMS_TENCENT_SECRET_KEY'),
          sdkAppId: required('SMS_TENCENT_SDK_APP_ID'),
          signName: required('SMS_TENCENT_SIGN_NAME'),
          templateId: required('SMS_TENCENT_TEMPLATE_ID'),
          region: optional('SMS_TENCENT_REGION') ?? 'ap-guangzhou',
          endpoint: origin('SMS_TENCENT_ENDPOINT', 'https://sms.tencentcloudapi.com'),
        }),
      };
    case 'yuntongxun':
      return {
        yuntongxun: Object.freeze({
          accountSid: required('SMS_YUNTONGXUN_ACCOUNT_SID'),
          authToken: required('SMS_YUNTONGXUN_AUTH_TOKEN'),
          appId: required('SMS_YUNTONGXUN_APP_ID'),
          templateId: required('SMS_YUNTONGXUN_TEMPLATE_ID'),
          baseUrl: origin('SMS_YUNTONGXUN_BASE_URL', 'https://app.cloopen.com:8883'),
        }),
      };
    case 'twilio': {
      const from = optional('SMS_TWILIO_FROM');
      const messagingServiceSid = optional('SMS_TWILIO_MESSAGING_SERVICE_SID');
      if (from === undefined && messagingServiceSid === undefined) {
        throw new ConfigError(
          'SMS_TWILIO_FROM or SMS_TWILIO_MESSAGING_SERVICE_SID is required when SMS_PROVIDER=twilio',
        );
      }
      const body =
        optional('SMS_TWILIO_BODY') ?? '【Medicine】您的验证码是 {code}，{ttl_minutes} 分钟内有效。';
      if (!body.includes('{code}')) throw new ConfigError('SMS_TWILIO_BODY must contain {code}');
      return {
        twilio: Object.freeze({
          accountSid: required('SMS_TWILIO_ACCOUNT_SID'),
          authToken: required('SMS_TWILIO_AUTH_TOKEN'),
          from,
          messagingServiceSid,
          body,
          baseUrl: origin('SMS_TWILIO_BASE_URL', 'https://api.twilio.com'),
        }),
      };
    }
    case 'webhook': {
      const raw = required('SMS_WEBHOOK_URL');
      const url = URL.canParse(raw) ? new URL(raw) : undefined;
      if (url === undefined || !['http:', 'https:'].includes(url.protocol)) {
        // Not echoed: a webhook URL may carry a token.
        throw new ConfigError('SMS_WEBHOOK_URL must be an http(s) URL');
      }
      if (production && url.protocol !== 'https:') {
        throw new ConfigError('SMS_WEBHOOK_URL must use https when NODE_ENV=production');
      }
      const secret = required('SMS_WEBHOOK_SECRET');
      if (secret.length < 32) throw new ConfigError('SMS_WEBHOOK_SECRET must be at least 32 characters long');
      return { webhook: Object.freeze({ url: url.href, secret }) };
    }
  }
}
// --- end of SMS providers.

function hostPorts(env: Env, name: string): readonly string[] {
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

function testPhoneCodes(env: Env, production: boolean): ReadonlyMap<string, string> {
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

function workers(env: Env): number {
  const raw = env.WORKERS?.trim().toLowerCase();
  if (raw === 'auto') return os.availableParallelism();
  return integer(env, 'WORKERS', 1, 1, 256);
}

/** A count of threads for one process: a number, or `auto` (the default): the cores divided among the processes. */
function perProcess(env: Env, name: string, processes: number, min: number): number {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'auto') {
    return Math.max(1, Math.floor(os.availableParallelism() / processes));
  }
  return integer(env, name, 1, min, 64);
}

function phoneRegions(env: Env): readonly string[] {
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

function metricsToken(env: Env): string | undefined {
  const token = env.METRICS_TOKEN?.trim() || undefined;
  if (token !== undefined && token.length < 16)
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters long');
  return token;
}

/** Reads the environment (by default `process.env`) into a frozen, validated `Config`. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';
  const dataDir = path.resolve(env.DATA_DIR?.trim() || 'data');
  const testHooks = flag(env, 'MEDICINE_TEST_HOOKS', false);
  if (testHooks && production) {
    throw new ConfigError('MEDICINE_TEST_HOOKS must not be set when NODE_ENV=production');
  }
  const secret = env.MEDICINE_SECRET?.trim() || undefined;
  if (production && secret === undefined) {
    throw new ConfigError('MEDICINE_SECRET is required when NODE_ENV=production (32+ random characters)');
  }
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('MEDICINE_SECRET must be at least 32 characters long');
  }
  const smsProvider = oneOf(env, 'SMS_PROVIDER', SMS_PROVIDERS, 'console');
  if (production && env.SMS_PROVIDER === undefined) {
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
    sms: Object.freeze(smsProviderSettings(env, smsProvider, production)),
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
    threadPoolSize: integer(
      env,
      'UV_THREADPOOL_SIZE',
      Math.max(2, perProcess(env, 'HASH_CONCURRENCY', workers(env), 1)),
      1,
      1024,
    ),
    testPhoneCodes: testPhoneCodes(env, production),
    redisClusterNodes: hostPorts(env, 'REDIS_CLUSTER_NODES'),
    redisSentinels: hostPorts(env, 'REDIS_SENTINELS'),
    redisSentinelName: env.REDIS_SENTINEL_NAME?.trim() || 'mymaster',
    tokens: tokenSettings(env, production, integer(env, 'PORT', 5000, 0, 65535)),
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
