import { aliyunProvider } from './aliyun.js';
import { consoleProvider } from './console.js';
import type { ProviderSetting, SmsProviderDefinition } from './provider-definition.js';
import { tencentProvider } from './tencent.js';
import { twilioProvider } from './twilio.js';
import { webhookProvider } from './webhook.js';
import { yuntongxunProvider } from './yuntongxun.js';

/**
 * Every SMS provider, in the order the README lists them: the one list a new provider is
 * added to. `SMS_PROVIDER`'s choices, the settings `config.ts` reads, the opener, the
 * README's provider list and the tests' case lists all come from here.
 */
export const SMS_PROVIDER_DEFINITIONS = [
  consoleProvider,
  aliyunProvider,
  tencentProvider,
  yuntongxunProvider,
  twilioProvider,
  webhookProvider,
] as const;

type Definition = (typeof SMS_PROVIDER_DEFINITIONS)[number];
export type SmsProviderName = Definition['name'];

/** The values of SMS_PROVIDER. */
export const SMS_PROVIDERS: readonly SmsProviderName[] = SMS_PROVIDER_DEFINITIONS.map((p) => p.name);

/** The settings block of each provider, as `Config.sms` holds it (only the chosen one is present). */
export type SmsProviderSettings = {
  readonly [D in Definition as D['name']]?: D extends SmsProviderDefinition<string, infer S, string>
    ? S
    : never;
};

/** A provider as code outside its own file handles it: settings of unknown shape. */
export type AnySmsProvider = SmsProviderDefinition<SmsProviderName, unknown, string>;

export function smsProviderNamed(name: SmsProviderName): AnySmsProvider {
  const provider = SMS_PROVIDER_DEFINITIONS.find((p) => p.name === name);
  if (provider === undefined) throw new Error(`no SMS provider named ${name}`);
  return provider as unknown as AnySmsProvider;
}

/** Every provider's variables, each with its declaration. */
export function smsProviderSettingDocs(provider: AnySmsProvider): [string, ProviderSetting][] {
  return Object.entries<ProviderSetting>(provider.settings);
}
