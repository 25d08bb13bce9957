import argon2 from 'argon2';
import type { PasswordHasher } from './password-hasher.js';

/** OWASP's minimum for argon2id: 19 MiB of memory, 2 passes, 1 lane. */
export const OWASP_ARGON2ID = { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/** argon2id through node-argon2, which hashes on libuv's thread pool, not on the event loop. */
export class Argon2Hasher implements PasswordHasher {
  constructor(private readonly params: typeof OWASP_ARGON2ID = OWASP_ARGON2ID) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}
