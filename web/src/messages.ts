import { RET, type Refusal, type Unreachable } from './api.js';

/**
 * What a person is told when a call fails, and next to which field. `form` is the
 * message beside the submit button, for failures that concern no single field.
 *
 * The server's `msg` is shown only where it carries something the page cannot know (the
 * configured password length, a PARAMERR the page cannot place); everywhere else the
 * page words it for the person, from the endpoint, the RET code and, for the codes that
 * mean several things (PARAMERR, DATAERR), key words of the server's sentence.
 */
export interface Notice<Field extends string> {
  field: Field | 'form';
  text: string;
  /** The phone is already registered: offer the login page. */
  offerLogin?: boolean;
}

export type SmsCodeField = 'phone' | 'captcha' | 'phone_code';
export type RegisterField = 'phone' | 'captcha' | 'phone_code' | 'password' | 'password2' | 'types';
export type LoginField = 'phone' | 'password';

export interface SmsCodeNotice extends Notice<SmsCodeField> {
  field: SmsCodeField;
  /** One captcha, one try: the server has spent it, so the page draws a new one. */
  newCaptcha: boolean;
  /** Keep the "get code" button disabled this many seconds (from `Retry-After`). */
  waitSeconds: number | null;
}

export const TEXT = {
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
  passwordMissing: '请输入密码',
  passwordAgainMissing: '请再次输入密码',
  passwordsDiffer: '两次输入的密码不一致',
  typesMissing: '请选择注册身份',
  loginFailed: '手机号或密码不正确',
  refused: '请求被服务器拒绝，请刷新页面后重试',
  checkInput: '填写的内容有误，请检查后重试',
  serverTrouble: '服务器出了点问题，请稍后重试',
} as const;

/** "45 秒", "3 分钟", "2 小时": seconds up to two minutes, so that a 60-second wait reads as one. */
export function formatWait(seconds: number): string {
  if (seconds <= 120) return `${Math.max(1, seconds)} 秒`;
  if (seconds <= 2 * 3600) return `${Math.ceil(seconds / 60)} 分钟`;
  return `${Math.ceil(seconds / 3600)} 小时`;
}

/** "请 45 秒后再试"; "请稍后再试" when the server gave no time. */
export function tryAgainIn(seconds: number | null): string {
  return seconds === null ? '请稍后再试' : `请 ${formatWait(seconds)}后再试`;
}

/** The words for a call that got no readable answer. */
export function unreachableText(result: Unreachable): string {
  switch (result.reason) {
    case 'network':
      return '无法连接服务器，请检查网络后重试';
    case 'timeout':
      return '服务器长时间没有响应，请稍后重试';
    case 'bad-reply':
      return '服务器暂时无法使用，请稍后重试';
  }
}

const mentions = (msg: string, ...words: string[]): boolean => words.some((word) => msg.includes(word));

/** A PARAMERR sentence the page cannot place: the server's own words, unless they are the bare "参数错误". */
const paramSentence = (msg: string): string =>
  msg.trim() === '' || msg === '参数错误' ? TEXT.checkInput : msg;

/**
 * POST /smsCode failures (contract §3, steps 1–7). What concerns neither the phone nor
 * the captcha goes under the "获取验证码" button, where the person is looking.
 */
