/** The element with this id, of this kind; a page whose HTML lacks it is a bug, so this throws. */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`#${id} is missing or not a ${kind.name}`);
  return element;
}

/** Disables `button` and shows `busyText` until the returned function is called. */
export function markBusy(button: HTMLButtonElement, busyText: string): () => void {
  const idleText = button.textContent ?? '';
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = busyText;
  return () => {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = idleText;
  };
}

const FLASH_KEY = 'medicine.flash';

/** A sentence for the next page to show once ("注册成功"); lost quietly where storage is blocked. */
export function setFlash(text: string): void {
  try {
    sessionStorage.setItem(FLASH_KEY, text);
  } catch {
    // Private modes may refuse storage; the next page then simply shows no greeting.
  }
}

export function takeFlash(): string | null {
  try {
    const text = sessionStorage.getItem(FLASH_KEY);
    sessionStorage.removeItem(FLASH_KEY);
    return text;
  } catch {
    return null;
  }
}
