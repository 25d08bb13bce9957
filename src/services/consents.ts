import type { Clock } from '../clock.js';
import type { Agreement, Consent, ConsentStore } from '../db/user-store.js';
import { fail, ok, RET, type Result } from '../ret.js';
import type { AuditService } from './audit.js';
import type { LegalDocuments } from './legal-documents.js';
import type { ClientInfo } from './sessions.js';

/** What `GET /users/export` and the account page show of one consent. */
export interface ConsentView {
  terms_version: string;
  privacy_version: string;
  agreed_at: string;
  ip: string | null;
  user_agent: string | null;
}

/**
 * Consent to the user agreement and the privacy policy (PIPL Art. 13–17, issue 15): which
 * versions a person agreed to, when, from which address and user agent. A client says what
 * it showed as `agree: "<terms version>,<privacy version>"`; only the versions in force are
 * accepted, so that nobody is recorded as agreeing to a text they were not shown.
 */
export class ConsentService {
  constructor(
    private readonly store: ConsentStore,
    private readonly documents: LegalDocuments,
    private readonly clock: Clock,
    /** CONSENT_REQUIRED: registration without `agree` is refused. */
    private readonly required: boolean,
    private readonly audit: AuditService,
  ) {}

  /** The versions in force. */
  current(): Agreement {
    return this.documents.current();
  }

  /** Whether the API refuses a registration that agrees to nothing (CONSENT_REQUIRED). */
  get requiredAtRegistration(): boolean {
    return this.required;
  }

  /**
   * What a registration's `agree` field says: the versions agreed to, or null when none was
   * given and CONSENT_REQUIRED is off. Refused (PARAMERR) when it is missing but required,
   * or names other versions than those in force (the page showed an old text).
   */
  readAgreement(agree: string | undefined): Result<Agreement | null> {
    if (agree === undefined || agree.trim() === '') {
      return this.required ? fail(RET.PARAMERR, 'consentMissing') : ok(null);
    }
    const [terms = '', privacy = '', ...rest] = agree.split(',').map((part) => part.trim());
    const current = this.current();
    if (rest.length > 0 || terms !== current.terms || privacy !== current.privacy) {
      return fail(RET.PARAMERR, {
        key: 'consentOutdated',
        params: { terms: current.terms, privacy: current.privacy },
      });
    }
    return ok(current);
  }

  /** The record kept of an agreement made now by `client`. */
  consentOf(agreement: Agreement, client: ClientInfo): Consent {
    return {
      ...agreement,
      at: this.clock.now(),
      ip: client.ip.slice(0, 64),
      userAgent: client.userAgent?.slice(0, 512) ?? null,
    };
  }

  /** POST /consents: a logged-in person agrees to the versions in force (after a change). */
  async agree(userId: number, agree: string, client: ClientInfo): Promise<Result> {
    const agreement = this.readAgreement(agree);
    if (!agreement.ok) return agreement;
    if (agreement.value === null) return fail(RET.PARAMERR, 'consentMissing');
    await this.store.addConsent(userId, this.consentOf(agreement.value, client));
    await this.audit.record({
      action: 'consent',
      outcome: 'success',
      userId,
      client,
      detail: `terms ${agreement.value.terms}, privacy ${agreement.value.privacy}`,
    });
    return ok();
  }

  /** True when the person's latest consent is not to the versions in force (or they never gave one). */
  async consentRequired(userId: number): Promise<boolean> {
    const [latest] = await this.store.listConsents(userId);
    const current = this.current();
    return latest === undefined || latest.terms !== current.terms || latest.privacy !== current.privacy;
  }

  /** A person's consents, newest first. */
  async list(userId: number): Promise<ConsentView[]> {
    return (await this.store.listConsents(userId)).map((c) => ({
      terms_version: c.terms,
      privacy_version: c.privacy,
      agreed_at: new Date(c.at).toISOString(),
      ip: c.ip,
      user_agent: c.userAgent,
    }));
  }
}
