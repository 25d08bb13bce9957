import type { Logger } from 'pino';
import type { SmsSender } from './sms-sender.js';

/**
 * The development provider: the text goes to the log instead of a phone. It is the one
 * place where a code is written to a log, which is why production must name another.
 */
export class ConsoleSmsSender implements SmsSender {
  readonly name = 'console';
  constructor(private readonly logger: Pick<Logger, 'info'>) {}

  async sendCode(phone: string, code: string, ttlMinutes: number): Promise<void> {
    this.logger.info(
      { sms: { provider: this.name, to: phone } },
      `【Medicine】您的验证码是 ${code}，${ttlMinutes} 分钟内有效。`,
    );
  }
}
