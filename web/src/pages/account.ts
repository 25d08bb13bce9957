import {
  changePassword,
  endOtherSessions,
  endSession,
  listAudit,
  listSessions,
  RET,
  unlinkPlatform,
  updateProfile,
  type Account,
  type PlatformLink,
  type AuditEntry,
  type ProfileChanges,
  type SessionInfo,
  type User,
  type UserAndAccount,
} from '../api.js';
import { confirmAction } from '../confirm-dialog.js';
import { byId, markBusy } from '../dom.js';
import { FormMessages } from '../form-messages.js';
import { GuardedPage } from '../guarded.js';
import { text } from '../i18n.js';
import { currentLanguage } from '../language.js';
import { onLanguageChange, showText } from '../localize.js';
import { startPage } from '../start-page.js';
import {
  pageFailureText,
  passwordChangeFailure,
  profileFailure,
  type PasswordChangeField,
  type ProfileField,
} from '../messages.js';
import { ownName, shownPhone } from '../people.js';
import { startPersonalData } from '../personal-data.js';
import { checkNewPassword, checkPassword, checkPasswordAgain } from '../validation.js';
import {
  inputMaxLength,
  PROFILE_FIELD_NAMES,
  PROFILE_FIELDS,
  readProfileField,
  type ProfileFieldName,
  type ProfileProblem,
} from '../../../src/shared/profile-fields.js';

startPage();

const page = new GuardedPage(['account'], showAccount);

// The profile: a control per field of src/shared/profile-fields.ts, whose id is the field's name.
const profileForm = byId('profile-form', HTMLFormElement);
const profileControls = Object.fromEntries(
  PROFILE_FIELD_NAMES.map((field) => [field, profileControl(field)]),
) as Record<ProfileFieldName, HTMLInputElement | HTMLSelectElement>;
const doctorPart = byId('doctor-part', HTMLFieldSetElement);
const profileSaved = byId('profile-saved', HTMLElement);
const profileSubmit = byId('profile-submit', HTMLButtonElement);
const profileMessages = new FormMessages<ProfileField>(
  profileForm,
  Object.fromEntries(PROFILE_FIELD_NAMES.map((field) => [field, field])) as Record<ProfileFieldName, string>,
  byId('profile-form-error', HTMLElement),
);

// The password.
const passwordForm = byId('password-form', HTMLFormElement);
const oldPassword = byId('old_password', HTMLInputElement);
const password = byId('password', HTMLInputElement);
const password2 = byId('password2', HTMLInputElement);
const passwordSaved = byId('password-saved', HTMLElement);
const passwordSubmit = byId('password-submit', HTMLButtonElement);
const passwordMessages = new FormMessages<PasswordChangeField>(
  passwordForm,
  { old_password: 'old_password', password: 'password', password2: 'password2' },
  byId('password-form-error', HTMLElement),
);

// Sessions and audit.
const sessionsList = byId('sessions', HTMLUListElement);
const sessionsStatus = byId('sessions-status', HTMLElement);
const sessionsError = byId('sessions-error', HTMLElement);
const endOthersButton = byId('end-others', HTMLButtonElement);
const auditList = byId('audit', HTMLOListElement);
const auditError = byId('audit-error', HTMLElement);

let isDoctor = false;
/** Whether the person chose a name: until then the name field is empty and may stay so. */
let hasName = false;
let sessions: SessionInfo[] = [];
let audit: AuditEntry[] = [];

const STATUS_WORDS = {
  pending: 'statusPending',
  approved: 'statusApproved',
  rejected: 'statusRejected',
} as const;

/** A field's input, limited as the field is; a choice's list. */
function profileControl(field: ProfileFieldName): HTMLInputElement | HTMLSelectElement {
  const spec = PROFILE_FIELDS[field];
  if (spec.kind === 'choice') return byId(field, HTMLSelectElement);
  const input = byId(field, HTMLInputElement);
  input.maxLength = inputMaxLength(spec) ?? -1;
  input.required = !spec.clearable;
  return input;
}

/**
 * A field that cannot be cleared but holds nothing of the person's yet (the name, while it
 * is the phone number an account starts with): shown empty, and not sent while left so.
 */
const unsetRequired = (field: ProfileFieldName): boolean => field === 'name' && !hasName;

/** The fields this person may set: the doctors' only for a doctor. */
const settableFields = (): ProfileFieldName[] =>
  PROFILE_FIELD_NAMES.filter((field) => isDoctor || PROFILE_FIELDS[field].setBy === 'everyone');

