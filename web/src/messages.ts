import { RET, type Reason, type Refusal, type Unreachable } from './api.js';
import { text, type Catalogue, type TimeUnit } from './i18n.js';
import type { Language } from './language.js';

/**
 * What a person is told when a call fails, and next to which field. `form` is the
 * message beside the submit button, for failures that concern no single field.
 *
 * The server's `msg` is shown only where it carries something the page cannot know (the
 * configured password length, a PARAMERR the page cannot place); everywhere else the
 * page words it for the person, from the endpoint, the RET code and, for the codes that
 * mean several things (PARAMERR, DATAERR, REQERR), the refusal's `reason` and `field`
 * (docs/reasons.md): never the words of `msg`.
 *
 * The words come from the catalogue of i18n.ts, in `language` (by default the page's);
 * a page that switches language asks again, so a message shown follows the switch.
 */
export interface Notice<Field extends string> {
  field: Field | 'form';
  text: string;
  /** The phone is already registered: offer the login page. */
  offerLogin?: boolean;
  /** No account uses the phone: offer the register page. */
  offerRegister?: boolean;
}

export type SmsCodeField = 'phone' | 'captcha' | 'phone_code';
export type RegisterField = 'phone' | 'captcha' | 'phone_code' | 'password' | 'password2' | 'types' | 'agree';
export type LoginField = 'phone' | 'password';
export type SmsLoginField = 'phone' | 'captcha' | 'phone_code';
export type ResetField = 'phone' | 'captcha' | 'phone_code' | 'password' | 'password2';
export type ProfileField = 'name' | 'age' | 'address' | 'major' | 'grade';
export type PasswordChangeField = 'old_password' | 'password' | 'password2';
/** The admin page's one field: the phone searched for. */
export type AdminField = 'phone';

export interface SmsCodeNotice extends Notice<SmsCodeField> {
  field: SmsCodeField;
  /** One captcha, one try: the server has spent it, so the page draws a new one. */
  newCaptcha: boolean;
  /** Keep the "get code" button disabled this many seconds (from `Retry-After`). */
  waitSeconds: number | null;
}

/**
 * "45 秒" / "45 seconds", "3 分钟", "2 小时": seconds up to two minutes, so that a
 * 60-second wait reads as one. `short` is for a button: "45 s" in English.
 */
export function formatWait(
  seconds: number,
  style: 'long' | 'short' = 'long',
  words: Catalogue = text(),
): string {
  const [amount, unit]: [number, TimeUnit] =
    seconds <= 120
      ? [Math.max(1, seconds), 'seconds']
      : seconds <= 2 * 3600
        ? [Math.ceil(seconds / 60), 'minutes']
        : [Math.ceil(seconds / 3600), 'hours'];
  return style === 'short' ? words.durationShort(amount, unit) : words.duration(amount, unit);
}

/** "请 45 秒后再试" / "Try again in 45 seconds"; "请稍后再试" when the server gave no time. */
export function tryAgainIn(seconds: number | null, words: Catalogue = text()): string {
  return words.tryAgainIn(seconds === null ? null : formatWait(seconds, 'long', words));
}

/** The words for a call that got no readable answer. */
export function unreachableText(result: Unreachable, language?: Language): string {
  const words = text(language);
  switch (result.reason) {
    case 'network':
      return words.unreachableNetwork;
    case 'timeout':
      return words.unreachableTimeout;
    case 'bad-reply':
      return words.unreachableBadReply;
  }
}

/** The field a refusal's reason is about when the reply names none. */
const REASON_FIELDS: Partial<Record<Reason, string>> = {
  phoneInvalid: 'phone',
  typesInvalid: 'types',
  passwordLength: 'password',
  passwordsDiffer: 'password2',
  nameRule: 'name',
  ageRule: 'age',
  addressRule: 'address',
  majorRule: 'major',
  gradeRule: 'grade',
};

/** The request field a refusal is about, or null. */
const fieldOf = (result: Refusal): string | null => result.field ?? REASON_FIELDS[result.reason] ?? null;

/** A PARAMERR sentence the page cannot place: the server's own words, unless they are the bare RET default. */
const paramSentence = (result: Refusal, words: Catalogue): string =>
  result.reason === 'paramInvalid' || result.msg.trim() === '' ? words.checkInput : result.msg;

/**
 * POST /smsCode failures (contract §3, steps 1–7). What concerns neither the phone nor
 * the captcha goes under the "获取验证码" button, where the person is looking.
 */
