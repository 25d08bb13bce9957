import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { PROFILE_FIELD_NAMES, type ProfileFieldName } from '../shared/profile-fields.js';
import { StorageError } from '../storage-errors.js';
import { BatchedWrites } from './batched-writes.js';
import { compileOnce, slot } from './compiled-query.js';
import { sqliteDataVersion } from './connect.js';
import { sqliteChangeBus } from './sqlite-change-bus.js';
import type { InvalidationBus } from '../invalidation-bus.js';
import { dialectOf, type Dialect } from './dialect.js';
import type { AuditLogTable, Database, SessionsTable, UsersTable } from './schema.js';
import type { AccountType, ExpertStatus, LinkIdentity, LinkProvider, Role, User } from '../services/users.js';
import type { Grade, ProfileChanges } from '../shared/profile-fields.js';
import type {
  AccountDatabase,
  AdminLoss,
  AuditEntry,
  Consent,
  DeviceMark,
  LinkOutcome,
  LoginLink,
  NewSession,
  NewUser,
  Page,
  RefreshSession,
  ListedSession,
  Session,
  UserFilter,
} from './user-store.js';

/** Each profile field is stored in the column of its name: a field without one does not compile. */
const PROFILE_COLUMNS: readonly (ProfileFieldName & keyof UsersTable)[] = PROFILE_FIELD_NAMES;

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: Number(row.id),
    phone: row.phone,
    passwordHash: row.password_hash,
    name: row.name,
    types: row.types as AccountType,
    avatarUrl: row.avatar_url,
    age: row.age === null ? null : Number(row.age),
    address: row.address,
    createdAt: Number(row.created_at),
    role: row.role as Role,
    expertStatus: row.expert_status as ExpertStatus | null,
    disabled: Number(row.disabled) === 1,
    major: row.major,
    grade: row.grade as Grade | null,
  };
}

function toAuditEntry(row: Selectable<AuditLogTable>): AuditEntry & { id: number } {
  return {
    id: Number(row.id),
    at: Number(row.at),
    userId: row.user_id === null ? null : Number(row.user_id),
    phone: row.phone,
    action: row.action,
    outcome: row.outcome,
    ip: row.ip,
    userAgent: row.user_agent,
    detail: row.detail,
  };
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    idHash: row.id_hash,
    userId: Number(row.user_id),
    createdAt: Number(row.created_at),
    lastUsedAt: Number(row.last_used_at),
    expiresAt: Number(row.expires_at),
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/** SQLite, PostgreSQL and MySQL/MariaDB each report "duplicate key" their own way. */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown };
  return (
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e.code === '23505' ||
    e.code === 'ER_DUP_ENTRY' ||
    e.errno === 1062
  );
}

/** A row names a parent row that is not there (SQLite, PostgreSQL, MySQL/MariaDB). */
function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown };
  return (
    e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ||
    e.code === '23503' ||
    e.code === 'ER_NO_REFERENCED_ROW_2' ||
    e.errno === 1452
  );
}

/** The phone is already registered: the transaction rolls back and createUser answers null. */
class PhoneTaken extends Error {}

/** The one SQL adapter: Kysely speaks each dialect, this class speaks the ports. */
export class SqlStore implements AccountDatabase {
  private readonly dialect: Dialect;
  // What nearly every request asks, compiled once (see compileOnce).
  private readonly userByPhone;
  private readonly phoneTaken;
  private readonly liveSessionUser;
  /** Audit rows appended at once are written together (group commit, batched-writes.ts). */
  private readonly auditWrites: BatchedWrites<AuditRow>;

  constructor(private readonly db: Kysely<Database>) {
    this.dialect = dialectOf(db);
    this.auditWrites = new BatchedWrites(async (rows) => {
      await db.insertInto('audit_log').values(rows).execute();
    }, AUDIT_ROWS_PER_WRITE);
    const anyDb = db as unknown as Kysely<unknown>;
    this.userByPhone = compileOnce(
      anyDb,
      db.selectFrom('users').selectAll().where('phone', '=', slot<string>(0)),
    );
    this.phoneTaken = compileOnce(
      anyDb,
      db.selectFrom('users').select('id').where('phone', '=', slot<string>(0)),
    );
    this.liveSessionUser = compileOnce(
      anyDb,
      db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('users')
        .select('sessions.last_used_at as session_last_used_at')
        .where('sessions.id_hash', '=', slot<string>(0))
        .where('sessions.expires_at', '>', slot<number>(1)),
    );
  }

