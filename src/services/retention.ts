import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { AuditStore, DeviceMarkStore, SessionStore } from '../db/user-store.js';
import type { KeyValueStore } from '../store/key-value-store.js';

/** What one purge removed. */
export interface Purged {
  sessions: number;
  deviceMarks: number;
  auditEntries: number;
}

const LOCK_KEY = 'retention:lock';
/** Longer than any purge should take; a crashed holder's lock frees itself after it. */
const LOCK_TTL_MS = 10 * 60_000;

/**
 * Storage limitation (PIPL Art. 19, issue 15): expired sessions and device marks, and audit
 * entries older than AUDIT_RETENTION_DAYS, are deleted. Every instance runs the job on a
 * timer, but a lock in the key-value store lets one at a time do the work.
 */
export class RetentionJob {
  constructor(
    private readonly db: SessionStore & DeviceMarkStore & AuditStore,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {}

  /** Deletes now what has outlived its time (`npx medicine purge` calls this directly: the deletes are idempotent). */
  async purge(): Promise<Purged> {
    const now = this.clock.now();
    return {
      sessions: await this.db.deleteExpiredSessions(now),
      deviceMarks: await this.db.deleteExpiredDeviceMarks(now),
      auditEntries: await this.db.deleteAuditBefore(now - this.retentionDays * 24 * 3600 * 1000),
    };
  }

  /** Purges unless another instance holds the lock (then null). */
  async purgeIfFirst(store: KeyValueStore): Promise<Purged | null> {
    const token = randomBytes(16).toString('hex');
    if (!(await store.setIfAbsent(LOCK_KEY, token, LOCK_TTL_MS))) return null;
    try {
      return await this.purge();
    } finally {
      // Only our own lock: one that expired and was taken by another instance stays theirs.
      await store.deleteIfEquals(LOCK_KEY, token);
    }
  }
}
