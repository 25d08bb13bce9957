import { RET_REASONS, type FailureRet, type Reason, type Ret } from './shared/api-codes.js';

/** The languages a reply's `msg` can be in; Chinese unless the client prefers English. */
export type Language = 'zh' | 'en';

type Params = Readonly<Record<string, string | number>>;
type Text = string | ((params: Params) => string);

/**
 * Every sentence the API says, in each language. Services name a message by its key;
 * the HTTP layer renders it in the language the request prefers.
 */
const CATALOGUE = {
  // The RET table's default messages (contract §5).
  ret0: { zh: '成功', en: 'Success' },
  ret4001: { zh: '数据库查询错误', en: 'Database error' },
  ret4002: { zh: '无数据', en: 'No data' },
  ret4003: { zh: '数据已存在', en: 'Data already exists' },
  ret4004: { zh: '数据错误', en: 'Data error' },
  ret4101: { zh: '用户未登录', en: 'Not logged in' },
  ret4102: { zh: '用户登录失败', en: 'Login failed' },
  ret4103: { zh: '参数错误', en: 'Invalid parameters' },
  ret4104: { zh: '用户不存在或未激活', en: 'User does not exist or is not active' },
  ret4105: { zh: '用户身份错误', en: 'Wrong role for this action' },
  ret4106: { zh: '密码错误', en: 'Wrong password' },
  ret4201: { zh: '非法请求或请求次数受限', en: 'Request refused or rate limited' },
  ret4202: { zh: 'IP受限', en: 'Too many requests from this network' },
  ret4301: { zh: '第三方系统错误', en: 'Third-party service error' },
  ret4302: { zh: '文件读写错误', en: 'File read/write error' },
  ret4500: { zh: '内部错误', en: 'Internal error' },
  ret4501: { zh: '未知错误', en: 'Unknown error' },

  // Successes.
  smsSent: { zh: '验证码发送成功', en: 'Verification code sent' },
  registered: { zh: '注册成功', en: 'Registered' },
  loggedIn: { zh: '登陆成功', en: 'Logged in' },
  loggedOut: { zh: '退出成功', en: 'Logged out' },
  found: { zh: '查询成功', en: 'Found' },

  // Input.
  phoneInvalid: { zh: '手机号格式错误', en: 'Not a valid mainland-China mobile number' },
  typesInvalid: { zh: '用户类型只能是 patient 或 expert', en: 'types must be patient or expert' },
  passwordLength: {
    zh: (p) => `密码长度须为 ${p.min}–${p.max} 个字符`,
    en: (p) => `The password must be ${p.min} to ${p.max} characters long`,
  },
  passwordsDiffer: { zh: '两次输入的密码不一致', en: 'The two passwords differ' },
  fieldMissing: { zh: (p) => `缺少参数 ${p.field}`, en: (p) => `${p.field} is missing` },
  fieldNotString: { zh: (p) => `参数 ${p.field} 必须是字符串`, en: (p) => `${p.field} must be a string` },
  bodyNotObject: { zh: '请求体必须是 JSON 对象', en: 'The body must be a JSON object' },
  fieldEmpty: { zh: (p) => `参数 ${p.field} 不能为空`, en: (p) => `${p.field} must not be empty` },
  fieldTooLong: {
    zh: (p) => `参数 ${p.field} 过长（最多 ${p.limit} 个字符）`,
    en: (p) => `${p.field} is too long (at most ${p.limit} characters)`,
  },
  fieldMalformed: { zh: (p) => `参数 ${p.field} 格式错误`, en: (p) => `${p.field} is malformed` },
  fieldNotAllowed: {
    zh: (p) => `参数 ${p.field} 只能是 ${p.allowed}`,
    en: (p) => `${p.field} must be one of ${p.allowed}`,
  },
  fieldInvalid: { zh: (p) => `参数 ${p.field} 错误`, en: (p) => `${p.field} is invalid` },
  bodyNotJson: { zh: '请求体不是合法的 JSON', en: 'The body is not valid JSON' },
  contentTypeNotJson: {
    zh: '请求体必须是 JSON（Content-Type: application/json）',
    en: 'The body must be JSON (Content-Type: application/json)',
  },
  bodyTooLarge: { zh: '请求体过大', en: 'The body is too large' },
  routeNotFound: { zh: '接口不存在', en: 'No such endpoint' },
  methodNotAllowed: { zh: '请求方法不被允许', en: 'Method not allowed on this endpoint' },
  urlMalformed: { zh: '请求地址格式错误', en: 'The request URL is malformed' },
  urlTooLong: { zh: '请求地址中的参数过长', en: 'A parameter in the request URL is too long' },
  headersTooLarge: { zh: '请求头过大', en: 'The request headers are too large' },
  requestMalformed: { zh: '请求格式错误', en: 'The request is not valid HTTP' },
  requestTimedOut: { zh: '请求超时', en: 'The request took too long to arrive' },
  crossSiteRefused: { zh: '跨站请求被拒绝', en: 'Cross-site request refused' },

  accountGone: { zh: '该账号已注销，未能登录', en: 'This account has been deleted; you were not logged in' },

  // Captcha.
  captchaTooOften: {
    zh: '获取图片验证码过于频繁，请稍后再试',
    en: 'Too many captchas from this network; try later',
  },
  captchaExpired: {
    zh: '图片验证码已过期或不存在，请刷新',
    en: 'The image code has expired or does not exist; get a new one',
  },
  captchaWrong: { zh: '图片验证码错误', en: 'The image code is wrong' },
  captchaBusy: {
    zh: '图片验证码生成繁忙，请稍后再试',
    en: 'Too many image codes are being drawn; try again in a moment',
  },

  // ALTCHA proof of work (issue 12).
  altchaTooOften: {
    zh: '获取验证题过于频繁，请稍后再试',
    en: 'Too many verification challenges from this network; try later',
  },
  altchaInvalid: {
    zh: '无障碍验证数据无效，请重新验证',
    en: 'The verification is not valid; verify again',
  },
  altchaWrong: { zh: '无障碍验证未通过，请重新验证', en: 'The verification failed; verify again' },
  altchaExpired: {
    zh: '无障碍验证已过期，请重新验证',
    en: 'The verification has expired; verify again',
  },
  altchaUsed: {
    zh: '该无障碍验证已使用过，请重新验证',
    en: 'This verification was already used; verify again',
  },
  captchaOrAltcha: {
    zh: '图片验证码（uuid、img_code_client）与 altcha 只能提供其中之一',
    en: 'Give either the image code (uuid, img_code_client) or altcha, not both',
  },
  altchaChallenge: { zh: '验证题已生成', en: 'Challenge issued' },

  // SMS codes.
  phoneRegistered: { zh: '该手机号已注册', en: 'This phone number is already registered' },
  smsResendTooSoon: {
    zh: (p) => `发送过于频繁，请 ${p.seconds} 秒后再试`,
    en: (p) => `Please wait ${p.seconds} s before asking for another code`,
  },
  smsHourlyQuota: {
    zh: '该手机号本小时验证码发送次数已达上限',
    en: 'This phone has had as many codes as allowed this hour',
  },
  smsDailyQuota: {
    zh: '该手机号今日验证码发送次数已达上限',
    en: 'This phone has had as many codes as allowed today',
  },
  smsIpQuota: {
    zh: '该网络发送验证码过于频繁，请稍后再试',
    en: 'Too many codes asked from this network; try later',
  },
  smsBudgetSpent: { zh: '短信服务繁忙，请稍后再试', en: 'The SMS service is busy; try later' },
  smsRegisterBudgetSpent: {
    zh: '注册验证码发送繁忙，请稍后再试',
    en: 'Too many sign-up codes are being sent; try later',
  },
  smsProviderFailed: { zh: '短信发送失败，请稍后再试', en: 'The SMS could not be sent; try again later' },
  smsCodeExpired: {
    zh: '短信验证码已过期或不存在，请重新获取',
    en: 'The SMS code has expired or does not exist; ask for a new one',
  },
  smsCodeDead: {
    zh: '短信验证码已失效，请重新获取',
    en: 'The SMS code is no longer valid; ask for a new one',
  },
  smsCodeUsed: {
    zh: '短信验证码已被使用，请重新获取',
    en: 'The SMS code was already used; ask for a new one',
  },
  smsCodeWrong: { zh: '短信验证码错误', en: 'The SMS code is wrong' },
  smsGuessesQuota: {
    zh: (p) => `验证码错误次数过多，请 ${p.seconds} 秒后再试`,
    en: (p) => `Too many wrong codes; try again in ${p.seconds} s`,
  },

  accountUnknown: { zh: '该手机号未注册或已停用', en: 'No active account uses this phone number' },

  accountDisabled: { zh: '该账号已停用', en: 'This account has been disabled' },
  oldPasswordWrong: { zh: '原密码错误', en: 'The current password is wrong' },
  passwordReset: { zh: '密码重置成功', en: 'Password reset' },
  passwordChanged: { zh: '密码修改成功', en: 'Password changed' },

  // The profile's rules, their limits from src/shared/profile-fields.ts.
  nameRule: {
    zh: (p) => `姓名须为 1–${p.max} 个字符`,
    en: (p) => `The name must be 1 to ${p.max} characters long`,
  },
  ageRule: {
    zh: (p) => `年龄须为 ${p.min}–${p.max} 的整数`,
    en: (p) => `The age must be a whole number from ${p.min} to ${p.max}`,
  },
  addressRule: {
    zh: (p) => `地址最多 ${p.max} 个字符`,
    en: (p) => `The address must be at most ${p.max} characters long`,
  },
  majorRule: {
    zh: (p) => `专业最多 ${p.max} 个字符`,
    en: (p) => `The speciality must be at most ${p.max} characters long`,
  },
  gradeRule: {
    zh: (p) => `职称只能是 ${String(p.choices).split('|').join(' 或 ')}`,
    en: (p) => `grade must be ${String(p.choices).split('|').join(' or ')}`,
  },
  doctorsOnly: { zh: '仅医生账号可以进行此操作', en: 'Only doctors can do this' },
  adminsOnly: { zh: '仅管理员可以进行此操作', en: 'Only administrators can do this' },
  cannotDisableSelf: { zh: '不能停用自己的账号', en: 'You cannot disable your own account' },
  lastAdmin: {
    zh: '这是最后一位启用的管理员，不能停用或取消其管理员身份',
    en: 'This is the last enabled administrator: it can be neither disabled nor demoted',
  },
  expertNotFound: { zh: '没有这位医生', en: 'No such doctor' },
  sessionNotFound: { zh: '没有这个会话', en: 'No such session' },
  profileUpdated: { zh: '修改成功', en: 'Saved' },
  done: { zh: '操作成功', en: 'Done' },

  passwordOrCode: {
    zh: 'password 与 phone_code 只能提供其中之一',
    en: 'Give either password or phone_code, not both',
  },
  credentialMissing: {
    zh: '缺少参数 password（用短信验证码登录时为 phone_code）',
    en: 'password is missing (or phone_code, to log in with an SMS code)',
  },

  // Logging in.
  loginFailed: { zh: '手机号或密码错误', en: 'Wrong phone number or password' },
  loginLocked: {
    zh: (p) => `登录失败次数过多，请 ${p.seconds} 秒后再试`,
    en: (p) => `Too many failed logins; try again in ${p.seconds} s`,
  },
  loginIpQuota: {
    zh: '该网络登录失败次数过多，请稍后再试',
    en: 'Too many failed logins from this network; try later',
  },

  // Bearer tokens (issue 14).
  tokensRefreshed: { zh: '令牌已更新', en: 'Tokens renewed' },
  refreshTokenInvalid: {
    zh: '刷新令牌无效或已过期，请重新登录',
    en: 'The refresh token is invalid or has expired; log in again',
  },
  refreshTokenReused: {
    zh: '刷新令牌已被使用过，会话已结束，请重新登录',
    en: 'The refresh token was already used; the session has ended, log in again',
  },

  // Personal information (issue 15).
  consentMissing: {
    zh: '请先阅读并同意《用户协议》和《隐私政策》',
    en: 'Read and agree to the User Agreement and the Privacy Policy first',
  },
  consentOutdated: {
    zh: (p) => `《用户协议》或《隐私政策》已更新，请重新阅读并同意（当前版本 ${p.terms},${p.privacy}）`,
    en: (p) =>
      `The User Agreement or the Privacy Policy has changed; read and agree again (now ${p.terms},${p.privacy})`,
  },
  deleteProofMissing: {
    zh: '注销账号须再次输入密码（或用途为 delete 的短信验证码）',
    en: 'Deleting the account takes your password again (or an SMS code sent for the purpose delete)',
  },
  lastAdminDelete: {
    zh: '这是最后一位启用的管理员，不能注销',
    en: 'This is the last enabled administrator: the account cannot be deleted',
  },
  consentRecorded: { zh: '已同意', en: 'Agreement recorded' },
  accountDeleted: { zh: '账号已注销', en: 'Account deleted' },
  // Mini-program logins (issue 17).
  linked: { zh: '绑定成功', en: 'Linked' },
  unlinked: { zh: '解绑成功', en: 'Unlinked' },
  platformOff: { zh: '服务器未开通该平台的登录', en: 'Logins from this platform are not enabled here' },
  platformCodeInvalid: {
    zh: '授权码无效或已过期，请重新授权',
    en: 'The authorisation code is invalid or has expired; authorise again',
  },
  miniProgramTooOften: {
    zh: '登录请求过于频繁，请稍后再试',
    en: 'Too many mini-program logins from this network; try later',
  },
  platformRateLimited: { zh: '平台调用过于频繁，请稍后再试', en: 'The platform is busy; try again later' },
  platformFailed: { zh: '平台服务暂不可用，请稍后再试', en: 'The platform did not answer; try again later' },
  phoneRequired: {
    zh: '首次登录需要授权手机号',
    en: 'The first login needs your phone number: allow the mini program to use it',
  },
  phoneProofInvalid: { zh: '手机号授权数据无效', en: 'The phone authorisation is not valid' },
  platformLinkedElsewhere: {
    zh: '该微信或支付宝账号已绑定其他用户',
    en: 'This WeChat or Alipay account is linked to another user',
  },
  providerAlreadyLinked: {
    zh: '该账号已绑定另一个同平台账号，请先解绑',
    en: 'This account is linked to another account of this platform; unlink it first',
  },
  linkNotFound: { zh: '未绑定该平台', en: 'Not linked to this platform' },
  lastLoginWay: {
    zh: '这是账号唯一的登录方式，请先设置密码再解绑',
    en: 'This is the only way to log into the account: set a password before unlinking',
  },

  // Test hooks.
  noSmsForPhone: { zh: '没有发往该号码的验证码', en: 'No code was sent to this phone' },
} satisfies Record<`ret${Ret}`, Record<Language, Text>> & Record<string, Record<Language, Text>>;

