import { retMessageKey, type Message, type MessageKey } from './messages.js';
import type { RET, Ret } from './shared/api-codes.js';

// The RET table lives with the reasons in the module the pages share.
export { RET, type Ret, type RetName } from './shared/api-codes.js';

/** A business refusal: a RET code, the sentence for the person, and when to try again if that applies. */
export interface Failure {
  ok: false;
  code: Exclude<Ret, typeof RET.OK>;
  message: Message;
  retryAfterSeconds?: number;
}

export type Result<T = undefined> = { ok: true; value: T } | Failure;

export function ok(): Result<undefined>;
export function ok<T>(value: T): Result<T>;
export function ok<T>(value?: T): Result<T | undefined> {
  return { ok: true, value };
}

export function fail(
  code: Failure['code'],
  message: MessageKey | Message = retMessageKey(code),
  retryAfterSeconds?: number,
): Failure {
  const failure: Failure = {
    ok: false,
    code,
    message: typeof message === 'string' ? { key: message } : message,
  };
  if (retryAfterSeconds !== undefined) failure.retryAfterSeconds = retryAfterSeconds;
  return failure;
}
