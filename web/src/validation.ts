import { TEXT } from './messages.js';

/** The server's rule (contract §2); a leading +86 or 86 is allowed and spaces or dashes are dropped first. */
const MAINLAND_MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;

/** The contract's default minimum; a server configured otherwise says its own rule on submit. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** What a person typed as a phone number, without the spaces and dashes people put in. */
export function cleanPhone(text: string): string {
  return text.replace(/[\s-]/g, '');
}

export function checkPhone(text: string): string | null {
  const phone = cleanPhone(text);
  if (phone === '') return TEXT.phoneMissing;
  return MAINLAND_MOBILE.test(phone) ? null : TEXT.phoneInvalid;
}

export function checkCaptcha(text: string): string | null {
  return text.trim() === '' ? TEXT.captchaMissing : null;
}

export function checkSmsCode(text: string): string | null {
  const code = text.replace(/\s/g, '');
  if (code === '') return TEXT.smsCodeMissing;
  return /^\d{6}$/.test(code) ? null : TEXT.smsCodeFormat;
}

export function checkNewPassword(password: string): string | null {
  if (password === '') return TEXT.newPasswordMissing;
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `密码至少 ${PASSWORD_MIN_LENGTH} 位`;
  if (length > PASSWORD_MAX_LENGTH) return `密码最多 ${PASSWORD_MAX_LENGTH} 位`;
  return null;
}

export function checkPasswordAgain(password: string, again: string): string | null {
  if (again === '') return TEXT.passwordAgainMissing;
  return again === password ? null : TEXT.passwordsDiffer;
}

export function checkPassword(password: string): string | null {
  return password === '' ? TEXT.passwordMissing : null;
}
