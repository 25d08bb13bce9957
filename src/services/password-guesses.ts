import { fail, ok, RET, type Result } from '../ret.js';
import type { AuditAction, AuditService } from './audit.js';
import type { AuthEvents } from './events.js';
import type { RateLimits } from './rate-limits.js';
import type { ClientInfo } from './sessions.js';

export interface PasswordGuessSettings {
  /** Wrong passwords per allowance (a phone, or one recognised device) per window. */
  maxFailures: number;
  lockSeconds: number;
  failuresPerIpPerHour: number;
}

/** A password check the allowance let through; say how it ended. */
export interface AdmittedGuess {
  /** The password was right: the guess is given back, so that logging in costs no allowance. */
  right(): Promise<void>;
  /** The password was wrong: the guess stays counted. `userId`: whose it was, if anyone's. */
  wrong(userId: number | null): Promise<void>;
}

export interface GuessAt {
  phone: string;
  client: ClientInfo;
  /** The hash of a device mark recognised for this account, or null for anyone else. */
  device: string | null;
  action: AuditAction;
}

const keys = {
  phone: (phone: string) => `login:failures:${phone}`,
  device: (idHash: string) => `login:device-failures:${idHash}`,
  ip: (ip: string) => `login:ip-failures:${ip}`,
};

/**
 * Every guess at a password is counted before it is judged: a check first takes a place
 * in the address's allowance and in the phone's (or, for a device that logged into the
 * account before, in that device's own), and is refused without a hash when either is
 * spent. However many guesses arrive at once, at most `maxFailures` per phone (or device)
 * per window and `failuresPerIpPerHour` per address are ever judged; a right password
 * gives its places back.
 */
export class PasswordGuesses {
  constructor(
    private readonly limits: RateLimits,
    private readonly settings: PasswordGuessSettings,
    private readonly events: AuthEvents,
    private readonly audit: AuditService,
  ) {}

  async admit(guess: GuessAt): Promise<Result<AdmittedGuess>> {
    const { maxFailures, lockSeconds, failuresPerIpPerHour } = this.settings;
    const ipKey = keys.ip(guess.client.ip);
    const fromIp = await this.limits.hit(ipKey, failuresPerIpPerHour, 3600);
    // A device that logged into this account before has an allowance of its own: strangers
    // behind the same address (a carrier's NAT) spending the address's must not keep it out.
    if (!fromIp.allowed && guess.device === null) {
      this.events.login('ip_blocked');
      return fail(RET.IPERR, 'loginIpQuota', fromIp.retryAfterSeconds);
    }
    const scope = guess.device === null ? 'phone' : 'device';
    const scopeKey = guess.device === null ? keys.phone(guess.phone) : keys.device(guess.device);
    const forScope = await this.limits.hit(scopeKey, maxFailures, lockSeconds);
    if (!forScope.allowed) {
      // Nothing is judged, so the address's place is given back.
      await this.limits.release(ipKey);
      this.events.login('locked');
      return fail(
        RET.REQERR,
        { key: 'loginLocked', params: { seconds: forScope.retryAfterSeconds } },
        forScope.retryAfterSeconds,
      );
    }
    return ok({
      right: async () => {
        await Promise.all([this.limits.release(ipKey), this.limits.release(scopeKey)]);
      },
      wrong: async (userId) => {
        const { phone, client, action } = guess;
        this.events.login('wrong_credentials');
        await this.audit.record({ action, outcome: 'wrong_password', userId, phone, client });
        if (forScope.count === maxFailures) {
          this.events.lockout(scope);
          await this.audit.record({ action: 'lockout', outcome: scope, userId, phone, client });
        }
        if (fromIp.count === failuresPerIpPerHour) {
          this.events.lockout('ip');
          await this.audit.record({ action: 'lockout', outcome: 'ip', client });
        }
      },
    });
  }
}
