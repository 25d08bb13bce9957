import { currentAccount, logOut, RET, type UserAndAccount } from '../api.js';
import { byId, markBusy, takeFlash } from '../dom.js';
import { text } from '../i18n.js';
import { showText } from '../localize.js';
import { startPage } from '../start-page.js';
import { unreachableText } from '../messages.js';
import { ownName, shownPhone } from '../people.js';

startPage();

const views = {
  loading: byId('view-loading', HTMLElement),
  user: byId('view-user', HTMLElement),
  guest: byId('view-guest', HTMLElement),
  failed: byId('view-failed', HTMLElement),
};
const status = byId('status', HTMLElement);
const logoutButton = byId('logout', HTMLButtonElement);
const logoutError = byId('logout-error', HTMLElement);

function show(view: keyof typeof views): void {
  for (const [name, element] of Object.entries(views)) element.hidden = name !== view;
}

const VETTING = {
  pending: { word: 'statusPending', note: 'vettingPendingNote' },
  approved: { word: 'statusApproved', note: 'vettingApprovedNote' },
  rejected: { word: 'statusRejected', note: 'vettingRejectedNote' },
} as const;

function showUser({ user, account }: UserAndAccount): void {
  const name = ownName(user);
  showText(byId('user-title', HTMLElement), () => (name === null ? text().helloNoName : text().hello(name)));
  showText(byId('user-type', HTMLElement), () => text()[user.types]);
  byId('user-phone', HTMLElement).textContent = shownPhone(user);

  // A doctor's vetting: where it stands, and what it means for them.
  const isDoctor = user.types === 'expert';
  const vetting = VETTING[account.expert_status ?? 'pending'];
  const badge = byId('user-vetting', HTMLElement);
  const note = byId('vetting-note', HTMLElement);
  byId('vetting-fact', HTMLElement).hidden = !isDoctor;
  note.hidden = !isDoctor;
  if (isDoctor) {
    badge.dataset.status = account.expert_status ?? 'pending';
    showText(badge, () => text()[vetting.word]);
    note.dataset.status = badge.dataset.status;
    showText(note, () => text()[vetting.note]);
  }
  showText(byId('go-profile-text', HTMLElement), () =>
    isDoctor ? text().homeProfileTextDoctor : text().homeProfileText,
  );
  byId('admin-item', HTMLElement).hidden = account.role !== 'admin';
  show('user');
}

async function loadUser(): Promise<void> {
  show('loading');
  const result = await currentAccount();
  if (result.kind === 'ok') {
    showUser(result.value);
    return;
  }
  if (result.kind === 'refused' && result.code === RET.SESSIONERR) {
    show('guest');
    return;
  }
  show('failed');
  // Written after the view is shown, so that its live region announces it.
  showText(byId('failed-text', HTMLElement), () =>
    result.kind === 'unreachable' ? unreachableText(result) : text().serverTrouble,
  );
}

logoutButton.addEventListener('click', async () => {
  showText(logoutError, null);
  const done = markBusy(logoutButton, () => text().loggingOut);
  const result = await logOut();
  done();
  // SESSIONERR: the session had already ended, which is what the person wanted.
  if (result.kind === 'ok' || (result.kind === 'refused' && result.code === RET.SESSIONERR)) {
    showText(status, () => text().loggedOut);
    show('guest');
    byId('guest-title', HTMLElement).focus();
    return;
  }
  showText(logoutError, () =>
    text().logoutFailed(result.kind === 'unreachable' ? unreachableText(result) : text().serverTrouble),
  );
  logoutButton.focus();
});

byId('retry', HTMLButtonElement).addEventListener('click', () => void loadUser());

const flash = takeFlash();
if (flash !== null) showText(status, flash);
void loadUser();
