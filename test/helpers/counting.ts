import type { AccountDatabase } from '../../src/db/user-store.js';
import type { KeyValueStore } from '../../src/store/key-value-store.js';

const STORE_WRITES = ['set', 'setIfAbsent', 'take', 'deleteIfEquals', 'delete', 'increment'] as const;
const DATABASE_WRITES = ['createUser', 'createSession', 'touchSession', 'deleteSession'] as const;

/** Wraps a real store or database and counts the calls that may change what it holds. */
function countWrites<T extends object>(
  inner: T,
  writes: readonly string[],
): { wrapped: T; writes: () => number } {
  let count = 0;
  const wrapped = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && writes.includes(property)) {
        return (...args: unknown[]) => {
          count += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { wrapped, writes: () => count };
}

export const countStoreWrites = (store: KeyValueStore) => countWrites(store, STORE_WRITES);
export const countDatabaseWrites = (database: AccountDatabase) => countWrites(database, DATABASE_WRITES);
