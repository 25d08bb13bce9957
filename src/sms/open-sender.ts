import type { FastifyBaseLogger } from 'fastify';
import { ConfigError, type Config, type SmsProviderSettings } from '../config.js';
import { AliyunSmsSender } from './aliyun.js';
import { ConsoleSmsSender } from './console.js';
import type { SmsSender } from './sms-sender.js';
import { TencentSmsSender } from './tencent.js';
import { TwilioSmsSender } from './twilio.js';
import { WebhookSmsSender } from './webhook.js';
import { YuntongxunSmsSender } from './yuntongxun.js';

/** The SMS provider `SMS_PROVIDER` names, configured from its own variables. */
export function openSmsSender(config: Config, logger: FastifyBaseLogger): SmsSender {
  const timeoutMs = config.smsSendTimeoutMs;
  switch (config.smsProvider) {
    case 'console':
      return new ConsoleSmsSender(logger, config.env !== 'production');
    case 'aliyun':
      return new AliyunSmsSender(settings(config, 'aliyun'), timeoutMs);
    case 'tencent':
      return new TencentSmsSender(settings(config, 'tencent'), timeoutMs);
    case 'yuntongxun':
      return new YuntongxunSmsSender(settings(config, 'yuntongxun'), timeoutMs);
    case 'twilio':
      return new TwilioSmsSender(settings(config, 'twilio'), timeoutMs);
    case 'webhook':
      return new WebhookSmsSender(settings(config, 'webhook'), timeoutMs);
  }
}

/** `loadConfig` always fills the chosen provider's block; a hand-built Config might not. */
function settings<K extends keyof SmsProviderSettings>(
  config: Config,
  provider: K,
): NonNullable<SmsProviderSettings[K]> {
  const block = config.sms[provider];
  if (block === undefined) throw new ConfigError(`SMS_PROVIDER=${provider} but its settings are missing`);
  return block as NonNullable<SmsProviderSettings[K]>;
}
