import { listUsersForAdmin, moderateUser, type AdminAction, type AdminListedUser } from '../api.js';
import { confirmAction } from '../confirm-dialog.js';
import { byId } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { GuardedPage } from '../guarded.js';
import { text } from '../i18n.js';
import { onLanguageChange, showText } from '../localize.js';
import { startPage } from '../start-page.js';
import { adminFailure, type AdminField } from '../messages.js';
import { hasChosenName, initialOf } from '../people.js';
import { checkPhone, cleanPhone } from '../validation.js';
import '../styles/lists.css';

startPage();

/*
 * The admin page (issue 16): the queue of doctors awaiting approval, with approve and reject
 * beside each; a search by phone for any account, to disable (asked first, in a <dialog>) or
 * enable it.
 */

const page = new GuardedPage(['admin', 'forbidden'], ({ account }) => {
  page.show(account.role === 'admin' ? 'admin' : 'forbidden');
  if (account.role === 'admin') void showQueue();
});

const search = byId('queue-search', HTMLFormElement);
const searchPhone = byId('queue-phone', HTMLInputElement);
const messages = new FormMessages<AdminField>(
  search,
  { phone: 'queue-phone' },
  byId('form-error', HTMLElement),
);
const queueTitle = byId('queue-title', HTMLElement);
const showPending = byId('show-pending', HTMLButtonElement);
const queue = byId('queue', HTMLUListElement);
const queueStatus = byId('queue-status', HTMLElement);
const queueError = byId('queue-error', HTMLElement);
const queueCount = byId('queue-count', HTMLElement);
const QUEUE_PAGE = 50;

/** What the list shows: the pending doctors, or the account of one phone. */
let searchedPhone: string | null = null;
let rows: AdminListedUser[] = [];

/** How the page names an account: its chosen name, else its masked phone (never the whole number). */
const whoIs = (user: AdminListedUser): string => (hasChosenName(user.name) ? user.name : user.phone);

function statusOf(user: AdminListedUser): { key: string; words: string } | null {
  const words = text();
  if (user.disabled) return { key: 'disabled', words: words.statusDisabled };
  if (user.expert_status === 'pending') return { key: 'pending', words: words.statusPending };
  if (user.expert_status === 'approved') return { key: 'approved', words: words.statusApproved };
  if (user.expert_status === 'rejected') return { key: 'rejected', words: words.statusRejected };
  return null;
}

function actionButton(
  user: AdminListedUser,
  action: AdminAction,
  visible: string,
  name: string,
  kind: string,
): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = kind;
  button.dataset.action = action;
  button.textContent = visible;
  // The visible word starts the name (WCAG 2.5.3), which says whose row it acts on.
  button.setAttribute('aria-label', name);
  button.addEventListener('click', () => void act(user, action, button));
  return button;
}

