import { listUsersForAdmin, moderateUser, type AdminAction, type AdminListedUser } from '../api.js';
import { byId, markBusy } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { GuardedPage } from '../guarded.js';
import { text } from '../i18n.js';
import { showText } from '../localize.js';
import { startPage } from '../start-page.js';
import { adminFailure, type AdminField } from '../messages.js';

startPage();

const page = new GuardedPage(['admin', 'forbidden'], ({ account }) => {
  page.show(account.role === 'admin' ? 'admin' : 'forbidden');
  if (account.role === 'admin') void showQueue();
});

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
    if (action === 'disable' && !window.confirm(text().confirmDisable(`ID ${id}`))) return;
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

// The queue: the doctors awaiting approval, or the account of the phone searched for.
const queue = byId('queue', HTMLUListElement);
const queueStatus = byId('queue-status', HTMLElement);
const search = byId('queue-search', HTMLFormElement);
const searchPhone = byId('queue-phone', HTMLInputElement);
const QUEUE_PAGE = 50;

function statusOf(user: AdminListedUser): string {
  const words = text();
  if (user.disabled) return words.statusDisabled;
  if (user.expert_status === 'pending') return words.statusPending;
  if (user.expert_status === 'approved') return words.statusApproved;
  if (user.expert_status === 'rejected') return words.statusRejected;
  return '';
}

function rowButton(label: () => string, kind: string, onClick: () => Promise<void>): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `button ${kind}`;
  showText(button, label);
  button.addEventListener('click', () => void onClick());
  return button;
}

function rowOf(user: AdminListedUser): HTMLLIElement {
  const row = document.createElement('li');
  const line = document.createElement('span');
  showText(line, () => text().queueRow(user.name, user.phone, user.user_id, statusOf(user)));
  const actions = document.createElement('div');
  actions.className = 'actions';
  const act = (action: AdminAction) => async () => {
    if (action === 'disable' && !window.confirm(text().confirmDisable(user.name))) return;
    const reply = await moderateUser(user.user_id, action);
    if (reply.kind === 'ok') {
      showText(queueStatus, () => text().adminDone(action, String(user.user_id)));
      await showQueue(false);
    } else {
      showText(queueStatus, () => adminFailure(reply).text);
    }
  };
  if (user.types === 'expert' && user.expert_status !== 'approved')
    actions.append(rowButton(() => text().queueApprove(user.name), 'primary', act('approve')));
  if (user.types === 'expert' && user.expert_status !== 'rejected')
    actions.append(rowButton(() => text().queueReject(user.name), 'secondary', act('reject')));
  if (!user.disabled)
    actions.append(rowButton(() => text().queueDisable(user.name), 'danger', act('disable')));
  row.append(line, actions);
  return row;
}

/** Lists the pending doctors, or the account of the phone in the search box; `announce` says how many. */
async function showQueue(announce = true): Promise<void> {
  const phone = searchPhone.value.trim();
  const reply = await listUsersForAdmin(phone === '' ? { status: 'pending' } : { phone }, 1, QUEUE_PAGE);
  if (reply.kind !== 'ok') {
    showText(queueStatus, () => adminFailure(reply).text);
    return;
  }
  queue.replaceChildren(...reply.value.data.map(rowOf));
  if (reply.value.data.length === 0)
    showText(queueStatus, () => (phone === '' ? text().queueEmpty : text().queueFoundNone));
  else if (announce) showText(queueStatus, null);
}

search.addEventListener('submit', (event) => {
  event.preventDefault();
  void showQueue();
});

void page.load();
