import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
