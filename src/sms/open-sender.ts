import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { ConsoleSmsSender } from './console.js';
import type { SmsSender } from './sms-sender.js';

/** The SMS provider `SMS_PROVIDER` names, configured from its own variables. */
export function openSmsSender(config: Config, logger: FastifyBaseLogger): SmsSender {
  switch (config.smsProvider) {
    case 'console':
      return new ConsoleSmsSender(logger);
  }
}
