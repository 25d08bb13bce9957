import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KeyValueStore } from '../../src/store/key-value-store.js';

/** What the shared suite needs to know about one adapter. */
export interface KeyValueStoreUnderTest {
  /** The adapter's name, as the test report shows it. */
  name: string;
  /** A new store that shares no key with any other store this returns. */
  open(): Promise<KeyValueStore>;
  /** Lets `ms` of the store's own time pass (moves a manual clock, or sleeps for a server's). */
  wait(ms: number): Promise<void>;
  /** A TTL the suite waits out: long enough to outlive a few round trips, short enough to sleep. */
  shortTtlMs: number;
}

const CALLERS = 50;
const LONG_TTL_MS = 60_000;

/**
 * The key-value store port's contract, as node:test tests. Every adapter runs it; an
 * adapter is done when it passes.
 */
export function keyValueStoreConformance(subject: KeyValueStoreUnderTest): void {
  describe(`KeyValueStore conformance: ${subject.name}`, () => {
    const opened: KeyValueStore[] = [];
    const open = async (): Promise<KeyValueStore> => {
      const store = await subject.open();
      opened.push(store);
      return store;
    };
    after(async () => {
      await Promise.all(opened.map((store) => store.close()));
    });
    const short = subject.shortTtlMs;
    // Waiting 1.5 TTLs leaves room for time spent on the wire.
    const waitPastShortTtl = () => subject.wait(Math.ceil(short * 1.5));

    it('answers a ping', async () => {
      const store = await open();
      await store.ping();
    });

    it('get answers null for a key never set, and the value for one that was', async () => {
      const store = await open();
      assert.equal(await store.get('never'), null);
      await store.set('k', 'v', LONG_TTL_MS);
      assert.equal(await store.get('k'), 'v');
    });

    it('a value expires after its TTL: get, take, ttl and deleteIfEquals no longer see it', async () => {
      const store = await open();
      await store.set('code', '1234', short);
      assert.equal(await store.get('code'), '1234');
      await waitPastShortTtl();
      assert.equal(await store.get('code'), null);
      assert.equal(await store.take('code'), null);
      assert.equal(await store.ttl('code'), null);
      assert.equal(await store.deleteIfEquals('code', '1234'), false);
    });

    it('set replaces both the value and the TTL', async () => {
      const store = await open();
      await store.set('k', 'first', LONG_TTL_MS);
      await store.set('k', 'second', short);
      assert.equal(await store.get('k'), 'second');
      await waitPastShortTtl();
      assert.equal(await store.get('k'), null, 'the shorter TTL of the second set applies');

      await store.set('k2', 'first', short);
      await store.set('k2', 'second', LONG_TTL_MS);
      await waitPastShortTtl();
      assert.equal(await store.get('k2'), 'second', 'the longer TTL of the second set applies');
    });

    it('setIfAbsent stores only when nothing is stored, and never touches what is', async () => {
      const store = await open();
      assert.equal(await store.setIfAbsent('w', 'a', short), true);
      assert.equal(await store.setIfAbsent('w', 'b', LONG_TTL_MS), false);
      assert.equal(await store.get('w'), 'a');
      const left = await store.ttl('w');
      assert.ok(left !== null && left <= short, `the refused call kept the first TTL (${left} ms left)`);
      await waitPastShortTtl();
      assert.equal(await store.setIfAbsent('w', 'c', LONG_TTL_MS), true, 'free again once expired');
      assert.equal(await store.get('w'), 'c');
    });

    it(`setIfAbsent under ${CALLERS} concurrent callers: exactly one stores`, async () => {
      const store = await open();
      const results = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) => store.setIfAbsent('window', `caller-${i}`, LONG_TTL_MS)),
      );
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      assert.equal(winners.length, 1);
      assert.equal(await store.get('window'), `caller-${winners[0]}`);
    });

    it('take returns the value once and deletes it; a missing key gives null', async () => {
      const store = await open();
      assert.equal(await store.take('missing'), null);
      await store.set('captcha', 'ABCD', LONG_TTL_MS);
      assert.equal(await store.take('captcha'), 'ABCD');
      assert.equal(await store.take('captcha'), null);
      assert.equal(await store.get('captcha'), null);
    });

    it(`take under ${CALLERS} concurrent callers: only one gets the value`, async () => {
      const store = await open();
      await store.set('captcha', 'ABCD', LONG_TTL_MS);
      const results = await Promise.all(Array.from({ length: CALLERS }, () => store.take('captcha')));
      assert.deepEqual(
        results.filter((r) => r !== null),
        ['ABCD'],
      );
    });

    it('deleteIfEquals deletes only a key that still holds the given value', async () => {
      const store = await open();
      assert.equal(await store.deleteIfEquals('missing', 'x'), false);
      await store.set('sms', 'digest-1', LONG_TTL_MS);
      assert.equal(await store.deleteIfEquals('sms', 'digest-2'), false);
      assert.equal(await store.get('sms'), 'digest-1', 'a different value is kept');
      assert.equal(await store.deleteIfEquals('sms', 'digest-1'), true);
      assert.equal(await store.get('sms'), null);
      assert.equal(await store.deleteIfEquals('sms', 'digest-1'), false);
    });

    it(`deleteIfEquals under ${CALLERS} concurrent callers: exactly one deletes`, async () => {
      const store = await open();
      await store.set('sms', 'digest', LONG_TTL_MS);
      const results = await Promise.all(
        Array.from({ length: CALLERS }, () => store.deleteIfEquals('sms', 'digest')),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('delete removes a key, and deleting a missing key is fine', async () => {
      const store = await open();
      await store.set('k', 'v', LONG_TTL_MS);
      await store.delete('k');
      assert.equal(await store.get('k'), null);
      await store.delete('k');
    });

    it('increment starts a fixed window at 1, counts up, and never extends the window', async () => {
      const store = await open();
      const first = await store.increment('hits', short);
      assert.equal(first.count, 1);
      assert.ok(first.ttlMs > 0 && first.ttlMs <= short, `a new window lasts the TTL (${first.ttlMs} ms)`);
      const second = await store.increment('hits', LONG_TTL_MS);
      assert.equal(second.count, 2);
      assert.ok(second.ttlMs <= short, `what remains of the first window (${second.ttlMs} ms)`);
      assert.equal(await store.get('hits'), '2');
      await waitPastShortTtl();
      const fresh = await store.increment('hits', LONG_TTL_MS);
      assert.equal(fresh.count, 1, 'the window ended; a new one begins');
      assert.ok(fresh.ttlMs > short, `the new window has the new TTL (${fresh.ttlMs} ms)`);
    });

    it(`increment under ${CALLERS} concurrent callers counts exactly 1..${CALLERS}`, async () => {
      const store = await open();
      const results = await Promise.all(
        Array.from({ length: CALLERS }, () => store.increment('attempts', LONG_TTL_MS)),
      );
      assert.deepEqual(
        results.map((r) => r.count).sort((a, b) => a - b),
        Array.from({ length: CALLERS }, (_, i) => i + 1),
      );
      for (const { ttlMs } of results) assert.ok(ttlMs > 0 && ttlMs <= LONG_TTL_MS);
      assert.equal(await store.get('attempts'), String(CALLERS));
    });

    it('decrement takes one back within the window, keeps the window, and never revives an expired counter', async () => {
      const store = await open();
      await store.increment('reserved', short);
      await store.increment('reserved', short);
      await store.decrement('reserved');
      assert.equal(await store.get('reserved'), '1');
      const left = await store.ttl('reserved');
      assert.ok(left !== null && left <= short, `the window is unchanged (${left} ms)`);
      await waitPastShortTtl();
      await store.decrement('reserved');
      assert.equal(await store.get('reserved'), null);
      assert.equal(await store.ttl('reserved'), null);
      assert.equal((await store.increment('reserved', LONG_TTL_MS)).count, 1);
      await store.decrement('never-counted');
      assert.equal(await store.get('never-counted'), null);
    });

    it(`${CALLERS} concurrent increments and decrements leave exactly the difference`, async () => {
      const store = await open();
      await Promise.all(Array.from({ length: CALLERS }, () => store.increment('pair', LONG_TTL_MS)));
      await Promise.all(
        Array.from({ length: CALLERS }, (_, i) =>
          i % 2 === 0 ? store.decrement('pair') : store.increment('pair', LONG_TTL_MS),
        ),
      );
      assert.equal(await store.get('pair'), String(CALLERS));
    });

    it('ttl is null for a missing key and counts down what is left of a live one', async () => {
      const store = await open();
      assert.equal(await store.ttl('missing'), null);
      const ttlMs = short * 4;
      await store.set('k', 'v', ttlMs);
      const before = await store.ttl('k');
      assert.ok(before !== null && before > 0 && before <= ttlMs, `fresh: ${before} ms of ${ttlMs}`);
      const waited = Math.ceil(short / 2);
      await subject.wait(waited);
      const later = await store.ttl('k');
      assert.ok(later !== null && later <= ttlMs - waited + 5, `after ${waited} ms: ${later} ms left`);
      assert.ok(later > 0);
    });

    it('a store sees none of the keys of another store (its own prefix)', async () => {
      const one = await open();
      const other = await open();
      await one.set('shared-name', 'one', LONG_TTL_MS);
      await one.increment('counter', LONG_TTL_MS);
      assert.equal(await other.get('shared-name'), null);
      assert.equal(await other.take('shared-name'), null);
      assert.equal(await other.setIfAbsent('shared-name', 'other', LONG_TTL_MS), true);
      assert.equal((await other.increment('counter', LONG_TTL_MS)).count, 1);
      assert.equal(await one.get('shared-name'), 'one');
    });
  });
}
