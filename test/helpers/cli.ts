import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from './server-process.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const command = (args: string[]) => [process.execPath, ['bin/medicine.js', ...args]] as const;
/** Only PATH and what the test gives: nothing of the test runner's own environment leaks in. */
const environment = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '', ...env });

/** `npx medicine …` as an operator runs it, in its own process, with `env` as its settings. */
export function medicine(args: string[], env: Record<string, string>): CliRun {
  const [node, argv] = command(args);
  const run = spawnSync(node, argv, { cwd: ROOT, env: environment(env), encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The same without blocking this process, so that a server in it goes on answering; rejects when the command fails. */
export async function medicineInBackground(args: string[], env: Record<string, string>): Promise<void> {
  const [node, argv] = command(args);
  await promisify(execFile)(node, argv, { cwd: ROOT, env: environment(env) });
}
