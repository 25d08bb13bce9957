// `node --import tsx bench/memory.ts [--env KEY=VALUE …] [--seconds 5] [--idle 40]`: where a
// server's memory goes. Starts the built service (dist/main.cjs, as bench/run.ts does: build
// it first with `npm run build:server`) on SQLite and the in-process store, and after
// start-up, after the pool fills, after GET /imageCode, POST /smsCode (32 and 128
// connections, a new phone each), logins and `--idle` seconds without requests (0: not
// waited for), prints its RSS now and at peak (VmRSS, VmHWM) beside the main thread's V8
// heap by space and its external memory (from /metrics), the threads it runs, and its
// resident memory by kind of mapping (/proc/<pid>/smaps: files, malloc heaps, mimalloc's
// arenas, V8's pages). Not part of the service; see bench/README.md "Memory".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SEED_PHONE_PREFIX } from './seed-accounts.js';
import { BENCH_METRICS_TOKEN, serverEnv, sqliteEnvironment } from './lib/environments.js';
import { residentByMapping, statusMb, resetPeakRss } from './lib/procfs.js';
import { scripts, smsCodeScenario, wrkScenario, type Timing } from './lib/scenarios.js';
import { startScriptNodeOptions, startServer } from './lib/server.js';

const { values } = parseArgs({
  options: {
    env: { type: 'string', multiple: true },
    seconds: { type: 'string', default: '5' },
    accounts: { type: 'string', default: '1000' },
    idle: { type: 'string', default: '40' },
  },
});
const extraEnv = Object.fromEntries(
  (values.env ?? []).map((pair) => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-memory-'));
const timing: Timing = { seconds: Number(values.seconds), warmupSeconds: 1, threads: 2, workDir };
const environment = sqliteEnvironment(workDir);
const data = await environment.prepare('memory', Number(values.accounts));
const server = await startServer({
  script: 'dist/main.cjs',
  env: { ...serverEnv('warn'), ...data.env, ...extraEnv },
  logFile: path.join(workDir, 'server.log'),
  readyPath: '/healthz',
  nodeOptions: startScriptNodeOptions(),
  timeoutMs: 180_000,
});

async function heap(): Promise<string> {
  const text = await (
    await fetch(`${server.origin}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })
  ).text();
  const mb = (pattern: RegExp) => (Number(pattern.exec(text)?.[1] ?? NaN) / 2 ** 20).toFixed(0);
  const spaces = [...text.matchAll(/^medicine_nodejs_heap_space_size_total_bytes\{space="(\w+)"\} (\S+)$/gm)]
    .filter((m) => Number(m[2]) > 2 ** 20)
    .map((m) => `${m[1]} ${(Number(m[2]) / 2 ** 20).toFixed(0)}`)
    .join(', ');
  return `heap ${mb(/^medicine_nodejs_heap_size_total_bytes (\S+)$/m)} MB (${spaces}), external ${mb(/^medicine_nodejs_external_memory_bytes (\S+)$/m)} MB, pool ${/^medicine_captcha_pool_ready (\S+)$/m.exec(text)?.[1]}`;
}

function threads(): string {
  const names = fs
    .readdirSync(`/proc/${server.pid}/task`)
    .map((tid) => fs.readFileSync(`/proc/${server.pid}/task/${tid}/comm`, 'utf8').trim());
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name}×${n}`).join(' ');
}

async function report(label: string): Promise<void> {
  const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const kb = (field: string) =>
    (Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]) / 1024).toFixed(0);
  const rss = statusMb(server.pid, 'VmRSS') ?? NaN;
  const peak = statusMb(server.pid, 'VmHWM') ?? NaN;
  console.log(
    `${label.padEnd(32)} RSS ${rss.toFixed(0).padStart(4)} MB, peak ${peak.toFixed(0).padStart(4)} MB; ${await heap()}`,
  );
  console.log(
    `${''.padEnd(32)} anonymous ${kb('RssAnon')} MB, files ${kb('RssFile')} MB; threads: ${threads()}`,
  );
  const byMapping = Object.entries(residentByMapping(server.pid))
    .filter(([, mb]) => mb >= 1)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, mb]) => `${kind} ${mb.toFixed(0)}`)
    .join(', ');
  console.log(`${''.padEnd(32)} resident MB by mapping: ${byMapping}`);
  resetPeakRss(server.pid);
}

try {
  console.log(`memory of dist/main.cjs, ${new Date().toISOString()}, env ${JSON.stringify(extraEnv)}`);
  await report('started');
  await new Promise((resolve) => setTimeout(resolve, 4000));
  await report('idle 4 s (pool filling)');
  for (const connections of [32, 128]) {
    await wrkScenario({
      key: 'imageCode',
      scenario: 'GET /imageCode',
      origin: server.origin,
      serverPid: server.pid,
      connections,
      script: scripts.imageCode,
      args: [`m${Date.now().toString(36)}c${connections}`],
      timing,
    });
    await report(`GET /imageCode @ ${connections}`);
  }
  for (const connections of [32, 128]) {
    const row = await smsCodeScenario(server.origin, server.pid, connections, timing, 4000);
    await report(`POST /smsCode @ ${connections} (${row.ok})`);
  }
  for (const connections of [32, 128]) {
    await wrkScenario({
      key: 'login',
      scenario: 'login',
      origin: server.origin,
      serverPid: server.pid,
      connections,
      script: scripts.login,
      args: [SEED_PHONE_PREFIX, values.accounts ?? '1000', 'turn'],
      timing,
    });
    await report(`POST /sessions @ ${connections}`);
  }
  // What the process gives back once the load is over: the drawing threads exit after 30 s
  // without work, and V8 shrinks its heap when the process is idle.
  const idleSeconds = Number(values.idle);
  if (idleSeconds > 0) {
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    await report(`idle ${idleSeconds} s after the loads`);
  }
} finally {
  await server.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
}
