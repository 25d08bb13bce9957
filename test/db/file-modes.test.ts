import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { newPhone, registerAccount } from '../helpers/app.js';

const modeOf = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8).padStart(3, '0');

/** An app on its defaults (SQLite under DATA_DIR, a generated secret), whatever backends the run names. */
function appOnDefaults(dataDir: string) {
  return buildApp(
    loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      MEDICINE_TEST_HOOKS: '1',
      LOG_LEVEL: 'silent',
    }),
  );
}

describe('the data directory is private to the service’s user', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-modes-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('DATA_DIR is created 0700; the SQLite file, its -wal and -shm and the secret are 0600', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    const app = await appOnDefaults(dataDir);
    try {
      assert.equal(modeOf(dataDir), '700');
      assert.equal(modeOf(path.join(root, 'fresh')), '700', 'a folder created on the way is private too');
      assert.equal(modeOf(path.join(dataDir, 'secret')), '600');
      assert.equal(modeOf(path.join(dataDir, 'medicine.db')), '600');
      // The first write goes through the write-ahead log.
      await registerAccount(app, newPhone());
      for (const file of ['medicine.db', 'medicine.db-wal', 'medicine.db-shm']) {
        assert.equal(modeOf(path.join(dataDir, file)), '600', file);
      }
    } finally {
      await app.close();
    }
  });

  it('a database file an older release left readable by others is made private at start', async () => {
    const dataDir = path.join(root, 'upgraded');
    const first = await appOnDefaults(dataDir);
    await registerAccount(first, newPhone());
    await first.close();
    const database = path.join(dataDir, 'medicine.db');
    fs.chmodSync(database, 0o644);
    for (const file of [`${database}-wal`, `${database}-shm`]) {
      if (fs.existsSync(file)) fs.chmodSync(file, 0o644);
    }
    const again = await appOnDefaults(dataDir);
    try {
      await registerAccount(again, newPhone());
      for (const file of [database, `${database}-wal`, `${database}-shm`]) {
        assert.equal(modeOf(file), '600', file);
      }
    } finally {
      await again.close();
    }
  });
});
