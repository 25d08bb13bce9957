import { legalInfo, register, type AccountType } from '../api.js';
import { byId, markBusy, setFlash } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { text } from '../i18n.js';
import { startPage } from '../start-page.js';
import '../styles/sign-in.css';
import { registerFailure, type RegisterField } from '../messages.js';
import { SmsCodeSender } from '../sms-sender.js';
import { checkNewPassword, checkPasswordAgain, checkPhone, checkSmsCode, cleanPhone } from '../validation.js';

startPage();

const form = byId('register-form', HTMLFormElement);
const phone = byId('phone', HTMLInputElement);
const smsCode = byId('phone_code', HTMLInputElement);
const password = byId('password', HTMLInputElement);
const password2 = byId('password2', HTMLInputElement);
const submitButton = byId('register-submit', HTMLButtonElement);
const agreeBox = byId('agree', HTMLInputElement);

const messages = new FormMessages<RegisterField>(
  form,
  {
    phone: 'phone',
    captcha: 'captcha',
    phone_code: 'phone_code',
    password: 'password',
    password2: 'password2',
    types: 'types',
    agree: 'agree',
  },
  byId('form-error', HTMLElement),
);
const sender = new SmsCodeSender<RegisterField>('register', messages);

/** The versions the links show, as `agree` sends them (GET /legal); asked again at submit if it failed. */
let agreedVersions: Promise<string | null> = readVersions();

async function readVersions(): Promise<string | null> {
  const result = await legalInfo();
  return result.kind === 'ok' ? result.value.agree : null;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  messages.clearAll();
  const types = new FormData(form).get('types');
  const typed = {
    phone: phone.value,
    phone_code: smsCode.value,
    password: password.value,
    password2: password2.value,
  };
  // One thing at a time, in the order of the form; a skipped get-code step is named as such.
  const problem = messages.firstProblem([
    ['types', () => (types === 'patient' || types === 'expert' ? null : text().typesMissing)],
    ['phone', () => checkPhone(typed.phone)],
    ['captcha', () => sender.stepMissing(typed.phone_code)],
    ['phone_code', () => checkSmsCode(typed.phone_code)],
    ['password', () => checkNewPassword(typed.password)],
    ['password2', () => checkPasswordAgain(typed.password, typed.password2)],
    ['agree', () => (agreeBox.checked ? null : text().consentMissing)],
  ]);
  if (problem === 'captcha') sender.focusStep();
  if (problem !== null) return;

  const done = markBusy(submitButton, () => text().registering);
  let agree = await agreedVersions;
  if (agree === null) agree = await (agreedVersions = readVersions());
  if (agree === null) {
    // Without the versions the box agreed to, the consent could not be recorded: nothing is sent.
    done();
    messages.show(() => ({ field: 'form', text: text().unreachableNetwork }));
    return;
  }
  const result = await register({
    agree,
    phone: cleanPhone(typed.phone),
    phone_code: typed.phone_code.replace(/\s/g, ''),
    password: typed.password,
    password2: typed.password2,
    types: types as AccountType,
  });
  if (result.kind === 'ok') {
    sender.countdown.stop();
    setFlash('flashRegistered');
    window.location.assign('/');
    return;
  }
  done();
  messages.showRefusal(() => registerFailure(result), submitButton);
});

sender.drawCaptcha();