function rowOf(user: AdminListedUser): HTMLLIElement {
  const words = text();
  const who = whoIs(user);
  const row = document.createElement('li');
  row.className = 'queue-row';
  row.dataset.userId = String(user.user_id);

  const avatar = document.createElement('span');
  avatar.className = 'avatar';
  avatar.setAttribute('aria-hidden', 'true');
  avatar.textContent = initialOf(user.name, words, user.types === 'expert' ? 'expert' : 'patient');

  const person = document.createElement('div');
  person.className = 'queue-person';
  const name = document.createElement('p');
  name.className = 'queue-name';
  if (hasChosenName(user.name)) name.textContent = user.name;
  else {
    // No name chosen: the masked phone is the name, and a quiet note says so.
    name.textContent = user.phone;
    const note = document.createElement('span');
    note.className = 'no-name';
    note.textContent = words.queueNoName;
    name.append(' ', note);
  }
  const meta = document.createElement('p');
  meta.className = 'queue-meta';
  const type = user.types === 'expert' ? words.expert : words.patient;
  const details = [hasChosenName(user.name) ? user.phone : null, type, user.major, `ID ${user.user_id}`];
  meta.textContent = details.filter((part) => part !== null && part !== '').join(' · ');
  person.append(name, meta);

  const state = statusOf(user);
  const badge = document.createElement('span');
  if (state !== null) {
    badge.className = 'badge';
    badge.dataset.status = state.key;
    badge.textContent = state.words;
  }

  const actions = document.createElement('div');
  actions.className = 'queue-actions';
  if (user.types === 'expert' && user.expert_status !== 'approved')
    actions.append(
      actionButton(
        user,
        'approve',
        words.queueApproveShort,
        words.queueApprove(who),
        'button secondary compact',
      ),
    );
  if (user.types === 'expert' && user.expert_status !== 'rejected')
    actions.append(
      actionButton(user, 'reject', words.queueRejectShort, words.queueReject(who), 'button quiet compact'),
    );
  // Set apart and weaker: a text button, red only on its words.
  if (user.disabled)
    actions.append(
      actionButton(
        user,
        'enable',
        words.queueEnableShort,
        words.queueEnable(who),
        'link-button account-action',
      ),
    );
  else
    actions.append(
      actionButton(
        user,
        'disable',
        words.queueDisableShort,
        words.queueDisable(who),
        'link-button account-action destructive',
      ),
    );

  row.append(avatar, person, ...(state === null ? [] : [badge]), actions);
  return row;
}

function render(): void {
  queue.replaceChildren(...rows.map(rowOf));
}

async function act(user: AdminListedUser, action: AdminAction, button: HTMLButtonElement): Promise<void> {
  showText(queueError, null);
  showText(queueStatus, null);
  const who = whoIs(user);
  if (
    action === 'disable' &&
    !(await confirmAction(
      {
        title: () => text().confirmDisableTitle,
        text: () => text().confirmDisable(who),
        confirm: () => text().confirmDisableButton,
      },
      button,
    ))
  )
    return;
  button.disabled = true;
  const reply = await moderateUser(user.user_id, action);
  button.disabled = false;
  if (reply.kind !== 'ok') {
    showText(queueError, () => adminFailure(reply).text);
    button.focus();
    return;
  }
  showText(queueStatus, () => text().adminDone(action, who));
  await showQueue(false);
  // The row may have left the list (approved, rejected): the keyboard goes on from the list's heading.
  const same = queue.querySelector<HTMLElement>(
    `[data-user-id="${user.user_id}"] .queue-actions button:not(:disabled)`,
  );
  (same ?? queueTitle).focus();
}

/** Lists the pending doctors, or the account of `searchedPhone`; `announce` clears the last result. */
async function showQueue(announce = true): Promise<void> {
  const reply = await listUsersForAdmin(
    searchedPhone === null ? { status: 'pending' } : { phone: searchedPhone },
    1,
    QUEUE_PAGE,
  );
  if (announce) showText(queueStatus, null);
  showPending.hidden = searchedPhone === null;
  showText(queueTitle, () => (searchedPhone === null ? text().queueTitle : text().queueResults));
  if (reply.kind !== 'ok') {
    rows = [];
    render();
    showText(queueCount, null);
    messages.showRefusal(() => adminFailure(reply), searchPhone);
    return;
  }
  rows = reply.value.data;
  render();
  const total = reply.value.total;
  showText(queueCount, () => {
    const words = text();
    if (searchedPhone === null) return total === 0 ? words.queueEmpty : words.queueCount(total);
    return total === 0 ? words.queueFoundNone : words.queueFound(total);
  });
}

search.addEventListener('submit', (event) => {
  event.preventDefault();
  messages.clearAll();
  const typed = searchPhone.value;
  if (cleanPhone(typed) !== '' && !messages.check([['phone', () => checkPhone(typed)]])) return;
  searchedPhone = cleanPhone(typed) === '' ? null : cleanPhone(typed);
  void showQueue();
});

showPending.addEventListener('click', () => {
  searchPhone.value = '';
  messages.clearAll();
  searchedPhone = null;
  void showQueue().then(() => queueTitle.focus());
});

onLanguageChange(render);
void page.load();
