import { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock.js';
import type { Config } from '../../src/config.js';
import type { KeyValueStore } from '../../src/store/key-value-store.js';
import { RedisStore } from '../../src/store/redis-store.js';

/** A manual clock that tells a listener how far it moved. */
export class TravellingClock extends ManualClock {
  onAdvance: ((ms: number) => void) | undefined;

  override advance(ms: number): void {
    super.advance(ms);
    this.onAdvance?.(ms);
  }
}

/**
 * Takes `ms` off the TTL of every key matching ARGV[1], deleting those it runs out:
 * what `ms` of elapsed time would have done. One script, so no command sees it half-done.
 */
const AGE_KEYS = `
local ms = tonumber(ARGV[2])
local cursor = '0'
repeat
  local reply = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = reply[1]
  for _, key in ipairs(reply[2]) do
    local left = redis.call('PTTL', key)
    if left > 0 then
      if left <= ms then redis.call('DEL', key) else redis.call('PEXPIRE', key, left - ms) end
    end
  end
until cursor == '0'
return 0`;

/** `prefix` as a SCAN pattern that matches exactly the keys that start with it. */
const globPrefix = (prefix: string): string => `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;

/**
 * The app's RedisStore, plus time travel for tests: Redis keeps its own clock, so moving
 * the test's manual clock forward would otherwise expire nothing. `age(ms)` shortens the
 * TTL of every key under this app's prefix (each test app has its own), and every call
 * waits for the ageing to finish first, so a test can move the clock and ask at once.
 */
export class TimeTravellingRedisStore implements KeyValueStore {
  private ageing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly inner: RedisStore,
    private readonly raw: Redis,
    private readonly pattern: string,
  ) {}

  static async open(config: Config): Promise<TimeTravellingRedisStore> {
    if (config.redisUrl === undefined) throw new Error('TimeTravellingRedisStore needs REDIS_URL');
    const inner = await RedisStore.connect({
      url: config.redisUrl,
      keyPrefix: config.redisKeyPrefix,
      commandTimeoutMs: config.redisCommandTimeoutMs,
      connectTimeoutMs: config.redisConnectTimeoutMs,
    });
    const raw = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    return new TimeTravellingRedisStore(inner, raw, globPrefix(config.redisKeyPrefix));
  }

  /** Lets `ms` pass for this store's keys, before the next call of any method. */
  age(ms: number): void {
    // A failed ageing leaves the keys as they were; the test's own assertions will say so.
    this.ageing = this.ageing
      .then(async () => {
        await this.raw.eval(AGE_KEYS, 0, this.pattern, String(ms));
      })
      .catch(() => {});
  }

  async get(key: string): Promise<string | null> {
    await this.ageing;
    return this.inner.get(key);
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.ageing;
    return this.inner.set(key, value, ttlMs);
  }
  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    await this.ageing;
    return this.inner.setIfAbsent(key, value, ttlMs);
  }
  async take(key: string): Promise<string | null> {
    await this.ageing;
    return this.inner.take(key);
  }
  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    await this.ageing;
    return this.inner.deleteIfEquals(key, value);
  }
  async delete(key: string): Promise<void> {
    await this.ageing;
    return this.inner.delete(key);
  }
  async increment(key: string, ttlMs: number): Promise<{ count: number; ttlMs: number }> {
    await this.ageing;
    return this.inner.increment(key, ttlMs);
  }
  async decrement(key: string): Promise<void> {
    await this.ageing;
    return this.inner.decrement(key);
  }
  async ttl(key: string): Promise<number | null> {
    await this.ageing;
    return this.inner.ttl(key);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  async close(): Promise<void> {
    await this.ageing;
    this.raw.disconnect();
    await this.inner.close();
  }
}
