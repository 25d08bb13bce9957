import type { Config } from '../config.js';
import { connectDatabase } from './connect.js';
import { migrateToLatest } from './migrate.js';
import { SqlStore } from './sql-store.js';
import type { AccountDatabase } from './user-store.js';

/** Connects to the database `DATABASE_URL` names and brings its schema up to date. */
export async function openDatabase(config: Config): Promise<AccountDatabase> {
  const db = await connectDatabase(config.databaseUrl);
  await migrateToLatest(db);
  return new SqlStore(db);
}
