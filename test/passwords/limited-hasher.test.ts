import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Argon2Hasher } from '../../src/passwords/argon2-hasher.js';
import { LimitedHasher } from '../../src/passwords/limited-hasher.js';
import type { PasswordHasher } from '../../src/passwords/password-hasher.js';

/** The real hasher, watched: how many of its hashes are running at the same moment. */
function watched(inner: PasswordHasher) {
  let running = 0;
  let most = 0;
  const track = async <T>(work: () => Promise<T>): Promise<T> => {
    running += 1;
    most = Math.max(most, running);
    try {
      return await work();
    } finally {
      running -= 1;
    }
  };
  const hasher: PasswordHasher = {
    hash: (password) => track(() => inner.hash(password)),
    verify: (hash, password) => track(() => inner.verify(hash, password)),
  };
  return { hasher, most: () => most };
}

describe('LimitedHasher', () => {
  it('runs at most its limit of argon2id hashes at once, and answers every one of them right', async () => {
    const argon2 = new Argon2Hasher();
    const hash = await argon2.hash('password1');
    const watch = watched(argon2);
    const limited = new LimitedHasher(watch.hasher, 2);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => limited.verify(hash, i % 2 === 0 ? 'password1' : 'wrong-one')),
    );
    assert.deepEqual(answers, [true, false, true, false, true, false, true, false]);
    assert.equal(watch.most(), 2);
  });

  it('a hash that fails gives its turn to the next one', async () => {
    let calls = 0;
    const flaky: PasswordHasher = {
      hash: async () => {
        calls += 1;
        if (calls === 1) throw new Error('out of memory');
        return 'hashed';
      },
      verify: async () => true,
    };
    const limited = new LimitedHasher(flaky, 1);
    const [first, second] = await Promise.allSettled([limited.hash('a'), limited.hash('b')]);
    assert.equal(first.status, 'rejected');
    assert.deepEqual(second, { status: 'fulfilled', value: 'hashed' });
  });
});
