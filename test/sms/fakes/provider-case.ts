import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { loadConfig, type SmsProviderName } from '../../../src/config.js';
import { openSmsSender } from '../../../src/sms/open-sender.js';
import type { SmsSender } from '../../../src/sms/sms-sender.js';
import type { Behaviour } from './server.js';

/** A provider played by a local server: it checks each request as the real one would. */
export interface FakeProvider {
  readonly origin: string;
  /** What to answer once a request has passed the checks. */
  behaviour: Behaviour;
  /** The messages that passed every check (whatever the answer then was). */
  readonly received: { phone: string; code: string; ttlMinutes?: string }[];
  /** Why requests were turned away by the checks (signature, credentials, parameters…). */
  readonly problems: string[];
  close(): Promise<void>;
}

/** Everything the shared suite needs to know about one provider. */
export interface ProviderCase {
  provider: Exclude<SmsProviderName, 'console'>;
  start(): Promise<FakeProvider>;
  /** The SMS_* variables that point the provider at `origin`, with the test credentials. */
  env(origin: string): Record<string, string>;
  /** The same, with a secret the fake does not know. */
  wrongSecretEnv: Record<string, string>;
  /** Values no error message may contain: the secrets (the code is checked separately). */
  secrets: string[];
  /** The providerCode each failure kind must produce (`malformed: null`: a body it never reads). */
  codes: { refused: string; http500: string; wrongSecret: string; malformed: string | null };
}

const silent = pino({ enabled: false }) as unknown as FastifyBaseLogger;

/** The sender exactly as the app builds it: from the environment, through openSmsSender. */
export function senderFor(
  providerCase: ProviderCase,
  origin: string,
  env: Record<string, string> = {},
): SmsSender {
  const config = loadConfig({
    NODE_ENV: 'test',
    SMS_PROVIDER: providerCase.provider,
    ...providerCase.env(origin),
    ...env,
  });
  return openSmsSender(config, silent);
}
