/** The password port: slow one-way hashes, computed off the event loop. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or an unreadable hash; never throws for those. */
  verify(hash: string, password: string): Promise<boolean>;
}
