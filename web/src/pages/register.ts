import { imageCodeUrl, register, sendSmsCode, type AccountType } from '../api.js';
import { newCaptchaId } from '../captcha-id.js';
import { ResendCountdown } from '../countdown.js';
import { byId, markBusy, setFlash } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { registerFailure, smsCodeFailure, TEXT, type RegisterField } from '../messages.js';
import {
  checkCaptcha,
  checkNewPassword,
  checkPasswordAgain,
  checkPhone,
  checkSmsCode,
  cleanPhone,
} from '../validation.js';

/** The server's resend window (contract §3); a longer one comes back as REQERR with Retry-After. */
const RESEND_SECONDS = 60;

const form = byId('register-form', HTMLFormElement);
const phone = byId('phone', HTMLInputElement);
const captcha = byId('captcha', HTMLInputElement);
const captchaImage = byId('captcha-image', HTMLImageElement);
const captchaButton = byId('captcha-refresh', HTMLButtonElement);
const smsCode = byId('phone_code', HTMLInputElement);
const sendButton = byId('send-sms', HTMLButtonElement);
const smsStatus = byId('sms-status', HTMLElement);
const password = byId('password', HTMLInputElement);
const password2 = byId('password2', HTMLInputElement);
const submitButton = byId('register-submit', HTMLButtonElement);

const messages = new FormMessages<RegisterField>(
  form,
  {
    phone: 'phone',
    captcha: 'captcha',
    phone_code: 'phone_code',
    password: 'password',
    password2: 'password2',
    types: 'types',
  },
  byId('form-error', HTMLElement),
);
const countdown = new ResendCountdown(sendButton, '获取验证码', '重新获取验证码');

let captchaId = '';

/** Draws a new captcha, telling the server to forget the previous one. */
function drawCaptcha(): void {
  const previous = captchaId;
  captchaId = newCaptchaId();
  captcha.value = '';
  captchaImage.src = imageCodeUrl(captchaId, previous);
}

captchaImage.addEventListener('error', () => {
  if (captchaImage.getAttribute('src') !== null)
    messages.show({ field: 'captcha', text: TEXT.captchaImageFailed });
});
captchaImage.addEventListener('load', () => {
  if (messages.currentText('captcha') === TEXT.captchaImageFailed) messages.clear('captcha');
});
captchaButton.addEventListener('click', () => {
  messages.clear('captcha');
  drawCaptcha();
});

phone.addEventListener('input', () => {
  // "Sent to 138…" no longer describes the number in the field.
  if (countdown.phoneChanged(cleanPhone(phone.value))) smsStatus.textContent = '';
});

/** Shows each local complaint under its field; focuses the first. True when there were none. */
function checkFields(checks: [RegisterField, string | null][]): boolean {
  const problems = checks.filter((check): check is [RegisterField, string] => check[1] !== null);
  for (const [field, text] of problems) messages.show({ field, text });
  const first = problems[0];
  if (first !== undefined) messages.focus(first[0]);
  return first === undefined;
}

sendButton.addEventListener('click', async () => {
  messages.clear('form');
  smsStatus.textContent = '';
  const ready = checkFields([
    ['phone', checkPhone(phone.value)],
    ['captcha', checkCaptcha(captcha.value)],
  ]);
  if (!ready) return;

  const number = cleanPhone(phone.value);
  const done = markBusy(sendButton, '正在发送…');
  const result = await sendSmsCode({ phone: number, img_code_client: captcha.value.trim(), uuid: captchaId });
  done();

  if (result.kind === 'ok') {
    messages.clear('phone_code');
    countdown.start(RESEND_SECONDS, number);
    smsStatus.textContent = `验证码已发送到 ${number}，请查收`;
    drawCaptcha(); // one captcha, one try: a resend needs a new one
    smsCode.focus();
    return;
  }
  const notice = smsCodeFailure(result);
  if (notice.newCaptcha) drawCaptcha();
  if (notice.waitSeconds !== null) countdown.start(notice.waitSeconds, number);
  messages.show(notice);
  // The busy button lost the keyboard focus: back to it, or to the field to correct.
  if (notice.field === 'phone' || notice.field === 'captcha') messages.focus(notice.field);
  else if (sendButton.disabled) smsCode.focus();
  else sendButton.focus();
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  messages.clearAll();
  const types = new FormData(form).get('types');
  const ready = checkFields([
    ['types', types === 'patient' || types === 'expert' ? null : TEXT.typesMissing],
    ['phone', checkPhone(phone.value)],
    ['phone_code', checkSmsCode(smsCode.value)],
    ['password', checkNewPassword(password.value)],
    ['password2', checkPasswordAgain(password.value, password2.value)],
  ]);
  if (!ready) return;

  const done = markBusy(submitButton, '正在注册…');
  const result = await register({
    phone: cleanPhone(phone.value),
    phone_code: smsCode.value.replace(/\s/g, ''),
    password: password.value,
    password2: password2.value,
    types: types as AccountType,
  });
  if (result.kind === 'ok') {
    countdown.stop();
    setFlash('注册成功，欢迎你！');
    window.location.assign('/');
    return;
  }
  done();
  const notice = registerFailure(result);
  messages.show(notice);
  if (notice.field !== 'form') messages.focus(notice.field);
  else submitButton.focus();
});

drawCaptcha();
