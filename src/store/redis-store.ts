import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { failureReason, maskUrl, StorageError } from '../storage-errors.js';
import type { InvalidationBus } from '../invalidation-bus.js';
import type { KeyValueStore } from './key-value-store.js';

export interface RedisStoreOptions {
  /** `redis://[:password@]host:port/db` or `rediss://…`. */
  url: string;
  /** Put before every key, so that several deployments (or test runs) can share one Redis. */
  keyPrefix: string;
  /** Longest wait for one reply; past it the command fails as a StorageError. */
  commandTimeoutMs: number;
  /** Longest wait to reach Redis, at start-up and on each reconnect. */
  connectTimeoutMs: number;
  /** Redis Cluster: seed nodes (`host:port`); the password and TLS still come from `url`. */
  clusterNodes?: readonly string[];
  /** Redis Sentinel: the sentinels (`host:port`) and the name of the master they watch. */
  sentinels?: readonly string[];
  sentinelName?: string;
}

function hostAndPort(node: string): { host: string; port: number } {
  const [host = '127.0.0.1', port = '6379'] = node.split(':');
  return { host, port: Number(port) };
}

/** One client for the topology the options name: a single server, a Sentinel group, or a Cluster. */
function createClient(options: RedisStoreOptions, common: RedisOptions): Redis | Cluster {
  const url = new URL(options.url);
  const auth = {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  if (options.clusterNodes !== undefined && options.clusterNodes.length > 0) {
    const { keyPrefix, enableOfflineQueue, enableAutoPipelining, ...redisOptions } = common;
    return new Cluster(options.clusterNodes.map(hostAndPort), {
      keyPrefix,
      enableOfflineQueue,
      enableAutoPipelining,
      lazyConnect: true,
      clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 2000),
      redisOptions: { ...redisOptions, ...auth },
    });
  }
  if (options.sentinels !== undefined && options.sentinels.length > 0) {
    return new Redis({
      ...common,
      ...auth,
      sentinels: options.sentinels.map(hostAndPort),
      name: options.sentinelName ?? 'mymaster',
      db: Number(url.pathname.slice(1) || 0),
    });
  }
  return new Redis(options.url, common);
}

/** Deletes KEYS[1] only if it still holds ARGV[1]; 1 if it did. */
const DELETE_IF_EQUALS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * Counts one more in a fixed window: the first INCR also sets the window's length.
 * A counter found without an expiry (written by hand) is given one, so no window lasts forever.
 */
const INCREMENT_WINDOW = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return {count, tonumber(ARGV[1])}
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

