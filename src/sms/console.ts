import type { Logger } from 'pino';
import { maskPhone } from '../shared/phone-format.js';
import { defineSmsProvider } from './provider-definition.js';
import type { SmsSender } from './sms-sender.js';

/**
 * The development provider: the text goes to the log instead of a phone. Outside
 * production it is the one place where a code is written to a log; in production
 * (a staging deployment without a provider, say) the code is withheld.
 */
export class ConsoleSmsSender implements SmsSender {
  readonly name = 'console';
  constructor(
    private readonly logger: Pick<Logger, 'info'>,
    private readonly revealCode = true,
  ) {}

  async sendCode(
    phone: string,
    code: string,
    ttlMinutes: number,
    _signal?: AbortSignal,
    log: Pick<Logger, 'info'> = this.logger,
  ): Promise<void> {
    const shown = this.revealCode ? code : '[withheld in production]';
    log.info(
      { sms: { provider: this.name, to: maskPhone(phone) } },
      `【Medicine】您的验证码是 ${shown}，${ttlMinutes} 分钟内有效。`,
    );
  }
}

export const consoleProvider = defineSmsProvider({
  name: 'console',
  title: 'the default outside production: the text goes to the log (in production the code is withheld)',
  settings: {},
  open: (_settings: undefined, { logger, production }) => new ConsoleSmsSender(logger, !production),
});
