import type { FastifyBaseLogger } from 'fastify';
import { ConfigError, type Config } from '../config.js';
import { smsProviderNamed } from './registry.js';
import type { SmsSender } from './sms-sender.js';

/** The SMS provider `SMS_PROVIDER` names, built from its own settings block. */
export function openSmsSender(config: Config, logger: FastifyBaseLogger): SmsSender {
  const provider = smsProviderNamed(config.smsProvider);
  const settings: unknown = config.sms[config.smsProvider];
  // `loadConfig` always fills the chosen provider's block; a hand-built Config might not.
  if (provider.readSettings !== undefined && settings === undefined) {
    throw new ConfigError(`SMS_PROVIDER=${provider.name} but its settings are missing`);
  }
  return provider.open(settings, {
    timeoutMs: config.smsSendTimeoutMs,
    production: config.env === 'production',
    logger,
  });
}