function fillProfile(user: User, account: Account): void {
  // GET /users has the fields everyone sets in `user`, the doctors' in `account`.
  const stored = { ...account, ...user, name: ownName(user) };
  isDoctor = user.types === 'expert';
  hasName = stored.name !== null;
  profileControls.name.required = hasName;
  for (const field of settableFields()) {
    const spec = PROFILE_FIELDS[field];
    const value = stored[field];
    // A choice the page does not offer (a newer server's) shows as none.
    const shown = spec.kind === 'choice' && !spec.choices.some((choice) => choice === value) ? null : value;
    profileControls[field].value = shown === null ? '' : String(shown);
  }
  byId('user-phone', HTMLElement).textContent = shownPhone(user);
  showText(byId('user-type', HTMLElement), () => text()[user.types]);
  doctorPart.hidden = !isDoctor;
  if (isDoctor) {
    const status = account.expert_status ?? 'pending';
    const badge = byId('expert-status', HTMLElement);
    badge.dataset.status = status;
    showText(badge, () => text()[STATUS_WORDS[status]]);
  }
}

function showAccount({ user, account, links }: UserAndAccount): void {
  fillProfile(user, account);
  platformLinks = links ?? [];
  renderLinks();
  page.show('account');
  goToSection(true);
  // Issue 15: asking again after a document changed, a copy of one's data, deletion.
  startPersonalData(account, () => page.loggedOut());
  void loadSessions();
  void loadAudit();
}

/** A session refused the call: another device ended this one meanwhile. */
function endedHere(result: { kind: string; code?: string }): boolean {
  if (result.kind === 'refused' && result.code === RET.SESSIONERR) {
    page.loggedOut();
    return true;
  }
  return false;
}

// —— Profile ——

/** What the page says of a field's problem; the limits are in the words (web/src/i18n.ts). */
function problemText(field: ProfileFieldName, problem: ProfileProblem): string {
  const words = text();
  const said: Record<ProfileFieldName, Partial<Record<ProfileProblem, string>>> = {
    name: { missing: words.nameMissing, tooLong: words.nameTooLong },
    age: { invalid: words.ageInvalid },
    address: { tooLong: words.addressTooLong },
    major: { tooLong: words.majorTooLong },
    grade: {},
  };
  return said[field][problem] ?? words.checkInput;
}

/** What was typed, as it is sent: trimmed. */
const typedValue = (field: ProfileFieldName): string => profileControls[field].value.trim();

/** The fields to send: each settable one, but not a name still unset and left empty. */
const fieldsToSend = (): ProfileFieldName[] =>
  settableFields().filter((field) => !(unsetRequired(field) && typedValue(field) === ''));

function checkProfile(): [ProfileField, () => string | null][] {
  return fieldsToSend().map((field) => {
    const reading = readProfileField(PROFILE_FIELDS[field], typedValue(field));
    return [field, () => (reading.ok ? null : problemText(field, reading.problem))];
  });
}

profileForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  profileMessages.clearAll();
  showText(profileSaved, null);
  if (!profileMessages.check(checkProfile())) return;
  // Each value passed its field's check, a choice among the field's own.
  const changes = Object.fromEntries(
    fieldsToSend().map((field) => [field, typedValue(field)]),
  ) as ProfileChanges;
  const done = markBusy(profileSubmit, () => text().saving);
  const result = await updateProfile(changes);
  done();
  if (result.kind === 'ok') {
    fillProfile(result.value.user, result.value.account);
    showText(profileSaved, () => text().profileSaved);
    void loadAudit();
    return;
  }
  if (endedHere(result)) return;
  profileMessages.showRefusal(() => profileFailure(result), profileSubmit);
});

// —— Password ——

passwordForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  passwordMessages.clearAll();
  showText(passwordSaved, null);
  const typed = { old: oldPassword.value, password: password.value, password2: password2.value };
  const ready = passwordMessages.check([
    ['old_password', () => checkPassword(typed.old)],
    ['password', () => checkNewPassword(typed.password)],
    ['password2', () => checkPasswordAgain(typed.password, typed.password2)],
  ]);
  if (!ready) return;
  const done = markBusy(passwordSubmit, () => text().changingPassword);
  const result = await changePassword({
    old_password: typed.old,
    password: typed.password,
    password2: typed.password2,
  });
  done();
  if (result.kind === 'ok') {
    passwordForm.reset();
    showText(passwordSaved, () => text().passwordChanged);
    void loadSessions();
    void loadAudit();
    return;
  }
  if (endedHere(result)) return;
  passwordMessages.showRefusal(() => passwordChangeFailure(result), passwordSubmit);
});

