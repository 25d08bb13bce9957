import { logIn, logInWithCode } from '../api.js';
import { byId, markBusy, setFlash, takeFlash } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { text } from '../i18n.js';
import { showText } from '../localize.js';
import { startPage } from '../start-page.js';
import { loginFailure, smsLoginFailure, type LoginField, type SmsLoginField } from '../messages.js';
import { SmsCodeSender } from '../sms-sender.js';
import { checkPassword, checkPhone, checkSmsCode, cleanPhone } from '../validation.js';

startPage();

type Field = LoginField | SmsLoginField;

const form = byId('login-form', HTMLFormElement);
const phone = byId('phone', HTMLInputElement);
const password = byId('password', HTMLInputElement);
const captcha = byId('captcha', HTMLInputElement);
const smsCode = byId('phone_code', HTMLInputElement);
const passwordPart = byId('password-part', HTMLElement);
const smsPart = byId('sms-part', HTMLElement);
const modeButton = byId('login-mode', HTMLButtonElement);
const submitButton = byId('login-submit', HTMLButtonElement);
const messages = new FormMessages<Field>(
  form,
  { phone: 'phone', password: 'password', captcha: 'captcha', phone_code: 'phone_code' },
  byId('form-error', HTMLElement),
);
const sender = new SmsCodeSender<Field>('login', messages);

/** Password (the default) or an SMS code sent for 'login'. */
let mode: 'password' | 'sms' = 'password';

function useMode(next: 'password' | 'sms'): void {
  mode = next;
  passwordPart.hidden = next !== 'password';
  smsPart.hidden = next !== 'sms';
  showText(modeButton, () => (mode === 'sms' ? text().passwordLoginSwitch : text().smsLoginSwitch));
  messages.clearAll();
  if (next === 'sms' && captcha.getAttribute('data-drawn') === null) {
    captcha.setAttribute('data-drawn', '');
    sender.drawCaptcha();
  }
}

modeButton.addEventListener('click', () => {
  useMode(mode === 'password' ? 'sms' : 'password');
  // What was typed in the phone field stays; the keyboard goes to the next thing to fill in.
  if (checkPhone(phone.value) !== null) phone.focus();
  else if (mode === 'sms') captcha.focus();
  else password.focus();
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  messages.clearAll();
  const typedPhone = phone.value;
  const typedPassword = password.value;
  const typedCode = smsCode.value;
  const ready =
    mode === 'password'
      ? messages.check([
          ['phone', () => checkPhone(typedPhone)],
          ['password', () => checkPassword(typedPassword)],
        ])
      : messages.check([
          ['phone', () => checkPhone(typedPhone)],
          ['phone_code', () => checkSmsCode(typedCode)],
        ]);
  if (!ready) return;

  const done = markBusy(submitButton, () => text().loggingIn);
  const number = cleanPhone(typedPhone);
  const result =
    mode === 'password'
      ? await logIn({ phone: number, password: typedPassword })
      : await logInWithCode({ phone: number, phone_code: typedCode.replace(/\s/g, '') });
  if (result.kind === 'ok') {
    sender.countdown.stop();
    setFlash('flashLoggedIn');
    window.location.assign('/');
    return;
  }
  done();
  const failure = () => (mode === 'password' ? loginFailure(result) : smsLoginFailure(result));
  messages.showRefusal(failure, submitButton);
});

const flash = takeFlash();
if (flash !== null) showText(byId('status', HTMLElement), flash);
