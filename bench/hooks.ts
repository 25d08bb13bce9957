// `node --import tsx bench/hooks.ts [--seconds 2] [--rounds 3] [--connections 32] [--base REF]`:
// what each per-request layer of the service costs, old against new, in one run. Starts
// bench/hook-server.ts once per variant — bare Fastify, then the service's layers stacked one
// at a time (the logger with its child per request, the request id, cookie parsing, the Origin
// check, the latency histogram, the API headers), each in its form before (`--base`, default
// the commit this branch left main at) and now — plus the whole service of both trees, and
// measures GET /healthz (and GET /api/1.0/users for the whole service) with wrk, the variants
// in turn, `--rounds` times. Prints the median rate and server CPU per request of each, and
// the cost each layer adds over the one below it. See bench/README.md "Per-request cost".
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo, measureUsage, waitIdle } from './lib/procfs.js';
import { ROOT, startServer, type RunningServer } from './lib/server.js';
import { runWrk, type WrkScript } from './lib/wrk.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    base: { type: 'string' },
    only: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hook-bench-'));
/** The tree before: `git archive` of the base commit, with this tree's node_modules beside it. */
function baseTree(): { dir: string; commit: string } {
  const commit = execFileSync(
    'git',
    values.base ? ['rev-parse', values.base] : ['merge-base', 'HEAD', 'main'],
    { cwd: ROOT, encoding: 'utf8' },
  ).trim();
  const dir = path.join(workDir, 'base');
  fs.mkdirSync(dir);
  execFileSync('sh', ['-c', `git archive ${commit} src legal assets package.json | tar -x -C ${dir}`], {
    cwd: ROOT,
  });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return { dir, commit };
}
const base = baseTree();

interface Variant {
  name: string;
  env: Record<string, string>;
  /** The variant this one adds a layer to (its cost is the difference). */
  below?: string;
  users?: boolean;
}

const stack = (list: string[]) => ({ HOOK_LAYERS: list.join(',') });
const OLD = ['logger', 'reqid', 'cookie', 'origin', 'metrics', 'headers'];
const NEW = ['logger-new', 'reqid-new', 'cookie', 'origin', 'metrics-new', 'headers-new'];
const variants: Variant[] = [{ name: 'bare Fastify', env: stack([]) }];
for (const [label, list] of [
  ['old', OLD],
  ['new', NEW],
] as const) {
  for (let i = 1; i <= list.length; i++) {
    variants.push({
      name: `${label}: +${list[i - 1]}`,
      env: stack(list.slice(0, i)),
      below: i === 1 ? 'bare Fastify' : `${label}: +${list[i - 2]}`,
    });
  }
}
variants.push({ name: 'old: whole service', env: { HOOK_APP: base.dir }, users: true });
variants.push({ name: 'new: whole service', env: { HOOK_APP: ROOT }, users: true });
const chosen = values.only
  ? variants.filter((v) => v.name === 'bare Fastify' || v.name.includes(values.only as string))
  : variants;

const healthz: WrkScript = { request: `return wrk.format("GET", "/healthz")`, check: 'status == 200' };
const users = (cookie: string): WrkScript => ({
  request: `return wrk.format("GET", "/api/1.0/users", {Cookie = "session=${cookie}"})`,
  check: `status == 200 and string.find(body, '"re_code":"0"', 1, true) ~= nil`,
});

interface Sample {
  rate: number;
  cpuUs: number;
  other: number;
}
const samples = new Map<string, Sample[]>();

async function measure(server: RunningServer, key: string, script: WrkScript): Promise<void> {
  const common = { origin: server.origin, connections, threads: 2, script, workDir };
  await waitIdle(server.pid, 0.1, 10);
  await runWrk({ ...common, seconds: 1 });
  const { value, usage } = await measureUsage(server.pid, () => runWrk({ ...common, seconds }));
  if (value.bad > 0 || value.ok === 0) throw new Error(`${key}: ${value.bad} wrong replies, ${value.sample}`);
  const list = samples.get(key) ?? [];
  list.push({
    rate: value.rate,
    cpuUs: (usage.serverCpuSeconds / value.ok) * 1e6,
    other: usage.otherShare,
  });
  samples.set(key, list);
}

