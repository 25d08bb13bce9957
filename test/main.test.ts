import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sha256Hex } from '../src/services/secrets.js';
import { postJson, ROOT, startServerProcess } from './helpers/server-process.js';

/** Runs `src/main.ts` expecting it to refuse to start. */
function refusedStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

async function jsonOf(response: Response): Promise<Record<string, unknown>> {
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  return (await response.json()) as Record<string, unknown>;
}

describe('the server process on embedded defaults', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-main-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir, MEDICINE_TEST_HOOKS: '1', LOG_LEVEL: 'info' };

  it('serves the whole flow over HTTP, keeps only hashes at rest, and keeps people logged in across a restart', async () => {
    const phone = '13700001234';
    const password = 'a long password';
    let server = await startServerProcess(env);
    let session: string;
    try {
      const image = await fetch(`${server.api}/imageCode?uuid=main-test`);
      assert.equal(image.headers.get('content-type'), 'image/jpeg');
      const text = image.headers.get('x-captcha-text') ?? '';
      await image.arrayBuffer();
      const post = (p: string, body: unknown, cookie?: string) =>
        fetch(`${server.api}${p}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(cookie ? { cookie: `session=${cookie}` } : {}) },
          body: JSON.stringify(body),
        });
      assert.equal(
        (await jsonOf(await post('/smsCode', { phone, img_code_client: text, uuid: 'main-test' }))).re_code,
        '0',
      );
      const code = (await jsonOf(await fetch(`${server.api}/test/sms?phone=${phone}`))).code;
      const registered = await post('/register', { phone, phone_code: code, password, password2: password });
      assert.equal((await jsonOf(registered)).re_code, '0');
      session = /session=([^;]+)/.exec(registered.headers.get('set-cookie') ?? '')?.[1] ?? '';
      assert.ok(session.length > 20);
    } finally {
      await server.stop();
    }

    const secretFile = path.join(dataDir, 'secret');
    assert.equal(
      fs.statSync(secretFile).mode & 0o777,
      0o600,
      'the generated secret is readable by its owner only',
    );

    const dbFile = path.join(dataDir, 'medicine.db');
    const db = new Database(dbFile, { readonly: true });
    try {
      const row = db.prepare('SELECT id_hash FROM sessions').get() as { id_hash: string };
      assert.equal(row.id_hash, sha256Hex(session), 'the database keeps the SHA-256 of the session id');
      const user = db.prepare('SELECT password_hash FROM users WHERE phone = ?').get(phone) as {
        password_hash: string;
      };
      assert.match(user.password_hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    } finally {
      db.close();
    }
    const everything = Buffer.concat(
      fs.readdirSync(dataDir).map((name) => fs.readFileSync(path.join(dataDir, name))),
    ).toString('latin1');
    assert.ok(!everything.includes(session), 'the session id itself is nowhere on disk');
    assert.ok(!everything.includes(password), 'the password is nowhere on disk');

    server = await startServerProcess(env);
    try {
      const me = await jsonOf(
        await fetch(`${server.api}/users`, { headers: { cookie: `session=${session}` } }),
      );
      assert.equal(me.re_code, '0');
      assert.equal((me.user as { phone: string }).phone, phone);
      const logout = await fetch(`${server.api}/sessions`, {
        method: 'DELETE',
        headers: { cookie: `session=${session}` },
      });
      assert.equal((await jsonOf(logout)).re_code, '0');
    } finally {
      await server.stop();
    }
  });

  it('compiled as `npm start` runs it (dist/main.cjs), serves captchas, pages and the API', async () => {
    // Built into a folder of its own beside src/, so that a dist/ being used is left alone.
    const outDir = path.join(ROOT, `dist-test-${process.pid}`);
    try {
      const build = spawnSync(process.execPath, ['scripts/build-server.mjs', '--out-dir', outDir], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      assert.equal(build.status, 0, build.stderr);
      assert.deepEqual(
        fs
          .readdirSync(outDir)
          .filter((f) => f.endsWith('.cjs'))
          .sort(),
        ['captcha-worker.cjs', 'main.cjs'],
        'the server in one file, and what a captcha thread runs',
      );
      // One character past ASCII, even in a comment, and V8 holds the whole source at two
      // bytes per character (10.8 MB instead of 5.4 when the comments were still in).
      const bytes = fs.readFileSync(path.join(outDir, 'main.cjs'));
      assert.equal(
        bytes.findIndex((byte) => byte >= 0x80),
        -1,
        'main.cjs is ASCII',
      );
      const server = await startServerProcess(env, path.join(outDir, 'main.cjs'));
      try {
        const image = await fetch(`${server.api}/imageCode?uuid=compiled-test`);
        assert.equal(image.headers.get('content-type'), 'image/jpeg', 'the font and the worker were found');
        assert.ok((await image.arrayBuffer()).byteLength > 500);
        const page = await fetch(server.api.replace('/api/1.0', '/'));
        assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
        assert.ok([200, 503].includes(page.status), 'the page, or the page saying the pages are not built');
        const me = await jsonOf(await fetch(`${server.api}/users`));
        assert.equal(me.re_code, '4101');
      } finally {
        assert.equal(await server.stop(), 0);
      }
      // CommonJS, so that the size the server sets for libuv's pool takes effect: a thread
      // of the pool that has hashed keeps argon2id's 19 MiB, so there are no more than
      // hashes may run at once (at least two), where libuv alone would start four.
      const threadsAfterAPage = async (extra: Record<string, string>) => {
        const started = await startServerProcess({ ...env, ...extra }, path.join(outDir, 'main.cjs'));
        try {
          await (await fetch(started.api.replace('/api/1.0', '/'))).arrayBuffer(); // read from disk on the pool
          return fs.readdirSync(`/proc/${started.child.pid}/task`).length;
        } finally {
          await started.stop();
        }
      };
      const sized = await threadsAfterAPage({});
      const libuvDefault = await threadsAfterAPage({ UV_THREADPOOL_SIZE: '4' });
      assert.equal(
        libuvDefault - sized,
        4 - Math.max(2, os.availableParallelism()),
        `${sized} vs ${libuvDefault}`,
      );
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with test hooks under NODE_ENV=production, in one clear line', async () => {
    const { code, stderr } = await refusedStart({
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      MEDICINE_TEST_HOOKS: '1',
      MEDICINE_SECRET: 'x'.repeat(40),
      SMS_PROVIDER: 'console',
    });
    assert.equal(code, 1);
    assert.equal(stderr.trim().split('\n').length, 1);
    assert.match(stderr, /MEDICINE_TEST_HOOKS/);
  });

  it('refuses to start on a setting it cannot use, naming it', async () => {
    const { code, stderr } = await refusedStart({ DATA_DIR: dataDir, PORT: 'eighty' });
    assert.equal(code, 1);
    assert.match(stderr, /PORT/);
  });

  it('SIGTERM lets the requests in flight finish, then exits 0', async () => {
    const phone = '13700004321';
    const password = 'drain password';
    // Ten logins in flight at once take ten places in the phone's guess allowance (issue #12).
    const server = await startServerProcess({
      ...env,
      LOGIN_FAILURES_PER_IP_PER_HOUR: '1000',
      LOGIN_MAX_FAILURES: '20',
    });
    let exit: Promise<number | null> | undefined;
    try {
      const image = await fetch(`${server.api}/imageCode?uuid=drain`);
      await image.arrayBuffer();
      const text = image.headers.get('x-captcha-text') ?? '';
      await postJson(`${server.api}/smsCode`, { phone, img_code_client: text, uuid: 'drain' });
      const { code } = (await (await fetch(`${server.api}/test/sms?phone=${phone}`)).json()) as {
        code: string;
      };
      await postJson(`${server.api}/register`, { phone, phone_code: code, password, password2: password });

      // Ten logins, each an argon2id verification: SIGTERM arrives once all ten are being served.
      const logins = Array.from({ length: 10 }, () =>
        postJson(`${server.api}/sessions`, { phone, password }),
      );
      const arrived = () => (server.output().match(/"url":"\/api\/1\.0\/sessions"/g) ?? []).length;
      for (let i = 0; i < 200 && arrived() < 10; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(arrived(), 10, 'all ten logins reached the server');
      exit = server.stop('SIGTERM');
      const replies = await Promise.all(logins);
      assert.deepEqual(
        replies.map((r) => r.reply.re_code),
        Array(10).fill('0'),
      );
      assert.equal(await exit, 0);
      assert.match(server.output(), /draining and shutting down/);
    } finally {
      if (exit === undefined) await server.stop();
    }
  });
});
