import type { InvalidationBus } from '../invalidation-bus.js';
import { StorageError } from '../storage-errors.js';

/**
 * The key-value store port: short-lived codes, windows and counters. Every method is
 * atomic on its own, so that several processes sharing one store (Redis) can never
 * both win a check-and-change.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Stores `value` for `ttlMs`, replacing any earlier value. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores `value` only if nothing is stored; says whether it did. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Reads and deletes in one step; only one caller ever gets a given value. */
  take(key: string): Promise<string | null>;
  /** Deletes the key only if it still holds `value`; says whether it did. */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * Adds one and returns the new count; a counter that did not exist starts at 1 and
   * lives `ttlMs` from then (a fixed window). `ttlMs` is what remains of the window.
   */
  increment(key: string, ttlMs: number): Promise<{ count: number; ttlMs: number }>;
  /**
   * Takes one back from a live counter, leaving its window as it is; does nothing once
   * the counter has expired (a window never outlives its TTL nor restarts below zero).
   */
  decrement(key: string): Promise<void>;
  /** Milliseconds the key has left, or null if it does not exist. */
  ttl(key: string): Promise<number | null>;
  /**
   * A bus telling every process sharing this store to drop what it cached; absent when the
   * store is in-process (one process, nothing to tell).
   */
  openBus?(name: string): Promise<InvalidationBus>;
  /** Answers whether the store is reachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The in-process store is at its bound: the write that would add a key is refused (a DBERR
 * reply) rather than forgetting a key another request relies on.
 */
export class StoreFullError extends StorageError {
  override name = 'StoreFullError';
}
