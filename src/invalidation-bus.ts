/**
 * Tells every process sharing a store that something cached must be dropped now (say, a
 * session ended). A process hears its own messages too. Carried by Redis pub/sub
 * (src/store/redis-store.ts) or, over one SQLite file, read from SQLite's change counter
 * (src/db/sqlite-change-bus.ts); the session cache (src/services/session-cache.ts) listens.
 */
export interface InvalidationBus {
  /** Sends the message to every process; resolves once the store has taken it. */
  publish(): Promise<void>;
  /** `listener` runs on every message, and whenever messages may have been missed (reconnect). */
  onInvalidate(listener: () => void): void;
  /** False while messages may be missed (the subscription is down): caches must not be trusted. */
  readonly listening: boolean;
  close(): Promise<void>;
}
