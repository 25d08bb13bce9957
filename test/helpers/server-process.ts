import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startScriptNodeOptions } from '../../bench/lib/server.js';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>/api/1.0` */
  api: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the server on a free port and waits for its (info-level) listening line: the
 * sources through tsx, or `script`, a compiled `main.js`, with the node options `npm start`
 * gives it (so that a V8 option this Node no longer knows fails here, not in production).
 */
export function startServerProcess(env: Record<string, string>, script?: string): Promise<ServerProcess> {
  const args =
    script === undefined ? ['--import', 'tsx', 'src/main.ts'] : [...startScriptNodeOptions(), script];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        resolve({
          child,
          api: `${match[1]}/api/1.0`,
          output: () => output,
          stop: (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

export async function postJson(
  url: string,
  body: unknown,
  cookie?: string,
): Promise<{ reply: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie: `session=${cookie}` } : {}) },
    body: JSON.stringify(body),
  });
  return { reply: (await response.json()) as Record<string, unknown>, headers: response.headers };
}
