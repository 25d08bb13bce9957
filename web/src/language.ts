/**
 * Which language the pages speak: the person's explicit choice (the switch in the header,
 * remembered in localStorage), otherwise the browser's preferred languages, otherwise
 * Chinese. The value is also what the API client sends as `Accept-Language`, so that the
 * server's sentences match the page.
 *
 * Nothing here touches the DOM at import time: the API client imports it from Node too,
 * where there is no browser to ask and the answer is always the default, Chinese.
 */

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = 'zh-CN';

/** Where the explicit choice is kept (per origin, so it holds on every page). */
export const LANGUAGE_STORAGE_KEY = 'medicine.language';

/**
 * What this module needs of a browser, reached through `globalThis`: the type checker
 * also reads this file for Node (through the API client), where there is no DOM.
 */
interface BrowserGlobals {
  document?: unknown;
  navigator?: { languages?: readonly string[]; language?: string };
  localStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}
const browser = globalThis as BrowserGlobals;

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

/**
 * The language a browser's ordered list of language tags (`navigator.languages`) prefers
 * among ours: English when an English tag comes before every Chinese one, Chinese when a
 * Chinese tag comes first, null when the list names neither.
 */
export function languageFromTags(tags: readonly string[]): Language | null {
  for (const tag of tags) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (primary === 'en') return 'en';
    if (primary === 'zh') return 'zh-CN';
  }
  return null;
}

/** The choice remembered from an earlier visit, or null (none, or storage blocked). */
export function storedLanguage(): Language | null {
  try {
    const value = browser.localStorage?.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null; // Storage may be refused (private modes, blocked cookies).
  }
}

function browserLanguage(): Language | null {
  const { languages = [], language = '' } = browser.navigator ?? {};
  return languageFromTags(languages.length > 0 ? languages : [language]);
}

/** The language the pages should speak now, worked out afresh (see the module comment). */
export function detectLanguage(): Language {
  // Outside a browser (Node: the tests, a script using the API client) there is no person to ask.
  if (browser.document === undefined) return DEFAULT_LANGUAGE;
  return storedLanguage() ?? browserLanguage() ?? DEFAULT_LANGUAGE;
}

let current: Language | undefined;

/** The language of the page (and of the server's sentences it asks for). */
export function currentLanguage(): Language {
  current ??= detectLanguage();
  return current;
}

/**
 * Makes `language` the current one. `remember` stores it as the person's explicit choice;
 * a choice made in another tab (already stored) is only adopted.
 */
export function useLanguage(language: Language, { remember }: { remember: boolean }): void {
  current = language;
  if (!remember) return;
  try {
    browser.localStorage?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Without storage the choice lasts as long as the page; the next page asks the browser again.
  }
}
