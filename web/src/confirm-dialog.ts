import { byId } from './dom.js';
import { showText, type Render } from './localize.js';
import './styles/confirm-dialog.css';

/** What a confirmation asks: its heading, what happens, and the words on the button that does it. */
export interface Confirmation {
  title: Render;
  text: Render;
  confirm: Render;
}

/**
 * Asks before something that cannot be undone (ending other sessions, unlinking, deleting
 * the account), in the page's own modal <dialog id="confirm-dialog"> rather than
 * window.confirm: it speaks the page's language, is styled like the page, and a screen
 * reader hears its heading and text. Cancel is focused first, so Enter or Escape undo
 * nothing; the focus goes back to the control that asked. Resolves true only on confirm.
 */
export function confirmAction(asking: Confirmation, from: HTMLElement): Promise<boolean> {
  const dialog = byId('confirm-dialog', HTMLDialogElement);
  const cancel = byId('confirm-cancel', HTMLButtonElement);
  const confirm = byId('confirm-ok', HTMLButtonElement);
  showText(byId('confirm-title', HTMLElement), asking.title);
  showText(byId('confirm-text', HTMLElement), asking.text);
  showText(confirm, asking.confirm);
  dialog.returnValue = '';
  return new Promise((resolve) => {
    const decide = (value: string) => () => dialog.close(value);
    const onCancel = decide('cancel');
    const onConfirm = decide('confirm');
    cancel.addEventListener('click', onCancel);
    confirm.addEventListener('click', onConfirm);
    dialog.addEventListener(
      'close',
      () => {
        cancel.removeEventListener('click', onCancel);
        confirm.removeEventListener('click', onConfirm);
        // Hidden buttons (a list re-rendered meanwhile) cannot take the focus back.
        if (from.isConnected && !from.hidden) from.focus();
        resolve(dialog.returnValue === 'confirm');
      },
      { once: true },
    );
    dialog.showModal();
    cancel.focus();
  });
}
