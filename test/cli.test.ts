import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/open-database.js';
import { medicine } from './helpers/cli.js';

describe('npx medicine', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-cli-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('each command needs only what it uses: migrate and user list run in production without the SMS provider or the secret', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-cli-needs-'));
    try {
      // The server's own environment, less everything the command line never touches.
      const env = { NODE_ENV: 'production', SMS_PROVIDER: 'aliyun', DATA_DIR: dir };
      const migrate = medicine(['migrate'], env);
      assert.equal(migrate.code, 0, migrate.stderr);
      const list = medicine(['user', 'list', '--json'], env);
      assert.equal(list.code, 0, list.stderr);
      assert.equal(JSON.parse(list.stdout).total, 0);
      // A setting a command does use is still checked.
      const bad = medicine(['migrate'], { ...env, DATABASE_URL: 'oracle://x' });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^medicine: DATABASE_URL must start with/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrate creates the schema once, and says so in words or JSON', () => {
    const first = medicine(['migrate'], { DATA_DIR: dataDir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied 0001_accounts_and_sessions/);
    const db = new Database(path.join(dataDir, 'medicine.db'), { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    db.close();
    assert.ok(tables.some((t) => t.name === 'users') && tables.some((t) => t.name === 'sessions'));
    const again = medicine(['migrate', '--json'], { DATA_DIR: dataDir });
    assert.equal(again.code, 0);
    assert.deepEqual(JSON.parse(again.stdout), {
      database: `sqlite:${path.join(dataDir, 'medicine.db')}`,
      applied: [],
    });
  });

  it('an unreachable database is one line naming the URL with its password masked, and exit 1', () => {
    const run = medicine(['migrate'], { DATABASE_URL: 'postgres://admin:hunter2@127.0.0.1:1/medicine' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /postgres:\/\/admin:\*\*\*@127\.0\.0\.1:1\/medicine/);
    assert.doesNotMatch(run.stderr, /hunter2/);
  });

  it('without a command it prints its usage and exits 2', () => {
    const run = medicine([], {});
    assert.equal(run.code, 2);
    assert.match(run.stdout, /usage: medicine/);
  });

  it('user list, show, approve, disable, enable and set-role act on accounts; audit tail shows what they did', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-cli-users-'));
    try {
      const env = { DATA_DIR: dir };
      assert.equal(medicine(['migrate'], env).code, 0);
      const db = await openDatabase(loadConfig({ DATA_DIR: dir }));
      const now = Date.now();
      const session = {
        createdAt: now,
        lastUsedAt: now,
        expiresAt: now + 3_600_000,
        ip: null,
        userAgent: null,
      };
      await db.createUser(
        {
          phone: '13811112222',
          passwordHash: 'x',
          name: '李医生',
          types: 'expert',
          createdAt: now,
          expertStatus: 'pending',
        },
        { ...session, idHash: 'a'.repeat(64) },
      );
      await db.createUser(
        { phone: '13811113333', passwordHash: 'x', name: '王女士', types: 'patient', createdAt: now },
        { ...session, idHash: 'b'.repeat(64) },
      );
      await db.addLink(2, { provider: 'wechat', subject: 'o-cli-test', unionId: null }, now);
      await db.close();

      const shown = medicine(['user', 'show', '13811113333'], env);
      assert.match(shown.stdout, /linked: wechat \(since /);
      assert.deepEqual(
        JSON.parse(medicine(['user', 'show', '2', '--json'], env).stdout).links.map(
          (l: { provider: string }) => l.provider,
        ),
        ['wechat'],
      );
      assert.match(medicine(['user', 'show', '1'], env).stdout, /linked: none/);

      const list = medicine(['user', 'list'], env);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /2 accounts/);
      assert.match(list.stdout, /13811112222 +李医生 +doctor \(pending\)/);
      const listed = JSON.parse(medicine(['user', 'list', '--json', '--count', '1'], env).stdout);
      assert.deepEqual([listed.total, listed.users.length], [2, 1]);

      assert.match(medicine(['user', 'approve', '13811112222'], env).stdout, /doctor \(approved\)/);
      assert.equal(medicine(['user', 'approve', '13811113333'], env).code, 1, 'a patient cannot be approved');
      const disabled = JSON.parse(medicine(['user', 'disable', '2', '--json'], env).stdout);
      assert.equal(disabled.disabled, true);
      const afterDisable = await openDatabase(loadConfig({ DATA_DIR: dir }));
      assert.equal(
        await afterDisable.findLiveSession('b'.repeat(64), now),
        null,
        'the disabled account’s sessions ended',
      );
      await afterDisable.close();
      assert.equal(JSON.parse(medicine(['user', 'enable', '2', '--json'], env).stdout).disabled, false);
      assert.equal(
        JSON.parse(medicine(['user', 'set-role', '13811112222', 'admin', '--json'], env).stdout).role,
        'admin',
      );
      assert.equal(medicine(['user', 'set-role', '1', 'king'], env).code, 2);
      assert.equal(medicine(['user', 'show', '13899999999'], env).code, 1);

      const tail = medicine(['audit', 'tail'], env);
      assert.equal(tail.code, 0);
      const lines = tail.stdout.trim().split('\n');
      assert.deepEqual(
        lines.map((line) => line.split(/\s+/)[2]),
        ['approve', 'disable', 'enable', 'set_role_admin'],
        tail.stdout,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the last enabled admin can be neither disabled nor demoted; with another admin it can', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-cli-admins-'));
    try {
      const env = { DATA_DIR: dir };
      assert.equal(medicine(['migrate'], env).code, 0);
      const db = await openDatabase(loadConfig({ DATA_DIR: dir }));
      for (const [phone, idHash] of [
        ['13811114444', 'c'],
        ['13811115555', 'd'],
      ] as const) {
        await db.createUser(
          { phone, passwordHash: 'x', name: phone, types: 'patient', createdAt: 0 },
          { idHash: idHash.repeat(64), createdAt: 0, lastUsedAt: 0, expiresAt: 1, ip: null, userAgent: null },
        );
      }
      await db.close();

      assert.equal(medicine(['user', 'set-role', '13811114444', 'admin'], env).code, 0);
      for (const args of [
        ['user', 'disable', '13811114444'],
        ['user', 'set-role', '13811114444', 'user'],
      ]) {
        const refused = medicine(args, env);
        assert.equal(refused.code, 1, args.join(' '));
        assert.match(refused.stderr, /refused \(4004 lastAdmin\)/);
      }
      assert.equal(
        JSON.parse(medicine(['user', 'show', '13811114444', '--json'], env).stdout).disabled,
        false,
      );

      assert.equal(medicine(['user', 'set-role', '13811115555', 'admin'], env).code, 0);
      assert.equal(
        JSON.parse(medicine(['user', 'disable', '13811114444', '--json'], env).stdout).disabled,
        true,
      );
      // The one left is now the last enabled admin; the disabled one may lose the role.
      assert.equal(medicine(['user', 'set-role', '13811115555', 'user'], env).code, 1);
      assert.equal(
        JSON.parse(medicine(['user', 'set-role', '13811114444', 'user', '--json'], env).stdout).role,
        'user',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
