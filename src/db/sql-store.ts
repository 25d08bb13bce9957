import type { Kysely, Selectable, Transaction } from 'kysely';
import { StorageError } from '../store/key-value-store.js';
import { dialectOf, type Dialect } from './dialect.js';
import type { Database, SessionsTable, UsersTable } from './schema.js';
import type { AccountDatabase, AccountType, NewSession, NewUser, Session, User } from './user-store.js';

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

/** The phone is already registered: the transaction rolls back and createUser answers null. */
class PhoneTaken extends Error {}

/** The one SQL adapter: Kysely speaks each dialect, this class speaks the ports. */
export class SqlStore implements AccountDatabase {
  private readonly dialect: Dialect;

  constructor(private readonly db: Kysely<Database>) {
    this.dialect = dialectOf(db);
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
      const row = await this.db.selectFrom('users').selectAll().where('phone', '=', phone).executeTakeFirst();
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
      const row = await this.db
        .selectFrom('users')
        .select('id')
        .where('phone', '=', phone)
        .executeTakeFirst();
      return row !== undefined;
    });
  }

  createUser(user: NewUser, firstSession: NewSession): Promise<User | null> {
    return this.run('create user', async () => {
      try {
        return await this.db.transaction().execute(async (trx) => {
          const id = await this.insertUser(trx, user);
          // A failure here (e.g. a session id already in use) rolls the user back too, and
          // is an error, not "phone taken": only the users insert can mean that.
          await trx
            .insertInto('sessions')
            .values(sessionRow({ ...firstSession, userId: id }))
            .execute();
          return { ...user, id, avatarUrl: null, age: null, address: null };
        });
      } catch (error) {
        if (error instanceof PhoneTaken) return null;
        throw error;
      }
    });
  }

  /** Inserts the user row; the database's unique index on phone decides between racing registrations. */
  private async insertUser(trx: Transaction<Database>, user: NewUser): Promise<number> {
    const values = {
      phone: user.phone,
      password_hash: user.passwordHash,
      name: user.name,
      types: user.types,
      created_at: user.createdAt,
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

  createSession(session: Session): Promise<void> {
    return this.run('create session', async () => {
      await this.db.insertInto('sessions').values(sessionRow(session)).execute();
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

  ping(): Promise<void> {
    return this.run('ping', async () => {
      await this.db.selectFrom('users').select('id').limit(1).execute();
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
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
