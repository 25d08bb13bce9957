import type { UserStore } from '../db/user-store.js';
import { fail, ok, RET, type Result } from '../ret.js';
import { SmsError, type SmsSender } from '../sms/sms-sender.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import type { AltchaService, SmsActivity } from './altcha.js';
import type { CaptchaService } from './captcha.js';
import type { AuditService } from './audit.js';
import { ignoreEvents, type AuthEvents } from './events.js';
import { maskPhone } from '../shared/phone-format.js';
import type { PhoneRules } from './phone.js';
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
  /** Sign-up codes may use at most this share of `globalPerHour` (SMS_REGISTER_SHARE, 0 < x ≤ 1). */
  registerShare: number;
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
export type SmsPurpose = 'register' | 'login' | 'reset' | 'delete';
export const SMS_PURPOSES: readonly SmsPurpose[] = ['register', 'login', 'reset', 'delete'];

/**
 * What buys one SMS attempt: the image captcha (`captchaUuid` + `captchaAnswer`) or a solved
 * ALTCHA proof of work (`altcha`, the widget's base64 payload); exactly one of the two.
 */
export interface SendSmsCodeInput {
  phone: string;
  purpose?: SmsPurpose;
  captchaUuid?: string;
  captchaAnswer?: string;
  altcha?: string;
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
  globalRegister: () => 'sms:global:register',
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
    private readonly altcha?: AltchaService,
  ) {}

  /** Contract §3 POST /smsCode, steps 1–8 in order. */
  async sendSmsCode(input: SendSmsCodeInput, client: ClientInfo): Promise<Result> {
    const log = client.log ?? this.logger;
    const proof = proofOf(input);
    if (!proof.ok) return proof;
    const phone = this.settings.phones.normalise(input.phone);
    if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');

    const passed =
      proof.value.kind === 'captcha'
        ? await this.captchas.checkCaptcha(proof.value.uuid, proof.value.answer)
        : await this.checkAltcha(proof.value.payload);
    if (!passed.ok) return passed;

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
    const refusal = await this.checkQuotas(phone, purpose, client.ip, log);
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
  private async checkQuotas(
    phone: string,
    purpose: SmsPurpose,
    ip: string,
    log: ServiceLogger,
  ): Promise<Result | null> {
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
    // Issue 12: sign-up codes have their own share of the budget, so that codes to existing
    // accounts (login, reset) always find theirs; counted before the global counter, so
    // refused sign-ups do not use it up.
    const limit = registerLimit(this.settings);
    // A share of 1 leaves the global counter alone to judge, and to say so in its own log line.
    if (purpose === 'register' && limit < this.settings.globalPerHour) {
      const register = await this.limits.hit(keys.globalRegister(), limit, 3600);
      if (!register.allowed) {
        if (register.count === limit + 1) {
          log.warn(
            { quota: 'SMS_REGISTER_SHARE', limit },
            'sign-up share of the SMS budget spent: sign-up codes wait; login and reset codes still go',
          );
        }
        return fail(RET.REQERR, 'smsRegisterBudgetSpent', register.retryAfterSeconds);
      }
    }
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

  private async checkAltcha(payload: string): Promise<Result> {
    if (this.altcha === undefined) throw new Error('SmsCodeService was built without an AltchaService');
    return this.altcha.checkSolution(payload);
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

/** Reads the counters `SmsCodeService` keeps: what the ALTCHA difficulty depends on. */
export class SmsActivityCounters implements SmsActivity {
  constructor(
    private readonly store: KeyValueStore,
    private readonly globalPerHour: number,
  ) {}

  async recentSends(ip: string): Promise<{ fromAddressLastHour: number; budgetSpentShare: number }> {
    const [fromAddress, global] = await Promise.all([
      this.store.get(keys.perIp(ip)),
      this.store.get(keys.global()),
    ]);
    return {
      fromAddressLastHour: Number(fromAddress ?? 0),
      budgetSpentShare: Number(global ?? 0) / this.globalPerHour,
    };
  }
}

/** Sign-up codes an hour: ⌊share × global⌋, at least one. */
export function registerLimit(settings: Pick<SmsCodeSettings, 'globalPerHour' | 'registerShare'>): number {
  return Math.max(1, Math.floor(settings.registerShare * settings.globalPerHour));
}

type Proof = { kind: 'captcha'; uuid: string; answer: string } | { kind: 'altcha'; payload: string };

/** Exactly one way past the robots: the image captcha's two fields, or an ALTCHA payload. */
function proofOf(input: SendSmsCodeInput): Result<Proof> {
  const captchaGiven = input.captchaUuid !== undefined || input.captchaAnswer !== undefined;
  if (input.altcha !== undefined) {
    return captchaGiven
      ? fail(RET.PARAMERR, 'captchaOrAltcha')
      : ok({ kind: 'altcha', payload: input.altcha });
  }
  if (input.captchaAnswer === undefined)
    return fail(RET.PARAMERR, { key: 'fieldMissing', params: { field: 'img_code_client' } });
  if (input.captchaUuid === undefined)
    return fail(RET.PARAMERR, { key: 'fieldMissing', params: { field: 'uuid' } });
  return ok({ kind: 'captcha', uuid: input.captchaUuid, answer: input.captchaAnswer });
}

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'unknown', message: String(error) };
}
