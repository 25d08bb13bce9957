import type { UserStore } from '../db/user-store.js';
import { fail, ok, RET, type Result } from '../ret.js';
import { SmsError, type SmsSender } from '../sms/sms-sender.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import type { CaptchaService } from './captcha.js';
import type { AuditService } from './audit.js';
import { ignoreEvents, type AuthEvents } from './events.js';
import { maskPhone, type PhoneRules } from './phone.js';
import type { ServiceLogger } from './logger.js';
import type { RateLimits } from './rate-limits.js';
import type { CodeDigester } from './secrets.js';
import type { ClientInfo } from './sessions.js';
import { randomDigits } from './secrets.js';

export interface SmsCodeSettings {
  ttlSeconds: number;
  resendSeconds: number;
  maxAttempts: number;
  perPhonePerHour: number;
  perPhonePerDay: number;
  perIpPerHour: number;
  globalPerHour: number;
  guessesPerPhonePerHour: number;
  sendTimeoutMs: number;
  /** Which numbers are accepted, and their stored form. */
  phones: PhoneRules;
  /** Fictional numbers (app-store review, QA): no SMS is sent and this fixed code is accepted. */
  testPhoneCodes: ReadonlyMap<string, string>;
  /** Keep the last code sent to each phone readable (contract §6); never in production. */
  keepCodesForTests: boolean;
}

/** What a code is for: a code sent for one purpose is not accepted for another. */
export type SmsPurpose = 'register' | 'login' | 'reset';
export const SMS_PURPOSES: readonly SmsPurpose[] = ['register', 'login', 'reset'];

export interface SendSmsCodeInput {
  phone: string;
  purpose?: SmsPurpose;
  captchaUuid: string;
  captchaAnswer: string;
}

/** A code that matched; `consume` spends it, and only one caller ever gets `true`. */
export interface MatchedSmsCode {
  consume(): Promise<boolean>;
  /** Puts a spent code back, for when what it was spent on failed unexpectedly. */
  restore(): Promise<void>;
}

const keys = {
  code: (purpose: SmsPurpose, phone: string) => `sms:code:${purpose}:${phone}`,
  attempts: (purpose: SmsPurpose, phone: string) => `sms:attempts:${purpose}:${phone}`,
  resend: (phone: string) => `sms:resend:${phone}`,
  perHour: (phone: string) => `sms:hour:${phone}`,
  perDay: (phone: string) => `sms:day:${phone}`,
  perIp: (ip: string) => `sms:ip:${ip}`,
  global: () => 'sms:global',
  guesses: (phone: string) => `sms:guesses:${phone}`,
  lastForTests: (phone: string) => `test:sms:${phone}`,
};

export class SmsCodeService {
  constructor(
    private readonly store: KeyValueStore,
    private readonly captchas: CaptchaService,
    private readonly users: UserStore,
    private readonly limits: RateLimits,
    private readonly sender: SmsSender,
    private readonly digester: CodeDigester,
    private readonly settings: SmsCodeSettings,
    private readonly logger: ServiceLogger,
    private readonly audit?: AuditService,
    private readonly events: AuthEvents = ignoreEvents,
  ) {}

  /** Contract §3 POST /smsCode, steps 1–8 in order. */
  async sendSmsCode(input: SendSmsCodeInput, client: ClientInfo): Promise<Result> {
    const log = client.log ?? this.logger;
    const phone = this.settings.phones.normalise(input.phone);
    if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');

    const captcha = await this.captchas.checkCaptcha(input.captchaUuid, input.captchaAnswer);
    if (!captcha.ok) return captcha;

    // Only after the captcha has passed, so that these answers cannot be farmed cheaply.
    const purpose = input.purpose ?? 'register';
    const user = await this.users.findUserByPhone(phone);
    if (purpose === 'register' && user !== null) return fail(RET.DATAEXIST, 'phoneRegistered');
    if (purpose !== 'register' && (user === null || user.disabled))
      return fail(RET.USERERR, 'accountUnknown');

    const resend = await this.limits.openWindow(keys.resend(phone), this.settings.resendSeconds);
    if (!resend.allowed) {
      this.events.smsCode('refused', this.sender.name);
      return fail(
        RET.REQERR,
        { key: 'smsResendTooSoon', params: { seconds: resend.retryAfterSeconds } },
        resend.retryAfterSeconds,
      );
    }
    const refusal = await this.checkQuotas(phone, client.ip, log);
    if (refusal !== null) {
      await this.limits.closeWindow(keys.resend(phone));
      this.events.smsCode('refused', this.sender.name);
      return refusal;
    }

    const fixed = this.settings.testPhoneCodes.get(phone);
    const code = fixed ?? randomDigits(6);
    try {
      if (fixed === undefined) await this.deliver(phone, code, log);
    } catch (error) {
      // Nothing is stored and the resend window is given back, so the person may retry at once.
      await this.limits.closeWindow(keys.resend(phone));
      const providerCode = error instanceof SmsError ? error.providerCode : undefined;
      log.warn(
        { sms: { provider: this.sender.name, to: maskPhone(phone), providerCode }, err: describe(error) },
        'SMS provider failed',
      );
      this.events.smsCode('provider_failed', this.sender.name);
      return fail(RET.THIRDERR, 'smsProviderFailed');
    }

    const ttlMs = this.settings.ttlSeconds * 1000;
    // Independent writes, sent together (one round trip to Redis, pipelined).
    await Promise.all([
      this.store.set(keys.code(purpose, phone), this.digester.digest(`sms:${purpose}`, phone, code), ttlMs),
      this.store.delete(keys.attempts(purpose, phone)),
      this.store.increment(keys.perHour(phone), 3600 * 1000),
      this.store.increment(keys.perDay(phone), 24 * 3600 * 1000),
      this.settings.keepCodesForTests ? this.store.set(keys.lastForTests(phone), code, ttlMs) : undefined,
    ]);
    this.events.smsCode('sent', this.sender.name);
    await this.audit?.record({
      action: 'sms_sent',
      outcome: fixed === undefined ? 'sent' : 'test_number',
      userId: user?.id ?? null,
      phone,
      client,
      detail: purpose,
    });
    return ok();
  }

