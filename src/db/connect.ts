import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  MysqlDialect,
  PostgresDialect,
  SqliteDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase,
} from 'kysely';
import type { Pool as PgPool } from 'pg';
import type { Database } from './schema.js';

const dataVersionReaders = new WeakMap<Kysely<Database>, () => number>();

/**
 * For a SQLite database, a reader of `PRAGMA data_version` on its connection (a number that
 * changes whenever another connection commits; see sqlite-change-bus.ts); undefined for the others.
 */
export function sqliteDataVersion(db: Kysely<Database>): (() => number) | undefined {
  return dataVersionReaders.get(db);
}

/** Opens the database that `url` names: `sqlite:<file>`, `sqlite::memory:`, `postgres://…` or `mysql://…`. */
export async function connectDatabase(url: string): Promise<Kysely<Database>> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    const { default: SQLite } = await import('better-sqlite3');
    if (file !== ':memory:') createPrivateFile(path.resolve(file));
    const database = new SQLite(file === ':memory:' ? ':memory:' : path.resolve(file));
    database.pragma('journal_mode = WAL');
    if (file !== ':memory:') tightenModes(path.resolve(file));
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
    });
    const dataVersion = database.prepare('PRAGMA data_version').pluck();
    dataVersionReaders.set(db, () => dataVersion.get() as number);
    return db;
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: 5000,
      statement_timeout: 5000,
    });
    // An idle client that loses its server emits 'error'; the pool replaces it.
    pool.on('error', () => {});
    // A client handed out just as its server vanished emits 'error' with nobody listening,
    // which would crash the process (found by test/http/outages.test.ts). The query that
    // uses it fails on its own, and becomes a DBERR reply, so the event itself can be ignored.
    pool.on('connect', (client) => client.on('error', () => {}));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: withNamedStatements(pool) }) });
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    const { createPool } = await import('mysql2');
    const pool = createPool({
      uri: url.replace(/^mariadb:/, 'mysql:'),
      connectionLimit: 10,
      connectTimeout: 5000,
      enableKeepAlive: true,
    });
    return new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
  }
  throw new Error('DATABASE_URL must start with sqlite:, postgres:// or mysql://');
}

/**
 * The database holds password hashes and session digests: its folder is created 0700 and
 * the file 0600 before SQLite opens it. SQLite gives its -wal and -shm files the mode of
 * the database file, so they are private too.
 */
function createPrivateFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
}

/** A database file (or its -wal/-shm) left readable by others by an older release is made private. */
function tightenModes(file: string): void {
  for (const each of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(each).mode & 0o077) !== 0) fs.chmodSync(each, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** How many distinct SQL texts keep their prepared statement (the app has a few dozen). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew, which costs more than running a
 * point lookup; this keeps the most recently used statements prepared. Safe because the
 * driver runs one statement at a time per connection and never holds one open between
 * queries (no streaming here), and SQLite re-prepares a statement by itself after a
 * schema change.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          // Least recently used first: Map keeps insertion order, and a hit re-inserts.
          statements.delete(statements.keys().next().value as string);
        }
      } else {
        statements.delete(sql);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

/** Statements worth preparing once per connection: the application's reads and writes, not DDL or BEGIN. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * PostgreSQL parses and plans every unnamed statement anew, which for the point lookups
 * of this service is much of the work. Named statements are prepared once per connection
 * and then only bound and run. If a migration elsewhere changes a table under a prepared
 * statement, PostgreSQL refuses it once ("cached plan must not change result type",
 * 0A000): the query is then run unnamed and every name is renewed, so the statements are
 * prepared again against the new table.
 */
function withNamedStatements(pool: PgPool): PostgresPool {
  const names = new Map<string, string>();
  let generation = 0;
  const nameOf = (sql: string): string => {
    let name = names.get(sql);
    if (name === undefined) {
      if (names.size >= STATEMENT_CACHE_SIZE) names.clear();
      name = `m${generation}_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      names.set(sql, name);
    }
    return name;
  };
  return {
    end: () => pool.end(),
    async connect() {
      const client = await pool.connect();
      const query = async (sql: string, parameters: readonly unknown[]) => {
        const values = [...parameters];
        if (!PREPARABLE.test(sql)) return client.query(sql, values);
        try {
          return await client.query({ name: nameOf(sql), text: sql, values });
        } catch (error) {
          if ((error as { code?: unknown }).code !== '0A000') throw error;
          generation += 1;
          names.clear();
          return client.query(sql, values);
        }
      };
      return {
        query,
        release: (destroy?: boolean) => client.release(destroy),
      } as unknown as PostgresPoolClient;
    },
  };
}
