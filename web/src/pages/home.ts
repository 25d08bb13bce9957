import { currentUser, logOut, RET, type User } from '../api.js';
import { byId, markBusy, takeFlash } from '../dom.js';
import { TEXT, unreachableText } from '../messages.js';

const views = {
  loading: byId('view-loading', HTMLElement),
  user: byId('view-user', HTMLElement),
  guest: byId('view-guest', HTMLElement),
  failed: byId('view-failed', HTMLElement),
};
const status = byId('status', HTMLElement);
const logoutButton = byId('logout', HTMLButtonElement);
const logoutError = byId('logout-error', HTMLElement);

const TYPE_NAMES: Record<User['types'], string> = { patient: '患者', expert: '医生' };

function show(view: keyof typeof views): void {
  for (const [name, element] of Object.entries(views)) element.hidden = name !== view;
}

function showUser(user: User): void {
  byId('user-name', HTMLElement).textContent = user.name;
  byId('user-phone', HTMLElement).textContent = user.phone;
  byId('user-type', HTMLElement).textContent = TYPE_NAMES[user.types];
  show('user');
}

async function loadUser(): Promise<void> {
  show('loading');
  const result = await currentUser();
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
  byId('failed-text', HTMLElement).textContent =
    result.kind === 'unreachable' ? unreachableText(result) : TEXT.serverTrouble;
}

logoutButton.addEventListener('click', async () => {
  logoutError.textContent = '';
  const done = markBusy(logoutButton, '正在退出…');
  const result = await logOut();
  done();
  // SESSIONERR: the session had already ended, which is what the person wanted.
  if (result.kind === 'ok' || (result.kind === 'refused' && result.code === RET.SESSIONERR)) {
    status.textContent = '你已退出登录';
    show('guest');
    byId('guest-title', HTMLElement).focus();
    return;
  }
  logoutError.textContent = `退出失败：${result.kind === 'unreachable' ? unreachableText(result) : TEXT.serverTrouble}`;
  logoutButton.focus();
});

byId('retry', HTMLButtonElement).addEventListener('click', () => void loadUser());

const flash = takeFlash();
if (flash !== null) status.textContent = flash;
void loadUser();
