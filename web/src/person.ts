import { maskPhone } from '../../src/shared/phone-format.js';
import type { User } from './api.js';

/**
 * The name a person chose, or null: an account starts with its phone number as its name
 * (the contract's default), which is no name of theirs and is not shown as one.
 */
export function ownName(user: Pick<User, 'name' | 'phone'>): string | null {
  const name = user.name.trim();
  return name === '' || name === user.phone ? null : name;
}

/** `13812345678` → `138****5678`: the phone as the pages show it, once, to someone looking over a shoulder too. */
export function shownPhone(user: Pick<User, 'phone'>): string {
  return maskPhone(user.phone);
}
