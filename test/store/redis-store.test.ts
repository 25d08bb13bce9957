import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.js';
import { StorageError } from '../../src/storage-errors.js';
import { RedisStore, type RedisStoreOptions } from '../../src/store/redis-store.js';
import { TcpRelay } from '../helpers/tcp-relay.js';
import { TimeTravellingRedisStore } from '../helpers/time-travel.js';
import { keyValueStoreConformance } from './key-value-store.conformance.js';

const REDIS_URL = process.env.REDIS_URL || undefined;
const PREFIX = `${process.env.REDIS_KEY_PREFIX ?? 'test:'}${process.pid}:kv:`;

let storeCounter = 0;
function options(overrides: Partial<RedisStoreOptions> = {}): RedisStoreOptions {
  storeCounter += 1;
  return {
    url: REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    keyPrefix: `${PREFIX}${storeCounter}:`,
    commandTimeoutMs: 2000,
    connectTimeoutMs: 2000,
    ...overrides,
  };
}

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('RedisStore start-up', () => {
  it('an unreachable Redis stops the start-up with one line naming the URL, password masked', async () => {
    const started = Date.now();
    await assert.rejects(
      RedisStore.connect(options({ url: 'redis://:s3cret-pass@127.0.0.1:1/0', connectTimeoutMs: 10_000 })),
      (error: Error) => {
        assert.equal(error.message.includes('\n'), false, 'one line');
        assert.match(error.message, /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0: /);
        assert.match(error.message, /ECONNREFUSED/);
        assert.equal(error.message.includes('s3cret-pass'), false, 'the password is never printed');
        return true;
      },
    );
    assert.ok(Date.now() - started < 5000, 'refused at once, not after the connect timeout');
  });

  it('a server that never answers stops the start-up within the connect timeout', async () => {
    const server = await silentServer();
    try {
      const started = Date.now();
      await assert.rejects(
        RedisStore.connect(
          options({ url: `redis://127.0.0.1:${server.port}`, connectTimeoutMs: 300, commandTimeoutMs: 300 }),
        ),
        { message: `cannot reach Redis at redis://127.0.0.1:${server.port}: no answer within 300 ms` },
      );
      const took = Date.now() - started;
      assert.ok(took >= 250 && took < 3000, `gave up after ${took} ms`);
    } finally {
      await server.close();
    }
  });
});

if (REDIS_URL !== undefined) {
  keyValueStoreConformance({
    name: 'RedisStore',
    open: () => RedisStore.connect(options()),
    // Redis keeps its own clock: TTLs pass for real.
    wait: async (ms) => {
      await sleep(ms);
    },
    shortTtlMs: 250,
  });

  // The test harness's time travel over Redis (test/helpers/time-travel.ts) must keep the
  // port's contract while the manual clock, not a sleep, makes time pass.
  const travellers: TimeTravellingRedisStore[] = [];
  keyValueStoreConformance({
    name: 'RedisStore with time travel (the HTTP tests over Redis)',
    open: async () => {
      const store = await TimeTravellingRedisStore.open(
        loadConfig({ NODE_ENV: 'test', REDIS_URL, REDIS_KEY_PREFIX: options().keyPrefix }),
      );
      travellers.push(store);
      return store;
    },
    wait: async (ms) => {
      for (const store of travellers) store.age(ms);
    },
    shortTtlMs: 5000,
  });

  describe('RedisStore against a real Redis', () => {
    const stores: RedisStore[] = [];
    const connect = async (opts: RedisStoreOptions) => {
      const store = await RedisStore.connect(opts);
      stores.push(store);
      return store;
    };
    let raw: Redis;
    before(() => {
      raw = new Redis(REDIS_URL, { lazyConnect: true });
    });
    after(async () => {
      await Promise.all(stores.map((store) => store.close()));
      raw.disconnect();
    });

    it('keys are stored under the configured prefix, with their TTL', async () => {
      const opts = options();
      const store = await connect(opts);
      await store.set('captcha:abc', 'XYZW', 60_000);
      assert.equal(await raw.get(`${opts.keyPrefix}captcha:abc`), 'XYZW');
      const left = await raw.pttl(`${opts.keyPrefix}captcha:abc`);
      assert.ok(left > 55_000 && left <= 60_000, `${left} ms left`);
      assert.equal(await raw.exists('captcha:abc'), 0, 'nothing is written without the prefix');
    });

    it('many processes, one truth: 50 takes spread over 5 connections sharing a prefix, one winner', async () => {
      const opts = options();
      const clients = await Promise.all(Array.from({ length: 5 }, () => connect({ ...opts })));
      await clients[0]!.set('captcha', 'ABCD', 60_000);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => clients[i % clients.length]!.take('captcha')),
      );
      assert.deepEqual(
        results.filter((r) => r !== null),
        ['ABCD'],
      );
      const counts = await Promise.all(
        Array.from({ length: 50 }, (_, i) => clients[i % clients.length]!.increment('quota', 60_000)),
      );
      assert.deepEqual(
        counts.map((c) => c.count).sort((a, b) => a - b),
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
    });

    it('while Redis is unreachable every command fails at once as a StorageError; back, the store reconnects', async () => {
      const relay = new TcpRelay(new URL(REDIS_URL));
      await relay.up();
      try {
        const store = await connect(options({ url: relay.url }));
        await store.set('k', 'v', 60_000);

        await relay.down();
        await sleep(50);
        for (const command of [
          () => store.get('k'),
          () => store.take('k'),
          () => store.increment('n', 1000),
          () => store.deleteIfEquals('k', 'v'),
          () => store.ping(),
        ]) {
          const started = Date.now();
          await assert.rejects(command(), StorageError);
          assert.ok(
            Date.now() - started < 1000,
            'no waiting in an offline queue (the command timeout is 2 s)',
          );
        }

        await relay.up();
        let value: string | null | undefined;
        for (let attempt = 0; attempt < 60 && value === undefined; attempt += 1) {
          value = await store.get('k').catch(() => undefined);
          if (value === undefined) await sleep(100);
        }
        assert.equal(value, 'v', 'reconnected by itself, data intact');
        assert.equal(await store.deleteIfEquals('k', 'v'), true, 'scripts work on the new connection');
      } finally {
        await relay.down();
      }
    });

    it('a Redis that stops answering turns the command into a StorageError after the command timeout', async () => {
      const relay = new TcpRelay(new URL(REDIS_URL));
      await relay.up();
      try {
        const store = await connect(options({ url: relay.url, commandTimeoutMs: 300 }));
        relay.stall(true);
        const started = Date.now();
        await assert.rejects(store.take('k'), (error: Error) => {
          assert.ok(error instanceof StorageError);
          assert.match(error.message, /timed out/i);
          return true;
        });
        const took = Date.now() - started;
        assert.ok(took >= 250 && took < 3000, `gave up after ${took} ms`);
      } finally {
        relay.stall(false);
        await relay.down();
      }
    });
  });
}
