import type { AccountType } from './users.js';

/**
 * What the domain tells the outside world happened — counted by the metrics adapter,
 * and the place an audit log listens. Listeners must not throw or block.
 */
export interface AuthEvents {
  captchaDrawn(): void;
  smsCode(outcome: 'sent' | 'provider_failed' | 'refused', provider: string): void;
  login(outcome: 'success' | 'wrong_credentials' | 'locked' | 'ip_blocked'): void;
  lockout(scope: 'phone' | 'device' | 'ip'): void;
  registered(types: AccountType): void;
}

export const ignoreEvents: AuthEvents = {
  captchaDrawn: () => {},
  smsCode: () => {},
  login: () => {},
  lockout: () => {},
  registered: () => {},
};
