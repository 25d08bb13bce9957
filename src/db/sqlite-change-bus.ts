import { performance } from 'node:perf_hooks';
import type { InvalidationBus } from '../invalidation-bus.js';

/** How stale the counter may be: it is read at most once in this many milliseconds. */
const ASK_EVERY_MS = 1;

/**
 * Tells the session cache of writes that other processes made to the same SQLite file —
 * `npx medicine user disable …` run beside a server on the embedded defaults — from
 * SQLite's own counter, `PRAGMA data_version`, which changes whenever another connection
 * commits. Reading `listening` asks, at most once a millisecond (the pragma is a statement
 * run, and a GET /users reads `listening` three times: asking each time cost a tenth of the
 * request), and tells the listeners when the counter moved: a request that starts a
 * millisecond or more after the other process's commit never sees what the cache held
 * before it. This process's own writes do
 * not move the counter: the cache empties itself for those. `publish` has no one to reach:
 * the other processes ask too.
 */
export function sqliteChangeBus(readDataVersion: () => number): InvalidationBus {
  const listeners: (() => void)[] = [];
  let seen = readDataVersion();
  let askedAt = performance.now();
  let closed = false;
  return {
    get listening(): boolean {
      if (closed) return false;
      const time = performance.now();
      if (time - askedAt < ASK_EVERY_MS) return true;
      askedAt = time;
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
