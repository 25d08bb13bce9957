// `node --import tsx bench/seed-accounts.ts --data-dir DIR --count 1000000`: fills a
// database with accounts, fast, for the growth scenario of bench/run.ts. The schema comes
// from the project's own migrations; rows go in as batched multi-row INSERTs through
// Kysely, many batches per transaction. Every account gets the same password, stored as
// one precomputed argon2id hash (a login costs the same as with distinct hashes).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { connectDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { Argon2Hasher } from '../src/passwords/argon2-hasher.js';

/** Seeded phones are `166` followed by 8 digits of the account's index: 16600000000, 16600000001, … */
export const SEED_PHONE_PREFIX = '166';
export const SEED_PASSWORD = 'bench password 0123';
const MAX_ACCOUNTS = 100_000_000;

export function seededPhone(index: number): string {
  return `${SEED_PHONE_PREFIX}${String(index).padStart(8, '0')}`;
}

export interface SeedOptions {
  /** `sqlite:<file>` or `postgres://…` (anything `DATABASE_URL` accepts). */
  databaseUrl: string;
  count: number;
  /** Rows per INSERT (kept under every dialect's bound-parameter limit). */
  batchSize?: number;
  /** Batches per transaction. */
  batchesPerTransaction?: number;
  /** Called now and then with the number of rows written so far. */
  onProgress?: (written: number) => void;
}

export interface SeedResult {
  count: number;
  seconds: number;
  rowsPerSecond: number;
}

/** Brings the schema up to date and inserts accounts `0 … count-1` (phones from `seededPhone`). */
export async function seedAccounts(options: SeedOptions): Promise<SeedResult> {
  const { count, batchSize = 1000, batchesPerTransaction = 50 } = options;
  if (!Number.isInteger(count) || count < 0 || count > MAX_ACCOUNTS) {
    throw new Error(`count must be a whole number from 0 to ${MAX_ACCOUNTS}`);
  }
  const passwordHash = await new Argon2Hasher().hash(SEED_PASSWORD);
  const db: Kysely<Database> = await connectDatabase(options.databaseUrl);
  const started = performance.now();
  try {
    await migrateToLatest(db);
    const createdAt = Date.now();
    let written = 0;
    while (written < count) {
      await db.transaction().execute(async (trx) => {
        for (let b = 0; b < batchesPerTransaction && written < count; b++) {
          const rows = [];
          const end = Math.min(count, written + batchSize);
          for (let i = written; i < end; i++) {
            const phone = seededPhone(i);
            rows.push({
              phone,
              password_hash: passwordHash,
              name: phone,
              types: 'patient',
              created_at: createdAt,
            });
          }
          await trx.insertInto('users').values(rows).execute();
          written = end;
        }
      });
      options.onProgress?.(written);
    }
    // Statistics now, as a long-lived table has them, rather than an autovacuum or a first
    // plan without them in the middle of a measurement.
    if (count > 0) await sql`analyze users`.execute(db);
  } finally {
    await db.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  return { count, seconds, rowsPerSecond: count / Math.max(seconds, 1e-9) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      count: { type: 'string', default: '1000000' },
    },
  });
  const url =
    values['database-url'] ??
    (values['data-dir'] ? `sqlite:${path.join(path.resolve(values['data-dir']), 'medicine.db')}` : undefined);
  if (url === undefined) {
    console.error('usage: bench/seed-accounts.ts (--data-dir DIR | --database-url URL) [--count N]');
    process.exit(2);
  }
  const count = Number(values.count);
  let last = 0;
  const result = await seedAccounts({
    databaseUrl: url,
    count,
    onProgress: (written) => {
      if (written - last >= 100_000 || written === count) {
        last = written;
        process.stdout.write(`  ${written} accounts\n`);
      }
    },
  });
  console.log(
    `seeded ${result.count} accounts (phones ${seededPhone(0)}…, password "${SEED_PASSWORD}") ` +
      `in ${result.seconds.toFixed(1)} s, ${Math.round(result.rowsPerSecond)} rows/s`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  await main();
}