/** DECR only while the counter lives: DECR on a missing key would make one without expiry. */
const DECREMENT_LIVE = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('DECR', KEYS[1])
end
return 0`;

/** The scripts, as ioredis defines them (EVALSHA, falling back to EVAL once per connection). */
interface ScriptCommands {
  kvDeleteIfEquals(key: string, value: string): Promise<number>;
  kvIncrementWindow(key: string, ttlMs: number): Promise<[number, number]>;
  kvDecrementLive(key: string): Promise<number>;
}

/** Redis wants a whole, positive number of milliseconds. */
const px = (ttlMs: number): number => Math.max(1, Math.ceil(ttlMs));

/**
 * The Redis adapter: every check-and-change is one Redis command or one Lua script, so it
 * is atomic across every process that shares the server. A command never waits longer
 * than `commandTimeoutMs`; while Redis is unreachable commands fail at once (no offline
 * queue) and the client keeps reconnecting in the background.
 */
export class RedisStore implements KeyValueStore {
  private readonly scripts: ScriptCommands;

  private constructor(
    private readonly redis: Redis | Cluster,
    private readonly keyPrefix = '',
  ) {
    redis.defineCommand('kvDeleteIfEquals', { numberOfKeys: 1, lua: DELETE_IF_EQUALS });
    redis.defineCommand('kvIncrementWindow', { numberOfKeys: 1, lua: INCREMENT_WINDOW });
    redis.defineCommand('kvDecrementLive', { numberOfKeys: 1, lua: DECREMENT_LIVE });
    this.scripts = redis as unknown as ScriptCommands;
  }

  /**
   * Connects and pings. Unreachable within `connectTimeoutMs` → an Error whose one-line
   * message names the URL (password masked) and the reason.
   */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    let lastError: unknown;
    const redis = createClient(options, {
      keyPrefix: options.keyPrefix,
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      // While Redis is down a request gets DBERR at once rather than waiting in a queue.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // A command whose outcome is unknown (e.g. a GETDEL cut off mid-flight) must not be
      // replayed later behind its caller's back: the caller already got an error.
      autoResendUnfulfilledCommands: false,
      // Keep reconnecting for as long as the process lives, backing off to 2 s.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
      // A socket that will not close gracefully is destroyed soon, so a failed start-up exits at once.
      disconnectTimeout: 200,
      // The commands that concurrent requests issue in the same turn of the event loop go
      // out as one pipeline: one write and one read instead of one each per command.
      enableAutoPipelining: true,
    });
    // Each failed command already reports its own error; the event would otherwise be
    // printed by ioredis as an unhandled error on every reconnect attempt.
    redis.on('error', (error: unknown) => {
      lastError = error;
    });

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${options.connectTimeoutMs} ms`)),
        options.connectTimeoutMs,
      );
    });
    try {
      await Promise.race([redis.connect().then(() => redis.ping()), deadline]);
      return new RedisStore(redis, options.keyPrefix);
    } catch (error) {
      redis.disconnect();
      const reason = failureReason(lastError ?? error);
      throw new Error(`cannot reach Redis at ${maskUrl(options.url)}: ${reason}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * An invalidation bus over Redis pub/sub on channel `<prefix><name>`: messages are
   * published on this store's connection and heard on a connection of its own (a subscribed
   * connection can do nothing else). While that connection is down the bus is not listening;
   * once it is back (resubscribed), listeners are told, since messages may have been missed.
   */
  async openBus(name: string): Promise<InvalidationBus> {
    const channel = `${this.keyPrefix}${name}`;
    const subscriber = this.redis.duplicate();
    subscriber.on('error', () => {});
    const listeners: (() => void)[] = [];
    const tell = () => listeners.forEach((listener) => listener());
    let listening = false;
    subscriber.on('message', (from: string) => {
      if (from === channel) tell();
    });
    subscriber.on('close', () => {
      listening = false;
      tell();
    });
    // ioredis resubscribes on reconnect before 'ready'.
    subscriber.on('ready', () => {
      listening = true;
      tell();
    });
    await subscriber.connect();
    await subscriber.subscribe(channel);
    listening = true;
    return {
      publish: () => this.run('publish', async () => void (await this.redis.publish(channel, '1'))),
      onInvalidate: (listener) => void listeners.push(listener),
      get listening() {
        return listening;
      },
      close: async () => {
        listening = false;
        subscriber.disconnect();
      },
    };
  }

  /** Any Redis failure or timeout leaves here as a StorageError (a DBERR reply). */
  private async run<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StorageError(`key-value store: ${what} failed: ${failureReason(error)}`, { cause: error });
    }
  }

  get(key: string): Promise<string | null> {
    return this.run('get', () => this.redis.get(key));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.run('set', async () => {
      await this.redis.set(key, value, 'PX', px(ttlMs));
    });
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.run('set if absent', async () => {
      return (await this.redis.set(key, value, 'PX', px(ttlMs), 'NX')) === 'OK';
    });
  }

  take(key: string): Promise<string | null> {
    return this.run('take', () => this.redis.getdel(key));
  }

  deleteIfEquals(key: string, value: string): Promise<boolean> {
    return this.run('delete if equals', async () => {
      return (await this.scripts.kvDeleteIfEquals(key, value)) === 1;
    });
  }

  delete(key: string): Promise<void> {
    return this.run('delete', async () => {
      await this.redis.del(key);
    });
  }

  increment(key: string, ttlMs: number): Promise<{ count: number; ttlMs: number }> {
    return this.run('increment', async () => {
      const [count, left] = await this.scripts.kvIncrementWindow(key, px(ttlMs));
      return { count: Number(count), ttlMs: Number(left) };
    });
  }

  decrement(key: string): Promise<void> {
    return this.run('decrement', async () => {
      await this.scripts.kvDecrementLive(key);
    });
  }

  ttl(key: string): Promise<number | null> {
    return this.run('ttl', async () => {
      const left = await this.redis.pttl(key);
      // -2: no such key. -1: a key without expiry, which this port never writes.
      return left < 0 ? null : left;
    });
  }

  ping(): Promise<void> {
    return this.run('ping', async () => {
      await this.redis.ping();
    });
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') {
      // QUIT lets replies in flight arrive; if Redis does not answer, drop the socket.
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }
}
