import { deleteAccount, exportData, giveConsent, legalInfo, RET, type Account } from './api.js';
import { confirmAction } from './confirm-dialog.js';
import { byId, markBusy, setFlash } from './dom.js';
import { FormMessages } from './form-messages.js';
import { text } from './i18n.js';
import { showText } from './localize.js';
import { deleteFailure, pageFailureText, type DeleteField } from './messages.js';
import { checkPassword } from './validation.js';

let wired = false;

/**
 * The account page's personal-information parts (issue 15): asking again when a document
 * changed (`consent_required`), a copy of one's data (GET /users/export, saved as a file),
 * and deleting the account (DELETE /users, with the password and a ticked confirmation).
 * `loggedOut` is called when a call finds the session gone.
 */
export function startPersonalData(account: Account, loggedOut: () => void): void {
  byId('consent-panel', HTMLElement).hidden = !account.consent_required;
  showConsentState(account.consent_required);
  if (wired) return;
  wired = true;
  wireConsent(loggedOut);
  wireExport(loggedOut);
  wireDeletion(loggedOut);
}

/** The privacy section's line on the documents: agreed to, or to be agreed to at the top of the page. */
function showConsentState(required: boolean): void {
  showText(byId('consent-state', HTMLElement), () =>
    required ? text().consentPending : text().consentCurrent,
  );
}

const sessionEnded = (result: { kind: string; code?: string }): boolean =>
  result.kind === 'refused' && result.code === RET.SESSIONERR;

function wireConsent(loggedOut: () => void): void {
  const form = byId('consent-form', HTMLFormElement);
  const box = byId('consent-agree', HTMLInputElement);
  const submit = byId('consent-submit', HTMLButtonElement);
  const messages = new FormMessages<'agree'>(
    form,
    { agree: 'consent-agree' },
    byId('consent-form-error', HTMLElement),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    messages.clearAll();
    if (!box.checked) {
      messages.show(() => ({ field: 'agree', text: text().consentMissing }));
      messages.focus('agree');
      return;
    }
    const done = markBusy(submit, () => text().saving);
    const legal = await legalInfo();
    const result = legal.kind === 'ok' ? await giveConsent(legal.value.agree) : legal;
    done();
    if (result.kind === 'ok') {
      byId('consent-panel', HTMLElement).hidden = true;
      showConsentState(false);
      showText(byId('consent-saved', HTMLElement), () => text().consentSaved);
      return;
    }
    if (sessionEnded(result)) return loggedOut();
    messages.show(() => ({ field: 'form', text: pageFailureText(result) }));
  });
}

/** `2026-12-01`, the day where the person is. */
const localDate = (date: Date): string =>
  [date.getFullYear(), date.getMonth() + 1, date.getDate()].map((n) => String(n).padStart(2, '0')).join('-');

function wireExport(loggedOut: () => void): void {
  const button = byId('export-data', HTMLButtonElement);
  const status = byId('export-status', HTMLElement);
  const error = byId('export-error', HTMLElement);
  button.addEventListener('click', async () => {
    showText(status, null);
    showText(error, null);
    const done = markBusy(button, () => text().exporting);
    const result = await exportData();
    done();
    if (result.kind !== 'ok') {
      if (sessionEnded(result)) return loggedOut();
      showText(error, () => pageFailureText(result));
      return;
    }
    const blob = new Blob([`${JSON.stringify(result.value, null, 2)}\n`], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    // Named by the day, not the account's internal id, which the pages never show (issue 16).
    link.download = `medicine-data-${localDate(new Date())}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    showText(status, () => text().exportDone);
  });
}

function wireDeletion(loggedOut: () => void): void {
  const form = byId('delete-form', HTMLFormElement);
  const password = byId('delete_password', HTMLInputElement);
  const confirm = byId('delete_confirm', HTMLInputElement);
  const submit = byId('delete-submit', HTMLButtonElement);
  const messages = new FormMessages<DeleteField>(
    form,
    { delete_password: 'delete_password', delete_confirm: 'delete_confirm' },
    byId('delete-form-error', HTMLElement),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    messages.clearAll();
    const typed = password.value;
    const problems: [DeleteField, () => string | null][] = [
      ['delete_password', () => checkPassword(typed)],
      ['delete_confirm', () => (confirm.checked ? null : text().deleteConfirmMissing)],
    ];
    const found = problems.filter(([, check]) => check() !== null);
    for (const [field, check] of found) messages.show(() => ({ field, text: check() ?? '' }));
    const first = found[0];
    if (first !== undefined) return messages.focus(first[0]);
    const sure = await confirmAction(
      {
        title: () => text().confirmDeleteTitle,
        text: () => text().confirmDeleteText,
        confirm: () => text().confirmDeleteButton,
      },
      submit,
    );
    if (!sure) return;

    const done = markBusy(submit, () => text().deleting);
    const result = await deleteAccount({ password: typed });
    if (result.kind === 'ok') {
      setFlash('flashDeleted');
      window.location.assign('/');
      return;
    }
    done();
    if (sessionEnded(result)) return loggedOut();
    const notice = deleteFailure(result);
    messages.show(() => deleteFailure(result));
    if (notice.field !== 'form') messages.focus(notice.field);
    else submit.focus();
  });
}
