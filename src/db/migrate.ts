import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { dialectOf } from './dialect.js';
import * as accountsAndSessions from './migrations/0001_accounts_and_sessions.js';
import * as rolesProfilesAudit from './migrations/0002_roles_profiles_audit.js';
import * as deviceMarks from './migrations/0003_device_marks.js';
import * as refreshTokens from './migrations/0004_refresh_tokens.js';
import * as consents from './migrations/0005_consents.js';
import * as loginLinks from './migrations/0006_login_links.js';

/** Every migration, in order. A new one is one file in ./migrations and one line here. */
const migrations: Record<string, Migration> = {
  '0001_accounts_and_sessions': accountsAndSessions,
  '0002_roles_profiles_audit': rolesProfilesAudit,
  '0003_device_marks': deviceMarks,
  '0004_refresh_tokens': refreshTokens,
  '0005_consents': consents,
  '0006_login_links': loginLinks,
};

/** The names of every migration, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations);

const provider: MigrationProvider = { getMigrations: async () => migrations };

async function runMigrator(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Brings the schema up to date; safe to call from several processes at once. On PostgreSQL
 * and MySQL, Kysely takes a server-side lock (an advisory lock, GET_LOCK). On SQLite it
 * takes none, so two processes opening a fresh file would both create the tables: there
 * the whole run is one BEGIN IMMEDIATE transaction, which holds the file's write lock
 * (others wait, up to the busy timeout) and undoes a half-applied migration on failure.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  if (dialectOf(db) !== 'sqlite') return runMigrator(db);
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const applied = await runMigrator(connection);
      await sql`commit`.execute(connection);
      return applied;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}
