import { MysqlAdapter, PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

export type Dialect = 'sqlite' | 'postgres' | 'mysql';

/** Which SQL dialect a Kysely instance speaks, for the few places where they differ. */
export function dialectOf(db: Kysely<any>): Dialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error(`unsupported SQL adapter ${adapter.constructor.name}`);
}
