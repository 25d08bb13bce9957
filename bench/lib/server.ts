// Starting and stopping the servers under test as child processes, as `npm start` runs
// the service (node dist/main.cjs, compiled by scripts/build-server.mjs), with their output
// going to a log file. A .ts script (the bare-Fastify floor) runs through tsx.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** A port nobody listens on right now (the kernel's choice, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * The node options `npm start` gives the server (package.json's start script,
 * `exec node <options> dist/main.cjs`), so that the bench measures the process as it runs:
 * `--max-semi-space-size=4` keeps V8's young generation at 8 MB instead of up to 32 MB;
 * `--heap-growing-percent=25` starts a full collection when the old generation has grown by a
 * quarter since the last one (V8's own factor lets it grow up to fourfold, mostly garbage).
 */
export function startScriptNodeOptions(): string[] {
  const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const match = /\bnode((?:\s+--\S+)*)\s+dist\/main\.cjs\b/.exec(packageJson.scripts.start ?? '');
  if (!match) throw new Error('package.json: the start script does not run `node … dist/main.cjs`');
  return (match[1] ?? '')
    .trim()
    .split(/\s+/)
    .filter((option) => option !== '');
}

export interface RunningServer {
  child: ChildProcess;
  pid: number;
  origin: string;
  /** Spawn → first successful HTTP reply, in milliseconds. */
  startupMs: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Script relative to the project root: `dist/main.cjs` or `bench/bare-server.ts`. */
  script: string;
  env: Record<string, string>;
  logFile: string;
  /** A path that answers 200 once the server is up. */
  readyPath: string;
  /** Extra options for node, e.g. `--cpu-prof`. */
  nodeOptions?: string[];
  timeoutMs?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** GET `url`; true on a 2xx reply, false when refused or failing. */
async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Spawns the server on a free port and polls `readyPath` every 5 ms until it answers:
 * the time from spawn to that first reply is the start-up time.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const log = fs.openSync(options.logFile, 'a');
  const started = performance.now();
  const loader = options.script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), ...loader, options.script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...options.env,
      PORT: String(port),
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    }),
  );
  const deadline = started + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(
        `${options.script} exited (${exitCode}) before answering; see ${options.logFile}:\n${tail(options.logFile)}`,
      );
    }
    if (await answers(`${origin}${options.readyPath}`)) break;
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${options.script} did not answer within ${options.timeoutMs ?? 30_000} ms; see ${options.logFile}`,
      );
    }
    await sleep(5);
  }
  const startupMs = performance.now() - started;
  return {
    child,
    pid: child.pid ?? 0,
    origin,
    startupMs,
    logFile: options.logFile,
    stop: async () => {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      // Draining is quick once the load has stopped; a profile (--cpu-prof) is written on the way out.
      const killed = await Promise.race([exited.then(() => false), sleep(15_000).then(() => true)]);
      if (killed) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
