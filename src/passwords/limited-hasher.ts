import pLimit, { type LimitFunction } from 'p-limit';
import type { PasswordHasher } from './password-hasher.js';

/**
 * Lets at most `concurrency` hashes of `inner` run at once; the rest wait their turn, first
 * come first served. More hashes at once than cores would not hash faster, but would take
 * the cores from the event loop (every other request waits behind a login storm) and keep
 * argon2id's 19 MiB in each extra thread.
 */
export class LimitedHasher implements PasswordHasher {
  private readonly limit: LimitFunction;

  constructor(
    private readonly inner: PasswordHasher,
    concurrency: number,
  ) {
    this.limit = pLimit(concurrency);
  }

  hash(password: string): Promise<string> {
    return this.limit(() => this.inner.hash(password));
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.limit(() => this.inner.verify(hash, password));
  }
}
