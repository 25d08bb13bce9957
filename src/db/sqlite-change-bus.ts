import type { InvalidationBus } from '../invalidation-bus.js';

/**
 * Tells the session cache of writes that other processes made to the same SQLite file —
 * `npx medicine user disable …` run beside a server on the embedded defaults — from
 * SQLite's own counter, `PRAGMA data_version`, which changes whenever another connection
 * commits. Every read of `listening` asks (a read of the WAL index in shared memory, no
 * disk access) and tells the listeners when the counter moved, so a cached session is
 * never used after such a write. This process's own writes do not move it: the cache
 * empties itself for those. `publish` has no one to reach: the other processes ask too.
 */
export function sqliteChangeBus(readDataVersion: () => number): InvalidationBus {
  const listeners: (() => void)[] = [];
  let seen = readDataVersion();
  let closed = false;
  return {
    get listening(): boolean {
      if (closed) return false;
      const now = readDataVersion();
      if (now !== seen) {
        seen = now;
        for (const listener of listeners) listener();
      }
      return true;
    },
    onInvalidate(listener: () => void): void {
      listeners.push(listener);
    },
    publish: () => Promise.resolve(),
    close(): Promise<void> {
      closed = true;
      return Promise.resolve();
    },
  };
}
