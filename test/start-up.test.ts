import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET } from './helpers/app.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs `npm start`'s command (src/main.ts) with exactly this environment; resolves when it exits. */
function runServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        MEDICINE_SECRET: TEST_SECRET,
        DATABASE_URL: 'sqlite::memory:',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 30_000,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('start-up with an unreachable store: one clear line, exit code 1', () => {
  it('an unreachable database names its URL, password masked', async () => {
    const { code, stderr } = await runServer({
      DATABASE_URL: 'postgres://medicine:s3cret-pw@127.0.0.1:1/medicine',
    });
    assert.equal(code, 1);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
    assert.match(
      lines[0]!,
      /^medicine-api: could not start: cannot open the database at postgres:\/\/medicine:\*\*\*@127\.0\.0\.1:1\/medicine: .*ECONNREFUSED/,
    );
    assert.equal(stderr.includes('s3cret-pw'), false, 'the password is never printed');
  });

  it('an unreachable Redis names its URL, password masked', async () => {
    const { code, stderr } = await runServer({ REDIS_URL: 'redis://:s3cret-pw@127.0.0.1:1/0' });
    assert.equal(code, 1);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
    assert.match(
      lines[0]!,
      /^medicine-api: could not start: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0: .*ECONNREFUSED/,
    );
    assert.equal(stderr.includes('s3cret-pw'), false, 'the password is never printed');
  });
});
