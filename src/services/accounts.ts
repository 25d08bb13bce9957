import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { AccountType, User, UserStore } from '../db/user-store.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import { fail, ok, RET, type Failure, type Result } from '../ret.js';
import type { AuditAction, AuditService } from './audit.js';
import { ignoreEvents, type AuthEvents } from './events.js';
import type { PhoneRules } from './phone.js';
import type { RateLimits } from './rate-limits.js';
import type { ClientInfo, SessionService } from './sessions.js';
import type { SmsCodeService } from './sms-codes.js';

export const ACCOUNT_TYPES: readonly AccountType[] = ['patient', 'expert'];
export const PASSWORD_MAX_LENGTH = 128;

export interface AccountSettings {
  passwordMinLength: number;
  loginMaxFailures: number;
  loginLockSeconds: number;
  loginFailuresPerIpPerHour: number;
  phones: PhoneRules;
}

export interface RegisterInput {
  phone: string;
  phoneCode: string;
  password: string;
  password2: string;
  types?: AccountType;
}

export interface NewPasswordInput {
  password: string;
  password2: string;
}

export interface LoginInput {
  phone: string;
  password: string;
}

/** What `GET /users` shows of a person. */
export interface Profile {
  user_id: number;
  name: string;
  phone: string;
  types: AccountType;
  avatar_url: string | null;
  age: number | null;
  address: string | null;
}

const failuresKey = (phone: string): string => `login:failures:${phone}`;
const ipFailuresKey = (ip: string): string => `login:ip-failures:${ip}`;

export class AccountService {
  /** Hash checked for unknown phones, so that they cost the same time as a wrong password. */
  private decoyHash: Promise<string>;

  constructor(
    private readonly users: UserStore,
    private readonly smsCodes: SmsCodeService,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly limits: RateLimits,
    private readonly clock: Clock,
    private readonly settings: AccountSettings,
    private readonly audit: AuditService,
    private readonly events: AuthEvents = ignoreEvents,
  ) {
    this.decoyHash = hasher.hash(randomBytes(16).toString('hex'));
  }

  private checkPassword(password: string): Result {
    const length = [...password].length;
    if (length < this.settings.passwordMinLength || length > PASSWORD_MAX_LENGTH) {
      return fail(RET.PARAMERR, {
        key: 'passwordLength',
        params: { min: this.settings.passwordMinLength, max: PASSWORD_MAX_LENGTH },
      });
    }
    return ok();
  }

  /** Contract §2 POST /register, steps 1–9 in order; the new session id on success. */
  async registerAccount(input: RegisterInput, client: ClientInfo): Promise<Result<{ sessionId: string }>> {
    const phone = this.settings.phones.normalise(input.phone);
    if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');
    const types = input.types ?? 'patient';
    if (!ACCOUNT_TYPES.includes(types)) return fail(RET.PARAMERR, 'typesInvalid');
    const rules = this.checkNewPassword(input);
    if (!rules.ok) return rules;

    const code = await this.smsCodes.checkSmsCode('register', phone, input.phoneCode);
    if (!code.ok) return code;
    if (await this.users.phoneExists(phone)) return fail(RET.DATAEXIST, 'phoneRegistered');

    const passwordHash = await this.hasher.hash(input.password);
    // Spend the code only now, after the slow hash: of two racing registrations one wins it.
    if (!(await code.value.consume())) return fail(RET.NODATA, 'smsCodeUsed');

    const session = this.sessions.prepareSession(client);
    let user;
    try {
      user = await this.users.createUser(
        {
          phone,
          passwordHash,
          name: phone,
          types,
          createdAt: this.clock.now(),
          expertStatus: types === 'expert' ? 'pending' : null,
        },
        session.record,
      );
    } catch (error) {
      // Nothing was written (one transaction), so the person keeps their code and can retry.
      await code.value.restore().catch(() => {});
      throw error;
    }
    if (user === null) return fail(RET.DATAEXIST, 'phoneRegistered');
    this.events.registered(types);
    await this.audit.record({
      action: 'register',
      outcome: 'success',
      userId: user.id,
      phone,
      client,
      detail: types,
    });
    return ok({ sessionId: session.id });
  }

  /** Refused before any password is checked: too many failures from this address or for this phone. */
  private async loginRefusal(phone: string, client: ClientInfo): Promise<Failure | null> {
    const fromIp = await this.limits.reached(
      ipFailuresKey(client.ip),
      this.settings.loginFailuresPerIpPerHour,
    );
    if (!fromIp.allowed) {
      this.events.login('ip_blocked');
      return fail(RET.IPERR, 'loginIpQuota', fromIp.retryAfterSeconds);
    }
    const locked = await this.limits.reached(failuresKey(phone), this.settings.loginMaxFailures);
    if (!locked.allowed) {
      this.events.login('locked');
      return fail(
        RET.REQERR,
        { key: 'loginLocked', params: { seconds: locked.retryAfterSeconds } },
        locked.retryAfterSeconds,
      );
    }
    return null;
  }

  /** Counts a failed password check toward both lockouts, and records it. */
  private async countFailure(phone: string, userId: number | null, client: ClientInfo, action: AuditAction) {
    const forPhone = await this.limits.hit(
      failuresKey(phone),
      this.settings.loginMaxFailures,
      this.settings.loginLockSeconds,
    );
    const forIp = await this.limits.hit(
      ipFailuresKey(client.ip),
      this.settings.loginFailuresPerIpPerHour,
      3600,
    );
    this.events.login('wrong_credentials');
    await this.audit.record({ action, outcome: 'wrong_password', userId, phone, client });
    if (forPhone.count === this.settings.loginMaxFailures) {
      this.events.lockout('phone');
      await this.audit.record({ action: 'lockout', outcome: 'phone', userId, phone, client });
    }
    if (forIp.count === this.settings.loginFailuresPerIpPerHour) {
      this.events.lockout('ip');
      await this.audit.record({ action: 'lockout', outcome: 'ip', client });
    }
  }

