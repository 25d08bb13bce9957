/**
 * The words a program reads in a reply, shared by the server (src/) and the pages (web/src/):
 * the RET table and the `reason` of every refusal. Plain data, no imports, so that both
 * builds can include it. docs/reasons.md is written from this file (a test keeps it so).
 */

/** The RET table of the seed document, codes verbatim (including the seed's `UNKOWNERR`). */
export const RET = {
  OK: '0',
  DBERR: '4001',
  NODATA: '4002',
  DATAEXIST: '4003',
  DATAERR: '4004',
  SESSIONERR: '4101',
  LOGINERR: '4102',
  PARAMERR: '4103',
  USERERR: '4104',
  ROLEERR: '4105',
  PWDERR: '4106',
  REQERR: '4201',
  IPERR: '4202',
  THIRDERR: '4301',
  IOERR: '4302',
  SERVERERR: '4500',
  UNKOWNERR: '4501',
} as const;

export type RetName = keyof typeof RET;
export type Ret = (typeof RET)[RetName];
export type FailureRet = Exclude<Ret, typeof RET.OK>;

/**
 * Why a request was refused: one stable word per refusal, sent as `reason` beside `re_code`
 * and `msg` in every reply whose `re_code` is not "0" (successes carry none). `msg` is for
 * people and may be reworded or translated; `reason` is for programs and never changes
 * meaning. The words are the server's message keys (src/messages.ts), and, for a refusal
 * that says no more than its RET code, the code's own word (RET_REASONS).
 * Where the refusal concerns one request field, the reply also names it in `field`.
 */
