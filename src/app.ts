import cookie from '@fastify/cookie';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { IDLE_MS, IDLE_MS_BEHIND_A_POOL, ThreadedCaptchaRenderer } from './captcha/threaded-renderer.js';
import type { CaptchaRenderer } from './captcha/captcha-renderer.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { openDatabase } from './db/open-database.js';
import { withSessionCache } from './services/session-cache.js';
import type { AccountDatabase } from './db/user-store.js';
import errorReplies, { clientErrorReply, frameworkErrorReply } from './http/plugins/errors.js';
import metricsPlugin from './http/plugins/metrics.js';
import openApi from './http/plugins/openapi.js';
import originCheck from './http/plugins/origin-check.js';
import webPages from './http/plugins/web-pages.js';
import compression from './http/plugins/compression.js';
import apiHeaders from './http/plugins/api-headers.js';
import { requestIdGenerator, requestLogging } from './http/request-logging.js';
import { sharedSchemas } from './http/schemas.js';
import adminRoutes from './http/routes/admin.js';
import auditRoutes from './http/routes/audit.js';
import expertRoutes from './http/routes/experts.js';
import healthRoutes from './http/routes/health.js';
import passwordRoutes from './http/routes/passwords.js';
import imageCodeRoute from './http/routes/image-code.js';
import type { RouteOptions } from './http/routes/options.js';
import registerRoute from './http/routes/register.js';
import sessionsRoutes from './http/routes/sessions.js';
import smsCodeRoute from './http/routes/sms-code.js';
import testHookRoutes from './http/routes/test-hooks.js';
import tokenRoutes from './http/routes/tokens.js';
import usersRoute from './http/routes/users.js';
// Issue 12: ALTCHA proof of work.
import altchaRoute from './http/routes/altcha.js';
import { AltchaService, DEFAULT_ALTCHA_WORK, type AltchaWork } from './services/altcha.js';
import { SmsActivityCounters } from './services/sms-codes.js';
import wellKnownRoutes from './http/routes/well-known.js';
import { PrometheusMetrics } from './metrics/prometheus.js';
import { Argon2Hasher } from './passwords/argon2-hasher.js';
import { LimitedHasher } from './passwords/limited-hasher.js';
import type { PasswordHasher } from './passwords/password-hasher.js';
import { secretFromFile } from './secret-file.js';
import { AccountService } from './services/accounts.js';
import { AdminService } from './services/admin.js';
import { AuditService } from './services/audit.js';
import { ProfileService } from './services/profiles.js';
import { CaptchaService } from './services/captcha.js';
import { DEFAULT_BATCH } from './services/captcha-pool.js';
import type { Services } from './services/index.js';
import { PhoneRules } from './services/phone.js';
import { RateLimits } from './services/rate-limits.js';
import { CodeDigester } from './services/secrets.js';
import { DeviceMarkService } from './services/device-marks.js';
import { PasswordGuesses } from './services/password-guesses.js';
import { SessionService } from './services/sessions.js';
import { SmsCodeService } from './services/sms-codes.js';
import { TokenService } from './services/tokens.js';
// Issue 15: personal information.
import { AccountEraser } from './services/account-deletion.js';
import { ConsentService } from './services/consents.js';
import { LegalDocuments } from './services/legal-documents.js';
import { PersonalDataService } from './services/personal-data.js';
import { RetentionJob } from './services/retention.js';
import consentRoutes from './http/routes/consents.js';
import legalRoutes from './http/routes/legal.js';
import { MiniProgramService, WeChatAccessTokens } from './services/mini-programs.js';
import { AlipayApi } from './mini-programs/alipay.js';
import { WeChatApi } from './mini-programs/wechat.js';
import miniProgramRoutes from './http/routes/mini-programs.js';
import { openSmsSender } from './sms/open-sender.js';
import type { SmsSender } from './sms/sms-sender.js';
import type { KeyValueStore } from './store/key-value-store.js';
import { openKeyValueStore } from './store/open-store.js';
import { keySetOf, keysFromDataDir, newPrivateKey } from './tokens/keys.js';

