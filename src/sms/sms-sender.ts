import type { Logger } from 'pino';

/** The SMS port: one method, one file per provider beside it. */
export interface SmsSender {
  readonly name: string;
  /**
   * Sends the verification code to a mainland number (11 digits, no prefix). Resolves
   * when the provider accepted the message; throws `SmsError` when it did not. `log` is
   * the logger of the request it is sent for, for any line the provider writes.
   */
  sendCode(
    phone: string,
    code: string,
    ttlMinutes: number,
    signal: AbortSignal,
    log?: Pick<Logger, 'info'>,
  ): Promise<void>;
}

/** The provider refused or failed; `providerCode` is its own error code, safe to log. */
export class SmsError extends Error {
  override name = 'SmsError';
  constructor(
    message: string,
    readonly providerCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
