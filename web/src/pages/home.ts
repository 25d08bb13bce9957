import { currentAccount, logOut, RET, type UserAndAccount } from '../api.js';
import { byId, markBusy, takeFlash } from '../dom.js';
import { text } from '../i18n.js';
import { showText } from '../localize.js';
import { startPage } from '../start-page.js';
import { unreachableText } from '../messages.js';

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

function showUser({ user, account }: UserAndAccount): void {
  byId('admin-link', HTMLAnchorElement).hidden = account.role !== 'admin';
  showText(byId('user-title', HTMLElement), () => text().hello(user.name));
  byId('user-phone', HTMLElement).textContent = user.phone;
  showText(byId('user-type', HTMLElement), () => text()[user.types]);
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
