import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Agreement, LinkStore, NewUser, UserStore } from '../db/user-store.js';
import type { AccountType, LinkIdentity, User } from './users.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import { fail, ok, RET, type Result } from '../ret.js';
import type { AccountEraser } from './account-deletion.js';
import type { AuditService } from './audit.js';
import type { ConsentService } from './consents.js';
import type { DeviceMarkService } from './device-marks.js';
import { ignoreEvents, type AuthEvents } from './events.js';
import type { PasswordGuesses } from './password-guesses.js';
import type { PhoneRules } from './phone.js';
import type { ClientInfo, SessionService } from './sessions.js';
import type { SmsCodeService } from './sms-codes.js';

export const ACCOUNT_TYPES: readonly AccountType[] = ['patient', 'expert'];
export const PASSWORD_MAX_LENGTH = 128;

export interface AccountSettings {
  passwordMinLength: number;
  phones: PhoneRules;
}

/** A person just logged in (or registered): the new session, and the device marks to hand back. */
export interface LoggedInAs {
  sessionId: string;
  /** What the client holds from now on (see DeviceMarkService.remember). */
  deviceMarks: string[];
}

export interface RegisterInput {
  phone: string;
  phoneCode: string;
  password: string;
  password2: string;
  types?: AccountType;
  /** `"<terms version>,<privacy version>"`: what the person agreed to (issue 15). */
  agree?: string;
}

/** What a new account starts with, however it is created. */
export interface NewAccount {
  phone: string;
  passwordHash: string;
  types: AccountType;
}

/** DELETE /users: fresh proof that it is the owner, one of the two. */
export interface DeletionProof {
  password?: string;
  phoneCode?: string;
}

/** An account a mini program opens: the phone its platform vouched for (already normalised). */
export interface LinkedRegistrationInput {
  phone: string;
  types?: AccountType;
  /** The request's `agree` field, as the registration form sends it, for the consent record. */
  agree?: string;
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

export class AccountService {
  /** Hash checked for unknown phones, so that they cost the same time as a wrong password. */
  private decoyHash: Promise<string>;

