import type { Clock } from '../clock.js';
import type { AccountDatabase } from '../db/user-store.js';
import type { InvalidationBus } from '../invalidation-bus.js';
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
  // Consents (issue 15) and linked platforms (issue 17) are read on every GET /users and
  // cached below with the session; adding one (addConsent, addLink) empties the caches like
  // any other write. A new account has no entry to be stale.
  'listConsents',
  'deleteAuditBefore',
  'findUserByLink',
  'listLinks',
  'createLinkedUser',
  'changeBus',
  'ping',
  'close',
]);

interface Entry {
  lastUsedAt: number;
  user: User;
  cachedAt: number;
}

/** The per-person reads every GET /users makes besides the session: kept with the same rules. */
const PER_PERSON = ['listConsents', 'listLinks'] as const;
type PerPerson = (typeof PER_PERSON)[number];

interface Remembered {
  value: readonly unknown[];
  cachedAt: number;
}

/** What the cache did, for /metrics: a lookup answered from it (`hit`) or from the database (`miss`). */
export type CacheLookup = (outcome: 'hit' | 'miss') => void;

/**
 * The database, with the reads every logged-in request makes (`findLiveSessionUser`, and
 * GET /users's `listConsents` and `listLinks`) answered from a small per-process cache.
 * Coherent across processes through `bus` (Redis pub/sub, or SQLite's own change counter
 * when one SQLite file is the only thing processes share): every write not in
 * KEEPS_SESSIONS empties this process's cache when it starts and again when it ends, then
 * publishes, and every process empties its own on the message — so a logout, a disabled
 * account or "end other sessions" answered on one instance is refused on every other once
 * the message arrives (a Redis round trip), not after a TTL. A lookup that was in flight
 * while the cache was emptied does not fill it (a generation count), so a session read
 * just before it ended is not kept. While the bus may be missing messages (its
 * subscription is down), the cache is bypassed. Entries live at most `maxAgeMs` and never
 * past the session's own expiry.
 */
export function withSessionCache(
  database: AccountDatabase,
  bus: InvalidationBus,
  clock: Clock,
  settings: SessionCacheSettings,
  onLookup: CacheLookup = () => {},
): AccountDatabase {
  const entries = new Map<string, Entry>();
  const remembered = new Map<string, Remembered>();
  let generation = 0;
  const empty = () => {
    generation += 1;
    entries.clear();
    remembered.clear();
  };
  bus.onInvalidate(empty);
  /**
   * Whether what is cached may be used: the bus is listening, and asking it did not empty the
   * cache (a bus that polls, like SQLite's, tells of other processes' writes when asked).
   */
  const trusted = (): boolean => {
    const before = generation;
    return bus.listening && generation === before;
  };

  /** The entry under `key` when the cache may be used and `fresh` says it still holds; a stale one goes. */
  const cached = <E>(map: Map<string, E>, key: string, fresh: (entry: E) => boolean): E | undefined => {
    const entry = map.get(key);
    if (entry === undefined || !trusted()) return undefined;
    if (fresh(entry)) return entry;
    map.delete(key);
    return undefined;
  };
  /**
   * `read`'s answer, kept as `entryOf` makes it (null: not kept) unless the cache was emptied
   * while it was read; the oldest entry goes when `map` holds `bound`.
   */
  const readAndKeep = async <V, E>(
    map: Map<string, E>,
    key: string,
    bound: number,
    read: () => Promise<V>,
    entryOf: (value: V) => E | null,
  ): Promise<V> => {
    const seen = generation;
    const value = await read();
    const entry = entryOf(value);
    if (entry !== null && seen === generation && trusted()) {
      if (map.size >= bound) map.delete(map.keys().next().value!);
      map.set(key, entry);
    }
    return value;
  };

  const findLiveSessionUser: AccountDatabase['findLiveSessionUser'] = async (idHash, now) => {
    const entry = cached(
      entries,
      idHash,
      (e) => now - e.cachedAt < settings.maxAgeMs && now < e.lastUsedAt + settings.sessionTtlMs,
    );
    if (entry !== undefined) {
      onLookup('hit');
      return { lastUsedAt: entry.lastUsedAt, user: entry.user };
    }
    onLookup('miss');
    return readAndKeep(
      entries,
      idHash,
      settings.maxEntries,
      () => database.findLiveSessionUser(idHash, now),
      (found) => found && { lastUsedAt: found.lastUsedAt, user: found.user, cachedAt: clock.now() },
    );
  };

  /** listConsents and listLinks of one person, remembered like a session (a copy of the list each time). */
  const rememberedRead = (method: PerPerson) => async (userId: number) => {
    const key = `${method}:${userId}`;
    const entry = cached(remembered, key, (e) => clock.now() - e.cachedAt < settings.maxAgeMs);
    if (entry !== undefined) return [...entry.value];
    const read = database[method] as (id: number) => Promise<readonly unknown[]>;
    const value = await readAndKeep(
      remembered,
      key,
      settings.maxEntries * PER_PERSON.length,
      () => read.call(database, userId),
      (list) => ({ value: [...list], cachedAt: clock.now() }),
    );
    return [...value];
  };
  const perPerson = new Map<string | symbol, unknown>(
    PER_PERSON.map((method) => [method, rememberedRead(method)]),
  );

  const touchSession: AccountDatabase['touchSession'] = async (idHash, lastUsedAt, expiresAt) => {
    await database.touchSession(idHash, lastUsedAt, expiresAt);
    const entry = entries.get(idHash);
    if (entry !== undefined) entry.lastUsedAt = lastUsedAt;
  };

  return new Proxy(database, {
    get(target, name, receiver) {
      if (name === 'findLiveSessionUser') return findLiveSessionUser;
      if (name === 'touchSession') return touchSession;
      if (perPerson.has(name)) return perPerson.get(name);
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
