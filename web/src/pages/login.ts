import { logIn, logInWithCode } from '../api.js';
import { byId, markBusy, setFlash, takeFlash } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { text } from '../i18n.js';
import { showText } from '../localize.js';
import { startPage } from '../start-page.js';
import '../styles/sign-in.css';
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
const phoneField = byId('phone-field', HTMLElement);
const tabs = { password: byId('tab-password', HTMLButtonElement), sms: byId('tab-sms', HTMLButtonElement) };
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
  for (const [name, tab] of Object.entries(tabs)) {
    const selected = name === next;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  passwordPart.hidden = next !== 'password';
  smsPart.hidden = next !== 'sms';
  messages.clearAll();
  // The password tab always asks for the phone; the SMS tab hides it once a code is sent to it.
  if (next === 'sms') sender.showState();
  else phoneField.hidden = false;
  if (next === 'sms' && captcha.getAttribute('data-drawn') === null) {
    captcha.setAttribute('data-drawn', '');
    sender.drawCaptcha();
  }
}

// Tabs (WAI-ARIA): a click or the arrow keys choose; what was typed in the phone field stays.
const order = ['password', 'sms'] as const;
for (const name of order) {
  tabs[name].addEventListener('click', () => {
    if (mode !== name) useMode(name);
  });
  tabs[name].addEventListener('keydown', (event) => {
    const at = order.indexOf(mode);
    const to =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? order[(at + 1) % order.length]
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? order[(at + order.length - 1) % order.length]
          : event.key === 'Home'
            ? order[0]
            : event.key === 'End'
              ? order[order.length - 1]
              : undefined;
    if (to === undefined) return;
    event.preventDefault();
    useMode(to);
    tabs[to].focus();
  });
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  messages.clearAll();
  const typedPhone = phone.value;
  const typedPassword = password.value;
  const typedCode = smsCode.value;
  const problem =
    mode === 'password'
      ? messages.firstProblem([
          ['phone', () => checkPhone(typedPhone)],
          ['password', () => checkPassword(typedPassword)],
        ])
      : messages.firstProblem([
          ['phone', () => checkPhone(typedPhone)],
          ['captcha', () => sender.stepMissing(typedCode)],
          ['phone_code', () => checkSmsCode(typedCode)],
        ]);
  if (problem === 'captcha') sender.focusStep();
  if (problem !== null) return;

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
