import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, startServerProcess, type ServerProcess } from './helpers/server-process.js';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The `sh` code blocks of one `## ` section, in order. */
function shellBlocks(heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start !== -1, heading);
  const end = readme.indexOf('\n## ', start + 1);
  return [...readme.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/** Same keys at every level, same kinds of value, and the same `re_code` and `msg`. */
function assertSameShape(actual: unknown, expected: unknown, where: string): void {
  if (expected === null || typeof expected !== 'object') {
    assert.equal(
      actual === null ? 'null' : typeof actual,
      expected === null ? 'null' : typeof expected,
      where,
    );
    return;
  }
  assert.ok(actual !== null && typeof actual === 'object', `${where} is an object`);
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${where}: the keys`);
  for (const key of ['re_code', 'msg']) if (key in e) assert.equal(a[key], e[key], `${where}.${key}`);
  for (const key of Object.keys(e)) assertSameShape(a[key], e[key], `${where}.${key}`);
}

describe("the README's curl flow, run as written against a real server with the test hooks", () => {
  let server: ServerProcess;
  let dataDir: string;
  let workDir: string;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-readme-data-'));
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-readme-curl-'));
    // `MEDICINE_TEST_HOOKS=1 npm start`, on a free port instead of 5000.
    server = await startServerProcess({ MEDICINE_TEST_HOOKS: '1', DATA_DIR: dataDir });
  });
  after(async () => {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const [start, flow] = shellBlocks('The whole flow with curl');

  it('the README starts the server with the test hooks, then runs a flow that holds the example replies', () => {
    assert.match(start ?? '', /^MEDICINE_TEST_HOOKS=1 npm start$/m);
    assert.ok(flow?.includes('API=http://127.0.0.1:5000/api/1.0'));
  });

  const run = (): { replies: unknown[]; expected: unknown[] } => {
    const script = (flow ?? '').replace('http://127.0.0.1:5000/api/1.0', server.api);
    // Each reply printed on a line of its own (curl prints none after a JSON body).
    const shell = spawnSync(
      'bash',
      ['-euo', 'pipefail', '-c', `curl() { command curl "$@"; echo; }\n${script}`],
      {
        cwd: workDir,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(shell.status, 0, shell.stderr);
    const replies = shell.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as unknown);
    const expected = [...(flow ?? '').matchAll(/^# (\{.*\})$/gm)].map(
      (m) => JSON.parse(m[1] ?? '') as unknown,
    );
    return { replies, expected };
  };

  it('every reply has the example\'s shape, code and message, the /users one with its "account"', () => {
    const { replies, expected } = run();
    assert.equal(expected.length, 5, 'the README shows five replies');
    assert.equal(replies.length, expected.length, JSON.stringify(replies));
    replies.forEach((reply, i) => assertSameShape(reply, expected[i], `reply ${i + 1}`));
  });

  it('runs again on the same server without a word changed: each run takes a new phone', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the phone is drawn from the clock's seconds
    const { replies, expected } = run();
    replies.forEach((reply, i) => assertSameShape(reply, expected[i], `second run, reply ${i + 1}`));
  });
});

describe('a stop signal to `npm start` stops the server, as `docker stop` sends it', () => {
  it('SIGTERM to npm start: the server drains and exits, npm exits, the port is closed', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-npm-start-'));
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        PORT: '0',
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let serverPid: number | undefined;
    try {
      let output = '';
      const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
      const listening = await new Promise<{ origin: string; pid: number }>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const line = output.split('\n').find((l) => l.includes('Server listening at'));
          if (line !== undefined) {
            const parsed = JSON.parse(line) as { pid: number; msg: string };
            resolve({ origin: /http:\/\/[\d.]+:\d+/.exec(parsed.msg)?.[0] ?? '', pid: parsed.pid });
          }
        };
        npm.stdout.on('data', onData);
        npm.stderr.on('data', onData);
        void exited.then((code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
      });
      serverPid = listening.pid;
      assert.equal((await fetch(`${listening.origin}/healthz`)).status, 200);

      npm.kill('SIGTERM');
      assert.equal(await exited, 0, output);
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && isAlive(listening.pid)) await new Promise((r) => setTimeout(r, 100));
      assert.equal(isAlive(listening.pid), false, 'the server process has exited');
      await assert.rejects(fetch(`${listening.origin}/healthz`), 'nothing answers on the port');
      assert.match(output, /draining and shutting down/);
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      // A server left running by a failure here must not outlive the test.
      if (serverPid !== undefined && isAlive(serverPid)) process.kill(serverPid, 'SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
