import type { Logger } from 'pino';
import type { SmsSender } from './sms-sender.js';

/** One environment variable a provider reads, as the README and the start-up errors describe it. */
export interface ProviderSetting {
  /** Start-up stops, naming the variable, when it is unset or blank. */
  readonly required?: true;
  /** The value used when it is unset (shown in the README). */
  readonly default?: string;
  /** What it is, in a few words. */
  readonly about: string;
}

/**
 * How a provider reads its own variables, and only those: `config.ts` hands it over (it
 * stays the one reader of the environment), and every failure is a ConfigError naming the variable.
 */
export interface SettingsReader<Name extends string> {
  readonly production: boolean;
  /** The trimmed value; a ConfigError when it is unset or blank. */
  required(name: Name): string;
  /** The trimmed value, else the declared default, else undefined. */
  optional(name: Name): string | undefined;
  /** An http(s) origin without a path (the declared default when unset); https in production. */
  origin(name: Name): string;
  /** A required http(s) URL (path and query kept, never echoed: it may hold a token); https in production. */
  url(name: Name): string;
  /** Stops the start-up with this message. */
  fail(message: string): never;
}

/** What building a sender may use besides its settings. */
export interface SenderContext {
  /** SMS_SEND_TIMEOUT_MS. */
  readonly timeoutMs: number;
  readonly production: boolean;
  readonly logger: Pick<Logger, 'info'>;
}

/**
 * Everything the service knows about one SMS provider, kept in the provider's own file:
 * its name (the value of SMS_PROVIDER), its variables, how they are read and checked, and
 * how its sender is built. `registry.ts` lists the providers; the configuration, the opener,
 * the README's provider list and the tests' case lists are all derived from it.
 */
export interface SmsProviderDefinition<Name extends string, Settings, SettingName extends string> {
  readonly name: Name;
  /** Who it is and which API is called, for the README: "Alibaba Cloud SMS, SendSms". */
  readonly title: string;
  readonly settings: Readonly<Record<SettingName, ProviderSetting>>;
  /** Absent for a provider without settings: its block in `Config.sms` is then absent too. */
  readonly readSettings?: (read: SettingsReader<SettingName>) => Settings;
  readonly open: (settings: Settings, context: SenderContext) => SmsSender;
}

/** Declares a provider; the `const` name keeps its literal type for `SMS_PROVIDER`'s union. */
export function defineSmsProvider<const Name extends string, Settings, SettingName extends string = never>(
  definition: SmsProviderDefinition<Name, Settings, SettingName>,
): SmsProviderDefinition<Name, Settings, SettingName> {
  return Object.freeze(definition);
}
