import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { StoreFullError } from '../../src/store/key-value-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { keyValueStoreConformance } from './key-value-store.conformance.js';

// One manual clock for every store the suite opens: TTLs pass without sleeping.
const clock = new ManualClock();

keyValueStoreConformance({
  name: 'MemoryStore',
  open: async () => new MemoryStore(clock),
  wait: async (ms) => clock.advance(ms),
  shortTtlMs: 1000,
});

describe('MemoryStore', () => {
  it('reports exact TTLs from the injected clock', async () => {
    const own = new ManualClock();
    const store = new MemoryStore(own);
    await store.set('k', 'v', 5000);
    own.advance(1234);
    assert.equal(await store.ttl('k'), 3766);
    assert.deepEqual(await store.increment('n', 1000), { count: 1, ttlMs: 1000 });
    own.advance(999);
    assert.deepEqual(await store.increment('n', 1000), { count: 2, ttlMs: 1 });
    own.advance(1);
    assert.equal(await store.get('n'), null, 'gone at the very millisecond it expires');
    await store.close();
  });

  it('the sweep drops expired entries nobody reads again, so memory stays bounded', async () => {
    const own = new ManualClock();
    const store = new MemoryStore(own);
    for (let i = 0; i < 100; i += 1) await store.set(`k${i}`, 'v', 1000);
    await store.set('kept', 'v', 10_000);
    assert.equal(store.size, 101);
    own.advance(1000);
    store.sweep();
    assert.equal(store.size, 1);
    await store.close();
  });
});

describe('MemoryStore slots', () => {
  it('gives every key its own value and expiry while slots of deleted and expired keys are reused', async () => {
    // A model of what the port promises, beside the store, through 20 000 random operations
    // on 40 keys: a slot given back and taken by another key must never show through.
    const own = new ManualClock();
    const store = new MemoryStore(own);
    const model = new Map<string, { value: string; expiresAt: number }>();
    const alive = (key: string) => {
      const entry = model.get(key);
      if (entry !== undefined && entry.expiresAt <= own.now()) model.delete(key);
      return model.get(key);
    };
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 20_000; step++) {
      const key = `key:${random(40)}`;
      const ttl = 1 + random(5000);
      switch (random(7)) {
        case 0:
          await store.set(key, `v${step}`, ttl);
          model.set(key, { value: `v${step}`, expiresAt: own.now() + ttl });
          break;
        case 1: {
          const absent = alive(key) === undefined;
          assert.equal(await store.setIfAbsent(key, `v${step}`, ttl), absent);
          if (absent) model.set(key, { value: `v${step}`, expiresAt: own.now() + ttl });
          break;
        }
        case 2:
          assert.equal(await store.take(key), alive(key)?.value ?? null);
          model.delete(key);
          break;
        case 3:
          await store.delete(key);
          model.delete(key);
          break;
        case 4: {
          const entry = alive(key);
          const count = entry === undefined ? 1 : Number(entry.value) + 1;
          const expiresAt = entry?.expiresAt ?? own.now() + ttl;
          assert.deepEqual(await store.increment(key, ttl), { count, ttlMs: expiresAt - own.now() });
          model.set(key, { value: String(count), expiresAt });
          break;
        }
        case 5:
          own.advance(random(300));
          break;
        default:
          assert.equal(await store.get(key), alive(key)?.value ?? null, `step ${step}: ${key}`);
          assert.equal(
            await store.ttl(key),
            alive(key) === undefined ? null : alive(key)!.expiresAt - own.now(),
          );
      }
    }
    store.sweep();
    assert.equal(store.size, [...model.keys()].filter((key) => alive(key) !== undefined).length);
    await store.close();
  });

  it("holds 30 000 phones' SMS keys in under 18 MB of the JavaScript heap", async () => {
    // 120 000 keys: with an object and a boxed expiry per key they took 21 MB, now 15-16.
    v8.setFlagsFromString('--expose-gc');
    const collect = vm.runInNewContext('gc') as () => void;
    const own = new ManualClock();
    collect();
    const before = process.memoryUsage().heapUsed;
    const store = new MemoryStore(own, 30_000, 1_000_000);
    for (let i = 0; i < 30_000; i++) {
      const phone = `138${String(i).padStart(8, '0')}`;
      await store.set(`sms:code:register:${phone}`, 'x'.repeat(43) + (i % 10), 300_000);
      await store.setIfAbsent(`sms:resend:${phone}`, '1', 60_000);
      await store.increment(`sms:hour:${phone}`, 3600_000);
      await store.increment(`sms:day:${phone}`, 24 * 3600_000);
      await store.increment(`sms:day:${phone}`, 24 * 3600_000);
    }
    collect();
    const used = process.memoryUsage().heapUsed - before;
    assert.equal(store.size, 120_000);
    assert.ok(used < 18 * 2 ** 20, `${(used / 2 ** 20).toFixed(1)} MB`);
    await store.close();
  });
});

