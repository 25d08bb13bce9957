import { text } from './i18n.js';
import type { Language } from './language.js';

/** The server's rule (contract §2); a leading +86 or 86 is allowed and spaces or dashes are dropped first. */
const MAINLAND_MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;

/** The contract's default minimum; a server configured otherwise says its own rule on submit. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** What a person typed as a phone number, without the spaces and dashes people put in. */
export function cleanPhone(text: string): string {
  return text.replace(/[\s-]/g, '');
}

/*
 * Each check returns what is wrong, in `language` (by default the page's), or null when
 * nothing is.
 */

export function checkPhone(typed: string, language?: Language): string | null {
  const phone = cleanPhone(typed);
  if (phone === '') return text(language).phoneMissing;
  return MAINLAND_MOBILE.test(phone) ? null : text(language).phoneInvalid;
}

export function checkCaptcha(typed: string, language?: Language): string | null {
  return typed.trim() === '' ? text(language).captchaMissing : null;
}

export function checkSmsCode(typed: string, language?: Language): string | null {
  const code = typed.replace(/\s/g, '');
  if (code === '') return text(language).smsCodeMissing;
  return /^\d{6}$/.test(code) ? null : text(language).smsCodeFormat;
}

export function checkNewPassword(password: string, language?: Language): string | null {
  if (password === '') return text(language).newPasswordMissing;
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return text(language).passwordTooShort(PASSWORD_MIN_LENGTH);
  if (length > PASSWORD_MAX_LENGTH) return text(language).passwordTooLong(PASSWORD_MAX_LENGTH);
  return null;
}

export function checkPasswordAgain(password: string, again: string, language?: Language): string | null {
  if (again === '') return text(language).passwordAgainMissing;
  return again === password ? null : text(language).passwordsDiffer;
}

export function checkPassword(password: string, language?: Language): string | null {
  return password === '' ? text(language).passwordMissing : null;
}