// Best of the rounds: other people's load only ever adds CPU time and takes away rate.
const best = (xs: number[], pick: 'min' | 'max') => (pick === 'min' ? Math.min(...xs) : Math.max(...xs));
const servers = new Map<string, { server: RunningServer; cookie: string }>();
const info = machineInfo();
process.stderr.write(
  `hooks bench: base ${base.commit.slice(0, 7)}, ${chosen.length} variants × ${rounds} rounds × ${seconds} s at ` +
    `${connections} connections; load average ${info.loadAverage.join(' ')}\n`,
);
try {
  for (const v of chosen) {
    const logFile = path.join(workDir, `${v.name.replace(/\W+/g, '-')}.log`);
    const server = await startServer({
      script: 'bench/hook-server.ts',
      env: { ...v.env, NODE_ENV: 'production' },
      logFile,
      readyPath: '/healthz',
      // Loading the whole service through tsx takes long on a loaded machine.
      timeoutMs: 180_000,
    });
    const cookie = /^session (\S*)$/m.exec(fs.readFileSync(logFile, 'utf8'))?.[1] ?? '';
    servers.set(v.name, { server, cookie });
  }
  for (let round = 1; round <= rounds; round++) {
    // Each round in another order, so that a burst of other people's load does not always hit the same variant.
    const order = round % 2 === 1 ? chosen : [...chosen].reverse();
    for (const v of order) {
      const { server, cookie } = servers.get(v.name)!;
      await measure(server, `${v.name} /healthz`, healthz);
      if (v.users) await measure(server, `${v.name} /users`, users(cookie));
      process.stderr.write(`  round ${round}: ${v.name} done\n`);
    }
  }
} finally {
  for (const { server } of servers.values()) await server.stop();
}

const after = machineInfo();
const bare = best(
  (samples.get('bare Fastify /healthz') ?? []).map((s) => s.rate),
  'max',
);
const bareCpu = best(
  (samples.get('bare Fastify /healthz') ?? []).map((s) => s.cpuUs),
  'min',
);
const lines: string[] = [
  `per-request cost, ${new Date().toISOString()}, base ${base.commit.slice(0, 7)} vs this tree; ` +
    `best of ${rounds} rounds × ${seconds} s, ${connections} connections, wrk; load average before ` +
    `${info.loadAverage.join(' ')}, after ${after.loadAverage.join(' ')}`,
  `${'variant'.padEnd(34)} ${'rate/s'.padStart(8)} ${'÷bare'.padStart(6)} ${'CPU µs'.padStart(7)} ${'bare CPU÷'.padStart(9)} ${'+µs'.padStart(6)} ${'other'.padStart(6)}`,
];
for (const [key, list] of samples) {
  const rate = best(
    list.map((s) => s.rate),
    'max',
  );
  const cpu = best(
    list.map((s) => s.cpuUs),
    'min',
  );
  const v = chosen.find((c) => key === `${c.name} /healthz`);
  const below = v?.below ? samples.get(`${v.below} /healthz`) : undefined;
  const added = below
    ? cpu -
      best(
        below.map((s) => s.cpuUs),
        'min',
      )
    : undefined;
  lines.push(
    `${key.padEnd(34)} ${rate.toFixed(0).padStart(8)} ${(rate / bare).toFixed(2).padStart(6)} ${cpu
      .toFixed(1)
      .padStart(
        7,
      )} ${(bareCpu / cpu).toFixed(2).padStart(9)} ${(added === undefined ? '' : added.toFixed(1)).padStart(6)} ${`${(
      100 *
      best(
        list.map((s) => s.other),
        'min',
      )
    ).toFixed(0)}%`.padStart(6)}`,
  );
}
console.log(lines.join('\n'));
fs.rmSync(workDir, { recursive: true, force: true });
