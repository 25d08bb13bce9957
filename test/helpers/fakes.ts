import type { PasswordHasher } from '../../src/passwords/password-hasher.js';
import { SmsError, type SmsSender } from '../../src/sms/sms-sender.js';
import type { KeyValueStore } from '../../src/store/key-value-store.js';
import { StorageError } from '../../src/storage-errors.js';

/** An SMS provider that accepts every message and remembers it. */
export class RecordingSmsSender implements SmsSender {
  readonly name = 'recording';
  readonly sent: { phone: string; code: string }[] = [];
  async sendCode(phone: string, code: string): Promise<void> {
    this.sent.push({ phone, code });
  }
}

/** An SMS provider that answers with an error of its own. */
export class RefusingSmsSender implements SmsSender {
  readonly name = 'refusing';
  attempts = 0;
  async sendCode(): Promise<void> {
    this.attempts += 1;
    throw new SmsError('provider said no', 'isv.BUSINESS_LIMIT_CONTROL');
  }
}

/** An SMS provider that never answers (until the request's signal aborts). */
export class SilentSmsSender implements SmsSender {
  readonly name = 'silent';
  sendCode(_phone: string, _code: string, _ttl: number, signal: AbortSignal): Promise<void> {
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
  }
}

/** A key-value store whose server is gone: every call fails as the real adapter's would. */
export class UnreachableStore implements KeyValueStore {
  private fail(): never {
    throw new StorageError('store: connection refused');
  }
  get = async () => this.fail();
  set = async () => this.fail();
  setIfAbsent = async () => this.fail();
  take = async () => this.fail();
  deleteIfEquals = async () => this.fail();
  delete = async () => this.fail();
  increment = async () => this.fail();
  decrement = async () => this.fail();
  ttl = async () => this.fail();
  ping = async () => this.fail();
  close = async () => {};
}

/** Wraps a real hasher and counts verifications, to show unknown phones cost a hash too. */
export class CountingHasher implements PasswordHasher {
  verifications = 0;
  constructor(private readonly inner: PasswordHasher) {}
  hash(password: string): Promise<string> {
    return this.inner.hash(password);
  }
  verify(hash: string, password: string): Promise<boolean> {
    this.verifications += 1;
    return this.inner.verify(hash, password);
  }
}