/** Parts a test (or another deployment) can put in place of the defaults. */
export interface Overrides {
  clock?: Clock;
  keyValueStore?: KeyValueStore;
  database?: AccountDatabase;
  smsSender?: SmsSender;
  captchaRenderer?: CaptchaRenderer;
  passwordHasher?: PasswordHasher;
  /** Where log lines go (default: stdout); tests read them to prove no secret is logged. */
  logStream?: { write(line: string): void };
  /** Issue 12: the ALTCHA work per level (tests make it small). */
  altchaWork?: Partial<AltchaWork>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The domain services this app was built with, for tests and tools. */
    services: Services;
  }
}

export type App = FastifyInstance;

const API_PREFIX = '/api/1.0';
/** Sessions one process keeps cached (a few MB at most). */
const SESSION_CACHE_ENTRIES = 10_000;

/** Wires the configured adapters, services and routes into a Fastify app (not yet listening). */
export async function buildApp(config: Config, overrides: Overrides = {}): Promise<App> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(overrides.logStream ? { stream: overrides.logStream } : {}),
      redact: {
        paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
    },
    bodyLimit: config.bodyLimitBytes,
    // A caller's X-Request-Id is kept when it is short and plain, so that logs line up across
    // services; otherwise a counter after a per-process random prefix (request-logging.ts).
    requestIdHeader: false,
    genReqId: requestIdGenerator(),
    // The request's pino child (with its id) is made only when it writes a line.
    ...requestLogging(),
    trustProxy: config.trustProxy,
    // Contract §1: a number where a string belongs is refused, never coerced.
    // validateSchema: the schemas are checked against JSON Schema's meta-schema by a test
    // (test/http/openapi.test.ts), not at every start, where compiling the meta-schema took
    // a fifth of the start-up's CPU. Each schema is still compiled, and strict, at start-up.
    ajv: { customOptions: { coerceTypes: false, validateSchema: false } },
    // Contract §1: even what fails before routing (an undecodable URL, headers too large) is `{re_code, msg}`.
    frameworkErrors: frameworkErrorReply,
    clientErrorHandler: clientErrorReply,
  });

  // Contract §1: request bodies are JSON; Fastify's built-in text/plain parser would let text through.
  app.removeContentTypeParser('text/plain');

  const clock = overrides.clock ?? systemClock;
  // Read before anything connects: a missing or malformed document stops the start-up.
  const legal = LegalDocuments.load(config.legal.dir);
  const secret = config.secret ?? secretFromFile(config.dataDir);
  const store = overrides.keyValueStore ?? (await openKeyValueStore(config, clock));
  let database: AccountDatabase;
  try {
    database = overrides.database ?? (await openDatabase(config));
  } catch (error) {
    // The store is already connected: close it, so a failed build leaves nothing open.
    if (overrides.keyValueStore === undefined) await store.close();
    throw error;
  }
  // Issue 18: who a session belongs to (and GET /users's consents and links) is cached for
  // a few seconds where every process can be told of every write that could change it:
  // through Redis pub/sub, or, with the in-process store over a SQLite file, through SQLite's
  // own change counter (a CLI command is another connection to the same file). Every write
  // that could end a session empties every process's cache first
  // (src/services/session-cache.ts). With the in-process store over PostgreSQL or MySQL
  // there is no such way: there the cache is off.
  const bus =
    config.sessionCacheSeconds === 0
      ? undefined
      : store.openBus !== undefined
        ? await store.openBus('sessions:invalidate').catch(async (error: unknown) => {
            if (overrides.keyValueStore === undefined) await store.close();
            if (overrides.database === undefined) await database.close();
            throw error;
          })
        : overrides.database === undefined
          ? database.changeBus?.()
          : undefined; // a database a test hands in is used as it is
  const rawDatabase = database;
  const metrics = new PrometheusMetrics();
  if (bus !== undefined) {
    database = withSessionCache(
      database,
      bus,
      clock,
      {
        maxAgeMs: config.sessionCacheSeconds * 1000,
        maxEntries: SESSION_CACHE_ENTRIES,
        sessionTtlMs: config.sessionTtlSeconds * 1000,
      },
      (outcome) => metrics.sessionCacheLookup(outcome),
    );
  }
  app.addHook('onClose', async () => {
    await bus?.close();
    if (overrides.keyValueStore === undefined) await store.close();
    if (overrides.database === undefined) await rawDatabase.close();
  });

  const captchaRenderer: CaptchaRenderer =
    overrides.captchaRenderer ??
    (config.captchaThreads === 0
      ? new (await import('./captcha/canvas-renderer.js')).CanvasCaptchaRenderer()
      : new ThreadedCaptchaRenderer(
          config.captchaThreads,
          // Every picture that can be alive at once: the pool, the requests waiting for a
          // drawing, and a batch ahead per thread.
          config.captchaPoolSize + config.captchaMaxWaiting + DEFAULT_BATCH * config.captchaThreads,
          // Behind a pool a thread's restart keeps no request waiting: threads go sooner.
          { idleMs: config.captchaPoolSize > 0 ? IDLE_MS_BEHIND_A_POOL : IDLE_MS },
        ));
  app.addHook('onClose', async () => {
    // Drawing ahead stops first, so that no batch is left to fail as the threads go.
    captchas.close();
    if (overrides.captchaRenderer === undefined) await captchaRenderer.close?.();
  });

  // For work outside any request; routes hand services the request's own logger (clientOf).
  const log = app.log;
  const audit = new AuditService(database, clock, log);
  const phones = new PhoneRules(config.phoneRegions);
  const digester = new CodeDigester(secret);
  const limits = new RateLimits(store);
  const captchas = new CaptchaService(
    store,
    captchaRenderer,
    digester,
    limits,
    {
      length: config.imageCodeLength,
      ttlSeconds: config.imageCodeTtlSeconds,
      perIpPerMinute: config.captchaPerIpPerMinute,
      poolSize: config.captchaPoolSize,
      maxWaiting: config.captchaMaxWaiting,
    },
    metrics,
    (error) => log.warn({ err: error }, 'drawing captchas ahead failed'),
  );
  metrics.watchCaptchaPool(() => captchas.poolStats());

  // Issue 12: the ALTCHA proof of work, as hard as the SMS counters say.
  const altcha = new AltchaService(
    store,
    limits,
    new SmsActivityCounters(store, config.smsGlobalPerHour),
    secret,
    clock,
    {
      ttlSeconds: config.imageCodeTtlSeconds,
      perIpPerMinute: config.captchaPerIpPerMinute,
      ...DEFAULT_ALTCHA_WORK,
      ...overrides.altchaWork,
    },
  );
  const smsCodes = new SmsCodeService(
    store,
    captchas,
    database,
    limits,
    overrides.smsSender ?? openSmsSender(config, log),
    digester,
    {
      ttlSeconds: config.smsCodeTtlSeconds,
      resendSeconds: config.smsResendSeconds,
      maxAttempts: config.smsCodeMaxAttempts,
      perPhonePerHour: config.smsPerPhonePerHour,
      perPhonePerDay: config.smsPerPhonePerDay,
      perIpPerHour: config.smsPerIpPerHour,
      globalPerHour: config.smsGlobalPerHour,
      guessesPerPhonePerHour: config.smsCodeGuessesPerPhonePerHour,
      sendTimeoutMs: config.smsSendTimeoutMs,
      keepCodesForTests: config.testHooks,
      phones,
      testPhoneCodes: config.testPhoneCodes,
      registerShare: config.smsRegisterShare,
    },
    log,
    audit,
    metrics,
    altcha,
  );
  const sessions = new SessionService(database, clock, config.sessionTtlSeconds);
  const devices = new DeviceMarkService(database, clock, secret, config.deviceMarkDays * 24 * 3600);
  const guesses = new PasswordGuesses(
    limits,
    {
      maxFailures: config.loginMaxFailures,
      lockSeconds: config.loginLockSeconds,
      failuresPerIpPerHour: config.loginFailuresPerIpPerHour,
    },
    metrics,
    audit,
  );
  const consents = new ConsentService(database, legal, clock, config.legal.consentRequired, audit);
  const accounts = new AccountService(
    database,
    smsCodes,
    sessions,
    overrides.passwordHasher ?? new LimitedHasher(new Argon2Hasher(), config.hashConcurrency),
    guesses,
    devices,
    clock,
    { passwordMinLength: config.passwordMinLength, phones },
    audit,
    consents,
    new AccountEraser(database, clock, secret),
    metrics,
  );
  const profiles = new ProfileService(database);
  const admin = new AdminService(database, sessions, audit, phones);
  // Issue 14. Tests get a key of their own per app; elsewhere a restart keeps the keys.
  const tokenKeys = await keySetOf(
    config.tokens.privateKeys ??
      (config.env === 'test' ? [newPrivateKey()] : keysFromDataDir(config.dataDir)),
  );
  const tokens = new TokenService(
    database,
    tokenKeys,
    clock,
    secret,
    { ...config.tokens, idleSeconds: config.sessionTtlSeconds },
    audit,
  );
  // Issue 17: each platform on only when configured.
  const { wechat, alipay, timeoutMs: platformTimeoutMs, perIpPerMinute } = config.miniPrograms;
  const wechatApi = wechat && new WeChatApi(wechat, platformTimeoutMs);
  const miniPrograms = new MiniProgramService(
    database,
    accounts,
    phones,
    clock,
    audit,
    log,
    wechatApi && {
      api: wechatApi,
      tokens: new WeChatAccessTokens(store, wechatApi, clock, platformTimeoutMs),
    },
    alipay && new AlipayApi(alipay, platformTimeoutMs, () => clock.now()),
    limits,
    perIpPerMinute,
  );
  const services: Services = {
    captchas,
    smsCodes,
    accounts,
    sessions,
    profiles,
    admin,
    audit,
    altcha,
    tokens,
    legal,
    consents,
    personalData: new PersonalDataService(consents, sessions, audit, clock),
    miniPrograms,
  };
  app.decorate('services', services);

  // Expired sessions and device marks, and audit entries past AUDIT_RETENTION_DAYS: one instance at a time.
  const retention = new RetentionJob(database, clock, config.legal.auditRetentionDays);
  const sweep = setInterval(() => {
    retention
      .purgeIfFirst(store)
      .then((purged) => purged && app.log.info({ purged }, 'retention purge done'))
      .catch((error: unknown) => app.log.warn({ err: error }, 'retention purge failed'));
  }, 10 * 60_000);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

  // First, so that even a request refused by a later onRequest hook carries these headers.
  await app.register(apiHeaders, { prefix: API_PREFIX });
  await app.register(cookie);
  // The reply schemas routes name by $id (src/http/schemas.ts); the document lists them as components.
  for (const schema of sharedSchemas) app.addSchema(schema);
  await app.register(errorReplies);
  await app.register(openApi);
  await app.register(metricsPlugin, { metrics, token: config.metricsToken });
  await app.register(healthRoutes, {
    checks: { database: () => database.ping(), store: () => store.ping() },
    timeoutMs: 2000,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(originCheck, { allowedOrigins: config.allowedOrigins });

  const routeOptions: RouteOptions = {
    services,
    cookie: {
      secure: config.cookieSecure,
      maxAgeSeconds: config.sessionTtlSeconds,
      deviceMaxAgeSeconds: config.deviceMarkDays * 24 * 3600,
    },
    testHooks: config.testHooks,
    filings: { icp: config.legal.icpFiling, psb: config.legal.psbFiling },
  };
  await app.register(
    async (api) => {
      await api.register(compression);
      for (const routes of [
        imageCodeRoute,
        smsCodeRoute,
        registerRoute,
        sessionsRoutes,
        usersRoute,
        passwordRoutes,
        expertRoutes,
        adminRoutes,
        auditRoutes,
        altchaRoute,
        tokenRoutes,
        legalRoutes,
        consentRoutes,
        miniProgramRoutes,
      ]) {
        await api.register(routes, routeOptions);
      }
      if (config.testHooks) await api.register(testHookRoutes, routeOptions);
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: API_PREFIX },
  );
  await app.register(wellKnownRoutes, { tokens, issuer: config.tokens.issuer });
  await app.register(webPages);

  return app;
}
