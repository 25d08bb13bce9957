// Where the service under test keeps its data. `sqlite`: the embedded defaults (an SQLite
// file in a temporary DATA_DIR, the in-process store). `pg-redis`: a PostgreSQL database
// created for the run and dropped after it, Redis under a key prefix of the run's own
// (deleted after it), and WORKERS processes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { seedAccounts, type SeedResult } from '../seed-accounts.js';

export interface PreparedData {
  env: Record<string, string>;
  databaseUrl: string;
  seed: SeedResult;
}

export interface Environment {
  name: 'sqlite' | 'pg-redis';
  /** What the report says about the storage. */
  description: string;
  /** A fresh database (and store namespace) called `label`, with `accounts` seeded accounts. */
  prepare(label: string, accounts: number): Promise<PreparedData>;
  cleanup(): Promise<void>;
}

/** Seeds `accounts` accounts; none (and no schema either: the server migrates) when 0. */
function seed(databaseUrl: string, accounts: number): Promise<SeedResult> {
  if (accounts === 0) return Promise.resolve({ count: 0, seconds: 0, rowsPerSecond: 0 });
  return seedAccounts({ databaseUrl, count: accounts });
}

/** The bench reads the server's /metrics with this token (the captcha pool's counters). */
export const BENCH_METRICS_TOKEN = `bench-${crypto.randomBytes(12).toString('hex')}`;

/** Settings every benchmarked server gets: test hooks on, abuse quotas out of the way. */
export function serverEnv(logLevel: string): Record<string, string> {
  return {
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    LOG_LEVEL: logLevel,
    MEDICINE_TEST_HOOKS: '1',
    MEDICINE_SECRET: crypto.randomBytes(24).toString('hex'),
    SMS_PROVIDER: 'console',
    CAPTCHA_PER_IP_PER_MINUTE: '1000000',
    SMS_PER_IP_PER_HOUR: '100000',
    SMS_GLOBAL_PER_HOUR: '100000000',
    SMS_PER_PHONE_PER_HOUR: '1000',
    SMS_PER_PHONE_PER_DAY: '1000',
    LOGIN_FAILURES_PER_IP_PER_HOUR: '1000000',
    LOGIN_MAX_FAILURES: '100',
  };
}

export function sqliteEnvironment(workDir: string): Environment {
  return {
    name: 'sqlite',
    description: 'SQLite file in a temporary DATA_DIR, in-process key-value store, one process',
    prepare: async (label, accounts) => {
      const dataDir = path.join(workDir, `data-${label}`);
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.mkdirSync(dataDir, { recursive: true });
      const databaseUrl = `sqlite:${path.join(dataDir, 'medicine.db')}`;
      // One server serves every group in turn, and POST /smsCode at full speed leaves ~5 keys
      // per phone (the code, its resend window, three counters) for hours: on a fast machine
      // the 200 000-key default bound filled within the smsCode group and every later
      // scenario was refused (DBERR). The bench measures speed, not that bound
      // (test/store/memory-store.test.ts does), so it gets room for the whole run.
      return {
        env: { DATA_DIR: dataDir, MEMORY_STORE_MAX_KEYS: '2000000' },
        databaseUrl,
        seed: await seed(databaseUrl, accounts),
      };
    },
    cleanup: async () => {},
  };
}

export interface PgRedisOptions {
  /** A database the bench may connect to in order to create and drop its own. */
  adminUrl: string;
  redisUrl: string;
  workers: string;
}

export function pgRedisEnvironment(options: PgRedisOptions): Environment {
  const run = `medicine_bench_${process.pid}_${Date.now().toString(36)}`;
  const prefix = `${run}:`;
  const created: string[] = [];
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: options.adminUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const urlFor = (database: string) => {
    const url = new URL(options.adminUrl);
    url.pathname = `/${database}`;
    return url.href;
  };
  return {
    name: 'pg-redis',
    description: `PostgreSQL (${new URL(options.adminUrl).host}) + Redis (${new URL(options.redisUrl).host}), WORKERS=${options.workers}`,
    prepare: async (label, accounts) => {
      const database = `${run}_${label.replace(/[^a-z0-9_]/gi, '_')}`.toLowerCase();
      await admin(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${database}"`);
        await client.query(`CREATE DATABASE "${database}"`);
      });
      created.push(database);
      const databaseUrl = urlFor(database);
      const seeded = await seed(databaseUrl, accounts);
      return {
        env: {
          DATABASE_URL: databaseUrl,
          REDIS_URL: options.redisUrl,
          REDIS_KEY_PREFIX: `${prefix}${label}:`,
          WORKERS: options.workers,
        },
        databaseUrl,
        seed: seeded,
      };
    },
    cleanup: async () => {
      await admin(async (client) => {
        for (const database of created.splice(0)) {
          await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        }
      }).catch((error: unknown) => console.error(`could not drop the bench databases: ${String(error)}`));
      const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        let cursor = '0';
        // SCAN visits every key once per full pass; 100 000 rounds of 1 000 is far more than a run writes.
        for (let round = 0; round < 100_000; round++) {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          if (keys.length > 0) await redis.unlink(...keys);
          cursor = next;
          if (cursor === '0') break;
        }
      } catch (error) {
        console.error(`could not delete the bench's Redis keys (${prefix}*): ${String(error)}`);
      } finally {
        redis.disconnect();
      }
    },
  };
}
