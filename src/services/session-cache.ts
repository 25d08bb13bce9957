import type { Clock } from '../clock.js';
import type { AccountDatabase } from '../db/user-store.js';
import type { InvalidationBus } from '../store/key-value-store.js';
import type { User } from './users.js';

export interface SessionCacheSettings {
  /** The longest an entry is trusted (`SESSION_CACHE_SECONDS` × 1000). */
  maxAgeMs: number;
  /** The most sessions kept; the oldest entry goes first. */
  maxEntries: number;
  /** A session's idle lifetime: a cached one is never trusted past its own expiry. */
  sessionTtlMs: number;
}

/**
 * Methods that change nothing a cached session shows (who it belongs to, whether it is
 * live, the account as it is now). Every other method of the database — every present and
 * future way to end a session, disable, change or delete an account — empties the cache
 * in every process before it returns: that is the point of listing what is safe rather
 * than what is not.
 */
const KEEPS_SESSIONS = new Set<string>([
  'findUserByPhone',
  'findUserById',
  'phoneExists',
  'listApprovedExperts',
  'listUsers',
  'appendAudit',
  'listAudit',
  'createSession',
  'createUser',
  'findLiveSession',
  'listSessions',
  'findRefreshSession',
  'createDeviceMark',
  'findLiveDeviceMark',
  'renewDeviceMark',
  'deleteExpiredDeviceMarks',
  // Consents and audit retention (issue 15): no session shows them.
  'listConsents',
  'addConsent',
  'deleteAuditBefore',
  // Linked platforms (issue 17): a new account or link ends no session, and GET /users
  // reads the links on every call — invalidating there would empty every cache each time.
  'findUserByLink',
  'listLinks',
  'createLinkedUser',
  'addLink',
  'ping',
  'close',
]);

interface Entry {
  lastUsedAt: number;
  user: User;
  cachedAt: number;
}

/**
 * The database, with the lookup every logged-in request makes (`findLiveSessionUser`)
 * answered from a small per-process cache. Coherent across processes through `bus`:
 * every write not in KEEPS_SESSIONS empties this process's cache when it starts and
 * again when it ends, then publishes, and every process empties its own on the message —
 * so a logout, a disabled account or "end other sessions" answered on one instance is
 * refused on every other once the message arrives (a Redis round trip), not after a TTL.
 * A lookup that was in flight while the cache was emptied does not fill it (a generation
 * count), so a session read just before it ended is not kept. While the bus may be
 * missing messages (its subscription is down), the cache is bypassed. Entries live at most
 * `maxAgeMs` and never past the session's own expiry.
 */
export function withSessionCache(
  database: AccountDatabase,
  bus: InvalidationBus,
  clock: Clock,
  settings: SessionCacheSettings,
): AccountDatabase {
  const entries = new Map<string, Entry>();
  let generation = 0;
  const empty = () => {
    generation += 1;
    entries.clear();
  };
  bus.onInvalidate(empty);

  const findLiveSessionUser: AccountDatabase['findLiveSessionUser'] = async (idHash, now) => {
    const entry = entries.get(idHash);
    if (entry !== undefined && bus.listening) {
      if (now - entry.cachedAt < settings.maxAgeMs && now < entry.lastUsedAt + settings.sessionTtlMs) {
        return { lastUsedAt: entry.lastUsedAt, user: entry.user };
      }
      entries.delete(idHash);
    }
    const seen = generation;
    const found = await database.findLiveSessionUser(idHash, now);
    if (found !== null && seen === generation && bus.listening) {
      if (entries.size >= settings.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(idHash, { lastUsedAt: found.lastUsedAt, user: found.user, cachedAt: clock.now() });
    }
    return found;
  };

  const touchSession: AccountDatabase['touchSession'] = async (idHash, lastUsedAt, expiresAt) => {
    await database.touchSession(idHash, lastUsedAt, expiresAt);
    const entry = entries.get(idHash);
    if (entry !== undefined) entry.lastUsedAt = lastUsedAt;
  };

  return new Proxy(database, {
    get(target, name, receiver) {
      if (name === 'findLiveSessionUser') return findLiveSessionUser;
      if (name === 'touchSession') return touchSession;
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || typeof name !== 'string' || KEEPS_SESSIONS.has(name)) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: unknown[]) => {
        empty();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          empty();
          await bus.publish();
        }
      };
    },
  });
}
