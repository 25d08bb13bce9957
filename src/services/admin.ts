import type { Page, UserFilter, UserStore } from '../db/user-store.js';
import type { ExpertStatus, User } from './users.js';
import { fail, ok, RET, type Result } from '../ret.js';
import type { AuditService } from './audit.js';
import { maskPhone } from '../shared/phone-format.js';
import { chosenName } from './profiles.js';
import type { PhoneRules } from './phone.js';
import type { ClientInfo, SessionService } from './sessions.js';

/** The doctors' vetting states, which the admin's listing filters on. */
export const EXPERT_STATUSES: readonly ExpertStatus[] = ['pending', 'approved', 'rejected'];
/** The most accounts one page of the admin's listing holds. */
export const MAX_ADMIN_PAGE = 100;

/** An account as the admin's listing shows it: the phone masked, as in the audit log. */
export interface AdminUserView {
  user_id: number;
  name: string;
  phone: string;
  types: string;
  role: string;
  expert_status: ExpertStatus | null;
  disabled: boolean;
  major: string | null;
  grade: string | null;
  created_at: string;
}

export interface UserQuery {
  status?: ExpertStatus;
  /** A whole phone number as a person types it (`+86` or not); matched exactly, never by prefix. */
  phone?: string;
  page: number;
  count: number;
}

export type AdminAction = 'approve' | 'reject' | 'disable' | 'enable';
export const ADMIN_ACTIONS: readonly AdminAction[] = ['approve', 'reject', 'disable', 'enable'];

/**
 * What an admin (or the command line) may do to an account. There is always an enabled
 * admin left: the last one can be neither disabled nor demoted, and an admin cannot
 * disable themselves.
 */
export class AdminService {
  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly phones: PhoneRules,
  ) {}

  /**
   * Accounts for an admin, oldest first: the doctors awaiting approval with
   * `status: 'pending'`, the account of one phone with `phone`. Whole numbers only, so
   * that the listing cannot be walked digit by digit to reveal the phones it masks.
   * Every listing is written to the audit log, under the admin.
   */
  async listUsers(actor: User, query: UserQuery, client?: ClientInfo): Promise<Result<Page<AdminUserView>>> {
    if (actor.role !== 'admin') return fail(RET.ROLEERR, 'adminsOnly');
    const filter: UserFilter = {};
    if (query.status !== undefined) filter.expertStatus = query.status;
    if (query.phone !== undefined) {
      const phone = this.phones.normalise(query.phone);
      if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');
      filter.phone = phone;
    }
    const count = Math.min(MAX_ADMIN_PAGE, Math.max(1, query.count));
    const { total, items } = await this.users.listUsers((query.page - 1) * count, count, filter);
    await this.audit.record({
      action: 'admin',
      outcome: 'list_users',
      userId: actor.id,
      ...(filter.phone !== undefined && { phone: filter.phone }),
      client,
      detail: `status=${query.status ?? 'any'} page=${query.page} count=${count}${filter.phone === undefined ? '' : ' by phone'}`,
    });
    return ok({
      total,
      items: items.map((user) => ({
        user_id: user.id,
        name: chosenName(user),
        phone: maskPhone(user.phone),
        types: user.types,
        role: user.role,
        expert_status: user.expertStatus,
        disabled: user.disabled,
        major: user.major,
        grade: user.grade,
        created_at: new Date(user.createdAt).toISOString(),
      })),
    });
  }

  /** `actor` null: the operator's command line, trusted. Otherwise the actor must be an admin. */
  async moderate(
    actor: User | null,
    targetId: number,
    action: AdminAction,
    client?: ClientInfo,
  ): Promise<Result<User>> {
    if (actor !== null && actor.role !== 'admin') return fail(RET.ROLEERR, 'adminsOnly');
    const target = await this.users.findUserById(targetId);
    if (target === null) return fail(RET.USERERR, 'accountUnknown');
    switch (action) {
      case 'approve':
      case 'reject':
        if (target.types !== 'expert') return fail(RET.ROLEERR, 'doctorsOnly');
        await this.users.setExpertStatus(target.id, action === 'approve' ? 'approved' : 'rejected');
        break;
      case 'disable':
        // An admin who locks themselves out needs the command line to get back in.
        if (actor !== null && actor.id === target.id) return fail(RET.DATAERR, 'cannotDisableSelf');
        if (!(await this.users.withdrawKeepingAnAdmin(target.id, 'disable'))) {
          return fail(RET.DATAERR, 'lastAdmin');
        }
        await this.sessions.endSessionsOf(target.id);
        break;
      case 'enable':
        await this.users.setDisabled(target.id, false);
        break;
    }
    // Filed under the account acted on, so its owner sees what was done to it.
    await this.audit.record({
      action: 'admin',
      outcome: action,
      userId: target.id,
      client,
      detail: actor === null ? 'by the command line' : `by admin ${actor.id}`,
    });
    const after = await this.users.findUserById(target.id);
    return after === null ? fail(RET.USERERR, 'accountUnknown') : ok(after);
  }

  async setRole(targetId: number, role: 'user' | 'admin'): Promise<Result<User>> {
    const target = await this.users.findUserById(targetId);
    if (target === null) return fail(RET.USERERR, 'accountUnknown');
    if (role === 'admin') await this.users.setRole(target.id, role);
    else if (!(await this.users.withdrawKeepingAnAdmin(target.id, 'demote')))
      return fail(RET.DATAERR, 'lastAdmin');
    await this.audit.record({
      action: 'admin',
      outcome: `set_role_${role}`,
      userId: target.id,
      detail: 'by the command line',
    });
    return ok({ ...target, role });
  }
}