export type MessageKey = keyof typeof CATALOGUE;

/** The messages that say a request succeeded; every other key names a refusal. */
export type SuccessKey =
  | 'ret0'
  | 'smsSent'
  | 'registered'
  | 'loggedIn'
  | 'loggedOut'
  | 'found'
  | 'passwordReset'
  | 'passwordChanged'
  | 'profileUpdated'
  | 'altchaChallenge'
  | 'tokensRefreshed'
  | 'consentRecorded'
  | 'accountDeleted'
  | 'linked'
  | 'unlinked'
  | 'done';

/** A refusal's own message key is its `reason` (src/shared/api-codes.ts); the RET defaults map by code. */
export type RefusalKey = Exclude<MessageKey, SuccessKey | `ret${FailureRet}`>;

// A refusal message without a reason in the shared list (or the reverse) fails the type check:
// add the new key to REASONS in src/shared/api-codes.ts, with the line that documents it.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const everyRefusalIsAReason: Same<RefusalKey | (typeof RET_REASONS)[FailureRet], Reason> = true;
void everyRefusalIsAReason;

/** The `reason` of a refusal said with this message. */
export function reasonOf(code: FailureRet, message: Message): Reason {
  return message.key.startsWith('ret') ? RET_REASONS[code] : (message.key as RefusalKey);
}

