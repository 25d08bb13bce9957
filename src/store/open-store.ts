import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { KeyValueStore } from './key-value-store.js';
import { MemoryStore } from './memory-store.js';

/**
 * The key-value store the configuration names: Redis when `REDIS_URL` is set (reached and
 * pinged now, so that a wrong URL stops the start-up with one clear line), else in-process.
 */
export async function openKeyValueStore(config: Config, clock: Clock): Promise<KeyValueStore> {
  if (config.redisUrl !== undefined) {
    // Redis keeps its own time: the injected clock only drives the in-process store.
    // Loaded only when used, like the database drivers: the embedded defaults never need ioredis.
    const { RedisStore } = await import('./redis-store.js');
    return RedisStore.connect({
      url: config.redisUrl,
      keyPrefix: config.redisKeyPrefix,
      commandTimeoutMs: config.redisCommandTimeoutMs,
      connectTimeoutMs: config.redisConnectTimeoutMs,
      clusterNodes: config.redisClusterNodes,
      sentinels: config.redisSentinels,
      sentinelName: config.redisSentinelName,
    });
  }
  return new MemoryStore(clock, 30_000, config.memoryStoreMaxKeys);
}