// —— Sessions ——

/** "Chrome · Linux" from a user agent; the whole string when neither is recognised. */
function deviceName(userAgent: string | null): string {
  if (userAgent === null || userAgent.trim() === '') return text().unknownDevice;
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : null;
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  if (browser === null && system === null) return userAgent;
  return [browser, system].filter((part) => part !== null).join(' · ');
}

function when(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

function line(className: string, ...parts: (string | Node)[]): HTMLParagraphElement {
  const element = document.createElement('p');
  element.className = className;
  element.append(...parts);
  return element;
}

function renderSessions(): void {
  const words = text();
  sessionsList.replaceChildren(
    ...sessions.map((session) => {
      const item = document.createElement('li');
      item.className = 'item';
      item.dataset.current = String(session.current);
      const device = line('item-title', deviceName(session.user_agent));
      // An app's sign-in (bearer tokens) beside the browsers': said, so it is not taken for a forgotten browser.
      if (session.kind === 'app') device.append(` · ${words.appSession}`);
      if (session.current) {
        const badge = document.createElement('span');
        badge.className = 'badge';
        badge.textContent = words.thisDevice;
        device.append(' ', badge);
      }
      item.append(
        device,
        line('item-meta', words.labelled(words.sessionIp, session.ip ?? '—')),
        line('item-meta', words.labelled(words.sessionLastUsed, when(session.last_used_at))),
      );
      if (!session.current) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'button secondary small';
        showText(button, () => text().endSession);
        button.addEventListener('click', () => void end(session, button));
        item.append(button);
      }
      return item;
    }),
  );
  endOthersButton.hidden = !sessions.some((session) => !session.current);
}

async function loadSessions(): Promise<void> {
  const result = await listSessions();
  if (result.kind === 'ok') {
    sessions = result.value;
    showText(sessionsError, null);
    renderSessions();
    return;
  }
  if (endedHere(result)) return;
  showText(sessionsError, () => pageFailureText(result));
}

async function end(session: SessionInfo, button: HTMLButtonElement): Promise<void> {
  showText(sessionsStatus, null);
  showText(sessionsError, null);
  markBusy(button, () => text().endingSession);
  const result = await endSession(session.id);
  // NODATA: it had ended already, which is what the person wanted.
  if (result.kind === 'ok' || (result.kind === 'refused' && result.code === RET.NODATA)) {
    await loadSessions();
    showText(sessionsStatus, () => text().sessionEnded);
    byId('sessions-title', HTMLElement).focus();
    return;
  }
  if (endedHere(result)) return;
  renderSessions();
  showText(sessionsError, () => pageFailureText(result));
}

endOthersButton.addEventListener('click', async () => {
  showText(sessionsStatus, null);
  showText(sessionsError, null);
  const sure = await confirmAction(
    {
      title: () => text().confirmEndOthersTitle,
      text: () => text().confirmEndOthersText,
      confirm: () => text().confirmEndOthersButton,
    },
    endOthersButton,
  );
  if (!sure) return;
  const done = markBusy(endOthersButton, () => text().endingSession);
  const result = await endOtherSessions();
  done();
  if (result.kind === 'ok') {
    await loadSessions();
    showText(sessionsStatus, () => text().othersEnded);
    byId('sessions-title', HTMLElement).focus();
    return;
  }
  if (endedHere(result)) return;
  showText(sessionsError, () => pageFailureText(result));
});

// —— Audit ——

const AUDIT_COUNT = 10;

function renderAudit(): void {
  const words = text();
  if (audit.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'item muted';
    empty.textContent = words.auditEmpty;
    auditList.replaceChildren(empty);
    return;
  }
  auditList.replaceChildren(
    ...audit.map((entry) => {
      const item = document.createElement('li');
      item.className = 'item';
      const time = document.createElement('time');
      time.dateTime = entry.at;
      time.textContent = when(entry.at);
      item.append(
        line('item-title', `${words.auditAction(entry.action)} · ${words.auditOutcome(entry.outcome)}`),
        line('item-meta', time),
        line(
          'item-meta',
          `${words.labelled(words.sessionIp, entry.ip ?? '—')} · ${deviceName(entry.user_agent)}`,
        ),
      );
      return item;
    }),
  );
}

