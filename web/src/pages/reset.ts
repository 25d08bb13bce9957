import { resetPassword } from '../api.js';
import { byId, markBusy, setFlash } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { text } from '../i18n.js';
import { startPage } from '../start-page.js';
import '../styles/sign-in.css';
import { resetFailure, type ResetField } from '../messages.js';
import { SmsCodeSender } from '../sms-sender.js';
import { checkNewPassword, checkPasswordAgain, checkPhone, checkSmsCode, cleanPhone } from '../validation.js';

startPage();

const form = byId('reset-form', HTMLFormElement);
const phone = byId('phone', HTMLInputElement);
const smsCode = byId('phone_code', HTMLInputElement);
const password = byId('password', HTMLInputElement);
const password2 = byId('password2', HTMLInputElement);
const submitButton = byId('reset-submit', HTMLButtonElement);
const messages = new FormMessages<ResetField>(
  form,
  {
    phone: 'phone',
    captcha: 'captcha',
    phone_code: 'phone_code',
    password: 'password',
    password2: 'password2',
  },
  byId('form-error', HTMLElement),
);
const sender = new SmsCodeSender<ResetField>('reset', messages);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  messages.clearAll();
  const typed = {
    phone: phone.value,
    phone_code: smsCode.value,
    password: password.value,
    password2: password2.value,
  };
  // One thing at a time, in the order of the form; a skipped get-code step is named as such.
  const problem = messages.firstProblem([
    ['phone', () => checkPhone(typed.phone)],
    ['captcha', () => sender.stepMissing(typed.phone_code)],
    ['phone_code', () => checkSmsCode(typed.phone_code)],
    ['password', () => checkNewPassword(typed.password)],
    ['password2', () => checkPasswordAgain(typed.password, typed.password2)],
  ]);
  if (problem === 'captcha') sender.focusStep();
  if (problem !== null) return;

  const done = markBusy(submitButton, () => text().resetting);
  const result = await resetPassword({
    phone: cleanPhone(typed.phone),
    phone_code: typed.phone_code.replace(/\s/g, ''),
    password: typed.password,
    password2: typed.password2,
  });
  if (result.kind === 'ok') {
    sender.countdown.stop();
    setFlash('flashPasswordReset');
    window.location.assign('/login');
    return;
  }
  done();
  messages.showRefusal(() => resetFailure(result), submitButton);
});

sender.drawCaptcha();
