import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { medicine } from './helpers/cli.js';

type Listed = { keys: { kid: string; signing: boolean }[] };

describe('npx medicine keys', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-keys-cli-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir };

  it('list makes the first key (file mode 0600), rotate puts a new one first, remove drops the old one', () => {
    const first = medicine(['keys', 'list', '--json'], env);
    assert.equal(first.code, 0, first.stderr);
    const [original] = (JSON.parse(first.stdout) as Listed).keys;
    assert.equal(original?.signing, true);
    assert.equal(fs.statSync(path.join(dataDir, 'jwt-keys.json')).mode & 0o777, 0o600);

    assert.equal(medicine(['keys', 'rotate'], env).code, 0);
    const rotated = (JSON.parse(medicine(['keys', 'list', '--json'], env).stdout) as Listed).keys;
    assert.equal(rotated.length, 2);
    assert.equal(rotated[1]?.kid, original?.kid);
    assert.equal(rotated[0]?.signing, true);
    assert.equal(fs.statSync(path.join(dataDir, 'jwt-keys.json')).mode & 0o777, 0o600);

    assert.equal(medicine(['keys', 'remove', rotated[0]?.kid ?? ''], env).code, 1, 'the signing key stays');
    assert.equal(medicine(['keys', 'remove', original?.kid ?? ''], env).code, 0);
    const left = (JSON.parse(medicine(['keys', 'list', '--json'], env).stdout) as Listed).keys;
    assert.deepEqual(
      left.map((k) => k.kid),
      [rotated[0]?.kid],
    );
  });

  it('in production, rotate prints the JWT_PRIVATE_KEYS to set, the new key first', () => {
    const keys = fs.readFileSync(path.join(dataDir, 'jwt-keys.json'), 'utf8');
    const printed = medicine(['keys', 'rotate', '--json'], {
      NODE_ENV: 'production',
      MEDICINE_SECRET: 'x'.repeat(40),
      SMS_PROVIDER: 'console',
      TOKEN_ISSUER: 'https://auth.example.cn',
      JWT_PRIVATE_KEYS: keys,
    });
    assert.equal(printed.code, 0, printed.stderr);
    const value = JSON.parse(
      (JSON.parse(printed.stdout) as { JWT_PRIVATE_KEYS: string }).JWT_PRIVATE_KEYS,
    ) as unknown[];
    assert.equal(value.length, 2);
  });
});
