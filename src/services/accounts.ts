import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { AccountType, User, UserStore } from '../db/user-store.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import { fail, ok, RET, type Result } from '../ret.js';
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
    const password = this.checkPassword(input.password);
    if (!password.ok) return password;
    if (input.password !== input.password2) return fail(RET.DATAERR, 'passwordsDiffer');

    const code = await this.smsCodes.checkSmsCode(phone, input.phoneCode);
    if (!code.ok) return code;
    if (await this.users.phoneExists(phone)) return fail(RET.DATAEXIST, 'phoneRegistered');

    const passwordHash = await this.hasher.hash(input.password);
    // Spend the code only now, after the slow hash: of two racing registrations one wins it.
    if (!(await code.value.consume())) return fail(RET.NODATA, 'smsCodeUsed');

    const session = this.sessions.prepareSession(client);
    let user;
    try {
      user = await this.users.createUser(
        { phone, passwordHash, name: phone, types, createdAt: this.clock.now() },
        session.record,
      );
    } catch (error) {
      // Nothing was written (one transaction), so the person keeps their code and can retry.
      await code.value.restore().catch(() => {});
      throw error;
    }
    if (user === null) return fail(RET.DATAEXIST, 'phoneRegistered');
    this.events.registered(types);
    return ok({ sessionId: session.id });
  }

  /** Contract §2 POST /sessions; the new session id on success. */
  async logIn(input: LoginInput, client: ClientInfo): Promise<Result<{ sessionId: string }>> {
    const phone = this.settings.phones.normalise(input.phone);
    if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');

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

    const user = await this.users.findUserByPhone(phone);
    const matches = await this.hasher.verify(user?.passwordHash ?? (await this.decoyHash), input.password);
    if (user === null || !matches) {
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
      if (forPhone.count === this.settings.loginMaxFailures) this.events.lockout('phone');
      if (forIp.count === this.settings.loginFailuresPerIpPerHour) this.events.lockout('ip');
      return fail(RET.LOGINERR, 'loginFailed');
    }
    this.events.login('success');
    return ok({ sessionId: await this.sessions.startSession(user.id, client) });
  }

  async getProfile(userId: number): Promise<Profile | null> {
    const user = await this.users.findUserById(userId);
    return user === null ? null : toProfile(user);
  }
}

function toProfile(user: User): Profile {
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