async function loadAudit(): Promise<void> {
  const result = await listAudit(1, AUDIT_COUNT);
  if (result.kind === 'ok') {
    audit = result.value.data;
    showText(auditError, null);
    renderAudit();
    return;
  }
  if (endedHere(result)) return;
  showText(auditError, () => pageFailureText(result));
}

// —— Linked platforms (issue 17): linking happens inside a mini program; here, what is linked, and unlinking ——

const linksList = byId('links', HTMLUListElement);
const linksStatus = byId('links-status', HTMLElement);
const linksError = byId('links-error', HTMLElement);
let platformLinks: PlatformLink[] = [];

function renderLinks(): void {
  const words = text();
  if (platformLinks.length === 0) {
    // A list holds only items: the empty state is one too (axe's `list` rule).
    const empty = document.createElement('li');
    empty.className = 'item muted';
    empty.textContent = words.linksEmpty;
    linksList.replaceChildren(empty);
    return;
  }
  linksList.replaceChildren(
    ...platformLinks.map((link) => {
      const item = document.createElement('li');
      item.className = 'item';
      item.dataset.provider = link.provider;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button quiet-danger small';
      showText(button, () => text().unlinkButton);
      button.addEventListener('click', () => void unlink(link, button));
      item.append(
        line('item-title', words.platformNames(link.provider)),
        line('item-meta', words.linkedSince(when(link.linked_at))),
        button,
      );
      return item;
    }),
  );
}

async function unlink(link: PlatformLink, button: HTMLButtonElement): Promise<void> {
  showText(linksStatus, null);
  showText(linksError, null);
  const platform = () => text().platformNames(link.provider);
  const sure = await confirmAction(
    {
      title: () => text().confirmUnlinkTitle(platform()),
      text: () => text().confirmUnlinkText(platform()),
      confirm: () => text().confirmUnlinkButton,
    },
    button,
  );
  if (!sure) return;
  const done = markBusy(button, () => text().unlinking);
  const result = await unlinkPlatform(link.provider);
  done();
  if (result.kind === 'ok' || (result.kind === 'refused' && result.code === RET.NODATA)) {
    platformLinks = platformLinks.filter((l) => l.provider !== link.provider);
    renderLinks();
    showText(linksStatus, () => text().unlinked);
    byId('links-title', HTMLElement).focus();
    return;
  }
  if (endedHere(result)) return;
  if (result.kind === 'refused' && result.reason === 'lastLoginWay') {
    showText(linksError, () => text().lastLoginWay);
    return;
  }
  showText(linksError, () => pageFailureText(result));
}

// —— The sections (issue 16): #profile, #security, #privacy ——

const sectionLinks = [...document.querySelectorAll<HTMLAnchorElement>('.account-nav a')];

/**
 * The page arrives with its sections hidden (until GET /users answers), so the browser
 * could not scroll to the address's #section: done once they are shown.
 */
function goToSection(arriving = false): void {
  const target = window.location.hash === '' ? null : document.getElementById(window.location.hash.slice(1));
  if (target === null || !target.classList.contains('account-section')) return markSection();
  target.scrollIntoView();
  // Arriving from another page (home's 账号安全), the keyboard and a screen reader start at the section too.
  if (arriving) target.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
  markSection();
}

/** The link of the section being read carries aria-current: the last one whose top has passed a third of the window. */
function markSection(): void {
  const line = window.innerHeight / 3;
  let current = sectionLinks[0];
  for (const link of sectionLinks) {
    const section = document.getElementById(link.hash.slice(1));
    if (section !== null && section.getBoundingClientRect().top <= line) current = link;
  }
  // At the very bottom the last section is the one being read, however short it is.
  const bottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
  if (bottom && window.scrollY > 0) current = sectionLinks.at(-1);
  for (const link of sectionLinks) {
    if (link === current) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  }
}

let marking = false;
window.addEventListener(
  'scroll',
  () => {
    if (marking) return;
    marking = true;
    requestAnimationFrame(() => {
      marking = false;
      markSection();
    });
  },
  { passive: true },
);
window.addEventListener('hashchange', () => goToSection());

onLanguageChange(() => {
  renderLinks();
  renderSessions();
  renderAudit();
});

void page.load();
