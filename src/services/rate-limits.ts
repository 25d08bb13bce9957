import type { KeyValueStore } from '../store/key-value-store.js';

export interface LimitCheck {
  allowed: boolean;
  /** Whole seconds until the window ends (at least 1), for `Retry-After`. */
  retryAfterSeconds: number;
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** Fixed-window limits kept in the key-value store, so that every process shares them. */
export class RateLimits {
  constructor(private readonly store: KeyValueStore) {}

  /** Opens a window of `windowSeconds` unless one is open; refused while it is. */
  async openWindow(key: string, windowSeconds: number): Promise<LimitCheck> {
    if (await this.store.setIfAbsent(key, '1', windowSeconds * 1000)) {
      return { allowed: true, retryAfterSeconds: windowSeconds };
    }
    const left = await this.store.ttl(key);
    return { allowed: false, retryAfterSeconds: seconds(left ?? windowSeconds * 1000) };
  }

  async closeWindow(key: string): Promise<void> {
    await this.store.delete(key);
  }

  /** Counts one more event; allowed while the count stays within `limit`. */
  async hit(key: string, limit: number, windowSeconds: number): Promise<LimitCheck & { count: number }> {
    const { count, ttlMs } = await this.store.increment(key, windowSeconds * 1000);
    return { allowed: count <= limit, retryAfterSeconds: seconds(ttlMs), count };
  }

  /** Takes back one event counted by `hit` (it turned out not to be one), within the same window. */
  async release(key: string): Promise<void> {
    await this.store.decrement(key);
  }

  /** Whether `limit` events have already been counted, without counting one. */
  async reached(key: string, limit: number): Promise<LimitCheck> {
    const count = Number((await this.store.get(key)) ?? 0);
    if (count < limit) return { allowed: true, retryAfterSeconds: 0 };
    const left = await this.store.ttl(key);
    return { allowed: false, retryAfterSeconds: seconds(left ?? 1000) };
  }
}