  constructor(
    private readonly users: UserStore & LinkStore,
    private readonly smsCodes: SmsCodeService,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly guesses: PasswordGuesses,
    private readonly devices: DeviceMarkService,
    private readonly clock: Clock,
    private readonly settings: AccountSettings,
    private readonly audit: AuditService,
    private readonly consents: ConsentService,
    private readonly eraser: AccountEraser,
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
  async registerAccount(input: RegisterInput, client: ClientInfo): Promise<Result<LoggedInAs>> {
    const phone = this.settings.phones.normalise(input.phone);
    if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');
    const types = input.types ?? 'patient';
    if (!ACCOUNT_TYPES.includes(types)) return fail(RET.PARAMERR, 'typesInvalid');
    const rules = this.checkNewPassword(input);
    if (!rules.ok) return rules;
    // Before the code is looked at: a refusal for consent leaves the code usable.
    const agreement = this.consents.readAgreement(input.agree);
    if (!agreement.ok) return agreement;

    const code = await this.smsCodes.checkSmsCode('register', phone, input.phoneCode);
    if (!code.ok) return code;
    if (await this.users.phoneExists(phone)) return fail(RET.DATAEXIST, 'phoneRegistered');

    const passwordHash = await this.hasher.hash(input.password);
    // Spend the code only now, after the slow hash: of two racing registrations one wins it.
    if (!(await code.value.consume())) return fail(RET.NODATA, 'smsCodeUsed');

    let created;
    try {
      created = await this.createAccount({ phone, passwordHash, types }, agreement.value, client);
    } catch (error) {
      // Nothing was written (one transaction), so the person keeps their code and can retry.
      await code.value.restore().catch(() => {});
      throw error;
    }
    if (created === null) return fail(RET.DATAEXIST, 'phoneRegistered');
    return ok(created);
  }

  /** The row of a new account: named after its phone, a doctor pending vetting, its consent. */
  private newUser(account: NewAccount, agreement: Agreement | null, client: ClientInfo): NewUser {
    const { phone, passwordHash, types } = account;
    return {
      phone,
      passwordHash,
      name: phone,
      types,
      createdAt: this.clock.now(),
      expertStatus: types === 'expert' ? 'pending' : null,
      consent: agreement === null ? null : this.consents.consentOf(agreement, client),
    };
  }

  /**
   * Creates an account and logs it in: the one way every registration route creates one
   * (password and SMS code here; mini programs and any later way call it too), so that each
   * records consent alike. `agreement` is what `consents.readAgreement(body.agree)` answered
   * (null: none given, allowed while CONSENT_REQUIRED is off); it is kept with the time,
   * `client.ip` and `client.userAgent`, in the same transaction as the account and its first
   * session. Null, having written nothing, when the phone is already registered.
   */
  async createAccount(
    account: NewAccount,
    agreement: Agreement | null,
    client: ClientInfo,
  ): Promise<(LoggedInAs & { user: User }) | null> {
    const { phone, types } = account;
    const session = this.sessions.prepareSession(client);
    const user = await this.users.createUser(this.newUser(account, agreement, client), session.record);
    if (user === null) return null;
    this.events.registered(types);
    await this.audit.record({
      action: 'register',
      outcome: 'success',
      userId: user.id,
      phone,
      client,
      detail: agreement === null ? types : `${types}; agreed ${agreement.terms},${agreement.privacy}`,
    });
    const deviceMarks = await this.devices.remember(client.deviceMarks ?? [], user.id, null);
    return { user, sessionId: session.id, deviceMarks };
  }

  /**
   * DELETE /users (PIPL Art. 47, issue 15): with fresh proof, the password or an SMS code
   * sent for `delete`, the account and its personal data go at once, in one transaction.
   * Password tries count against the same allowance as logins.
   */
  async deleteAccount(user: User, proof: DeletionProof, client: ClientInfo): Promise<Result> {
    const { password, phoneCode } = proof;
    if (password !== undefined && phoneCode !== undefined) return fail(RET.PARAMERR, 'passwordOrCode');
    let how: string;
    if (password !== undefined) {
      const device = await this.devices.recognise(client.deviceMarks ?? [], user.id);
      const guess = await this.guesses.admit({ phone: user.phone, client, device, action: 'account_delete' });
      if (!guess.ok) return guess;
      if (!(await this.hasher.verify(user.passwordHash, password))) {
        await guess.value.wrong(user.id);
        return fail(RET.PWDERR, 'oldPasswordWrong');
      }
      await guess.value.right();
      how = 'password';
    } else if (phoneCode !== undefined) {
      const code = await this.smsCodes.checkSmsCode('delete', user.phone, phoneCode);
      if (!code.ok) return code;
      if (!(await code.value.consume())) return fail(RET.NODATA, 'smsCodeUsed');
      how = 'sms_code';
    } else return fail(RET.PARAMERR, 'deleteProofMissing');
    // The service keeps an administrator: the last enabled one stays (and is told why).
    if (user.role === 'admin' && !(await this.users.withdrawKeepingAnAdmin(user.id, 'demote')))
      return fail(RET.DATAERR, 'lastAdminDelete');
    // Gone already (a racing deletion won): this request's session went with it.
    if (!(await this.eraser.erase(user, how))) return fail(RET.SESSIONERR);
    return ok();
  }

  /**
   * Opens an account for a person a mini-program platform vouched for (issue 17): no
   * password (its owner sets one with a reset code, or keeps logging in through the
   * platform), linked to the platform's identity, logged in. Null when a racing first
   * login (or a registration) took the phone or the identity meanwhile: nothing was written,
   * and the caller looks the winner up.
   */
  async registerLinkedAccount(
    input: LinkedRegistrationInput,
    identity: LinkIdentity,
    client: ClientInfo,
  ): Promise<Result<LoggedInAs> | null> {
    const types = input.types ?? 'patient';
    if (!ACCOUNT_TYPES.includes(types)) return fail(RET.PARAMERR, 'typesInvalid');
    // Consent as for every registration (issue 15): `agree` checked, recorded with the account.
    const agreement = this.consents.readAgreement(input.agree);
    if (!agreement.ok) return agreement;
    const session = this.sessions.prepareSession(client);
    const user = await this.users.createLinkedUser(
      this.newUser({ phone: input.phone, passwordHash: '', types }, agreement.value, client),
      identity,
      session.record,
    );
    if (user === null) return null;
    this.events.registered(types);
    await this.audit.record({
      action: 'register',
      outcome: 'success',
      userId: user.id,
      phone: input.phone,
      client,
      detail:
        agreement.value === null
          ? `${types} via ${identity.provider}`
          : `${types} via ${identity.provider}; agreed ${agreement.value.terms},${agreement.value.privacy}`,
    });
    await this.audit.record({
      action: 'link',
      outcome: 'success',
      userId: user.id,
      phone: input.phone,
      client,
      detail: identity.provider,
    });
    const deviceMarks = await this.devices.remember(client.deviceMarks ?? [], user.id, null);
    return ok({ sessionId: session.id, deviceMarks });
  }

  /** Logs in a person a mini-program platform vouched for (`method`: the platform). */
  async logInLinked(user: User, client: ClientInfo, method: string): Promise<Result<LoggedInAs>> {
    const device = await this.devices.recognise(client.deviceMarks ?? [], user.id);
    return this.startLoggedIn(user, client, method, device);
  }

  private async startLoggedIn(
    user: User,
    client: ClientInfo,
    method: string,
    device: string | null,
  ): Promise<Result<LoggedInAs>> {
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
    const sessionId = await this.sessions.startSession(user.id, client);
    // Deleted between the lookup and the session (an account deletion racing this login).
    if (sessionId === null) return fail(RET.SESSIONERR, 'accountGone');
    this.events.login('success');
    await this.audit.record({
      action: 'login',
      outcome: 'success',
      userId: user.id,
      phone: user.phone,
      client,
      detail: method,
    });
    const deviceMarks = await this.devices.remember(client.deviceMarks ?? [], user.id, device);
    return ok({ sessionId, deviceMarks });
  }

  /** Contract §2 POST /sessions with a password; the new session id on success. */
  async logIn(input: LoginInput, client: ClientInfo): Promise<Result<LoggedInAs>> {
    const phone = this.settings.phones.normalise(input.phone);
    if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');
    const marks = client.deviceMarks ?? [];
    // A stranger (no mark) is counted before anything is looked up: a flood costs no query.
    const known = marks.length === 0 ? null : await this.users.findUserByPhone(phone);
    const device = known === null ? null : await this.devices.recognise(marks, known.id);
    // Counted before the hash: a guess that finds the allowance spent is never judged.
    const guess = await this.guesses.admit({ phone, client, device, action: 'login' });
    if (!guess.ok) return guess;

    const user = marks.length === 0 ? await this.users.findUserByPhone(phone) : known;
    // An account without a password (opened by a mini program) is judged against the decoy: no password matches.
    const stored = user?.passwordHash || (await this.decoyHash);
    const matches = (await this.hasher.verify(stored, input.password)) && user?.passwordHash !== '';
    if (user === null || !matches) {
      await guess.value.wrong(user?.id ?? null);
      return fail(RET.LOGINERR, 'loginFailed');
    }
    await guess.value.right();
    return this.startLoggedIn(user, client, 'password', device);
  }

  /** POST /sessions with an SMS code sent for the purpose `login`. */
  async logInWithCode(
    input: { phone: string; phoneCode: string },
    client: ClientInfo,
  ): Promise<Result<LoggedInAs>> {
    const phone = this.settings.phones.normalise(input.phone);
    if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');
    // No password lockout here: holding the phone is the proof, and SMS codes keep their
    // own limits (tries per code, wrong guesses per phone per hour).
    const code = await this.smsCodes.checkSmsCode('login', phone, input.phoneCode);
    if (!code.ok) return code;
    const user = await this.users.findUserByPhone(phone);
    if (user === null) return fail(RET.USERERR, 'accountUnknown');
    if (!(await code.value.consume())) return fail(RET.NODATA, 'smsCodeUsed');
    const device = await this.devices.recognise(client.deviceMarks ?? [], user.id);
    return this.startLoggedIn(user, client, 'sms_code', device);
  }

  /** DELETE /sessions: destroys the session (hashed `sessionHash`) on the server, an app's refresh token with it. */
  async logOut(sessionHash: string | undefined, client: ClientInfo): Promise<Result> {
    const session = await this.sessions.resolveSessionByHash(sessionHash);
    if (session === null || !(await this.sessions.endSessionByHash(sessionHash))) return fail(RET.SESSIONERR);
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
    // Whoever knew the old password may have logged in: their devices are strangers again.
    await this.devices.forgetMarksOf(user.id);
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
    currentSessionHash: string,
    input: NewPasswordInput & { oldPassword: string },
    client: ClientInfo,
  ): Promise<Result> {
    const user = await this.users.findUserById(userId);
    if (user === null) return fail(RET.SESSIONERR);
    const rules = this.checkNewPassword(input);
    if (!rules.ok) return rules;
    const device = await this.devices.recognise(client.deviceMarks ?? [], user.id);
    const guess = await this.guesses.admit({ phone: user.phone, client, device, action: 'password_change' });
    if (!guess.ok) return guess;
    if (!(await this.hasher.verify(user.passwordHash, input.oldPassword))) {
      await guess.value.wrong(user.id);
      return fail(RET.PWDERR, 'oldPasswordWrong');
    }
    await guess.value.right();
    await this.users.setPasswordHash(user.id, await this.hasher.hash(input.password));
    const ended = await this.sessions.endSessionsOf(user.id, currentSessionHash);
    await this.devices.forgetMarksOf(user.id, device);
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