export function smsCodeFailure(
  result: Refusal | Unreachable,
  language?: Language,
  /** The ALTCHA check stood in for the image: its refusals say so (issue 12). */
  usedAltcha = false,
): SmsCodeNotice {
  const words = text(language);
  const kept = { newCaptcha: false, waitSeconds: null };
  if (result.kind === 'unreachable') {
    return { ...kept, field: 'phone_code', text: unreachableText(result, language) };
  }
  // Every refusal after the format checks comes after the server took the captcha.
  const spent = { newCaptcha: true, waitSeconds: null };
  const wait = { newCaptcha: true, waitSeconds: result.retryAfterSeconds };
  const tryAgain = tryAgainIn(result.retryAfterSeconds, words);
  switch (result.code) {
    case RET.PARAMERR:
      if (fieldOf(result) === 'img_code_client') {
        return { ...kept, field: 'captcha', text: words.captchaMissing };
      }
      if (fieldOf(result) === 'phone') return { ...kept, field: 'phone', text: words.phoneInvalid };
      return { ...kept, field: 'phone_code', text: paramSentence(result, words) };
    case RET.NODATA:
      return { ...spent, field: 'captcha', text: usedAltcha ? words.altchaAgain : words.captchaExpired };
    case RET.DATAERR:
      return { ...spent, field: 'captcha', text: usedAltcha ? words.altchaAgain : words.captchaWrong };
    case RET.DATAEXIST:
      return { ...spent, field: 'phone', text: words.phoneRegistered, offerLogin: true };
    case RET.USERERR:
      // Purpose 'login' or 'reset': no active account uses the phone.
      return { ...spent, field: 'phone', text: words.phoneUnknown, offerRegister: true };
    case RET.REQERR:
      if (result.retryAfterSeconds === null) return { ...spent, field: 'phone_code', text: words.refused };
      return { ...wait, field: 'phone_code', text: words.smsTooOften(tryAgain) };
    case RET.IPERR:
      return { ...wait, field: 'phone_code', text: words.smsNetworkTooOften(tryAgain) };
    case RET.THIRDERR:
      return { ...spent, field: 'phone_code', text: words.smsSendFailed };
    default:
      return { ...spent, field: 'phone_code', text: words.serverTrouble };
  }
}

/** POST /register failures (contract §2, steps 1–8). */
export function registerFailure(result: Refusal | Unreachable, language?: Language): Notice<RegisterField> {
  const words = text(language);
  if (result.kind === 'unreachable') return { field: 'form', text: unreachableText(result, language) };
  const tryAgain = tryAgainIn(result.retryAfterSeconds, words);
  switch (result.code) {
    case RET.PARAMERR:
      // Issue 15: the box was not ticked, or the documents changed since the page was loaded.
      if (result.reason === 'consentMissing') return { field: 'agree', text: words.consentMissing };
      if (result.reason === 'consentOutdated') return { field: 'agree', text: words.consentOutdated };
      switch (fieldOf(result)) {
        case 'phone_code':
          return { field: 'phone_code', text: words.smsCodeMissing };
        case 'phone':
          return { field: 'phone', text: words.phoneInvalid };
        case 'types':
          return { field: 'types', text: words.typesMissing };
        case 'password':
        case 'password2':
          // The server's length rule, which may be configured otherwise than the page's.
          return { field: 'password', text: result.msg };
        default:
          return { field: 'form', text: paramSentence(result, words) };
      }
    case RET.DATAERR:
      if (result.reason === 'passwordsDiffer') return { field: 'password2', text: words.passwordsDiffer };
      return { field: 'phone_code', text: words.smsCodeWrong };
    case RET.NODATA:
      return { field: 'phone_code', text: words.smsCodeExpired };
    case RET.DATAEXIST:
      return { field: 'phone', text: words.phoneRegistered, offerLogin: true };
    case RET.REQERR:
      // With a wait, it is the hourly limit on wrong SMS codes; without, a refused (cross-site) request.
      if (result.retryAfterSeconds === null) return { field: 'form', text: words.refused };
      return { field: 'phone_code', text: words.smsCodeTooManyWrong(tryAgain) };
    case RET.IPERR:
      return { field: 'form', text: words.networkTooManyRequests(tryAgain) };
    default:
      return { field: 'form', text: words.serverTrouble };
  }
}

