import { createHmac } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { UserStore } from '../db/user-store.js';
import type { User } from './users.js';

/**
 * Erasing an account (PIPL Art. 47, issue 15), the part the API (after fresh proof) and the
 * command line (`npx medicine user delete`) share. The database does it in one transaction
 * (UserStore.deleteUser): sessions and refresh tokens, device marks, consents and the user
 * row go; the audit entries stay, pseudonymous, until AUDIT_RETENTION_DAYS removes them.
 */
export class AccountEraser {
  private readonly key: Buffer;

  constructor(
    private readonly users: UserStore,
    private readonly clock: Clock,
    secret: string,
  ) {
    // A key of its own, derived from the service secret, so a pseudonym is never a code's MAC.
    this.key = createHmac('sha256', secret).update('audit-pseudonym-v1').digest();
  }

  /**
   * What stands for a deleted person's phone in the audit log: a keyed hash (HMAC-SHA256,
   * 132 bits shown). Whoever holds the secret and a phone number can find that number's
   * entries; the log alone names nobody.
   */
  pseudonymOf(phone: string): string {
    return `h:${createHmac('sha256', this.key).update(phone).digest('base64url').slice(0, 22)}`;
  }

  /** Deletes the account; `how` (password, sms_code, command_line) goes in the deletion's audit entry. False when it was already gone. */
  async erase(user: User, how: string): Promise<boolean> {
    const pseudonym = this.pseudonymOf(user.phone);
    return this.users.deleteUser(user.id, pseudonym, {
      at: this.clock.now(),
      userId: null,
      phone: pseudonym,
      action: 'account_delete',
      outcome: 'success',
      ip: null,
      userAgent: null,
      detail: `${how}; ${user.types}`,
    });
  }
}