describe('MemoryStore bound (MEMORY_STORE_MAX_KEYS)', () => {
  it('holds 30 000 phones of SMS keys under the default bound, and sweeps what expired, keeping every counter', async () => {
    const own = new ManualClock();
    const maxKeys = loadConfig({ NODE_ENV: 'test' }).memoryStoreMaxKeys;
    const store = new MemoryStore(own, 30_000, maxKeys);
    const phones = Array.from({ length: 30_000 }, (_, i) => `138${String(i).padStart(8, '0')}`);
    // What one SMS code leaves behind (src/services/sms-codes.ts): a resend window, the code, two counters.
    for (const phone of phones) {
      assert.equal(await store.setIfAbsent(`sms:resend:${phone}`, '1', 60_000), true);
      await store.set(`sms:code:register:${phone}`, 'digest', 300_000);
      await store.increment(`sms:phone:hour:${phone}`, 3600_000);
      await store.increment(`sms:phone:day:${phone}`, 24 * 3600_000);
    }
    assert.equal(store.size, 120_000);
    own.advance(300_000);
    store.sweep();
    assert.equal(store.size, 60_000, 'windows and codes swept, counters kept');
    for (const phone of phones) {
      assert.equal(await store.get(`sms:phone:day:${phone}`), '1');
      assert.deepEqual(await store.increment(`sms:phone:hour:${phone}`, 3600_000), {
        count: 2,
        ttlMs: 3600_000 - 300_000,
      });
    }
    await store.close();
  });

  it('refuses new values from 90% of the bound and new counters at it, never dropping a key', async () => {
    const own = new ManualClock();
    const store = new MemoryStore(own, 30_000, 1000);
    for (let i = 0; i < 100; i += 1) await store.increment(`counter:${i}`, 3600_000);
    let values = 0;
    await assert.rejects(async () => {
      for (;;) {
        await store.set(`captcha:${values}`, 'digest', 300_000);
        values += 1;
      }
    }, StoreFullError);
    assert.equal(values, 800, 'values fill up to 90% of the bound');
    assert.equal(store.size, 900);
    await assert.rejects(store.setIfAbsent('window:new', '1', 60_000), StoreFullError);
    // A key already there may be replaced, and counters keep counting.
    await store.set('captcha:0', 'other', 300_000);
    assert.equal((await store.increment('counter:0', 3600_000)).count, 2);
    // New counters take the last 10%, then are refused in their turn.
    for (let i = 100; i < 200; i += 1) await store.increment(`counter:${i}`, 3600_000);
    assert.equal(store.size, 1000);
    await assert.rejects(store.increment('counter:new', 3600_000), StoreFullError);
    for (let i = 0; i < 200; i += 1) {
      assert.equal(await store.get(`counter:${i}`), i === 0 ? '2' : '1', 'no counter lost');
    }
    // Once the captchas expire, a full store sweeps them on the next write instead of refusing.
    own.advance(300_000);
    await store.set('captcha:after', 'digest', 300_000);
    assert.equal(store.size, 201);
    await store.close();
  });
});
