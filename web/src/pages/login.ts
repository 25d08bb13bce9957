import { logIn } from '../api.js';
import { byId, markBusy, setFlash } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { loginFailure, type LoginField } from '../messages.js';
import { checkPassword, checkPhone, cleanPhone } from '../validation.js';

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
  const problems = (
    [
      ['phone', checkPhone(phone.value)],
      ['password', checkPassword(password.value)],
    ] as const
  ).filter(([, text]) => text !== null);
  for (const [field, text] of problems) messages.show({ field, text: text ?? '' });
  const first = problems[0];
  if (first !== undefined) {
    messages.focus(first[0]);
    return;
  }

  const done = markBusy(submitButton, '正在登录…');
  const result = await logIn({ phone: cleanPhone(phone.value), password: password.value });
  if (result.kind === 'ok') {
    setFlash('登录成功');
    window.location.assign('/');
    return;
  }
  done();
  const notice = loginFailure(result);
  messages.show(notice);
  if (notice.field !== 'form') messages.focus(notice.field);
  else submitButton.focus();
});
