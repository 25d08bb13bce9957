import type { AltchaService } from './altcha.js';
import type { AccountService } from './accounts.js';
import type { AdminService } from './admin.js';
import type { AuditService } from './audit.js';
import type { ProfileService } from './profiles.js';
import type { CaptchaService } from './captcha.js';
import type { SessionService } from './sessions.js';
import type { SmsCodeService } from './sms-codes.js';
import type { TokenService } from './tokens.js';
import type { ConsentService } from './consents.js';
import type { LegalDocuments } from './legal-documents.js';
import type { PersonalDataService } from './personal-data.js';
import type { MiniProgramService } from './mini-programs.js';

/** The domain, as the HTTP layer sees it. */
export interface Services {
  captchas: CaptchaService;
  smsCodes: SmsCodeService;
  accounts: AccountService;
  sessions: SessionService;
  profiles: ProfileService;
  admin: AdminService;
  audit: AuditService;
  altcha: AltchaService;
  /** Bearer tokens for apps and other services (issue 14). */
  tokens: TokenService;
  /** Personal information (issue 15): the documents, consents, a copy of one's data. */
  legal: LegalDocuments;
  consents: ConsentService;
  personalData: PersonalDataService;
  /** WeChat and Alipay mini-program logins and linked platforms (issue 17). */
  miniPrograms: MiniProgramService;
}
