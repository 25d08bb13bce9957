import { imageCodeUrl, legalInfo, register, sendSmsCode, type AccountType } from '../api.js';
import { AltchaProof } from '../altcha-widget.js';
import { newCaptchaId } from '../captcha-id.js';
import { ResendCountdown } from '../countdown.js';
import { byId, markBusy, setFlash } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { text } from '../i18n.js';
import { showText, startLocalization } from '../localize.js';
import { registerFailure, smsCodeFailure, type RegisterField } from '../messages.js';
import {
  checkCaptcha,
  checkNewPassword,
  checkPasswordAgain,
  checkPhone,
  checkSmsCode,
  cleanPhone,
} from '../validation.js';

startLocalization();

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
const countdown = new ResendCountdown(sendButton);
const altcha = AltchaProof.of('altcha');

let captchaId = '';

/** The versions the links show, as `agree` sends them (GET /legal); asked again at submit if it failed. */
let agreedVersions: Promise<string | null> = readVersions();

async function readVersions(): Promise<string | null> {
  const result = await legalInfo();
  return result.kind === 'ok' ? result.value.agree : null;
}

/** Draws a new captcha, telling the server to forget the previous one. */
function drawCaptcha(): void {
  const previous = captchaId;
  captchaId = newCaptchaId();
  captcha.value = '';
  captchaImage.src = imageCodeUrl(captchaId, previous);
}

captchaImage.addEventListener('error', () => {
  if (captchaImage.getAttribute('src') !== null)
    messages.show(() => ({ field: 'captcha', text: text().captchaImageFailed }));
});
captchaImage.addEventListener('load', () => {
  if (messages.currentText('captcha') === text().captchaImageFailed) messages.clear('captcha');
});
captchaButton.addEventListener('click', () => {
  messages.clear('captcha');
  drawCaptcha();
});

phone.addEventListener('input', () => {
  // "Sent to 138…" no longer describes the number in the field.
  if (countdown.phoneChanged(cleanPhone(phone.value))) showText(smsStatus, null);
});

/**
 * Shows each local complaint under its field; focuses the first. True when there were none.
 * Each check is a function, of the values as they were, to word its complaint again in
 * another language.
 */
function checkFields(checks: [RegisterField, () => string | null][]): boolean {
  const problems = checks.filter(([, check]) => check() !== null);
  for (const [field, check] of problems) messages.show(() => ({ field, text: check() ?? '' }));
  const first = problems[0];
  if (first !== undefined) messages.focus(first[0]);
  return first === undefined;
}

sendButton.addEventListener('click', async () => {
  messages.clear('form');
  showText(smsStatus, null);
  const typedPhone = phone.value;
  const typedCaptcha = captcha.value;
  // The ALTCHA check, when ticked, stands in for the image captcha (issue 12).
  const proof = altcha.solved();
  const ready = checkFields([
    ['phone', () => checkPhone(typedPhone)],
    ['captcha', () => (proof === null ? checkCaptcha(typedCaptcha) : null)],
  ]);
  if (!ready) return;

  const number = cleanPhone(typedPhone);
  const done = markBusy(sendButton, () => text().sendingCode);
  const result = await sendSmsCode(
    proof === null
      ? { phone: number, img_code_client: typedCaptcha.trim(), uuid: captchaId }
      : { phone: number, altcha: proof },
  );
  if (proof !== null) altcha.spent();
  done();

  if (result.kind === 'ok') {
    messages.clear('phone_code');
    countdown.start(RESEND_SECONDS, number);
    showText(smsStatus, () => text().codeSentTo(number));
    drawCaptcha(); // one captcha, one try: a resend needs a new one
    smsCode.focus();
    return;
  }
  const notice = smsCodeFailure(result, undefined, proof !== null);
  if (notice.newCaptcha) drawCaptcha();
  if (notice.waitSeconds !== null) countdown.start(notice.waitSeconds, number);
  messages.show(() => smsCodeFailure(result, undefined, proof !== null));
  // The busy button lost the keyboard focus: back to it, or to the field to correct.
  if (notice.field === 'phone' || notice.field === 'captcha') messages.focus(notice.field);
  else if (sendButton.disabled) smsCode.focus();
  else sendButton.focus();
});

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
  const ready = checkFields([
    ['types', () => (types === 'patient' || types === 'expert' ? null : text().typesMissing)],
    ['phone', () => checkPhone(typed.phone)],
    ['phone_code', () => checkSmsCode(typed.phone_code)],
    ['password', () => checkNewPassword(typed.password)],
    ['password2', () => checkPasswordAgain(typed.password, typed.password2)],
    ['agree', () => (agreeBox.checked ? null : text().consentMissing)],
  ]);
  if (!ready) return;

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
    countdown.stop();
    setFlash('flashRegistered');
    window.location.assign('/');
    return;
  }
  done();
  const notice = registerFailure(result);
  messages.show(() => registerFailure(result));
  if (notice.field !== 'form') messages.focus(notice.field);
  else submitButton.focus();
});

drawCaptcha();
