import { retMessageKey, type Message, type MessageKey } from './messages.js';

/** The RET table of the seed document, codes verbatim (including the seed's `UNKOWNERR`). */
export const RET = {
  OK: '0',
  DBERR: '4001',
  NODATA: '4002',
  DATAEXIST: '4003',
  DATAERR: '4004',
  SESSIONERR: '4101',
  LOGINERR: '4102',
  PARAMERR: '4103',
  USERERR: '4104',
  ROLEERR: '4105',
  PWDERR: '4106',
  REQERR: '4201',
  IPERR: '4202',
  THIRDERR: '4301',
  IOERR: '4302',
  SERVERERR: '4500',
  UNKOWNERR: '4501',
} as const;

export type RetName = keyof typeof RET;
export type Ret = (typeof RET)[RetName];

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
