import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { AuditEntry, AuditStore, Page } from '../db/user-store.js';
import { maskPhone } from '../shared/phone-format.js';
import type { ClientInfo } from './sessions.js';

export type AuditAction =
  | 'register'
  | 'login'
  | 'logout'
  | 'password_change'
  | 'password_reset'
  | 'sms_sent'
  | 'lockout'
  | 'admin'
  | 'token'
  // Issue 15: personal information.
  | 'consent'
  | 'account_delete'
  | 'data_export'
  | 'link'
  | 'unlink';

export interface AuditEvent {
  action: AuditAction;
  outcome: string;
  userId?: number | null;
  phone?: string | null;
  client?: ClientInfo;
  detail?: string;
}

/** What `GET /audit` shows of one entry. */
export interface AuditView {
  id: number;
  at: string;
  user_id: number | null;
  phone: string | null;
  action: string;
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  detail: string | null;
}

/**
 * The audit log: who did what, when, from where. Writing it never fails the action it
 * records: a failed write is logged as an error instead.
 */
export class AuditService {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
    private readonly logger: Pick<Logger, 'error'>,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    const entry: AuditEntry = {
      at: this.clock.now(),
      userId: event.userId ?? null,
      phone: event.phone ? maskPhone(event.phone) : null,
      action: event.action,
      outcome: event.outcome,
      ip: event.client?.ip ?? null,
      userAgent: event.client?.userAgent ?? null,
      detail: event.detail ?? null,
    };
    try {
      await this.store.appendAudit(entry);
    } catch (error) {
      (event.client?.log ?? this.logger).error(
        { err: error, audit: { action: entry.action, outcome: entry.outcome } },
        'audit write failed',
      );
    }
  }

  /** Newest first; one person's entries, or everyone's when `userId` is null. */
  async list(userId: number | null, offset: number, limit: number): Promise<Page<AuditView>> {
    const page = await this.store.listAudit(userId, offset, limit);
    return {
      total: page.total,
      items: page.items.map((e) => ({
        id: e.id,
        at: new Date(e.at).toISOString(),
        user_id: e.userId,
        phone: e.phone,
        action: e.action,
        outcome: e.outcome,
        ip: e.ip,
        user_agent: e.userAgent,
        detail: e.detail,
      })),
    };
  }
}
