import { isStaticKey, text } from './i18n.js';
import {
  currentLanguage,
  isLanguage,
  LANGUAGE_STORAGE_KEY,
  storedLanguage,
  useLanguage,
  type Language,
} from './language.js';

/**
 * Puts the page in its language and keeps it there: the texts the HTML names in
 * `data-i18n` (and `data-i18n-alt`, `data-i18n-aria-label`, …), `<html lang>`, the title,
 * and every text a page script shows through `showText`. The language switch in the
 * header changes them all in place, without reloading, so nothing typed is lost.
 *
 * Each page script calls `startLocalization()` first. The built pages load their script
 * with `blocking="render"` (web/vite.config.ts), so the browser paints nothing before the
 * texts are in the right language: no flash of Chinese for an English reader.
 */

/** The text of an element, worked out anew in the current language whenever it changes. */
export type Render = () => string;

const texts = new Map<Element, Render>();
const attributeTexts: { element: Element; name: string; render: Render }[] = [];
const listeners: (() => void)[] = [];
let switchButtons: HTMLButtonElement[] = [];
let started = false;

/** The attributes an element may have translated, each named by `data-i18n-<attribute>`. */
const TRANSLATED_ATTRIBUTES = ['alt', 'aria-label', 'title', 'placeholder'] as const;

/**
 * Shows `render()` as the text of `element`, now and again after each change of language;
 * null empties it. Every text a script writes goes through here, never `textContent`, so
 * that a switch of language neither misses it nor brings back one that was removed.
 */
export function showText(element: Element, render: Render | null): void {
  if (render === null) {
    texts.delete(element);
    element.textContent = '';
    return;
  }
  texts.set(element, render);
  element.textContent = render();
}

/** How `element`'s text is made now, if `showText` (or `data-i18n`) made it. */
export function textOf(element: Element): Render | null {
  return texts.get(element) ?? null;
}

/** Runs `listener` after each change of language, once the texts above are redone. */
export function onLanguageChange(listener: () => void): void {
  listeners.push(listener);
}

function catalogueText(element: Element, key: string): Render {
  if (!isStaticKey(key)) throw new Error(`<${element.localName}> names "${key}", which the catalogue lacks`);
  return () => text()[key];
}

function apply(): void {
  const language = currentLanguage();
  document.documentElement.lang = language;
  for (const [element, render] of texts) element.textContent = render();
  for (const { element, name, render } of attributeTexts) element.setAttribute(name, render());
  for (const button of switchButtons) {
    button.setAttribute('aria-pressed', String(button.dataset.language === language));
  }
  for (const listener of listeners) listener();
}

/** Switches the page to `language`; `remember` keeps it as the person's choice for every page. */
export function setLanguage(language: Language, { remember = true }: { remember?: boolean } = {}): void {
  const changed = language !== currentLanguage();
  useLanguage(language, { remember });
  if (changed) apply();
}

/** Reads the page's translatable texts, wires the language switch and shows the page in its language. */
export function startLocalization(): void {
  if (started) return;
  started = true;

  for (const element of document.querySelectorAll('[data-i18n]')) {
    texts.set(element, catalogueText(element, element.getAttribute('data-i18n') ?? ''));
  }
  for (const name of TRANSLATED_ATTRIBUTES) {
    for (const element of document.querySelectorAll(`[data-i18n-${name}]`)) {
      const render = catalogueText(element, element.getAttribute(`data-i18n-${name}`) ?? '');
      attributeTexts.push({ element, name, render });
    }
  }

  const languageSwitch = document.querySelector<HTMLElement>('.language-switch');
  if (languageSwitch === null) throw new Error('the page has no .language-switch');
  switchButtons = [...languageSwitch.querySelectorAll<HTMLButtonElement>('button[data-language]')];
  for (const button of switchButtons) {
    const language = button.dataset.language;
    if (!isLanguage(language)) throw new Error(`language switch button for unknown "${String(language)}"`);
    button.addEventListener('click', () => setLanguage(language));
  }
  // The HTML hides the switch: without the script it could not switch anything.
  languageSwitch.hidden = false;
  // Every page calls this first, so the footer (links to the documents, filing numbers) comes with it.

  // A choice made in another tab of the site, or while this page sat in the back/forward cache.
  window.addEventListener('storage', (event) => {
    if (event.key === LANGUAGE_STORAGE_KEY && isLanguage(event.newValue)) {
      setLanguage(event.newValue, { remember: false });
    }
  });
  window.addEventListener('pageshow', (event) => {
    const stored = storedLanguage();
    if (event.persisted && stored !== null) setLanguage(stored, { remember: false });
  });

  apply();
}