/** POST /sessions failures (contract §2). */
export function loginFailure(result: Refusal | Unreachable, language?: Language): Notice<LoginField> {
  const words = text(language);
  if (result.kind === 'unreachable') return { field: 'form', text: unreachableText(result, language) };
  const tryAgain = tryAgainIn(result.retryAfterSeconds, words);
  switch (result.code) {
    case RET.PARAMERR:
      if (fieldOf(result) === 'phone') return { field: 'phone', text: words.phoneInvalid };
      if (fieldOf(result) === 'password' || result.reason === 'credentialMissing')
        return { field: 'password', text: words.passwordMissing };
      return { field: 'form', text: paramSentence(result, words) };
    case RET.LOGINERR:
      return { field: 'form', text: words.loginFailed };
    case RET.USERERR:
      return { field: 'form', text: words.accountDisabled };
    case RET.REQERR:
      return {
        field: 'form',
        text: result.retryAfterSeconds === null ? words.refused : words.loginTooManyFailures(tryAgain),
      };
    case RET.IPERR:
      return { field: 'form', text: words.loginNetworkTooManyFailures(tryAgain) };
    default:
      return { field: 'form', text: words.serverTrouble };
  }
}

/** The failures an SMS code itself meets (POST /sessions with a code, POST /passwords/reset). */
function smsCodeUseFailure(result: Refusal, words: Catalogue): { field: 'phone_code'; text: string } | null {
  switch (result.code) {
    case RET.NODATA:
      return { field: 'phone_code', text: words.smsCodeExpired };
    case RET.DATAERR:
      return result.reason === 'passwordsDiffer' ? null : { field: 'phone_code', text: words.smsCodeWrong };
    default:
      return null;
  }
}

/** POST /sessions with an SMS code: the code, the phone's lockout, an unknown or disabled account. */
export function smsLoginFailure(result: Refusal | Unreachable, language?: Language): Notice<SmsLoginField> {
  const words = text(language);
  if (result.kind === 'unreachable') return { field: 'form', text: unreachableText(result, language) };
  const tryAgain = tryAgainIn(result.retryAfterSeconds, words);
  const codeFailure = smsCodeUseFailure(result, words);
  if (codeFailure !== null) return codeFailure;
  switch (result.code) {
    case RET.PARAMERR:
      if (fieldOf(result) === 'phone_code' || result.reason === 'credentialMissing')
        return { field: 'phone_code', text: words.smsCodeMissing };
      if (fieldOf(result) === 'phone') return { field: 'phone', text: words.phoneInvalid };
      return { field: 'form', text: paramSentence(result, words) };
    case RET.USERERR:
      return { field: 'phone', text: words.phoneUnknown, offerRegister: true };
    case RET.REQERR:
      if (result.retryAfterSeconds === null) return { field: 'form', text: words.refused };
      // The wrong-code limit, or the login lockout.
      if (result.reason === 'smsGuessesQuota')
        return { field: 'phone_code', text: words.smsCodeTooManyWrong(tryAgain) };
      return { field: 'form', text: words.loginTooManyFailures(tryAgain) };
    case RET.IPERR:
      return { field: 'form', text: words.loginNetworkTooManyFailures(tryAgain) };
    default:
      return { field: 'form', text: words.serverTrouble };
  }
}

/** POST /passwords/reset failures. */
export function resetFailure(result: Refusal | Unreachable, language?: Language): Notice<ResetField> {
  const words = text(language);
  if (result.kind === 'unreachable') return { field: 'form', text: unreachableText(result, language) };
  const tryAgain = tryAgainIn(result.retryAfterSeconds, words);
  const codeFailure = smsCodeUseFailure(result, words);
  if (codeFailure !== null) return codeFailure;
  switch (result.code) {
    case RET.PARAMERR:
      switch (fieldOf(result)) {
        case 'phone_code':
          return { field: 'phone_code', text: words.smsCodeMissing };
        case 'phone':
          return { field: 'phone', text: words.phoneInvalid };
        case 'password':
        case 'password2':
          // The server's length rule, which may be configured otherwise than the page's.
          return { field: 'password', text: result.msg };
        default:
          return { field: 'form', text: paramSentence(result, words) };
      }
    case RET.DATAERR:
      return { field: 'password2', text: words.passwordsDiffer };
    case RET.USERERR:
      return { field: 'phone', text: words.phoneUnknown, offerRegister: true };
    case RET.REQERR:
      if (result.retryAfterSeconds === null) return { field: 'form', text: words.refused };
      return { field: 'phone_code', text: words.smsCodeTooManyWrong(tryAgain) };
    case RET.IPERR:
      return { field: 'form', text: words.networkTooManyRequests(tryAgain) };
    default:
      return { field: 'form', text: words.serverTrouble };
  }
}

