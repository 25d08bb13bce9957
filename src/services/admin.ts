import type { UserStore } from '../db/user-store.js';
import type { User } from './users.js';
import { fail, ok, RET, type Result } from '../ret.js';
import type { AuditService } from './audit.js';
import type { ClientInfo, SessionService } from './sessions.js';

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
  ) {}

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
