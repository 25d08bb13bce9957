import { moderateUser, type AdminAction } from '../api.js';
import { byId, markBusy } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { GuardedPage } from '../guarded.js';
import { text } from '../i18n.js';
import { showText } from '../localize.js';
import { startPage } from '../start-page.js';
import { adminFailure, type AdminField } from '../messages.js';

startPage();

const page = new GuardedPage(['admin', 'forbidden'], ({ account }) =>
  page.show(account.role === 'admin' ? 'admin' : 'forbidden'),
);

const form = byId('admin-form', HTMLFormElement);
const userId = byId('user_id', HTMLInputElement);
const result = byId('admin-result', HTMLElement);
const messages = new FormMessages<AdminField>(form, { user_id: 'user_id' }, byId('form-error', HTMLElement));

const isAction = (value: string | undefined): value is AdminAction =>
  value === 'approve' || value === 'reject' || value === 'disable' || value === 'enable';

// Enter in the id field must not pick an action for the person.
form.addEventListener('submit', (event) => event.preventDefault());

for (const button of form.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
  const action = button.dataset.action;
  if (!isAction(action)) throw new Error(`unknown action ${String(action)}`);
  button.addEventListener('click', async () => {
    messages.clearAll();
    showText(result, null);
    const id = userId.value.trim();
    const problem =
      id === '' ? text().userIdMissing : /^[1-9]\d{0,9}$/.test(id) ? null : text().userIdInvalid;
    if (problem !== null) {
      messages.show(() => ({
        field: 'user_id',
        text: id === '' ? text().userIdMissing : text().userIdInvalid,
      }));
      messages.focus('user_id');
      return;
    }
    const done = markBusy(button, () => text().working);
    const reply = await moderateUser(Number(id), action);
    done();
    if (reply.kind === 'ok') {
      showText(result, () => text().adminDone(action, id));
      button.focus();
      return;
    }
    messages.showRefusal(() => adminFailure(reply), button);
  });
}

void page.load();