  /** The quotas of issue #5 beyond the resend window, cheapest and most specific first. */
  private async checkQuotas(phone: string, ip: string, log: ServiceLogger): Promise<Result | null> {
    // Two reads, asked together; the counters below are only counted when these pass.
    const [hourly, daily] = await Promise.all([
      this.limits.reached(keys.perHour(phone), this.settings.perPhonePerHour),
      this.limits.reached(keys.perDay(phone), this.settings.perPhonePerDay),
    ]);
    if (!hourly.allowed) {
      return fail(RET.REQERR, 'smsHourlyQuota', hourly.retryAfterSeconds);
    }
    if (!daily.allowed) {
      return fail(RET.REQERR, 'smsDailyQuota', daily.retryAfterSeconds);
    }
    const perIp = await this.limits.hit(keys.perIp(ip), this.settings.perIpPerHour, 3600);
    if (!perIp.allowed) return fail(RET.IPERR, 'smsIpQuota', perIp.retryAfterSeconds);
    const global = await this.limits.hit(keys.global(), this.settings.globalPerHour, 3600);
    if (!global.allowed) {
      // Loud on purpose: a deployment-wide stop is either an attack (SMS pumping) or a budget to raise.
      log.error(
        { quota: 'SMS_GLOBAL_PER_HOUR', limit: this.settings.globalPerHour },
        'global SMS budget exhausted: no SMS will be sent until the window ends',
      );
      return fail(RET.REQERR, 'smsBudgetSpent', global.retryAfterSeconds);
    }
    return null;
  }

  private async deliver(phone: string, code: string, log: ServiceLogger): Promise<void> {
    const ttlMinutes = Math.ceil(this.settings.ttlSeconds / 60);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new SmsError('SMS provider timed out', 'TIMEOUT'));
      }, this.settings.sendTimeoutMs);
    });
    try {
      await Promise.race([this.sender.sendCode(phone, code, ttlMinutes, controller.signal, log), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Checks `code` against the one stored for `phone` (already normalised). Every try
   * is counted before it is judged, so however many arrive at once, at most
   * `maxAttempts` are judged; the wrong try that reaches the limit deletes the code.
   */
  async checkSmsCode(purpose: SmsPurpose, phone: string, code: string): Promise<Result<MatchedSmsCode>> {
    const codeKey = keys.code(purpose, phone);
    const stored = await this.store.get(codeKey);
    if (stored === null) return fail(RET.NODATA, 'smsCodeExpired');

    const attemptsKey = keys.attempts(purpose, phone);
    const { count } = await this.store.increment(attemptsKey, this.settings.ttlSeconds * 1000);
    // Past the limit the code is dead: only a new code resets the count. It is not deleted
    // here, so that a right guess still in flight (counted within the limit) can spend it.
    if (count > this.settings.maxAttempts) return fail(RET.NODATA, 'smsCodeDead');

    // Asking for new codes must not buy unlimited guesses: guesses are also counted per phone
    // per hour, before they are judged; a right one gives its place back.
    const guessesKey = keys.guesses(phone);
    const guesses = await this.limits.hit(guessesKey, this.settings.guessesPerPhonePerHour, 3600);
    if (!guesses.allowed) {
      await this.store.decrement(attemptsKey); // not judged: the code keeps this try
      return fail(
        RET.REQERR,
        { key: 'smsGuessesQuota', params: { seconds: guesses.retryAfterSeconds } },
        guesses.retryAfterSeconds,
      );
    }
    if (!this.digester.matches(stored, `sms:${purpose}`, phone, code.trim())) {
      if (count === this.settings.maxAttempts) await this.store.deleteIfEquals(codeKey, stored);
      return fail(RET.DATAERR, 'smsCodeWrong');
    }
    await this.limits.release(guessesKey);
    const ttlMs = (await this.store.ttl(codeKey)) ?? 0;
    return ok({
      consume: () => this.store.deleteIfEquals(codeKey, stored),
      restore: async () => {
        if (ttlMs > 0) await this.store.setIfAbsent(codeKey, stored, ttlMs);
      },
    });
  }

  /** The last code sent to `phone`, when test hooks keep it; null otherwise. */
  async lastCodeForTests(phone: string): Promise<string | null> {
    if (!this.settings.keepCodesForTests) return null;
    const normalised = this.settings.phones.normalise(phone);
    return normalised === null ? null : this.store.get(keys.lastForTests(normalised));
  }
}

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'unknown', message: String(error) };
}