  private async startLoggedIn(
    user: User,
    client: ClientInfo,
    method: string,
  ): Promise<Result<{ sessionId: string }>> {
    if (user.disabled) {
      await this.audit.record({
        action: 'login',
        outcome: 'disabled',
        userId: user.id,
        phone: user.phone,
        client,
      });
      return fail(RET.USERERR, 'accountDisabled');
    }
    this.events.login('success');
    const sessionId = await this.sessions.startSession(user.id, client);
    await this.audit.record({
      action: 'login',
      outcome: 'success',
      userId: user.id,
      phone: user.phone,
      client,
      detail: method,
    });
    return ok({ sessionId });
  }

  /** Contract §2 POST /sessions with a password; the new session id on success. */
  async logIn(input: LoginInput, client: ClientInfo): Promise<Result<{ sessionId: string }>> {
    const phone = this.settings.phones.normalise(input.phone);
    if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');
    const refusal = await this.loginRefusal(phone, client);
    if (refusal !== null) return refusal;

    const user = await this.users.findUserByPhone(phone);
    const matches = await this.hasher.verify(user?.passwordHash ?? (await this.decoyHash), input.password);
    if (user === null || !matches) {
      await this.countFailure(phone, user?.id ?? null, client, 'login');
      return fail(RET.LOGINERR, 'loginFailed');
    }
    return this.startLoggedIn(user, client, 'password');
  }

  /** POST /sessions with an SMS code sent for the purpose `login`. */
  async logInWithCode(
    input: { phone: string; phoneCode: string },
    client: ClientInfo,
  ): Promise<Result<{ sessionId: string }>> {
    const phone = this.settings.phones.normalise(input.phone);
    if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');
    const refusal = await this.loginRefusal(phone, client);
    if (refusal !== null) return refusal;
    const code = await this.smsCodes.checkSmsCode('login', phone, input.phoneCode);
    if (!code.ok) return code;
    const user = await this.users.findUserByPhone(phone);
    if (user === null) return fail(RET.USERERR, 'accountUnknown');
    if (!(await code.value.consume())) return fail(RET.NODATA, 'smsCodeUsed');
    return this.startLoggedIn(user, client, 'sms_code');
  }

  /** DELETE /sessions: destroys the session on the server. */
  async logOut(sessionId: string | undefined, client: ClientInfo): Promise<Result> {
    const session = await this.sessions.resolveSession(sessionId);
    if (session === null || !(await this.sessions.endSession(sessionId))) return fail(RET.SESSIONERR);
    await this.audit.record({ action: 'logout', outcome: 'success', userId: session.userId, client });
    return ok();
  }

  /** POST /passwords/reset: a code sent for `reset` sets a new password and ends every session. */
  async resetPassword(
    input: NewPasswordInput & { phone: string; phoneCode: string },
    client: ClientInfo,
  ): Promise<Result> {
    const phone = this.settings.phones.normalise(input.phone);
    if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');
    const rules = this.checkNewPassword(input);
    if (!rules.ok) return rules;
    const code = await this.smsCodes.checkSmsCode('reset', phone, input.phoneCode);
    if (!code.ok) return code;
    const user = await this.users.findUserByPhone(phone);
    if (user === null) return fail(RET.USERERR, 'accountUnknown');
    const passwordHash = await this.hasher.hash(input.password);
    if (!(await code.value.consume())) return fail(RET.NODATA, 'smsCodeUsed');
    await this.users.setPasswordHash(user.id, passwordHash);
    const ended = await this.sessions.endSessionsOf(user.id);
    await this.audit.record({
      action: 'password_reset',
      outcome: 'success',
      userId: user.id,
      phone,
      client,
      detail: `${ended} sessions ended`,
    });
    return ok();
  }

  /** PUT /passwords: the old password proves it is the owner; every other session ends. */
  async changePassword(
    userId: number,
    currentSessionId: string,
    input: NewPasswordInput & { oldPassword: string },
    client: ClientInfo,
  ): Promise<Result> {
    const user = await this.users.findUserById(userId);
    if (user === null) return fail(RET.SESSIONERR);
    const rules = this.checkNewPassword(input);
    if (!rules.ok) return rules;
    const refusal = await this.loginRefusal(user.phone, client);
    if (refusal !== null) return refusal;
    if (!(await this.hasher.verify(user.passwordHash, input.oldPassword))) {
      await this.countFailure(user.phone, user.id, client, 'password_change');
      return fail(RET.PWDERR, 'oldPasswordWrong');
    }
    await this.users.setPasswordHash(user.id, await this.hasher.hash(input.password));
    const ended = await this.sessions.endSessionsOf(user.id, currentSessionId);
    await this.audit.record({
      action: 'password_change',
      outcome: 'success',
      userId: user.id,
      phone: user.phone,
      client,
      detail: `${ended} other sessions ended`,
    });
    return ok();
  }

  private checkNewPassword(input: NewPasswordInput): Result {
    const password = this.checkPassword(input.password);
    if (!password.ok) return password;
    if (input.password !== input.password2) return fail(RET.DATAERR, 'passwordsDiffer');
    return ok();
  }
}

/** The contract's `user` object of GET /users. */
export function toProfile(user: User): Profile {
  return {
    user_id: user.id,
    name: user.name,
    phone: user.phone,
    types: user.types,
    avatar_url: user.avatarUrl,
    age: user.age,
    address: user.address,
  };
}
