import type { Clock } from '../clock.js';
import { StoreFullError, type KeyValueStore } from './key-value-store.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Share of the bound past which new values (captchas, codes, windows) are refused; counters may use the rest. */
const VALUES_SHARE = 0.9;
/** When the store is full, expired keys are swept at most this often (a sweep walks every key). */
const FULL_SWEEP_EVERY_MS = 1000;

/**
 * The in-process adapter: one Map, expiry read from the injected clock. Every method
 * runs to completion without awaiting anything, which is what makes each atomic.
 *
 * Bounded at `maxKeys`: no key is ever evicted (a dropped counter would reopen a quota),
 * so a write that would add a key to a full store is refused with StoreFullError. New
 * values — captchas, codes, windows — are refused from 90% of the bound, so the last 10%
 * stays for counters (a request turned away for want of a captcha costs less than a
 * quota forgotten); at the bound a new counter is refused too, and the request it counts
 * fails rather than passing uncounted. Before refusing, the store sweeps expired keys.
 */
export class MemoryStore implements KeyValueStore {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly valuesBound: number;
  private lastFullSweep = -Infinity;

  constructor(
    private readonly clock: Clock,
    sweepIntervalMs = 30_000,
    private readonly maxKeys = Number.POSITIVE_INFINITY,
  ) {
    this.valuesBound = Math.floor(maxKeys * VALUES_SHARE);
    // Expired entries are dropped on access; the sweep bounds memory for keys never read again.
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Throws StoreFullError when `key` is new and the store holds `bound` keys, even after a sweep. */
  private makeRoom(key: string, bound: number): void {
    if (this.entries.size < bound || this.entries.has(key)) return;
    const now = this.clock.now();
    if (now - this.lastFullSweep >= FULL_SWEEP_EVERY_MS) {
      this.lastFullSweep = now;
      this.sweep();
    }
    if (this.entries.size >= bound) {
      throw new StoreFullError(`key-value store: full (${this.entries.size} keys, bound ${this.maxKeys})`);
    }
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.makeRoom(key, this.valuesBound);
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key) !== undefined) return false;
    this.makeRoom(key, this.valuesBound);
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
    return true;
  }

  async take(key: string): Promise<string | null> {
    const entry = this.live(key);
    if (entry === undefined) return null;
    this.entries.delete(key);
    return entry.value;
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    if (this.live(key)?.value !== value) return false;
    this.entries.delete(key);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, ttlMs: number): Promise<{ count: number; ttlMs: number }> {
    const now = this.clock.now();
    const entry = this.live(key);
    if (entry === undefined) {
      this.makeRoom(key, this.maxKeys);
      this.entries.set(key, { value: '1', expiresAt: now + ttlMs });
      return { count: 1, ttlMs };
    }
    const count = Number(entry.value) + 1;
    entry.value = String(count);
    return { count, ttlMs: entry.expiresAt - now };
  }

  async decrement(key: string): Promise<void> {
    const entry = this.live(key);
    if (entry !== undefined) entry.value = String(Number(entry.value) - 1);
  }

  async ttl(key: string): Promise<number | null> {
    const entry = this.live(key);
    return entry === undefined ? null : entry.expiresAt - this.clock.now();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }
}
