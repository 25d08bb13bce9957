import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { connectDatabase } from '../../src/db/connect.js';
import { MIGRATION_NAMES, migrateToLatest } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { accountDatabaseConformance } from './user-store.conformance.js';

const DATABASE_URL = process.env.DATABASE_URL || undefined;

interface Backend {
  name: string;
  url: string;
  /** A brand-new empty database on the same server, and how to drop it. */
  fresh(): Promise<{ url: string; drop(): Promise<void> }>;
}

let freshCounter = 0;
const freshName = (): string => {
  freshCounter += 1;
  return `medicine_fresh_${process.pid}_${freshCounter}`;
};

/** The server's URL with another database name in its path. */
function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    url: 'sqlite::memory:',
    fresh: async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-sqlite-'));
      return {
        url: `sqlite:${path.join(dir, 'fresh.db')}`,
        drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];

if (DATABASE_URL !== undefined && /^postgres(ql)?:\/\//.test(DATABASE_URL)) {
  backends.push({
    name: 'PostgreSQL',
    url: DATABASE_URL,
    fresh: async () => {
      const name = freshName();
      const server = await connectDatabase(DATABASE_URL);
      await sql`create database ${sql.id(name)}`.execute(server);
      return {
        url: withDatabase(DATABASE_URL, name),
        drop: async () => {
          await sql`drop database if exists ${sql.id(name)} with (force)`.execute(server);
          await server.destroy();
        },
      };
    },
  });
}

if (DATABASE_URL !== undefined && /^(mysql|mariadb):\/\//.test(DATABASE_URL)) {
  backends.push({
    name: 'MySQL/MariaDB',
    url: DATABASE_URL,
    fresh: async () => {
      const name = freshName();
      const server = await connectDatabase(DATABASE_URL);
      await sql`create database ${sql.id(name)}`.execute(server);
      return {
        url: withDatabase(DATABASE_URL, name),
        drop: async () => {
          await sql`drop database if exists ${sql.id(name)}`.execute(server);
          await server.destroy();
        },
      };
    },
  });
}

const configFor = (url: string) => loadConfig({ NODE_ENV: 'test', DATABASE_URL: url });

const MIGRATE_ON_SIGNAL = fileURLToPath(new URL('./fixtures/migrate-on-signal.ts', import.meta.url));

/** Starts `count` processes that connect to `url`, then migrates it from all of them at once. */
async function migrateFromProcesses(url: string, count: number): Promise<string[][]> {
  const children = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MIGRATE_ON_SIGNAL, url], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = new Promise<void>((resolve) => {
      const check = () => (stdout.startsWith('ready\n') ? resolve() : child.stdout.once('data', check));
      child.stdout.once('data', check);
    });
    const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('close', (code) => resolve({ code, stdout, stderr })),
    );
    return { child, ready, exited };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const { child } of children) child.stdin.write('go\n');
  const results = await Promise.all(children.map((c) => c.exited));
  return results.map(({ code, stdout, stderr }) => {
    assert.equal(code, 0, `a migrating process failed: ${stderr}`);
    return JSON.parse(stdout.slice('ready\n'.length)) as string[];
  });
}

