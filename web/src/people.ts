import { maskPhone } from '../../src/shared/phone-format.js';
import type { User } from './api.js';
import type { Catalogue } from './i18n.js';

/**
 * A name as the pages show it. The server sends '' for a person who has not chosen one (a new
 * account is named after its phone, which is not shown on the public list nor beside a masked
 * phone); older servers sent the number itself, which looks like one: treated the same.
 */
export function hasChosenName(name: string): boolean {
  return name.trim() !== '' && !/^\+?[\d\s-]{7,}$/.test(name.trim());
}

/** A doctor's name, or "未填写姓名的医生" when they have not given one. */
export function doctorName(name: string, words: Catalogue): string {
  return hasChosenName(name) ? name : words.doctorNoName;
}

/**
 * The first letter of a name, for a round avatar; without a name, the first of what the
 * person is ("医生" / "Doctor" by default, "患者" / "Patient").
 */
export function initialOf(name: string, words: Catalogue, types: 'expert' | 'patient' = 'expert'): string {
  const source = hasChosenName(name) ? name.trim() : words[types];
  const first = [...source][0] ?? '';
  return first.toLocaleUpperCase();
}

/**
 * The name a person chose, or null: an account starts with its phone number as its name
 * (the contract's default for GET /users), which is no name of theirs and is not shown as one.
 */
export function ownName(user: Pick<User, 'name' | 'phone'>): string | null {
  const name = user.name.trim();
  return name === user.phone || !hasChosenName(name) ? null : name;
}

/** `13812345678` → `138****5678`: the phone as the pages show it, once, to someone looking over a shoulder too. */
export function shownPhone(user: Pick<User, 'phone'>): string {
  return maskPhone(user.phone);
}