/** What a call of a logged-in page tells when it fails for no field: the session, the network, the server. */
export function pageFailureText(result: Refusal | Unreachable, language?: Language): string {
  const words = text(language);
  if (result.kind === 'unreachable') return unreachableText(result, language);
  if (result.code === RET.SESSIONERR) return words.needLoginText;
  if (result.code === RET.REQERR)
    return result.retryAfterSeconds === null
      ? words.refused
      : words.networkTooManyRequests(tryAgainIn(result.retryAfterSeconds, words));
  return words.serverTrouble;
}

/** PUT /users failures: the server's rule names the field. */
export function profileFailure(result: Refusal | Unreachable, language?: Language): Notice<ProfileField> {
  const words = text(language);
  if (result.kind === 'refused' && result.code === RET.PARAMERR) {
    switch (fieldOf(result)) {
      case 'name':
        return { field: 'name', text: words.nameTooLong };
      case 'age':
        return { field: 'age', text: words.ageInvalid };
      case 'address':
        return { field: 'address', text: words.addressTooLong };
      case 'major':
        return { field: 'major', text: words.majorTooLong };
      case 'grade':
        return { field: 'grade', text: result.msg };
      default:
        return { field: 'form', text: paramSentence(result, words) };
    }
  }
  return { field: 'form', text: pageFailureText(result, language) };
}

/** PUT /passwords failures: a wrong current password counts toward the login lockout. */
export function passwordChangeFailure(
  result: Refusal | Unreachable,
  language?: Language,
): Notice<PasswordChangeField> {
  const words = text(language);
  if (result.kind === 'unreachable') return { field: 'form', text: unreachableText(result, language) };
  const tryAgain = tryAgainIn(result.retryAfterSeconds, words);
  switch (result.code) {
    case RET.PWDERR:
      return { field: 'old_password', text: words.oldPasswordWrong };
    case RET.PARAMERR:
      if (fieldOf(result) === 'old_password') return { field: 'old_password', text: words.passwordMissing };
      if (fieldOf(result) === 'password' || fieldOf(result) === 'password2')
        return { field: 'password', text: result.msg };
      return { field: 'form', text: paramSentence(result, words) };
    case RET.DATAERR:
      return { field: 'password2', text: words.passwordsDiffer };
    case RET.REQERR:
      if (result.retryAfterSeconds === null) return { field: 'form', text: words.refused };
      return { field: 'form', text: words.loginTooManyFailures(tryAgain) };
    case RET.IPERR:
      return { field: 'form', text: words.loginNetworkTooManyFailures(tryAgain) };
    default:
      return { field: 'form', text: pageFailureText(result, language) };
  }
}

export type DeleteField = 'delete_password' | 'delete_confirm';

/** DELETE /users failures (issue 15): a wrong password counts toward the login lockout, as at login. */
export function deleteFailure(result: Refusal | Unreachable, language?: Language): Notice<DeleteField> {
  const words = text(language);
  if (result.kind === 'unreachable') return { field: 'form', text: unreachableText(result, language) };
  const tryAgain = tryAgainIn(result.retryAfterSeconds, words);
  switch (result.code) {
    case RET.PWDERR:
      return { field: 'delete_password', text: words.oldPasswordWrong };
    case RET.DATAERR:
      // The last enabled administrator: the server's sentence says why.
      return { field: 'form', text: result.msg };
    case RET.REQERR:
      if (result.retryAfterSeconds === null) return { field: 'form', text: words.refused };
      return { field: 'form', text: words.loginTooManyFailures(tryAgain) };
    case RET.IPERR:
      return { field: 'form', text: words.loginNetworkTooManyFailures(tryAgain) };
    default:
      return { field: 'form', text: pageFailureText(result, language) };
  }
}

/** GET /admin/users and PUT /admin/users/:id failures. */
export function adminFailure(result: Refusal | Unreachable, language?: Language): Notice<AdminField> {
  const words = text(language);
  if (result.kind === 'unreachable') return { field: 'form', text: unreachableText(result, language) };
  switch (result.code) {
    case RET.USERERR:
      return { field: 'form', text: words.userUnknown };
    case RET.PARAMERR:
      return { field: 'phone', text: words.phoneInvalid };
    case RET.ROLEERR:
      // Doctors only (the target), or admins only (the person: their role was taken away meanwhile).
      if (result.reason === 'doctorsOnly') return { field: 'form', text: words.notADoctor };
      return { field: 'form', text: words.adminsOnlyText };
    default:
      return { field: 'form', text: pageFailureText(result, language) };
  }
}
