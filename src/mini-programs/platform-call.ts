import { deadline, parseJsonObject } from '../outbound.js';

export { parseJsonObject };

/**
 * A mini-program platform (WeChat, Alipay) did not answer what was asked. `code` is the
 * platform's own (`40029`, `45011`, `isv.code-invalid`…) or one of LOCAL_CODES; the message
 * is built with every secret, code and token taken out, as SMS provider errors are.
 */
export class PlatformError extends Error {
  override name = 'PlatformError';
  constructor(
    readonly platform: string,
    readonly code: string,
    detail: string | undefined,
    hidden: readonly string[],
  ) {
    let text = (detail ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
    for (const secret of hidden) if (secret !== '') text = text.split(secret).join('***');
    super(`${platform} failed (${code})${text === '' ? '' : `: ${text}`}`);
  }
}

export const LOCAL_CODES = {
  timeout: 'TIMEOUT',
  network: 'NETWORK',
  badResponse: 'BAD_RESPONSE',
  badSignature: 'BAD_SIGNATURE',
} as const;

/**
 * One HTTP call to a platform with a deadline (MINI_PROGRAM_TIMEOUT_MS); the whole answer
 * is read. Redirects are refused. Any failure before the answer is complete is TIMEOUT or NETWORK.
 */
export async function callPlatform(
  platform: string,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
  hidden: readonly string[],
): Promise<{ status: number; text: string }> {
  const bounded = deadline(new AbortController().signal, timeoutMs);
  try {
    const response = await fetch(url, { ...init, redirect: 'error', signal: bounded.signal });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (bounded.timedOut())
      throw new PlatformError(platform, LOCAL_CODES.timeout, 'no answer in time', hidden);
    const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
    const detail = typeof cause?.code === 'string' ? cause.code : 'unreachable';
    throw new PlatformError(platform, LOCAL_CODES.network, detail, hidden);
  }
}
