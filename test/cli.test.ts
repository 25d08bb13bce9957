import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ROOT } from './helpers/server-process.js';

function medicine(args: string[], env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['bin/medicine.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npx medicine', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-cli-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

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
});
