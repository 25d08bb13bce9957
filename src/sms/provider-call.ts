import { deadline } from '../outbound.js';
import { SmsError } from './sms-sender.js';

/**
 * What every provider adapter needs around its one call out: a deadline, an abort, and
 * error messages built here, with the secrets, the code and the phone taken out. Provider and SDK
 * errors are never passed on as `cause`: some quote the request (and so the code) back.
 *
 * Besides each provider's own codes, an `SmsError.providerCode` may be one of these.
 */
export const LOCAL_CODES = {
  /** No answer within SMS_SEND_TIMEOUT_MS. */
  timeout: 'TIMEOUT',
  /** The caller gave up (its AbortSignal fired). */
  aborted: 'ABORTED',
  /** The provider could not be reached: refused, reset, DNS, TLS. */
  network: 'NETWORK',
  /** The provider answered something this adapter cannot read. */
  badResponse: 'BAD_RESPONSE',
} as const;

/** `HTTP_503`: an HTTP failure that carried no code of the provider's own. */
export function httpStatusCode(status: number): string {
  return `HTTP_${status}`;
}

/**
 * Settles with `work`, or rejects as soon as `signal` fires, for SDKs that take no signal
 * (their own timeout, set to the same bound, ends the request underneath).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, provider: string): Promise<T> {
  if (signal.aborted) return Promise.reject(aborted(provider));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted(provider));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function aborted(provider: string): SmsError {
  return smsFailure(provider, LOCAL_CODES.aborted, 'abandoned by the caller', []);
}

/**
 * The one way adapters build an `SmsError`: `detail` (often the provider's own words) is
 * cut short and every occurrence of each of `hidden` (secrets, the code, the phone) is masked.
 */
export function smsFailure(
  provider: string,
  providerCode: string,
  detail: string | undefined,
  hidden: readonly string[],
): SmsError {
  let text = (detail ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
  for (const secret of hidden) {
    if (secret !== '') text = text.split(secret).join('***');
  }
  return new SmsError(`${provider} failed (${providerCode})${text === '' ? '' : `: ${text}`}`, providerCode);
}

/** Node's fetch wraps the reason it could not connect in `cause`; its errno code is safe to show. */
function networkDetail(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'unreachable';
}

/**
 * POSTs with a deadline and reads the whole answer; any failure before the answer is
 * complete becomes TIMEOUT, ABORTED or NETWORK.
 */
export async function postForText(
  provider: string,
  url: string,
  init: { headers: Record<string, string>; body: string },
  signal: AbortSignal,
  timeoutMs: number,
  hidden: readonly string[],
): Promise<{ status: number; text: string }> {
  const bounded = deadline(signal, timeoutMs);
  try {
    const response = await fetch(url, { method: 'POST', ...init, redirect: 'error', signal: bounded.signal });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (bounded.timedOut()) throw smsFailure(provider, LOCAL_CODES.timeout, 'no answer in time', hidden);
    if (signal.aborted) throw aborted(provider);
    throw smsFailure(provider, LOCAL_CODES.network, networkDetail(error), hidden);
  }
}