/** A sentence named by key, with the values it mentions. */
export interface Message {
  key: MessageKey;
  params?: Params;
}

export function retMessageKey(code: Ret): MessageKey {
  return `ret${code}`;
}

export function renderMessage(message: Message, language: Language): string {
  const text: Text = (CATALOGUE[message.key] as Record<Language, Text>)[language];
  return typeof text === 'string' ? text : text(message.params ?? {});
}

/**
 * The language an `Accept-Language` header prefers among ours: English when an English
 * tag outranks every Chinese one, Chinese otherwise (the default of the seed).
 */
export function preferredLanguage(header: string | undefined): Language {
  if (header === undefined || header === '') return 'zh';
  let best: { language: Language; q: number } | undefined;
  for (const part of header.slice(0, 512).split(',')) {
    const [tag = '', ...attributes] = part.trim().toLowerCase().split(';');
    const qAttribute = attributes.find((a) => a.trim().startsWith('q='));
    const q = qAttribute === undefined ? 1 : Number(qAttribute.trim().slice(2));
    if (!Number.isFinite(q) || q <= 0) continue;
    const language: Language | undefined = tag.startsWith('en')
      ? 'en'
      : tag.startsWith('zh')
        ? 'zh'
        : undefined;
    if (language !== undefined && (best === undefined || q > best.q)) best = { language, q };
  }
  return best?.language ?? 'zh';
}