for (const backend of backends) {
  accountDatabaseConformance({ name: backend.name, open: () => openDatabase(configFor(backend.url)) });

  describe(`SQL schema: ${backend.name}`, () => {
    const drops: Array<() => Promise<void>> = [];
    after(async () => {
      for (const drop of drops) await drop();
    });

    it('migrateToLatest is idempotent: the second run applies nothing and the schema works', async () => {
      const fresh = await backend.fresh();
      drops.push(fresh.drop);
      const db = await connectDatabase(fresh.url);
      try {
        assert.deepEqual(await migrateToLatest(db), [...MIGRATION_NAMES]);
        assert.deepEqual(await migrateToLatest(db), []);
        const tables = (await db.introspection.getTables()).map((t) => t.name);
        assert.ok(tables.includes('users') && tables.includes('sessions'), tables.join(', '));
      } finally {
        await db.destroy();
      }
    });

    it('a session must belong to an existing user (the foreign key is enforced)', async () => {
      const store = await openDatabase(configFor(backend.url));
      try {
        const session = {
          idHash: 'f'.repeat(40) + String(process.pid).padStart(24, '0'),
          userId: 2_000_000_000,
          createdAt: 0,
          lastUsedAt: 0,
          expiresAt: Date.now() + 60_000,
          ip: null,
          userAgent: null,
        };
        assert.equal(await store.createSession(session), false, 'refused: no such user');
        assert.equal(await store.findLiveSession(session.idHash, 0), null);
      } finally {
        await store.close();
      }
    });

    it('closing writes the audit entries already handed over before the connection goes', async () => {
      const fresh = await backend.fresh();
      drops.push(fresh.drop);
      const store = await openDatabase(configFor(fresh.url));
      const entries = Array.from({ length: 5 }, (_, i) => ({
        at: 1_000 + i,
        userId: null,
        phone: null,
        action: 'sms_sent',
        outcome: 'sent',
        ip: null,
        userAgent: null,
        detail: `closing ${i}`,
      }));
      // Not awaited: the service's close can come while requests are still writing theirs.
      const writes = entries.map((entry) => store.appendAudit(entry));
      await store.close();
      await Promise.all(writes);
      const reopened = await openDatabase(configFor(fresh.url));
      try {
        const written = await reopened.listAudit(null, 0, 10);
        assert.deepEqual(
          written.items.map((e) => e.detail),
          entries.map((e) => e.detail).reverse(),
        );
      } finally {
        await reopened.close();
      }
    });

    it('lookups keep working when a newer release adds a column under them (prepared statements renew)', async () => {
      const fresh = await backend.fresh();
      drops.push(fresh.drop);
      const store = await openDatabase(configFor(fresh.url));
      const other = await connectDatabase(fresh.url);
      try {
        const phone = '13900007777';
        const session = {
          idHash: 'e'.repeat(64),
          createdAt: 0,
          lastUsedAt: 0,
          expiresAt: Date.now() + 60_000,
          ip: null,
          userAgent: null,
        };
        const user = await store.createUser(
          { phone, passwordHash: 'h', name: phone, types: 'patient', createdAt: 0 },
          session,
        );
        assert.ok(user);
        // Used enough times for every connection to have prepared (and planned) them.
        for (let i = 0; i < 12; i++) {
          assert.equal((await store.findUserByPhone(phone))?.id, user.id);
          assert.equal((await store.findLiveSessionUser(session.idHash, 1))?.user.id, user.id);
        }
        await sql`alter table users add column nickname varchar(20)`.execute(other);
        for (let i = 0; i < 12; i++) {
          assert.equal((await store.findUserByPhone(phone))?.id, user.id, `lookup ${i} after the change`);
          assert.equal((await store.findLiveSessionUser(session.idHash, 1))?.user.id, user.id);
          assert.equal(await store.phoneExists(phone), true);
        }
      } finally {
        await other.destroy();
        await store.close();
      }
    });

    it('there is always an enabled admin: of admins disabled or demoted all at once, one is left', async () => {
      const fresh = await backend.fresh();
      drops.push(fresh.drop);
      const store = await openDatabase(configFor(fresh.url));
      const enabledAdmins = async () =>
        (await store.listUsers(0, 1000)).items.filter((u) => u.role === 'admin' && !u.disabled);
      try {
        let phone = 13900005000;
        const newAdmin = async () => {
          phone += 1;
          const user = await store.createUser(
            { phone: String(phone), passwordHash: 'h', name: 'admin', types: 'patient', createdAt: 0 },
            {
              idHash: randomBytes(32).toString('hex'),
              createdAt: 0,
              lastUsedAt: 0,
              expiresAt: 1,
              ip: null,
              userAgent: null,
            },
          );
          assert.ok(user);
          await store.setRole(user.id, 'admin');
          return user.id;
        };
        const first = await newAdmin();
        assert.equal(await store.withdrawKeepingAnAdmin(first, 'disable'), false, 'the only admin stays');
        assert.equal(await store.withdrawKeepingAnAdmin(first, 'demote'), false, 'and keeps the role');
        for (let round = 0; round < 10; round++) {
          const candidates = [
            ...(await enabledAdmins()).map((u) => u.id),
            await newAdmin(),
            await newAdmin(),
          ];
          const outcomes = await Promise.all(
            candidates.map((id, i) => store.withdrawKeepingAnAdmin(id, i % 2 === 0 ? 'disable' : 'demote')),
          );
          assert.equal(outcomes.filter(Boolean).length, candidates.length - 1, `round ${round}`);
          assert.equal((await enabledAdmins()).length, 1, `round ${round}`);
        }
        const patient = await newAdmin();
        await store.setRole(patient, 'user');
        assert.equal(await store.withdrawKeepingAnAdmin(patient, 'disable'), true, 'a non-admin is disabled');
      } finally {
        await store.close();
      }
    });

    it('three processes starting at once on a fresh database all succeed; the schema is created once', async () => {
      const fresh = await backend.fresh();
      drops.push(fresh.drop);
      const applied = await migrateFromProcesses(fresh.url, 3);
      assert.deepEqual(applied.flat(), [...MIGRATION_NAMES], JSON.stringify(applied));
      const store = await openDatabase(configFor(fresh.url));
      try {
        await store.ping();
      } finally {
        await store.close();
      }
    });
  });
}

describe('openDatabase at start-up', () => {
  for (const [dialect, url, masked] of [
    [
      'PostgreSQL',
      'postgres://medicine:s3cret-pw@127.0.0.1:1/medicine',
      'postgres://medicine:***@127.0.0.1:1/medicine',
    ],
    ['MySQL', 'mysql://medicine:s3cret-pw@127.0.0.1:1/medicine', 'mysql://medicine:***@127.0.0.1:1/medicine'],
  ] as const) {
    it(`an unreachable ${dialect} server fails with one line naming the URL, password masked`, async () => {
      await assert.rejects(openDatabase(configFor(url)), (error: Error) => {
        assert.equal(error.message.includes('\n'), false, 'one line');
        assert.ok(
          error.message.startsWith(`cannot open the database at ${masked}: `),
          `message: ${error.message}`,
        );
        assert.match(error.message, /ECONNREFUSED/);
        assert.equal(error.message.includes('s3cret-pw'), false, 'the password is never printed');
        return true;
      });
    });
  }

  it('an SQLite file that cannot be created fails with one line naming it', async () => {
    const url = 'sqlite:/dev/null/medicine.db';
    await assert.rejects(openDatabase(configFor(url)), (error: Error) => {
      assert.equal(error.message.includes('\n'), false, 'one line');
      assert.ok(error.message.startsWith(`cannot open the database at ${url}: `), error.message);
      return true;
    });
  });
});