export const REASONS = {
  // The RET table's own refusals, when nothing more specific is said.
  storageFailed: 'DBERR: the database or the key-value store did not answer',
  noData: 'NODATA',
  dataExists: 'DATAEXIST',
  dataWrong: 'DATAERR',
  notLoggedIn: 'SESSIONERR: no valid session cookie',
  accountGone: 'SESSIONERR: the account was deleted while this login was under way; no session was started',
  loginRefused: 'LOGINERR',
  paramInvalid: 'PARAMERR',
  userUnknown: 'USERERR',
  roleWrong: 'ROLEERR',
  passwordWrong: 'PWDERR',
  requestRefused: 'REQERR: an HTTP-level refusal with no more specific reason',
  ipRefused: 'IPERR',
  thirdPartyFailed: 'THIRDERR',
  ioFailed: 'IOERR',
  serverFailed: 'SERVERERR: an unexpected failure (HTTP 500)',
  unknownFailure: 'UNKOWNERR',

  // The request itself (PARAMERR unless said otherwise); `field` names the field.
  phoneInvalid: 'PARAMERR: phone is not a mainland-China mobile number',
  typesInvalid: 'PARAMERR: types is neither patient nor expert',
  passwordLength: 'PARAMERR: the password is shorter or longer than the configured rule (msg says it)',
  passwordsDiffer: 'DATAERR: password and password2 differ',
  fieldMissing: 'PARAMERR: a required field is missing (field)',
  fieldNotString: 'PARAMERR: a field is not a JSON string (field)',
  bodyNotObject: 'PARAMERR: the body is not a JSON object',
  fieldEmpty: 'PARAMERR: a field is empty (field)',
  fieldTooLong: 'PARAMERR: a field is longer than allowed (field)',
  fieldMalformed: 'PARAMERR: a field does not have the required form (field)',
  fieldNotAllowed: 'PARAMERR: a field is not one of its allowed values (field)',
  fieldInvalid: 'PARAMERR: a field is invalid in another way (field)',
  bodyNotJson: 'PARAMERR (HTTP 400): the body is not valid JSON',
  contentTypeNotJson: 'PARAMERR (HTTP 415): the body is not application/json',
  bodyTooLarge: 'REQERR (HTTP 413): the body is larger than allowed',
  routeNotFound: 'REQERR (HTTP 404): no such endpoint',
  methodNotAllowed: 'REQERR (HTTP 405): the endpoint does not answer this method (see Allow)',
  crossSiteRefused: 'REQERR: a state-changing request from another site (Origin)',
  passwordOrCode: 'PARAMERR: both password and phone_code were given to log in',
  credentialMissing: 'PARAMERR: neither password nor phone_code was given to log in',

  // Captchas.
  captchaTooOften: 'IPERR: too many captchas drawn from this network (Retry-After)',
  captchaExpired: 'NODATA: no captcha is stored for this uuid (never drawn, expired or used)',
  captchaWrong: 'DATAERR: the captcha text is wrong (the captcha is spent)',
  captchaBusy:
    'REQERR: more requests than CAPTCHA_MAX_WAITING are waiting for a captcha to be drawn (Retry-After)',

  // SMS codes.
  phoneRegistered: 'DATAEXIST: the phone is already registered',
  smsResendTooSoon: 'REQERR: a code was sent to this phone moments ago (Retry-After)',
  smsHourlyQuota: 'REQERR: this phone has had its codes for this hour (Retry-After)',
  smsDailyQuota: 'REQERR: this phone has had its codes for today (Retry-After)',
  smsIpQuota: 'IPERR: too many codes asked from this network (Retry-After)',
  smsBudgetSpent: 'REQERR: the service has sent all the SMS it may this hour (Retry-After)',
  smsProviderFailed: 'THIRDERR: the SMS provider did not send the code',
  smsCodeExpired: 'NODATA: no SMS code is stored for this phone',
  smsCodeDead: 'NODATA: the SMS code was invalidated by too many wrong tries',
  smsCodeUsed: 'NODATA: the SMS code was already used',
  smsCodeWrong: 'DATAERR: the SMS code is wrong',
  smsGuessesQuota: 'REQERR: too many wrong SMS codes for this phone this hour (Retry-After)',
  noSmsForPhone: 'NODATA: test hook: no code was sent to this phone',

  // Accounts.
  accountUnknown: 'USERERR: no active account uses this phone',
  accountDisabled: 'USERERR: the account is disabled',
  oldPasswordWrong: 'PWDERR: the current password is wrong',
  loginFailed: 'LOGINERR: wrong phone number or password (one answer for both)',
  loginLocked: 'REQERR: too many failed logins for this phone (Retry-After)',
  loginIpQuota: 'IPERR: too many failed logins from this network (Retry-After)',

  // Profiles, doctors, administration.
  nameRule: 'PARAMERR: name breaks its rule',
  ageRule: 'PARAMERR: age breaks its rule',
  addressRule: 'PARAMERR: address breaks its rule',
  majorRule: 'PARAMERR: major breaks its rule',
  gradeRule: 'PARAMERR: grade breaks its rule',
  doctorsOnly: 'ROLEERR: only a doctor (types expert) can do this or be the target',
  adminsOnly: 'ROLEERR: only an administrator can do this',
  expertNotFound: 'NODATA: no approved doctor has this id',
  sessionNotFound: 'NODATA: no session of yours has this handle',
  cannotDisableSelf: 'DATAERR: an administrator cannot disable their own account',
  lastAdmin: 'DATAERR: the last enabled administrator can be neither disabled nor demoted',

  // Refused before any route runs (the framework or the HTTP parser).
  urlMalformed: 'PARAMERR (400): the URL cannot be percent-decoded',
  urlTooLong: 'REQERR (414): a parameter in the URL is too long',
  headersTooLarge: 'REQERR (431): the request headers are too large',
  requestMalformed: 'PARAMERR (400): the bytes received are not HTTP',
  requestTimedOut: 'REQERR (408): the request took too long to arrive',

  // The ALTCHA proof of work and the SMS budget (issue 12).
  altchaTooOften: 'IPERR: too many ALTCHA challenges from this network (Retry-After)',
  altchaInvalid: 'DATAERR: the ALTCHA payload is forged, edited or malformed',
  altchaWrong: 'DATAERR: the ALTCHA challenge was not solved',
  altchaExpired: 'NODATA: the ALTCHA challenge expired; fetch a new one',
  altchaUsed: 'NODATA: this ALTCHA solution was used already',
  captchaOrAltcha: 'PARAMERR: send either uuid + img_code_client or altcha, not both and not neither',
  smsRegisterBudgetSpent:
    "REQERR: sign-up codes have used their share of this hour's SMS budget (Retry-After)",

  // Bearer tokens (issue 14).
  refreshTokenInvalid: 'SESSIONERR: the refresh token is unknown, expired or its session ended',
  refreshTokenReused:
    'SESSIONERR: a refresh token was used again after its retry interval; the session is ended',

  // Personal information (issue 15).
  consentMissing: 'PARAMERR: agree is missing (CONSENT_REQUIRED) or empty',
  consentOutdated: 'PARAMERR: agree names other versions than those in force (GET /legal)',
  deleteProofMissing: 'PARAMERR: deleting the account takes password or phone_code (purpose delete)',
  lastAdminDelete: 'DATAERR: the last enabled administrator cannot delete their account',
  // Mini-program logins and linked platforms (issue 17).
  platformOff: 'REQERR: this platform (WeChat or Alipay) is not configured on this server',
  platformCodeInvalid: 'DATAERR: the platform says the login or phone code is wrong, used or expired',
  miniProgramTooOften: 'IPERR: too many mini-program logins or links from this network (Retry-After)',
  platformRateLimited: 'REQERR: the platform is limiting this app’s calls; try again later',
  platformFailed: 'THIRDERR: the platform did not answer in time, or answered what cannot be used',
  phoneRequired: "USERERR: no account is linked to this person yet: send the platform's phone proof too",
  phoneProofInvalid: "DATAERR: the phone response is forged, edited or unreadable (Alipay's signature)",
  platformLinkedElsewhere: 'DATAEXIST: this WeChat or Alipay identity is linked to another account',
  providerAlreadyLinked:
    'DATAEXIST: the account is linked to another identity of this platform; unlink it first',
  linkNotFound: 'NODATA: the account is not linked to this platform',
  lastLoginWay: 'DATAERR: this is the last way to log into the account (no password, no other link)',
} as const satisfies Record<string, string>;

export type Reason = keyof typeof REASONS;

/** The reason of a refusal that says no more than its RET code. */
export const RET_REASONS = {
  [RET.DBERR]: 'storageFailed',
  [RET.NODATA]: 'noData',
  [RET.DATAEXIST]: 'dataExists',
  [RET.DATAERR]: 'dataWrong',
  [RET.SESSIONERR]: 'notLoggedIn',
  [RET.LOGINERR]: 'loginRefused',
  [RET.PARAMERR]: 'paramInvalid',
  [RET.USERERR]: 'userUnknown',
  [RET.ROLEERR]: 'roleWrong',
  [RET.PWDERR]: 'passwordWrong',
  [RET.REQERR]: 'requestRefused',
  [RET.IPERR]: 'ipRefused',
  [RET.THIRDERR]: 'thirdPartyFailed',
  [RET.IOERR]: 'ioFailed',
  [RET.SERVERERR]: 'serverFailed',
  [RET.UNKOWNERR]: 'unknownFailure',
} as const satisfies Record<FailureRet, Reason>;
