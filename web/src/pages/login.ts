import { logIn } from '../api.js';
import { byId, markBusy, setFlash } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { text } from '../i18n.js';
import { startLocalization } from '../localize.js';
import { loginFailure, type LoginField } from '../messages.js';
import { checkPassword, checkPhone, cleanPhone } from '../validation.js';

startLocalization();

const form = byId('login-form', HTMLFormElement);
const phone = byId('phone', HTMLInputElement);
const password = byId('password', HTMLInputElement);
const submitButton = byId('login-submit', HTMLButtonElement);
const messages = new FormMessages<LoginField>(
  form,
  { phone: 'phone', password: 'password' },
  byId('form-error', HTMLElement),
);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  messages.clearAll();
  const typedPhone = phone.value;
  const typedPassword = password.value;
  const checks: [LoginField, () => string | null][] = [
    ['phone', () => checkPhone(typedPhone)],
    ['password', () => checkPassword(typedPassword)],
  ];
  const problems = checks.filter(([, check]) => check() !== null);
  for (const [field, check] of problems) messages.show(() => ({ field, text: check() ?? '' }));
  const first = problems[0];
  if (first !== undefined) {
    messages.focus(first[0]);
    return;
  }

  const done = markBusy(submitButton, () => text().loggingIn);
  const result = await logIn({ phone: cleanPhone(typedPhone), password: typedPassword });
  if (result.kind === 'ok') {
    setFlash('flashLoggedIn');
    window.location.assign('/');
    return;
  }
  done();
  const notice = loginFailure(result);
  messages.show(() => loginFailure(result));
  if (notice.field !== 'form') messages.focus(notice.field);
  else submitButton.focus();
});
