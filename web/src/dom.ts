import { text } from './i18n.js';
import { showText, textOf, type Render } from './localize.js';

/** The element with this id, of this kind; a page whose HTML lacks it is a bug, so this throws. */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`#${id} is missing or not a ${kind.name}`);
  return element;
}

/** Disables `button` and shows `busyText` until the returned function is called. */
export function markBusy(button: HTMLButtonElement, busyText: Render): () => void {
  const idleText = textOf(button);
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  showText(button, busyText);
  return () => {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    showText(button, idleText);
  };
}

const FLASH_KEY = 'medicine.flash';

/** The sentences one page may leave for the next to show once. */
const FLASHES = ['flashRegistered', 'flashLoggedIn', 'flashPasswordReset', 'flashDeleted'] as const;
export type Flash = (typeof FLASHES)[number];

/**
 * A sentence for the next page to show once ("注册成功"), kept by name so that it is said
 * in the language the next page speaks; lost quietly where storage is blocked.
 */
export function setFlash(flash: Flash): void {
  try {
    sessionStorage.setItem(FLASH_KEY, flash);
  } catch {
    // Private modes may refuse storage; the next page then simply shows no greeting.
  }
}

/** The sentence the previous page left, as a text to show; null when there is none. */
export function takeFlash(): Render | null {
  try {
    const flash = sessionStorage.getItem(FLASH_KEY);
    sessionStorage.removeItem(FLASH_KEY);
    const known = FLASHES.find((name) => name === flash);
    return known === undefined ? null : () => text()[known];
  } catch {
    return null;
  }
}
