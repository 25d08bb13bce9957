import { currentAccount, RET, type UserAndAccount } from './api.js';
import { byId } from './dom.js';
import { showText } from './localize.js';
import { pageFailureText } from './messages.js';

/**
 * The views of a page that needs a login: loading, guest ("请先登录"), failed (with a
 * retry) and the page's own views. `load()` asks GET /users and shows the right one.
 */
export class GuardedPage<View extends string> {
  private readonly views = new Map<string, HTMLElement>();

  constructor(
    own: readonly View[],
    private readonly onAccount: (account: UserAndAccount) => void,
  ) {
    for (const name of ['loading', 'guest', 'failed', ...own])
      this.views.set(name, byId(`view-${name}`, HTMLElement));
    byId('retry', HTMLButtonElement).addEventListener('click', () => void this.load());
  }

  show(view: View | 'loading' | 'guest' | 'failed'): void {
    for (const [name, element] of this.views) element.hidden = name !== view;
  }

  /** The session ended meanwhile (another device logged this one out): say so. */
  loggedOut(): void {
    this.show('guest');
    byId('guest-title', HTMLElement).focus();
  }

  async load(): Promise<void> {
    this.show('loading');
    const result = await currentAccount();
    if (result.kind === 'ok') {
      this.onAccount(result.value);
      return;
    }
    if (result.kind === 'refused' && result.code === RET.SESSIONERR) {
      this.show('guest');
      return;
    }
    this.show('failed');
    showText(byId('failed-text', HTMLElement), () => pageFailureText(result));
  }
}
