import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as accountsAndSessions from './migrations/0001_accounts_and_sessions.js';

/** Every migration, in order. A new one is one file in ./migrations and one line here. */
const migrations: Record<string, Migration> = {
  '0001_accounts_and_sessions': accountsAndSessions,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; safe to call from several processes at once (Kysely locks). */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
