import { currentLanguage, type Language } from './language.js';

/**
 * Every word the pages show, in Chinese and in English: page titles, headings, labels,
 * buttons, hints, alt and aria-label texts, the countdown, and every message of
 * messages.ts and validation.ts.
 *
 * The Chinese catalogue is the reference; the English one is typed against it, so that a
 * key missing from it, or one it has that Chinese lacks, does not compile. Entries that
 * take values are functions, so each language orders the words its own way.
 *
 * The HTML files carry the Chinese words as their content without script; an element
 * that shows a catalogue entry names it in `data-i18n` (its text) or `data-i18n-alt`,
 * `data-i18n-aria-label`, … (an attribute). test/web/language.test.ts checks that those
 * names exist here and that the HTML says what the Chinese catalogue says.
 *
 * Not here: the two options of the language switch, which name each language in itself
 * ("中文", "English", each with its `lang`) whatever the page's language.
 */

export type TimeUnit = 'seconds' | 'minutes' | 'hours';

const ZH_UNITS: Record<TimeUnit, string> = { seconds: '秒', minutes: '分钟', hours: '小时' };
const EN_SHORT_UNITS: Record<TimeUnit, string> = { seconds: 's', minutes: 'min', hours: 'h' };

const zhCN = {
  // Every page.
  brand: 'Medicine 医疗服务',
  languageSwitch: '语言',

  // Page titles (document.title).
  titleHome: 'Medicine 医疗服务',
  titleRegister: '注册 - Medicine 医疗服务',
  titleLogin: '登录 - Medicine 医疗服务',
  titleNotFound: '页面不存在 - Medicine 医疗服务',

  // Home.
  checkingSession: '正在查询登录状态…',
  hello: (name: string) => `你好，${name}`,
  profilePhone: '手机号',
  profileType: '身份',
  patient: '患者',
  expert: '医生',
  logOut: '退出登录',
  loggingOut: '正在退出…',
  loggedOut: '你已退出登录',
  logoutFailed: (reason: string) => `退出失败：${reason}`,
  welcomeTitle: '欢迎使用 Medicine',
  welcomeText: '请登录你的账号；还没有账号的话，用手机号注册一个。',
  logInLink: '登录',
  registerLink: '注册新账号',
  failedTitle: '暂时无法显示你的账号',
  retry: '重试',
  flashRegistered: '注册成功，欢迎你！',
  flashLoggedIn: '登录成功',

  // The login and register forms.
  loginTitle: '登录',
  registerTitle: '注册账号',
  iAm: '我是',
  phoneLabel: '手机号',
  captchaLabel: '图片验证码',
  captchaAlt: '图片验证码，点击换一张',
  captchaHint: '不区分大小写；看不清就点图片换一张',
  smsCodeLabel: '短信验证码',
  sendCode: '获取验证码',
  sendCodeAgain: '重新获取验证码',
  sendingCode: '正在发送…',
  resendIn: (wait: string) => `${wait}后重新获取`,
  codeSentTo: (phone: string) => `验证码已发送到 ${phone}，请查收`,
  passwordLabel: '密码',
  passwordHint: '至少 8 位',
  password2Label: '确认密码',
  registerButton: '注册',
  registering: '正在注册…',
  loginButton: '登录',
  loggingIn: '正在登录…',
  haveAccount: '已有账号？',
  toLogin: '登录',
  noAccount: '还没有账号？',
  toRegister: '注册',
  offerLoginJoin: '。',
  offerLogin: '去登录',

  // The 404 page.
  notFoundTitle: '页面不存在',
  notFoundText: '你要找的页面不在这里，可能是地址输错了。',
  backHome: '回到首页',

  // What a person is told when something fails (messages.ts, validation.ts).
  phoneMissing: '请输入手机号',
  phoneInvalid: '请输入正确的 11 位手机号码',
  phoneRegistered: '这个手机号已经注册过了',
  captchaMissing: '请输入图片中的字符',
  captchaWrong: '图片验证码不正确，已换一张新的，请重新输入',
  captchaExpired: '图片验证码已过期，已换一张新的，请重新输入',
  captchaImageFailed: '验证码图片没有加载出来，请点击图片重试',
  smsCodeMissing: '请输入短信验证码',
  smsCodeFormat: '短信验证码是 6 位数字',
  smsCodeWrong: '短信验证码不正确，请检查后重新输入',
  smsCodeExpired: '短信验证码已失效，请重新获取',
  smsSendFailed: '短信发送失败，请稍后重试',
  newPasswordMissing: '请设置密码',
  passwordTooShort: (min: number) => `密码至少 ${min} 位`,
  passwordTooLong: (max: number) => `密码最多 ${max} 位`,
  passwordMissing: '请输入密码',
  passwordAgainMissing: '请再次输入密码',
  passwordsDiffer: '两次输入的密码不一致',
  typesMissing: '请选择注册身份',
  loginFailed: '手机号或密码不正确',
  refused: '请求被服务器拒绝，请刷新页面后重试',
  checkInput: '填写的内容有误，请检查后重试',
  serverTrouble: '服务器出了点问题，请稍后重试',
  unreachableNetwork: '无法连接服务器，请检查网络后重试',
  unreachableTimeout: '服务器长时间没有响应，请稍后重试',
  unreachableBadReply: '服务器暂时无法使用，请稍后重试',
  smsTooOften: (tryAgain: string) => `获取验证码太频繁，${tryAgain}`,
  smsNetworkTooOften: (tryAgain: string) => `当前网络获取验证码的次数太多，${tryAgain}`,
  smsCodeTooManyWrong: (tryAgain: string) => `短信验证码错误次数太多，${tryAgain}`,
  networkTooManyRequests: (tryAgain: string) => `当前网络的请求太多，${tryAgain}`,
  loginTooManyFailures: (tryAgain: string) => `登录失败次数太多，${tryAgain}`,
  loginNetworkTooManyFailures: (tryAgain: string) => `当前网络登录失败的次数太多，${tryAgain}`,
  /** "请 45 秒后再试"; "请稍后再试" when the server gave no time. */
  tryAgainIn: (wait: string | null) => (wait === null ? '请稍后再试' : `请 ${wait}后再试`),
  /** A wait in a sentence: "45 秒". */
  duration: (amount: number, unit: TimeUnit) => `${amount} ${ZH_UNITS[unit]}`,
  /** A wait on a button, where room is short: the same in Chinese. */
  durationShort: (amount: number, unit: TimeUnit) => `${amount} ${ZH_UNITS[unit]}`,
};

