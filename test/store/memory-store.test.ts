import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
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
