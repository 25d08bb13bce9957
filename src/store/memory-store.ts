import type { Clock } from '../clock.js';
import { StoreFullError, type KeyValueStore } from './key-value-store.js';

/** Share of the bound past which new values (captchas, codes, windows) are refused; counters may use the rest. */
const VALUES_SHARE = 0.9;
/** When the store is full, expired keys are swept at most this often (a sweep walks every key). */
const FULL_SWEEP_EVERY_MS = 1000;

/**
 * The in-process adapter: a Map from each key to its slot in a column of values and a
 * column of expiries, read against the injected clock. Every method runs to completion
 * without awaiting anything, which is what makes each atomic.
 *
 * Bounded at `maxKeys`: no key is ever evicted (a dropped counter would reopen a quota),
 * so a write that would add a key to a full store is refused with StoreFullError. New
 * values — captchas, codes, windows — are refused from 90% of the bound, so the last 10%
 * stays for counters (a request turned away for want of a captcha costs less than a
 * quota forgotten); at the bound a new counter is refused too, and the request it counts
 * fails rather than passing uncounted. Before refusing, the store sweeps expired keys.
 */
export class MemoryStore implements KeyValueStore {
  /**
   * Each key's slot in the two columns below. Held this way rather than as an object per
   * key: an entry object and the boxed number of its expiry cost 56 bytes a key, and a
   * counter's value a new string at each increment (30 000 phones leave ~150 000 keys).
   */
  private readonly slots = new Map<string, number>();
  /** Per slot: the value (a counter as a number), or undefined when the slot is free. */
  private readonly values: (string | number | undefined)[] = [];
  /** Per slot: when the key expires, on the injected clock's scale (ms). */
  private expiries = new Float64Array(1024);
  /** Slots given back by deleted keys, taken again before new ones. */
  private readonly freeSlots: number[] = [];
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

  /** The live key's slot, or undefined (an expired key is dropped on the way). */
  private live(key: string): number | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    if (this.expiries[slot]! <= this.clock.now()) {
      this.remove(key, slot);
      return undefined;
    }
    return slot;
  }

  private remove(key: string, slot: number): void {
    this.slots.delete(key);
    this.values[slot] = undefined;
    this.freeSlots.push(slot);
  }

  /** Stores a new key (the caller has checked it is absent) in a free slot. */
  private add(key: string, value: string | number, expiresAt: number): void {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.values.length;
      if (slot === this.expiries.length) {
        const grown = new Float64Array(slot * 2);
        grown.set(this.expiries);
        this.expiries = grown;
      }
      this.values.push(undefined);
    }
    this.values[slot] = value;
    this.expiries[slot] = expiresAt;
    this.slots.set(key, slot);
  }

  sweep(): void {
    const now = this.clock.now();
    for (const [key, slot] of this.slots) {
      if (this.expiries[slot]! <= now) this.remove(key, slot);
    }
  }

  get size(): number {
    return this.slots.size;
  }

  /** Throws StoreFullError when `key` is new and the store holds `bound` keys, even after a sweep. */
  private makeRoom(key: string, bound: number): void {
    if (this.slots.size < bound || this.slots.has(key)) return;
    const now = this.clock.now();
    if (now - this.lastFullSweep >= FULL_SWEEP_EVERY_MS) {
      this.lastFullSweep = now;
      this.sweep();
    }
    if (this.slots.size >= bound) {
      throw new StoreFullError(`key-value store: full (${this.slots.size} keys, bound ${this.maxKeys})`);
    }
  }

  /** The value in `slot` as the port gives values: a string. */
  private valueAt(slot: number): string {
    const value = this.values[slot]!;
    return typeof value === 'number' ? String(value) : value;
  }

  /** Stores `value` until `expiresAt`, replacing what `key` held. */
  private put(key: string, value: string, expiresAt: number): void {
    const slot = this.live(key);
    if (slot === undefined) {
      this.add(key, value, expiresAt);
      return;
    }
    this.values[slot] = value;
    this.expiries[slot] = expiresAt;
  }

  async get(key: string): Promise<string | null> {
    const slot = this.live(key);
    return slot === undefined ? null : this.valueAt(slot);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.makeRoom(key, this.valuesBound);
    this.put(key, value, this.clock.now() + ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key) !== undefined) return false;
    this.makeRoom(key, this.valuesBound);
    this.add(key, value, this.clock.now() + ttlMs);
    return true;
  }

  async take(key: string): Promise<string | null> {
    const slot = this.live(key);
    if (slot === undefined) return null;
    const value = this.valueAt(slot);
    this.remove(key, slot);
    return value;
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    const slot = this.live(key);
    if (slot === undefined || this.valueAt(slot) !== value) return false;
    this.remove(key, slot);
    return true;
  }

  async delete(key: string): Promise<void> {
    const slot = this.slots.get(key);
    if (slot !== undefined) this.remove(key, slot);
  }

  async increment(key: string, ttlMs: number): Promise<{ count: number; ttlMs: number }> {
    const now = this.clock.now();
    const slot = this.live(key);
    if (slot === undefined) {
      this.makeRoom(key, this.maxKeys);
      this.add(key, 1, now + ttlMs);
      return { count: 1, ttlMs };
    }
    const count = Number(this.values[slot]) + 1;
    this.values[slot] = count;
    return { count, ttlMs: this.expiries[slot]! - now };
  }

  async decrement(key: string): Promise<void> {
    const slot = this.live(key);
    if (slot !== undefined) this.values[slot] = Number(this.values[slot]) - 1;
  }

  async ttl(key: string): Promise<number | null> {
    const slot = this.live(key);
    return slot === undefined ? null : this.expiries[slot]! - this.clock.now();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.slots.clear();
    this.values.length = 0;
    this.freeSlots.length = 0;
  }
}
