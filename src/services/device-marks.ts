import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { DeviceMarkStore } from '../db/user-store.js';
import { constantTimeEqual, sha256Hex } from './secrets.js';

/** How many accounts' marks one browser keeps (a family's shared tablet); the newest first. */
export const MARKS_PER_DEVICE = 4;

const MARK = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{22})$/;

/**
 * Device marks (OWASP's "device cookies" against brute force): a browser or app that
 * logged into an account holds a mark `<secret>.<signature>`. The signature, keyed by the
 * service secret, binds the mark to the account, so a forged or borrowed mark is refused
 * without a lookup; the database keeps only the SHA-256 of the secret part, so a leaked
 * table gives nobody a mark. A recognised device has its own allowance of password
 * guesses: strangers' failures, which lock the phone, do not lock it.
 */
export class DeviceMarkService {
  private readonly key: Buffer;

  constructor(
    private readonly store: DeviceMarkStore,
    private readonly clock: Clock,
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = createHmac('sha256', secret).update('device-marks').digest();
  }

  private sign(userId: number, nonce: string): string {
    return createHmac('sha256', this.key).update(`${userId}\0${nonce}`).digest('base64url').slice(0, 22);
  }

  /** The marks a client presented (a cookie or a field), as far as they are well-formed and bounded. */
  static parse(raw: string | undefined): string[] {
    if (raw === undefined || raw.length > 64 * MARKS_PER_DEVICE) return [];
    return raw
      .split('~')
      .filter((mark) => MARK.test(mark))
      .slice(0, MARKS_PER_DEVICE);
  }

  /** The one the client holds for `userId`: signed for it and still known, or null. */
  async recognise(presented: readonly string[], userId: number): Promise<string | null> {
    for (const mark of presented) {
      const [, nonce = '', signature = ''] = MARK.exec(mark) ?? [];
      if (!constantTimeEqual(signature, this.sign(userId, nonce))) continue;
      const idHash = sha256Hex(nonce);
      const stored = await this.store.findLiveDeviceMark(idHash, this.clock.now());
      if (stored !== null && stored.userId === userId) return idHash;
    }
    return null;
  }

  /**
   * After a successful login: renews the device's mark for `userId` (`known`, from
   * `recognise`) or issues one. Answers the marks the client should hold from now on.
   */
  async remember(presented: readonly string[], userId: number, known: string | null): Promise<string[]> {
    const now = this.clock.now();
    const expiresAt = now + this.ttlSeconds * 1000;
    const mine = (mark: string) => {
      const [, nonce = '', signature = ''] = MARK.exec(mark) ?? [];
      return constantTimeEqual(signature, this.sign(userId, nonce));
    };
    let current: string;
    if (known !== null) {
      current = presented.find((mark) => mine(mark) && sha256Hex(mark.slice(0, 32)) === known) ?? '';
      await this.store.renewDeviceMark(known, expiresAt);
    } else {
      const nonce = randomBytes(24).toString('base64url');
      current = `${nonce}.${this.sign(userId, nonce)}`;
      await this.store.createDeviceMark({ idHash: sha256Hex(nonce), userId, createdAt: now, expiresAt });
    }
    // This account's other marks in the list are dead ones (revoked or expired): dropped.
    return [current, ...presented.filter((mark) => !mine(mark))]
      .filter((mark) => mark !== '')
      .slice(0, MARKS_PER_DEVICE);
  }

  /** Forgets a person's marks (a password reset or change), but the one `except` names. */
  forgetMarksOf(userId: number, except?: string | null): Promise<number> {
    return this.store.deleteDeviceMarksOfUser(userId, except ?? undefined);
  }

  deleteExpiredMarks(): Promise<number> {
    return this.store.deleteExpiredDeviceMarks(this.clock.now());
  }
}