export function smsCodeFailure(result: Refusal | Unreachable): SmsCodeNotice {
  const kept = { newCaptcha: false, waitSeconds: null };
  if (result.kind === 'unreachable') return { ...kept, field: 'phone_code', text: unreachableText(result) };
  // Every refusal after the format checks comes after the server took the captcha.
  const spent = { newCaptcha: true, waitSeconds: null };
  const wait = { newCaptcha: true, waitSeconds: result.retryAfterSeconds };
  switch (result.code) {
    case RET.PARAMERR:
      if (mentions(result.msg, 'img_code', '图片'))
        return { ...kept, field: 'captcha', text: TEXT.captchaMissing };
      if (mentions(result.msg, 'phone', '手机')) return { ...kept, field: 'phone', text: TEXT.phoneInvalid };
      return { ...kept, field: 'phone_code', text: paramSentence(result.msg) };
    case RET.NODATA:
      return { ...spent, field: 'captcha', text: TEXT.captchaExpired };
    case RET.DATAERR:
      return { ...spent, field: 'captcha', text: TEXT.captchaWrong };
    case RET.DATAEXIST:
      return { ...spent, field: 'phone', text: TEXT.phoneRegistered, offerLogin: true };
    case RET.REQERR:
      if (result.retryAfterSeconds === null) return { ...spent, field: 'phone_code', text: TEXT.refused };
      return {
        ...wait,
        field: 'phone_code',
        text: `获取验证码太频繁，${tryAgainIn(result.retryAfterSeconds)}`,
      };
    case RET.IPERR:
      return {
        ...wait,
        field: 'phone_code',
        text: `当前网络获取验证码的次数太多，${tryAgainIn(result.retryAfterSeconds)}`,
      };
    case RET.THIRDERR:
      return { ...spent, field: 'phone_code', text: TEXT.smsSendFailed };
    default:
      return { ...spent, field: 'phone_code', text: TEXT.serverTrouble };
  }
}

/** POST /register failures (contract §2, steps 1–8). */
export function registerFailure(result: Refusal | Unreachable): Notice<RegisterField> {
  if (result.kind === 'unreachable') return { field: 'form', text: unreachableText(result) };
  switch (result.code) {
    case RET.PARAMERR:
      // PARAMERR names no field, so its sentence is read; "phone_code" before "phone".
      if (mentions(result.msg, 'phone_code', '短信'))
        return { field: 'phone_code', text: TEXT.smsCodeMissing };
      if (mentions(result.msg, 'phone', '手机')) return { field: 'phone', text: TEXT.phoneInvalid };
      if (mentions(result.msg, 'types', '类型')) return { field: 'types', text: TEXT.typesMissing };
      if (mentions(result.msg, 'password', '密码')) return { field: 'password', text: result.msg };
      return { field: 'form', text: paramSentence(result.msg) };
    case RET.DATAERR:
      if (mentions(result.msg, '密码')) return { field: 'password2', text: TEXT.passwordsDiffer };
      return { field: 'phone_code', text: TEXT.smsCodeWrong };
    case RET.NODATA:
      return { field: 'phone_code', text: TEXT.smsCodeExpired };
    case RET.DATAEXIST:
      return { field: 'phone', text: TEXT.phoneRegistered, offerLogin: true };
    case RET.REQERR:
      // With a wait, it is the hourly limit on wrong SMS codes; without, a refused (cross-site) request.
      if (result.retryAfterSeconds === null) return { field: 'form', text: TEXT.refused };
      return {
        field: 'phone_code',
        text: `短信验证码错误次数太多，${tryAgainIn(result.retryAfterSeconds)}`,
      };
    case RET.IPERR:
      return { field: 'form', text: `当前网络的请求太多，${tryAgainIn(result.retryAfterSeconds)}` };
    default:
      return { field: 'form', text: TEXT.serverTrouble };
  }
}

/** POST /sessions failures (contract §2). */
export function loginFailure(result: Refusal | Unreachable): Notice<LoginField> {
  if (result.kind === 'unreachable') return { field: 'form', text: unreachableText(result) };
  switch (result.code) {
    case RET.PARAMERR:
      if (mentions(result.msg, 'phone', '手机')) return { field: 'phone', text: TEXT.phoneInvalid };
      if (mentions(result.msg, 'password', '密码')) return { field: 'password', text: TEXT.passwordMissing };
      return { field: 'form', text: paramSentence(result.msg) };
    case RET.LOGINERR:
      return { field: 'form', text: TEXT.loginFailed };
    case RET.REQERR:
      return {
        field: 'form',
        text:
          result.retryAfterSeconds === null
            ? TEXT.refused
            : `登录失败次数太多，${tryAgainIn(result.retryAfterSeconds)}`,
      };
    case RET.IPERR:
      return {
        field: 'form',
        text: `当前网络登录失败的次数太多，${tryAgainIn(result.retryAfterSeconds)}`,
      };
    default:
      return { field: 'form', text: TEXT.serverTrouble };
  }
}