  /** Any database failure leaves here as a StorageError (a DBERR reply), never as raw SQL text. */
  private async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw new StorageError(`database: ${what} failed`, { cause: error });
    }
  }

  findUserByPhone(phone: string): Promise<User | null> {
    return this.run('find user', async () => {
      const [row] = await this.userByPhone([phone]);
      return row ? toUser(row) : null;
    });
  }

  findUserById(id: number): Promise<User | null> {
    return this.run('find user', async () => {
      const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : null;
    });
  }

  phoneExists(phone: string): Promise<boolean> {
    return this.run('find user', async () => {
      const rows = await this.phoneTaken([phone]);
      return rows.length > 0;
    });
  }

  createUser(user: NewUser, firstSession: NewSession): Promise<User | null> {
    return this.createUserWith(user, firstSession);
  }

  createLinkedUser(user: NewUser, identity: LinkIdentity, firstSession: NewSession): Promise<User | null> {
    return this.createUserWith(user, firstSession, identity);
  }

  /** The user, its first session and (for a mini program) its link: all written, or none. */
  private createUserWith(
    user: NewUser,
    firstSession: NewSession,
    identity?: LinkIdentity,
  ): Promise<User | null> {
    return this.run('create user', async () => {
      try {
        return await this.db.transaction().execute(async (trx) => {
          const id = await this.insertUser(trx, user);
          if (identity !== undefined) {
            try {
              await trx
                .insertInto('login_links')
                .values(linkRow(id, identity, user.createdAt))
                .execute();
            } catch (error) {
              // Another first login of the same person won: its account is the one.
              if (isUniqueViolation(error)) throw new PhoneTaken();
              throw error;
            }
          }
          // A failure here (e.g. a session id already in use) rolls the user back too, and
          // is an error, not "phone taken": only the users insert can mean that.
          await trx
            .insertInto('sessions')
            .values(sessionRow({ ...firstSession, userId: id }))
            .execute();
          if (user.consent) await trx.insertInto('consents').values(consentRow(id, user.consent)).execute();
          return {
            ...user,
            id,
            avatarUrl: null,
            age: null,
            address: null,
            role: 'user' as const,
            expertStatus: user.expertStatus ?? null,
            disabled: false,
            major: null,
            grade: null,
          };
        });
      } catch (error) {
        if (error instanceof PhoneTaken) return null;
        throw error;
      }
    });
  }

  findUserByLink(identity: LinkIdentity): Promise<User | null> {
    return this.run('find linked user', async () => {
      let query = this.db
        .selectFrom('login_links')
        .innerJoin('users', 'users.id', 'login_links.user_id')
        .selectAll('users')
        .where('login_links.provider', '=', identity.provider);
      const { subject, unionId } = identity;
      query = query.where((eb) =>
        unionId === null
          ? eb('login_links.subject', '=', subject)
          : eb.or([eb('login_links.subject', '=', subject), eb('login_links.union_id', '=', unionId)]),
      );
      const rows = await query.limit(2).execute();
      // The subject's own link first; a union id alone (another app of the company) next.
      const row =
        rows.length > 1 ? ((await this.findLinkRow(identity.provider, subject)) ?? rows[0]) : rows[0];
      return row ? toUser(row) : null;
    });
  }

  private async findLinkRow(provider: string, subject: string) {
    return this.db
      .selectFrom('login_links')
      .innerJoin('users', 'users.id', 'login_links.user_id')
      .selectAll('users')
      .where('login_links.provider', '=', provider)
      .where('login_links.subject', '=', subject)
      .executeTakeFirst();
  }

  listLinks(userId: number): Promise<LoginLink[]> {
    return this.run('list links', async () => {
      const rows = await this.db
        .selectFrom('login_links')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('provider')
        .execute();
      return rows.map((row) => ({
        provider: row.provider as LinkProvider,
        subject: row.subject,
        unionId: row.union_id,
        userId: Number(row.user_id),
        createdAt: Number(row.created_at),
      }));
    });
  }

  addLink(userId: number, identity: LinkIdentity, createdAt: number): Promise<LinkOutcome> {
    return this.run('add link', async () => {
      try {
        await this.db
          .insertInto('login_links')
          .values(linkRow(userId, identity, createdAt))
          .execute();
        return 'linked';
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const holder = await this.db
        .selectFrom('login_links')
        .select('user_id')
        .where('provider', '=', identity.provider)
        .where('subject', '=', identity.subject)
        .executeTakeFirst();
      if (holder !== undefined) return Number(holder.user_id) === userId ? 'already' : 'takenByOther';
      const own = await this.db
        .selectFrom('login_links')
        .select('subject')
        .where('provider', '=', identity.provider)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      // Neither this subject nor this account: the union id is another account's.
      return own === undefined ? 'takenByOther' : 'providerTaken';
    });
  }

  removeLink(userId: number, provider: LinkProvider): Promise<'removed' | 'none' | 'lastWay'> {
    return this.run('remove link', () =>
      this.db.transaction().execute(async (trx) => {
        // The user row stays locked until commit, so two unlinks at once cannot both pass
        // the check below (SQLite serialises its writers instead).
        let userRow = trx.selectFrom('users').select('password_hash').where('id', '=', userId);
        if (this.dialect !== 'sqlite') userRow = userRow.forUpdate();
        const user = await userRow.executeTakeFirst();
        if (user === undefined) return 'none';
        const links = await trx
          .selectFrom('login_links')
          .select('provider')
          .where('user_id', '=', userId)
          .execute();
        if (!links.some((link) => link.provider === provider)) return 'none';
        if (user.password_hash === '' && links.length === 1) return 'lastWay';
        await trx
          .deleteFrom('login_links')
          .where('user_id', '=', userId)
          .where('provider', '=', provider)
          .execute();
        return 'removed';
      }),
    );
  }

  /** Inserts the user row; the database's unique index on phone decides between racing registrations. */
  private async insertUser(trx: Transaction<Database>, user: NewUser): Promise<number> {
    const values = {
      phone: user.phone,
      password_hash: user.passwordHash,
      name: user.name,
      types: user.types,
      created_at: user.createdAt,
      expert_status: user.expertStatus ?? null,
    };
    try {
      if (this.dialect === 'mysql') {
        const result = await trx.insertInto('users').values(values).executeTakeFirstOrThrow();
        return Number(result.insertId);
      }
      const row = await trx.insertInto('users').values(values).returning('id').executeTakeFirstOrThrow();
      return Number(row.id);
    } catch (error) {
      if (isUniqueViolation(error)) throw new PhoneTaken();
      throw error;
    }
  }

  setPasswordHash(userId: number, passwordHash: string): Promise<void> {
    return this.run('set password', async () => {
      await this.db
        .updateTable('users')
        .set({ password_hash: passwordHash })
        .where('id', '=', userId)
        .execute();
    });
  }

  updateProfile(userId: number, changes: ProfileChanges): Promise<User | null> {
    return this.run('update profile', async () => {
      const values: Updateable<UsersTable> = Object.fromEntries(
        PROFILE_COLUMNS.filter((name) => changes[name] !== undefined).map((name) => [name, changes[name]]),
      );
      if (Object.keys(values).length > 0) {
        await this.db.updateTable('users').set(values).where('id', '=', userId).execute();
      }
      const row = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
      return row ? toUser(row) : null;
    });
  }

  setRole(userId: number, role: Role): Promise<void> {
    return this.run('set role', async () => {
      await this.db.updateTable('users').set({ role }).where('id', '=', userId).execute();
    });
  }

  setExpertStatus(userId: number, status: ExpertStatus): Promise<void> {
    return this.run('set doctor status', async () => {
      await this.db.updateTable('users').set({ expert_status: status }).where('id', '=', userId).execute();
    });
  }

  setDisabled(userId: number, disabled: boolean): Promise<void> {
    return this.run('set disabled', async () => {
      await this.db
        .updateTable('users')
        .set({ disabled: disabled ? 1 : 0 })
        .where('id', '=', userId)
        .execute();
    });
  }

  withdrawKeepingAnAdmin(userId: number, change: AdminLoss): Promise<boolean> {
    return this.run(change === 'disable' ? 'set disabled' : 'set role', () =>
      this.db.transaction().execute(async (trx) => {
        let enabledAdmins = trx
          .selectFrom('users')
          .select('id')
          .where('role', '=', 'admin')
          .where('disabled', '=', 0);
        // The rows stay locked until commit, so a concurrent withdrawal waits and then
        // counts what this one left. SQLite has no FOR UPDATE: its writers are serialised,
        // and one that raced a write since its read fails (SQLITE_BUSY) instead of acting.
        if (this.dialect !== 'sqlite') enabledAdmins = enabledAdmins.forUpdate();
        const ids = (await enabledAdmins.execute()).map((row) => Number(row.id));
        if (ids.includes(userId) && ids.length === 1) return false;
        await trx
          .updateTable('users')
          .set(change === 'disable' ? { disabled: 1 } : { role: 'user' })
          .where('id', '=', userId)
          .execute();
        return true;
      }),
    );
  }

  listApprovedExperts(offset: number, limit: number): Promise<Page<User>> {
    return this.run('list doctors', async () => {
      const approved = this.db
        .selectFrom('users')
        .where('expert_status', '=', 'approved')
        .where('disabled', '=', 0);
      const { total } = await approved.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
      const rows = await approved.selectAll().orderBy('id').limit(limit).offset(offset).execute();
      return { total: Number(total), items: rows.map(toUser) };
    });
  }

  listUsers(offset: number, limit: number, filter: UserFilter = {}): Promise<Page<User>> {
    return this.run('list users', async () => {
      let chosen = this.db.selectFrom('users');
      if (filter.expertStatus !== undefined) chosen = chosen.where('expert_status', '=', filter.expertStatus);
      if (filter.phone !== undefined) chosen = chosen.where('phone', '=', filter.phone);
      const { total } = await chosen.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
      const rows = await chosen.selectAll().orderBy('id').limit(limit).offset(offset).execute();
      return { total: Number(total), items: rows.map(toUser) };
    });
  }

  deleteUser(userId: number, pseudonym: string, entry: AuditEntry): Promise<boolean> {
    return this.run('delete user', () =>
      // One transaction: a crash half-way leaves the whole account (it can still log in and
      // be deleted again), never an account that cannot log in yet keeps the phone.
      this.db.transaction().execute(async (trx) => {
        // The user row first: it locks the account, so a racing deletion waits and then finds nothing.
        const removed = await trx.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) return false;
        // The foreign keys cascade too; explicit deletes say what goes, whatever the engine.
        for (const table of ['sessions', 'device_marks', 'consents'] as const) {
          await trx.deleteFrom(table).where('user_id', '=', userId).execute();
        }
        await trx
          .updateTable('audit_log')
          .set({ user_id: null, phone: pseudonym, ip: null, user_agent: null })
          .where('user_id', '=', userId)
          .execute();
        await trx.insertInto('audit_log').values(auditRow(entry)).execute();
        return true;
      }),
    );
  }

  addConsent(userId: number, consent: Consent): Promise<void> {
    return this.run('record consent', async () => {
      await this.db.insertInto('consents').values(consentRow(userId, consent)).execute();
    });
  }

  listConsents(userId: number): Promise<Consent[]> {
    return this.run('list consents', async () => {
      const rows = await this.db
        .selectFrom('consents')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('id', 'desc')
        .execute();
      return rows.map((row) => ({
        terms: row.terms_version,
        privacy: row.privacy_version,
        at: Number(row.agreed_at),
        ip: row.ip,
        userAgent: row.user_agent,
      }));
    });
  }

  appendAudit(entry: AuditEntry): Promise<void> {
    return this.run('write audit entry', () => this.auditWrites.add(auditRow(entry)));
  }

  deleteAuditBefore(at: number): Promise<number> {
    return this.run('delete old audit entries', async () => {
      const result = await this.db.deleteFrom('audit_log').where('at', '<', at).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  listAudit(
    userId: number | null,
    offset: number,
    limit: number,
  ): Promise<Page<AuditEntry & { id: number }>> {
    return this.run('list audit entries', async () => {
      let query = this.db.selectFrom('audit_log');
      if (userId !== null) query = query.where('user_id', '=', userId);
      const { total } = await query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
      const rows = await query.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
      return { total: Number(total), items: rows.map(toAuditEntry) };
    });
  }

  listSessions(userId: number, now: number): Promise<ListedSession[]> {
    return this.run('list sessions', async () => {
      const rows = await this.db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('expires_at', '>', now)
        .orderBy('last_used_at', 'desc')
        .execute();
      // An app's session keeps a refresh token's hash; a browser's never has one.
      return rows.map((row) => ({
        ...toSession(row),
        kind: row.refresh_hash === null ? ('browser' as const) : ('app' as const),
      }));
    });
  }

  deleteSessionsOfUser(userId: number, except?: string): Promise<number> {
    return this.run('delete sessions', async () => {
      let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
      if (except !== undefined) query = query.where('id_hash', '!=', except);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  createSession(session: Session): Promise<boolean> {
    return this.run('create session', async () => {
      try {
        await this.db.insertInto('sessions').values(sessionRow(session)).execute();
        return true;
      } catch (error) {
        // The account was deleted between the login's lookup and here (its sessions cascade).
        if (isForeignKeyViolation(error)) return false;
        throw error;
      }
    });
  }

  findLiveSession(idHash: string, now: number): Promise<Session | null> {
    return this.run('find session', async () => {
      const row = await this.db
        .selectFrom('sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row ? toSession(row) : null;
    });
  }

  findLiveSessionUser(idHash: string, now: number): Promise<{ lastUsedAt: number; user: User } | null> {
    return this.run('find session', async () => {
      const [row] = await this.liveSessionUser([idHash, now]);
      return row ? { lastUsedAt: Number(row.session_last_used_at), user: toUser(row) } : null;
    });
  }

  touchSession(idHash: string, lastUsedAt: number, expiresAt: number): Promise<void> {
    return this.run('renew session', async () => {
      await this.db
        .updateTable('sessions')
        .set({ last_used_at: lastUsedAt, expires_at: expiresAt })
        .where('id_hash', '=', idHash)
        .execute();
    });
  }

  deleteSession(idHash: string): Promise<boolean> {
    return this.run('delete session', async () => {
      const result = await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  deleteExpiredSessions(now: number): Promise<number> {
    return this.run('delete expired sessions', async () => {
      const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  beginRefresh(idHash: string, refreshHash: string, absoluteExpiresAt: number): Promise<boolean> {
    return this.run('begin refresh', async () => {
      const result = await this.db
        .updateTable('sessions')
        .set({
          refresh_hash: refreshHash,
          refresh_generation: 0,
          refresh_rotated_at: null,
          absolute_expires_at: absoluteExpiresAt,
        })
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  findRefreshSession(idHash: string, now: number): Promise<RefreshSession | null> {
    return this.run('find session', async () => {
      const row = await this.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('users')
        .select([
          'sessions.expires_at as session_expires_at',
          'sessions.refresh_hash',
          'sessions.refresh_generation',
          'sessions.refresh_rotated_at',
          'sessions.absolute_expires_at',
        ])
        .where('sessions.id_hash', '=', idHash)
        .where('sessions.expires_at', '>', now)
        .where('sessions.absolute_expires_at', '>', now)
        .where('sessions.refresh_generation', 'is not', null)
        .executeTakeFirst();
      if (row === undefined || row.refresh_hash === null || row.refresh_generation === null) return null;
      return {
        idHash,
        user: toUser(row),
        expiresAt: Number(row.session_expires_at),
        refreshHash: row.refresh_hash,
        generation: Number(row.refresh_generation),
        rotatedAt: row.refresh_rotated_at === null ? null : Number(row.refresh_rotated_at),
        absoluteExpiresAt: Number(row.absolute_expires_at),
      };
    });
  }

  rotateRefresh(
    idHash: string,
    generation: number,
    refreshHash: string,
    now: number,
    expiresAt: number,
  ): Promise<boolean> {
    return this.run('rotate refresh token', async () => {
      const result = await this.db
        .updateTable('sessions')
        .set({
          refresh_hash: refreshHash,
          refresh_generation: generation + 1,
          refresh_rotated_at: now,
          last_used_at: now,
          expires_at: expiresAt,
        })
        .where('id_hash', '=', idHash)
        .where('refresh_generation', '=', generation)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  createDeviceMark(mark: DeviceMark): Promise<void> {
    return this.run('create device mark', async () => {
      await this.db
        .insertInto('device_marks')
        .values({
          id_hash: mark.idHash,
          user_id: mark.userId,
          created_at: mark.createdAt,
          expires_at: mark.expiresAt,
        })
        .execute();
    });
  }

  findLiveDeviceMark(idHash: string, now: number): Promise<DeviceMark | null> {
    return this.run('find device mark', async () => {
      const row = await this.db
        .selectFrom('device_marks')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row
        ? {
            idHash: row.id_hash,
            userId: Number(row.user_id),
            createdAt: Number(row.created_at),
            expiresAt: Number(row.expires_at),
          }
        : null;
    });
  }

  renewDeviceMark(idHash: string, expiresAt: number): Promise<void> {
    return this.run('renew device mark', async () => {
      await this.db
        .updateTable('device_marks')
        .set({ expires_at: expiresAt })
        .where('id_hash', '=', idHash)
        .execute();
    });
  }

  deleteDeviceMarksOfUser(userId: number, except?: string): Promise<number> {
    return this.run('delete device marks', async () => {
      let query = this.db.deleteFrom('device_marks').where('user_id', '=', userId);
      if (except !== undefined) query = query.where('id_hash', '!=', except);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  deleteExpiredDeviceMarks(now: number): Promise<number> {
    return this.run('delete expired device marks', async () => {
      const result = await this.db
        .deleteFrom('device_marks')
        .where('expires_at', '<=', now)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  changeBus(): InvalidationBus | undefined {
    const readDataVersion = sqliteDataVersion(this.db);
    return readDataVersion === undefined ? undefined : sqliteChangeBus(readDataVersion);
  }

  ping(): Promise<void> {
    return this.run('ping', async () => {
      await this.db.selectFrom('users').select('id').limit(1).execute();
    });
  }

  async close(): Promise<void> {
    // Audit rows already handed over are written before the connection goes.
    await this.auditWrites.drained();
    await this.db.destroy();
  }
}

/** 8 columns a row: 1 600 bound parameters at most, far below every dialect's limit. */
const AUDIT_ROWS_PER_WRITE = 200;

type AuditRow = ReturnType<typeof auditRow>;

function auditRow(entry: AuditEntry) {
  return {
    at: entry.at,
    user_id: entry.userId,
    phone: entry.phone,
    action: entry.action,
    outcome: entry.outcome,
    ip: entry.ip?.slice(0, 64) ?? null,
    user_agent: entry.userAgent?.slice(0, 512) ?? null,
    detail: entry.detail?.slice(0, 255) ?? null,
  };
}

function consentRow(userId: number, consent: Consent) {
  return {
    user_id: userId,
    terms_version: consent.terms,
    privacy_version: consent.privacy,
    agreed_at: consent.at,
    ip: consent.ip?.slice(0, 64) ?? null,
    user_agent: consent.userAgent?.slice(0, 512) ?? null,
  };
}

function linkRow(userId: number, identity: LinkIdentity, createdAt: number) {
  return {
    provider: identity.provider,
    subject: identity.subject,
    union_id: identity.unionId,
    user_id: userId,
    created_at: createdAt,
  };
}

function sessionRow(session: Session) {
  return {
    id_hash: session.idHash,
    user_id: session.userId,
    created_at: session.createdAt,
    last_used_at: session.lastUsedAt,
    expires_at: session.expiresAt,
    ip: session.ip,
    user_agent: session.userAgent,
  };
}
