import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { failureReason, maskUrl } from '../storage-errors.js';
import { connectDatabase } from './connect.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';
import type { AccountDatabase } from './user-store.js';

/**
 * Connects to the database `DATABASE_URL` names and brings its schema up to date. An
 * unreachable database or a failed migration stops the start-up with one line that names
 * the URL (password masked) and the reason.
 */
export async function openDatabase(config: Config): Promise<AccountDatabase> {
  let db: Kysely<Database> | undefined;
  try {
    db = await connectDatabase(config.databaseUrl);
    await migrateToLatest(db);
    return new SqlStore(db);
  } catch (error) {
    await db?.destroy().catch(() => {});
    throw new Error(`cannot open the database at ${maskUrl(config.databaseUrl)}: ${failureReason(error)}`, {
      cause: error,
    });
  }
}
