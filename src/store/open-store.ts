import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { KeyValueStore } from './key-value-store.js';
import { MemoryStore } from './memory-store.js';

/** The key-value store the configuration names: Redis when `REDIS_URL` is set, else in-process. */
export async function openKeyValueStore(config: Config, clock: Clock): Promise<KeyValueStore> {
  if (config.redisUrl !== undefined) {
    throw new Error('REDIS_URL is not supported yet');
  }
  return new MemoryStore(clock);
}