/** The shape of a catalogue: Chinese's keys, each a string or a function of the same values. */
export type Catalogue = { readonly [Key in keyof typeof zhCN]: (typeof zhCN)[Key] };

const en: Catalogue = {
  brand: 'Medicine Health',
  languageSwitch: 'Language',

  titleHome: 'Medicine Health',
  titleRegister: 'Register - Medicine Health',
  titleLogin: 'Log in - Medicine Health',
  titleNotFound: 'Page not found - Medicine Health',

  checkingSession: 'Checking whether you are logged in…',
  hello: (name) => `Hello, ${name}`,
  profilePhone: 'Mobile number',
  profileType: 'Account type',
  patient: 'Patient',
  expert: 'Doctor',
  logOut: 'Log out',
  loggingOut: 'Logging out…',
  loggedOut: 'You have logged out',
  logoutFailed: (reason) => `Could not log out: ${reason}`,
  welcomeTitle: 'Welcome to Medicine',
  welcomeText: 'Log in to your account. No account yet? Register one with your mobile number.',
  logInLink: 'Log in',
  registerLink: 'Register',
  failedTitle: 'Your account cannot be shown right now',
  retry: 'Try again',
  flashRegistered: 'You are registered. Welcome!',
  flashLoggedIn: 'You are logged in',

  loginTitle: 'Log in',
  registerTitle: 'Create an account',
  iAm: 'I am a',
  phoneLabel: 'Mobile number',
  captchaLabel: 'Image code',
  captchaAlt: 'Image code; click for a new one',
  captchaHint: 'Not case-sensitive. Hard to read? Click the picture for a new one.',
  smsCodeLabel: 'SMS code',
  sendCode: 'Get code',
  sendCodeAgain: 'Get a new code',
  sendingCode: 'Sending…',
  resendIn: (wait) => `Resend in ${wait}`,
  codeSentTo: (phone) => `A code was sent to ${phone}. Check your messages.`,
  passwordLabel: 'Password',
  passwordHint: 'At least 8 characters',
  password2Label: 'Confirm password',
  registerButton: 'Register',
  registering: 'Registering…',
  loginButton: 'Log in',
  loggingIn: 'Logging in…',
  haveAccount: 'Already registered? ',
  toLogin: 'Log in',
  noAccount: 'No account yet? ',
  toRegister: 'Register',
  offerLoginJoin: '. ',
  offerLogin: 'Log in instead',

  notFoundTitle: 'Page not found',
  notFoundText: 'The page you are looking for is not here. Perhaps the address was mistyped.',
  backHome: 'Back to the home page',

  phoneMissing: 'Enter your mobile number',
  phoneInvalid: 'Enter a valid 11-digit mobile number',
  phoneRegistered: 'This mobile number is already registered',
  captchaMissing: 'Enter the characters in the picture',
  captchaWrong: 'The image code was wrong. Here is a new one: enter its characters',
  captchaExpired: 'The image code had expired. Here is a new one: enter its characters',
  captchaImageFailed: 'The image code did not load. Click the picture to try again',
  smsCodeMissing: 'Enter the SMS code',
  smsCodeFormat: 'The SMS code is 6 digits',
  smsCodeWrong: 'The SMS code is not right. Check it and enter it again',
  smsCodeExpired: 'The SMS code is no longer valid. Get a new one',
  smsSendFailed: 'The SMS could not be sent. Try again later',
  newPasswordMissing: 'Choose a password',
  passwordTooShort: (min) => `The password needs at least ${min} characters`,
  passwordTooLong: (max) => `The password can have at most ${max} characters`,
  passwordMissing: 'Enter your password',
  passwordAgainMissing: 'Enter the password again',
  passwordsDiffer: 'The two passwords are not the same',
  typesMissing: 'Choose patient or doctor',
  loginFailed: 'Wrong mobile number or password',
  refused: 'The server refused the request. Reload the page and try again',
  checkInput: 'Something you entered is not right. Check it and try again',
  serverTrouble: 'Something went wrong on the server. Try again later',
  unreachableNetwork: 'Cannot reach the server. Check your connection and try again',
  unreachableTimeout: 'The server is not answering. Try again later',
  unreachableBadReply: 'The server is not available right now. Try again later',
  smsTooOften: (tryAgain) => `Too many code requests. ${tryAgain}`,
  smsNetworkTooOften: (tryAgain) => `Too many code requests from this network. ${tryAgain}`,
  smsCodeTooManyWrong: (tryAgain) => `Too many wrong SMS codes. ${tryAgain}`,
  networkTooManyRequests: (tryAgain) => `Too many requests from this network. ${tryAgain}`,
  loginTooManyFailures: (tryAgain) => `Too many failed logins. ${tryAgain}`,
  loginNetworkTooManyFailures: (tryAgain) => `Too many failed logins from this network. ${tryAgain}`,
  tryAgainIn: (wait) => (wait === null ? 'Try again later' : `Try again in ${wait}`),
  duration: (amount, unit) => `${amount} ${amount === 1 ? unit.slice(0, -1) : unit}`,
  durationShort: (amount, unit) => `${amount} ${EN_SHORT_UNITS[unit]}`,
};

const CATALOGUES: Readonly<Record<Language, Catalogue>> = { 'zh-CN': zhCN, en };

/** The words of `language`, by default the page's current one. */
export function text(language: Language = currentLanguage()): Catalogue {
  return CATALOGUES[language];
}

/** The catalogue keys whose entry is a plain string: those an HTML element may name in `data-i18n`. */
export type StaticKey = {
  [Key in keyof Catalogue]: Catalogue[Key] extends string ? Key : never;
}[keyof Catalogue];

export function isStaticKey(key: string): key is StaticKey {
  return Object.hasOwn(zhCN, key) && typeof zhCN[key as keyof Catalogue] === 'string';
}
