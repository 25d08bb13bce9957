// `npm run bench [-- --quick] [-- --profile pg-redis]`: starts the service as a child process,
// measures every scenario after a warm-up for a fixed time, and prints one table with the
// ratios to two floors measured in the same run (bare Fastify, argon2id alone). Raw results
// go to bench/results/<profile>-<time>.json. See bench/README.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SEED_PHONE_PREFIX } from './seed-accounts.js';
import { pgRedisEnvironment, serverEnv, sqliteEnvironment, type Environment } from './lib/environments.js';
import { countAsStorage, machineInfo, pinProcess, processTree, type MachineInfo } from './lib/procfs.js';
import { summariseProfile } from './profile-summary.js';
import {
  flowScenario,
  hasherFloor,
  quiesce,
  refillScenario,
  scripts,
  sessionFile,
  smsCodeScenario,
  stormScenario,
  wrkScenario,
  type Row,
  type Timing,
} from './lib/scenarios.js';
import { ROOT, startScriptNodeOptions, startServer, type RunningServer } from './lib/server.js';
import type { WrkScript } from './lib/wrk.js';

const GROUPS = ['startup', 'users', 'imageCode', 'refill', 'smsCode', 'login', 'flow', 'growth'] as const;
type Group = (typeof GROUPS)[number];

interface Settings {
  profile: 'sqlite' | 'pg-redis';
  quick: boolean;
  seconds: number;
  warmupSeconds: number;
  connections: number[];
  /** Alternations of bare Fastify, /healthz and GET /users in the users group; each row is the median round. */
  rounds: number;
  /** Server and load generator on cores of their own in the users group (sqlite profile, ≥ 2 cores). */
  pin: boolean;
  groups: Group[];
  cpuProf: boolean;
  logLevel: string;
  accounts: number;
  growthAccounts: number;
  growthRounds: number;
  workers: string;
  pgUrl: string;
  redisUrl: string;
  threads: number;
  probeRate: number;
  smsRateGuess: number;
  refillRate: number;
  refillSeconds: number;
  /** Extra server settings (`--env KEY=VALUE`), to measure a knob. */
  serverEnv: Record<string, string>;
}

const USAGE = `npm run bench -- [options]
  --profile sqlite|pg-redis   storage (default sqlite: embedded defaults; pg-redis: local PostgreSQL + Redis, WORKERS)
  --quick                     short run: 2 s per scenario after 1 s warm-up, one growth round
  --duration S, --warmup S    seconds per measurement / warm-up (BENCH_DURATION, BENCH_WARMUP; default 5 and 2)
  --connections 32,128        connection counts (BENCH_CONNECTIONS)
  --rounds N                  bare Fastify, /healthz and GET /users measured in turn N times (BENCH_ROUNDS, default 3); each row is the median round
  --pin on|off                in the users group (sqlite profile), the server on the last core and wrk on the others (BENCH_PIN, default on)
  --only a,b / --skip a,b     groups: ${GROUPS.join(', ')}
  --cpu-prof                  a fresh server per group, run with --cpu-prof; profiles summarised in the output
  --log-level warn            the server's LOG_LEVEL (BENCH_LOG_LEVEL; its output goes to bench/results/*.log)
  --accounts 1000             seeded accounts that log in
  --growth-accounts N         the large database of the growth scenario (default 1000000; 0 skips it)
  --growth-rounds N           alternations small/large database (default 2, quick 1)
  --workers auto              WORKERS for the pg-redis profile
  --pg-url URL                PostgreSQL to create the run's database in (BENCH_PG_URL; postgres://postgres@127.0.0.1:5432/postgres)
  --redis-url URL             Redis (BENCH_REDIS_URL; redis://127.0.0.1:6379)
  --threads N                 wrk threads (default: nproc)
  --probe-rate N              GET /users per second during the login storm (default 100)
  --refill-rate N             GET /imageCode per second, open loop, in the refill group (default 2000)
  --refill-seconds S          how long (default 20, quick 10)
  --env KEY=VALUE             a server setting for every server of the run (repeatable), e.g. --env HASH_CONCURRENCY=4`;

function readSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string' },
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      pin: { type: 'string' },
      only: { type: 'string' },
      skip: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'log-level': { type: 'string' },
      accounts: { type: 'string' },
      'growth-accounts': { type: 'string' },
      'growth-rounds': { type: 'string' },
      workers: { type: 'string' },
      'pg-url': { type: 'string' },
      'redis-url': { type: 'string' },
      threads: { type: 'string' },
      'probe-rate': { type: 'string' },
      'sms-rate-guess': { type: 'string' },
      'refill-rate': { type: 'string' },
      'refill-seconds': { type: 'string' },
      env: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (raw: string | undefined, fallback: number, name: string, min = 0): number => {
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min)
      throw new Error(`${name} must be a number ≥ ${min}, got "${raw}"`);
    return value;
  };
  const profile = values.profile ?? env.BENCH_PROFILE ?? 'sqlite';
  if (profile !== 'sqlite' && profile !== 'pg-redis')
    throw new Error(`--profile must be sqlite or pg-redis, got "${profile}"`);
  const quick = values.quick ?? false;
  const list = (raw: string | undefined): Group[] | undefined => {
    if (raw === undefined) return undefined;
    const names = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    for (const name of names) {
      if (!(GROUPS as readonly string[]).includes(name))
        throw new Error(`unknown group "${name}"; groups: ${GROUPS.join(', ')}`);
    }
    return names as Group[];
  };
  const only = list(values.only) ?? [...GROUPS];
  const skip = list(values.skip) ?? [];
  const pin = values.pin ?? env.BENCH_PIN ?? 'on';
  if (pin !== 'on' && pin !== 'off') throw new Error(`--pin must be on or off, got "${pin}"`);
  const connections = (values.connections ?? env.BENCH_CONNECTIONS ?? '32,128')
    .split(',')
    .map((c) => number(c.trim(), 0, '--connections', 1));
  return {
    profile,
    quick,
    seconds: number(values.duration ?? env.BENCH_DURATION, quick ? 2 : 5, '--duration', 1),
    warmupSeconds: number(values.warmup ?? env.BENCH_WARMUP, quick ? 1 : 2, '--warmup'),
    connections,
    rounds: number(values.rounds ?? env.BENCH_ROUNDS, 3, '--rounds', 1),
    pin: pin === 'on',
    groups: only.filter((g) => !skip.includes(g)),
    cpuProf: values['cpu-prof'] ?? false,
    logLevel: values['log-level'] ?? env.BENCH_LOG_LEVEL ?? 'warn',
    accounts: number(values.accounts, 1000, '--accounts', 64),
    growthAccounts: number(
      values['growth-accounts'] ?? env.BENCH_GROWTH_ACCOUNTS,
      1_000_000,
      '--growth-accounts',
    ),
    growthRounds: number(values['growth-rounds'], quick ? 1 : 2, '--growth-rounds', 1),
    workers: values.workers ?? 'auto',
    pgUrl: values['pg-url'] ?? env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: values['redis-url'] ?? env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    threads: number(values.threads, os.availableParallelism(), '--threads', 1),
    probeRate: number(values['probe-rate'], 100, '--probe-rate', 1),
    smsRateGuess: number(values['sms-rate-guess'], 4000, '--sms-rate-guess', 100),
    refillRate: number(values['refill-rate'], 2000, '--refill-rate', 1),
    refillSeconds: number(values['refill-seconds'], quick ? 10 : 20, '--refill-seconds', 1),
    serverEnv: Object.fromEntries(
      (values.env ?? []).map((pair) => {
        const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
        if (!match?.[1]) throw new Error(`--env takes KEY=VALUE, got "${pair}"`);
        return [match[1], match[2] ?? ''];
      }),
    ),
  };
}

// ---------------------------------------------------------------------------------------

const settings = readSettings(process.argv.slice(2), process.env);
const started = new Date();
const stamp = started.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
const runId = `${settings.profile}-${stamp}`;
const resultsDir = path.join(ROOT, 'bench', 'results');
fs.mkdirSync(resultsDir, { recursive: true });
// What `npm start` runs: the compiled server, built from the working tree now.
const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-server.mjs')], {
  stdio: 'inherit',
});
if (built.status !== 0) throw new Error('scripts/build-server.mjs failed');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-bench-'));
const machineBefore: MachineInfo = machineInfo();
const timing: Timing = {
  seconds: settings.seconds,
  warmupSeconds: settings.warmupSeconds,
  threads: settings.threads,
  workDir,
};
const environment: Environment =
  settings.profile === 'pg-redis'
    ? pgRedisEnvironment({ adminUrl: settings.pgUrl, redisUrl: settings.redisUrl, workers: settings.workers })
    : sqliteEnvironment(workDir);
const baseEnv = { ...serverEnv(settings.logLevel), ...settings.serverEnv };
if (settings.profile === 'pg-redis') countAsStorage(['postgres', 'redis-server']);
const profileDir = path.join(resultsDir, `${runId}-profiles`);

const rows: Row[] = [];
const notes: string[] = [];
const running = new Set<RunningServer>();
const startups: { label: string; ms: number; fresh: boolean }[] = [];
const profiles: { group: string; file: string; top: { name: string; share: number }[] }[] = [];
const processCounts: number[] = [];

function log(message: string): void {
  process.stderr.write(`[bench ${((performance.now() / 1000) | 0).toString().padStart(4)} s] ${message}\n`);
}

/** Logs a measurement and, unless `keep` is false (a round of several), adds it to the table. */
function logRow(row: Row, keep = true): void {
  log(
    `  ${row.scenario} @ ${row.connections}: ${row.rate.toFixed(1)} ${row.unit}, p50 ${row.p50Ms.toFixed(2)} ms, ` +
      `p99 ${row.p99Ms.toFixed(2)} ms${row.bad > 0 ? `, ${row.bad} wrong` : ''}`,
  );
  if (keep) rows.push(row);
}

/** The service as `npm start` runs it: compiled to dist/ (built once at the start of the run). */
const SERVICE = 'dist/main.cjs';

async function start(
  label: string,
  script: string,
  env: Record<string, string>,
  options: { profile?: boolean } = {},
) {
  const nodeOptions = [
    // The service with the options `npm start` gives it.
    ...(script === SERVICE ? startScriptNodeOptions() : []),
    ...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
  ];
  const server = await startServer({
    script,
    env,
    logFile: path.join(resultsDir, `${runId}-${label}.log`),
    readyPath: script === SERVICE ? '/healthz' : '/bare',
    nodeOptions,
  });
  running.add(server);
  return server;
}

async function stop(server: RunningServer): Promise<void> {
  await server.stop();
  running.delete(server);
}

/** With WORKERS, waits until the process tree stops growing; returns how many processes serve. */
async function settle(server: RunningServer): Promise<number> {
  let count = processTree(server.pid).length;
  let stableSince = performance.now();
  const deadline = performance.now() + 5000;
  while (performance.now() < deadline && performance.now() - stableSince < 700) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = processTree(server.pid).length;
    if (now !== count) {
      count = now;
      stableSince = performance.now();
    }
  }
  return count;
}

let mainData: Awaited<ReturnType<Environment['prepare']>> | undefined;
let sharedService: RunningServer | undefined;

/** The service over the main database: shared by all groups, or (with --cpu-prof) one per group. */
async function withService<T>(group: string, work: (server: RunningServer) => Promise<T>): Promise<T> {
  if (mainData === undefined) {
    log(`seeding ${settings.accounts} accounts (${environment.name})`);
    mainData = await environment.prepare('main', settings.accounts);
  }
  const env = { ...baseEnv, ...mainData.env };
  if (!settings.cpuProf) {
    if (sharedService === undefined) {
      sharedService = await start('service', SERVICE, env);
      const count = await settle(sharedService);
      processCounts.push(count);
      startups.push({ label: 'service', ms: sharedService.startupMs, fresh: false });
      log(
        `service up in ${sharedService.startupMs.toFixed(0)} ms, ${count} process(es), pid ${sharedService.pid}`,
      );
    }
    return work(sharedService);
  }
  const before = new Set(fs.existsSync(profileDir) ? fs.readdirSync(profileDir) : []);
  const server = await start(`service-${group}`, SERVICE, env, { profile: true });
  processCounts.push(await settle(server));
  try {
    return await work(server);
  } finally {
    await stop(server);
    const written = fs.existsSync(profileDir) ? fs.readdirSync(profileDir).filter((f) => !before.has(f)) : [];
    // The main thread's profile is the largest; worker threads (tsx's loader) write small ones.
    const largest = written
      .map((f) => path.join(profileDir, f))
      .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
    if (largest !== undefined) {
      const summary = summariseProfile(JSON.parse(fs.readFileSync(largest, 'utf8')), 15);
      const busy = Math.max(summary.totalMs - summary.idleMs, 1e-9);
      const top = summary.byFunction
        .filter((f) => !f.name.startsWith('(idle)'))
        .slice(0, 12)
        .map((f) => ({ name: f.name, share: f.ms / busy }));
      profiles.push({ group, file: path.relative(ROOT, largest), top });
      log(`profile of ${group}: ${path.relative(ROOT, largest)}`);
      for (const f of top.slice(0, 8)) log(`    ${(100 * f.share).toFixed(1).padStart(5)}%  ${f.name}`);
    }
  }
}

async function startupGroup(): Promise<void> {
  log('start-up: spawn → first reply, on a fresh database, then 3 restarts');
  const data = await environment.prepare('startup', 0);
  const env = { ...baseEnv, ...data.env };
  for (let i = 0; i < 4; i++) {
    const server = await start('startup', SERVICE, env);
    startups.push({
      label: i === 0 ? 'fresh database' : `restart ${i}`,
      ms: server.startupMs,
      fresh: i === 0,
    });
    log(`  ${i === 0 ? 'fresh database' : `restart ${i}`}: ${server.startupMs.toFixed(0)} ms`);
    await stop(server);
  }
}

/**
 * Where the users group runs, with `--pin on`: the server (one process, one busy thread) on
 * the last core, wrk on the others. Unpinned on a 2-core machine, the scheduler put wrk's
 * threads and the server's main thread on the same core in some rounds and not in others, and
 * /healthz read 0.42, 0.85 and 0.54 of bare Fastify in three rounds of one run. Undefined when
 * not pinning: the pg-redis profile (several processes and the databases), one core, no taskset.
 */
function usersPlacement():
  { server: string; client: string; clientThreads: number; all: string } | undefined {
  const cores = os.availableParallelism();
  if (!settings.pin || settings.profile !== 'sqlite' || cores < 2) return undefined;
  return {
    server: String(cores - 1),
    client: cores === 2 ? '0' : `0-${cores - 2}`,
    clientThreads: cores - 1,
    all: `0-${cores - 1}`,
  };
}

async function usersGroup(): Promise<void> {
  let placement = usersPlacement();
  const bare = await start('bare', 'bench/bare-server.ts', { LOG_LEVEL: 'silent' });
  if (placement !== undefined && !pinProcess(bare.pid, placement.server)) {
    notes.push('users group not pinned to cores: taskset is missing or refused');
    placement = undefined;
  }
  const usersTiming: Timing =
    placement === undefined
      ? timing
      : { ...timing, threads: placement.clientThreads, clientCpus: placement.client };
  if (placement !== undefined) {
    log(`users group: servers on core ${placement.server}, wrk on core(s) ${placement.client}`);
    notes.push(
      `users group: the servers ran on core ${placement.server} and wrk (${placement.clientThreads} thread(s)) on core(s) ${placement.client} (--pin on)`,
    );
  }
  try {
    await withService('users', async (service) => {
      if (placement !== undefined) pinProcess(service.pid, placement.server);
      try {
        await measureFloorAndUsers(bare, service, usersTiming);
      } finally {
        // The service serves the later groups too, on every core.
        if (placement !== undefined) pinProcess(service.pid, placement.all);
      }
    });
  } finally {
    await stop(bare);
  }
}

/**
 * bare Fastify, /healthz and GET /users at each connection count, in turn `--rounds` times:
 * other tenants' load comes and goes within seconds on a shared machine, so each is reported
 * by its median round, and one noisy moment does not decide a ratio.
 */
async function measureFloorAndUsers(
  bare: RunningServer,
  service: RunningServer,
  timing: Timing,
): Promise<void> {
  const cookies = await sessionFile(service.origin, settings.accounts, 64, workDir);
  const targets = {
    bare: { scenario: 'bare Fastify JSON (floor)', server: bare, script: scripts.bare, args: [] },
    healthz: { scenario: 'GET /healthz (service floor)', server: service, script: scripts.healthz, args: [] },
    users: { scenario: 'GET /users', server: service, script: scripts.users, args: [cookies] },
  } satisfies Record<string, { scenario: string; server: RunningServer; script: WrkScript; args: string[] }>;
  const keys = ['bare', 'healthz', 'users'] as const;
  for (const connections of settings.connections) {
    const rounds: Record<(typeof keys)[number], Row[]> = { bare: [], healthz: [], users: [] };
    for (let round = 1; round <= settings.rounds; round++) {
      log(
        `bare Fastify, /healthz and GET /users at ${connections} connections (wrk)` +
          (settings.rounds > 1 ? `, round ${round} of ${settings.rounds}` : ''),
      );
      for (const key of keys) {
        const { scenario, server, script, args } = targets[key];
        const row = await wrkScenario({
          key,
          scenario,
          origin: server.origin,
          serverPid: server.pid,
          // The service's hashing queue is drained between runs; the bare server has none.
          drainOrigin: server === service ? service.origin : undefined,
          connections,
          script,
          args,
          timing,
        });
        logRow(row, false);
        rounds[key].push(row);
      }
    }
    for (const key of keys) rows.push(medianRound(rounds[key]));
    if (settings.rounds > 1) {
      const ratios = (key: 'healthz' | 'users') =>
        rounds[key].map((row, i) => fmt(row.rate / (rounds.bare[i]?.rate ?? NaN), 2)).join(', ');
      log(`  of bare Fastify, round by round: /healthz ${ratios('healthz')}; GET /users ${ratios('users')}`);
    }
  }
}

/** The round with the median rate (the lower middle one of an even count), noting every round's rate. */
function medianRound(measured: Row[]): Row {
  const sorted = [...measured].sort((a, b) => a.rate - b.rate);
  const median = sorted[(sorted.length - 1) >> 1];
  if (median === undefined) throw new Error('no round was measured');
  if (measured.length === 1) return median;
  return {
    ...median,
    extra: {
      ...median.extra,
      rounds: measured.length,
      roundRates: measured.map((r) => fmt(r.rate)).join('/'),
    },
  };
}

async function imageCodeGroup(): Promise<void> {
  await withService('imageCode', async (service) => {
    for (const connections of settings.connections) {
      log(`GET /imageCode at ${connections} connections (wrk)`);
      logRow(
        await wrkScenario({
          key: 'imageCode',
          scenario: 'GET /imageCode',
          origin: service.origin,
          serverPid: service.pid,
          drainOrigin: service.origin,
          connections,
          script: scripts.imageCode,
          args: [`i${Date.now().toString(36)}c${connections}t`],
          unit: 'images/s',
          timing,
        }),
      );
    }
  });
}

async function refillGroup(): Promise<void> {
  await withService('refill', async (service) => {
    const poolSize = Number(baseEnv.CAPTCHA_POOL_SIZE ?? 2000);
    log(
      `GET /imageCode at a fixed ${settings.refillRate}/s for ${settings.refillSeconds} s (pool of ${poolSize})`,
    );
    logRow(
      await refillScenario(
        service.origin,
        service.pid,
        settings.refillRate,
        settings.refillSeconds,
        poolSize,
      ),
    );
  });
}

async function smsCodeGroup(): Promise<void> {
  await withService('smsCode', async (service) => {
    for (const connections of settings.connections) {
      log(`POST /smsCode at ${connections} connections (captchas drawn first, then wrk)`);
      logRow(await smsCodeScenario(service.origin, service.pid, connections, timing, settings.smsRateGuess));
    }
  });
}

async function loginGroup(): Promise<void> {
  await withService('login', async (service) => {
    // The floor is measured before and after the logins; the better of the two counts, since
    // other people's load can only ever lower it.
    const floor = async (when: string) => {
      await quiesce(service.pid, service.origin);
      const inFlight = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
      log(`argon2id alone, ${inFlight} at once (the server idles), ${when}`);
      const row = await hasherFloor(timing, inFlight);
      logRow({ ...row, scenario: `${row.scenario.replace(' (floor)', '')} (floor, ${when})` });
    };
    await floor('before');
    for (const connections of settings.connections) {
      log(`POST /sessions at ${connections} connections (wrk)`);
      logRow(
        await wrkScenario({
          key: 'login',
          scenario: 'POST /sessions (login)',
          origin: service.origin,
          serverPid: service.pid,
          drainOrigin: service.origin,
          connections,
          script: scripts.login,
          args: [SEED_PHONE_PREFIX, String(settings.accounts), 'turn'],
          timing,
        }),
      );
    }
    const connections = settings.connections[0] ?? 32;
    log(`login storm at ${connections} connections with GET /users at ${settings.probeRate}/s beside it`);
    for (const row of await stormScenario(
      service.origin,
      service.pid,
      connections,
      timing,
      settings.accounts,
      settings.probeRate,
    )) {
      logRow(row);
    }
    await floor('after');
  });
}

async function flowGroup(): Promise<void> {
  await withService('flow', async (service) => {
    for (const connections of settings.connections) {
      log(`registration flows at ${connections} connections (autocannon)`);
      logRow(await flowScenario(service.origin, service.pid, connections, timing));
    }
  });
}

async function growthGroup(): Promise<void> {
  const large = settings.growthAccounts;
  const small = 1000;
  log(`growth: seeding ${small} and ${large} accounts (${environment.name})`);
  const sizes = [
    { label: `g${small}`, accounts: small, data: await environment.prepare(`g${small}`, small) },
    { label: `g${large}`, accounts: large, data: await environment.prepare(`g${large}`, large) },
  ];
  for (const { accounts, data } of sizes) {
    log(
      `  ${accounts} accounts seeded in ${data.seed.seconds.toFixed(1)} s (${Math.round(data.seed.rowsPerSecond)} rows/s)`,
    );
  }
  notes.push(
    `growth: ${large} accounts seeded in ${sizes[1]?.data.seed.seconds.toFixed(1)} s ` +
      `(${Math.round(sizes[1]?.data.seed.rowsPerSecond ?? 0)} rows/s, bench/seed-accounts.ts)`,
  );
  for (let round = 1; round <= settings.growthRounds; round++) {
    for (const { label, accounts, data } of sizes) {
      const server = await start(`growth-${label}`, SERVICE, { ...baseEnv, ...data.env });
      try {
        await settle(server);
        const cookies = await sessionFile(server.origin, accounts, 64, workDir);
        log(`growth round ${round}: ${accounts} accounts`);
        const name = accounts.toLocaleString('en-US');
        logRow(
          await wrkScenario({
            key: `growthUsers:${accounts}`,
            scenario: `GET /users, ${name} accounts`,
            origin: server.origin,
            serverPid: server.pid,
            drainOrigin: server.origin,
            connections: 32,
            script: scripts.users,
            args: [cookies],
            timing,
          }),
        );
        logRow(
          await wrkScenario({
            key: `growthLogin:${accounts}`,
            scenario: `login, ${name} accounts`,
            origin: server.origin,
            serverPid: server.pid,
            drainOrigin: server.origin,
            connections: 4,
            script: scripts.login,
            args: [SEED_PHONE_PREFIX, String(accounts), 'random'],
            timing,
          }),
        );
      } finally {
        await stop(server);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// The report.

const fmt = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

function find(key: string, connections?: number | string): Row | undefined {
  return rows.find((r) => r.key === key && (connections === undefined || r.connections === connections));
}

/** The faster of the argon2id floors (measured before and after the logins). */
function bestHasher(): Row | undefined {
  const floors = rows.filter((r) => r.key === 'hasher');
  return floors.length === 0 ? undefined : floors.reduce((a, b) => (a.rate >= b.rate ? a : b));
}

/** Which floor a scenario is held against: the framework's (bare) or the password hasher's. */
function floorOf(row: Row): 'bare' | 'hasher' | undefined {
  if (['healthz', 'users', 'imageCode', 'smsCode'].includes(row.key) || row.key.startsWith('growthUsers')) {
    return 'bare';
  }
  if (['login', 'stormLogin', 'flow'].includes(row.key) || row.key.startsWith('growthLogin')) return 'hasher';
  return undefined;
}

function floorRow(row: Row): Row | undefined {
  const floor = floorOf(row);
  if (floor === 'hasher') return bestHasher();
  if (floor === 'bare') return find('bare', row.connections) ?? find('bare');
  return undefined;
}

/** CPU seconds (server and storage) per right reply. */
function cpuPerOp(row: Row): number | undefined {
  const u = row.usage;
  if (u === undefined || row.ok === 0) return undefined;
  return (u.serverCpuSeconds + u.storageCpuSeconds) / row.ok;
}

/** This scenario's rate over its floor's rate (same run; same connections for bare). */
function rateRatio(row: Row): number | undefined {
  const floor = floorRow(row);
  return floor ? row.rate / floor.rate : undefined;
}

/**
 * The floor's CPU per operation over this scenario's: the same ratio measured in CPU time,
 * which other people's load disturbs far less than it disturbs rates.
 */
function cpuRatio(row: Row): number | undefined {
  const floor = floorRow(row);
  const mine = cpuPerOp(row);
  const theirs = floor ? cpuPerOp(floor) : undefined;
  return mine !== undefined && theirs !== undefined ? theirs / mine : undefined;
}

function table(): string {
  const header = [
    'scenario'.padEnd(30),
    'conn'.padStart(9),
    'tool'.padEnd(10),
    'rate'.padStart(8),
    'unit'.padEnd(10),
    'p50 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'RSS MB'.padStart(6),
    'CPU µs'.padStart(7),
    'srv'.padStart(4),
    'db'.padStart(4),
    'cli'.padStart(4),
    'other'.padStart(5),
    'floor'.padStart(6),
    '÷floor'.padStart(6),
    'CPU÷'.padStart(5),
  ].join(' ');
  const lines = [header, '-'.repeat(header.length)];
  for (const row of rows) {
    const u = row.usage;
    const cores = (seconds: number | undefined) =>
      u && seconds !== undefined ? fmt(seconds / u.wallSeconds, 2) : '–';
    const perOp = cpuPerOp(row);
    lines.push(
      [
        row.scenario.slice(0, 30).padEnd(30),
        String(row.connections).padStart(9),
        row.tool.padEnd(10),
        fmt(row.rate, row.rate < 100 ? 1 : 0).padStart(8),
        row.unit.padEnd(10),
        fmt(row.p50Ms, 2).padStart(8),
        fmt(row.p99Ms, 2).padStart(8),
        fmt(row.tool === 'in-process' ? undefined : u?.peakRssMb, 0).padStart(6),
        fmt(perOp === undefined ? undefined : perOp * 1e6, 0).padStart(7),
        cores(u?.serverCpuSeconds).padStart(4),
        cores(settings.profile === 'pg-redis' ? u?.storageCpuSeconds : undefined).padStart(4),
        cores(u?.clientCpuSeconds).padStart(4),
        (u ? `${fmt(u.otherShare * 100, 0)}%` : '–').padStart(5),
        (floorOf(row) ?? '').padStart(6),
        fmt(rateRatio(row), 2).padStart(6),
        fmt(cpuRatio(row), 2).padStart(5),
      ].join(' '),
    );
  }
  return lines.join('\n');
}

interface Target {
  target: string;
  /** What the figure is held against outside this run (the systems people would pick instead). */
  anchor?: string;
  result: string;
  pass: boolean | undefined;
}

/** The anchors beside each target (issue 18), by the target's first words. */
const ANCHORS: [string, string][] = [
  ['GET /healthz', 'the 2019 Flask service: ~3 300 trivial req/s'],
  ['GET /users ≥', 'a popular TypeScript auth library: 931 session checks/s'],
  ['GET /imageCode', 'the 2019 Flask service: 648 captchas/s'],
  ['captcha refill', 'the 2019 Flask service: 648 captchas/s'],
  ['each captcha image', 'issue 16: drawn at twice the size, 4–5 KB'],
  ['POST /smsCode', 'the 2019 Flask service: 840 smsCode/s'],
  ['login ≥', 'the 2019 Flask service: 32 logins/s'],
  ['peak RSS', 'before issue 18: 318–454 MB'],
];

function targets(): Target[] {
  const out: Target[] = [];
  const add = (target: string, result: string, pass: boolean | undefined) =>
    out.push({ target, result, pass, anchor: ANCHORS.find(([prefix]) => target.startsWith(prefix))?.[1] });
  for (const c of settings.connections) {
    const users = find('users', c);
    const bare = find('bare', c);
    const healthz = find('healthz', c);
    if (healthz && bare) {
      const r = healthz.rate / bare.rate;
      add(
        `GET /healthz ≥ 80% of bare Fastify (${c} conn)`,
        `${fmt(100 * r, 1)}% by rate (${fmt(healthz.rate)} of ${fmt(bare.rate)} req/s), ${fmt(100 * (cpuRatio(healthz) ?? NaN), 1)}% by CPU per request`,
        r >= 0.8,
      );
    }
    if (users && bare) {
      const r = users.rate / bare.rate;
      add(
        `GET /users ≥ 50% of bare Fastify (${c} conn)`,
        `${fmt(100 * r, 1)}% by rate (${fmt(users.rate)} of ${fmt(bare.rate)} req/s), ${fmt(100 * (cpuRatio(users) ?? NaN), 1)}% by CPU per request`,
        r >= 0.5,
      );
    }
  }
  const image = find('imageCode', 32) ?? find('imageCode');
  if (image) {
    add(
      `GET /imageCode ≥ 6500/s with p99 < 50 ms (${image.connections} conn)`,
      `${fmt(image.rate)}/s, p99 ${fmt(image.p99Ms, 1)} ms`,
      image.rate >= 6500 && image.p99Ms < 50,
    );
  }
  const images = rows.filter((r) => r.key === 'imageCode');
  if (images.length > 0) {
    const max = Math.max(...images.map((r) => Number(r.extra?.max_bytes ?? 0)));
    const bytes = images.reduce((s, r) => s + Number(r.extra?.bytes ?? 0), 0);
    const count = images.reduce((s, r) => s + r.ok, 0);
    add(
      'each captcha image < 6 KB',
      `largest ${max} B, mean ${fmt(bytes / Math.max(count, 1))} B`,
      max < 6144,
    );
  }
  for (const row of rows.filter((r) => r.key === 'refill')) {
    const inline = Number(row.extra?.inline ?? NaN);
    const served = Number(row.extra?.served ?? NaN);
    const wanted = settings.refillRate;
    add(
      `captcha refill keeps up with a sustained ${wanted}/s (${row.seconds} s, open loop): ≥ 98% served, ≤ 1% drawn inline`,
      `${fmt(row.rate)}/s served (p99 ${fmt(row.p99Ms, 1)} ms), ${fmt(inline)} of ${fmt(served)} drawn inline, ` +
        `pool ran empty ${fmt(Number(row.extra?.ranEmpty ?? NaN))} times`,
      row.rate >= 0.98 * wanted && row.bad === 0 && inline <= 0.01 * served,
    );
  }
  for (const row of rows.filter((r) => r.key === 'smsCode')) {
    add(`POST /smsCode ≥ 4000/s (${row.connections} conn)`, `${fmt(row.rate)}/s`, row.rate >= 4000);
  }
  const hasher = bestHasher();
  for (const row of rows.filter((r) => r.key === 'login')) {
    if (!hasher) break;
    const r = row.rate / hasher.rate;
    add(
      `login ≥ 85% of argon2id alone (${row.connections} conn)`,
      `${fmt(100 * r, 1)}% by rate (${fmt(row.rate, 1)} of ${fmt(hasher.rate, 1)}/s), ${fmt(100 * (cpuRatio(row) ?? NaN), 1)}% by CPU per login`,
      r >= 0.85,
    );
  }
  const probeRow = find('stormUsers');
  if (probeRow) {
    add(
      'GET /users p99 < 50 ms during a login storm',
      `p99 ${fmt(probeRow.p99Ms, 1)} ms (p50 ${fmt(probeRow.p50Ms, 1)})`,
      probeRow.p99Ms < 50 && probeRow.bad === 0,
    );
  }
  const measured = rows.filter((r) => r.usage && r.key !== 'bare' && r.key !== 'hasher');
  if (measured.length > 0) {
    const worst = measured.reduce((a, b) => ((a.usage?.peakRssMb ?? 0) >= (b.usage?.peakRssMb ?? 0) ? a : b));
    add(
      'peak RSS < 200 MB per process',
      `${fmt(worst.usage?.peakRssMb, 0)} MB (${worst.scenario} @ ${worst.connections})`,
      (worst.usage?.peakRssMb ?? 0) < 200,
    );
  }
  const restarts = startups.filter((s) => !s.fresh).map((s) => s.ms);
  const fresh = startups.find((s) => s.fresh);
  if (startups.length > 0) {
    const worst = Math.max(...startups.map((s) => s.ms));
    add(
      'start-up < 1 s (spawn → first reply)',
      `${fresh ? `fresh database ${fmt(fresh.ms)} ms, ` : ''}restarts ${restarts.map((m) => fmt(m)).join('/')} ms`,
      worst < 1000,
    );
  }
  for (const kind of ['growthUsers', 'growthLogin'] as const) {
    const small = rows.filter((r) => r.key === `${kind}:1000`);
    const large = rows.filter((r) => r.key.startsWith(`${kind}:`) && r.key !== `${kind}:1000`);
    if (small.length === 0 || large.length === 0) continue;
    // Best of the rounds: other people's load only ever makes a round slower.
    const best = (list: Row[]) => Math.min(...list.map((r) => r.p50Ms));
    const ratio = best(large) / best(small);
    add(
      `${kind === 'growthUsers' ? 'GET /users' : 'login'} p50 at ${large[0]?.key.split(':')[1]} accounts within 10% of 1000`,
      `${fmt(best(large), 2)} vs ${fmt(best(small), 2)} ms (×${fmt(ratio, 2)})`,
      ratio <= 1.1,
    );
  }
  return out;
}

async function main(): Promise<void> {
  // The first fetch loads undici; done here so that it does not count in a start-up time.
  await fetch('http://127.0.0.1:9/').catch(() => {});
  log(
    `profile ${settings.profile}: ${environment.description}; ${settings.seconds} s per scenario after ` +
      `${settings.warmupSeconds} s warm-up, connections ${settings.connections.join('/')}, groups ${settings.groups.join(', ')}`,
  );
  log(
    `machine: ${machineBefore.nproc} × ${machineBefore.cpuModel}, load average ${machineBefore.loadAverage.join(' ')}`,
  );
  const groups: Record<Group, () => Promise<void>> = {
    startup: startupGroup,
    users: usersGroup,
    imageCode: imageCodeGroup,
    refill: refillGroup,
    smsCode: smsCodeGroup,
    login: loginGroup,
    flow: flowGroup,
    growth: growthGroup,
  };
  for (const group of settings.groups) {
    if (group === 'growth' && settings.growthAccounts === 0) {
      notes.push('growth scenario skipped (--growth-accounts 0)');
      continue;
    }
    if (group === 'growth' && sharedService) {
      // The growth servers are measured alone.
      await stop(sharedService);
      sharedService = undefined;
    }
    await groups[group]();
  }
  if (sharedService) await stop(sharedService);

  notes.push(
    fs.existsSync(path.join(ROOT, 'web', 'dist', 'index.html'))
      ? 'pages: web/dist is built (start-up does not build it; `npm start` would, when stale)'
      : 'pages: web/dist is absent (the service answers 503 for pages; the API is unaffected)',
  );
  if (settings.cpuProf) {
    notes.push(
      '--cpu-prof: every figure was measured under the profiler (slower); read the profiles, not the rates',
    );
  }
  if (settings.profile === 'pg-redis') {
    const counts = [...new Set(processCounts)];
    notes.push(
      counts.every((c) => c <= 1)
        ? `WORKERS=${settings.workers} was ignored by this server: it ran as one process (measured as such)`
        : `WORKERS=${settings.workers}: ${counts.map((c) => `${c} processes (primary + ${c - 1} workers)`).join(', ')}; RSS is per process`,
    );
  }
  const machineAfter = machineInfo();
  const others = rows.filter((r) => r.usage).map((r) => r.usage?.otherShare ?? 0);
  const noise = {
    loadBefore: machineBefore.loadAverage,
    loadAfter: machineAfter.loadAverage,
    otherCpuShareMedian: others.length
      ? [...others].sort((a, b) => a - b)[Math.floor(others.length / 2)]
      : undefined,
    otherCpuShareMax: others.length ? Math.max(...others) : undefined,
  };

  const checked = targets();
  const header =
    `Medicine API bench — profile ${settings.profile} (${environment.description})\n` +
    `${started.toISOString()}, nproc ${machineBefore.nproc}, ${machineBefore.cpuModel}, Node ${process.version}; ` +
    `${settings.seconds} s per scenario after ${settings.warmupSeconds} s warm-up; server LOG_LEVEL=${settings.logLevel} ` +
    `(output to bench/results/${runId}-*.log)\n` +
    `load average before ${machineBefore.loadAverage.join(' ')}, after ${machineAfter.loadAverage.join(' ')}; ` +
    `CPU used by other processes during the measurements: median ${fmt(100 * (noise.otherCpuShareMedian ?? NaN), 0)}%, ` +
    `max ${fmt(100 * (noise.otherCpuShareMax ?? NaN), 0)}% of the machine`;
  const legend =
    'rate: right replies per second (2xx and re_code "0", or a JPEG). RSS: peak resident memory of the largest server\n' +
    'process during the measurement. CPU µs: CPU of the server (and of PostgreSQL and Redis) per right reply. srv / db /\n' +
    'cli: cores used by the server, the storage servers and the load generator. other: share of the whole machine used by\n' +
    "other people's processes meanwhile (the noise). ÷floor: rate over the floor's rate (bare Fastify at the same\n" +
    "connections, or argon2id alone); CPU÷: the floor's CPU per operation over this scenario's, the same ratio in CPU\n" +
    'time, which other load disturbs far less.';
  const targetLines = checked.map(
    (t) =>
      `  ${t.pass === undefined ? '  ?  ' : t.pass ? ' PASS' : ' MISS'}  ${t.target}: ${t.result}` +
      (t.anchor ? `  [anchor: ${t.anchor}]` : ''),
  );
  const startupLine = startups.length
    ? `start-up (spawn → first HTTP reply): ${startups.map((s) => `${s.label} ${fmt(s.ms)} ms`).join(', ')}`
    : '';
  const rowNotes = rows.flatMap((r) => r.notes.map((n) => `${r.scenario} @ ${r.connections}: ${n}`));
  console.log(
    [
      '',
      header,
      '',
      table(),
      '',
      legend,
      '',
      startupLine,
      'targets:',
      ...targetLines,
      '',
      'for scale, the 2019 Flask service: ~650 captcha/s, 840 smsCode/s, 32 logins/s, 3300 trivial req/s',
      ...[...notes, ...rowNotes].map((n) => `note: ${n}`),
    ].join('\n'),
  );

  const file = path.join(resultsDir, `${runId}.json`);
  const { MEDICINE_SECRET: _secret, ...shownEnv } = baseEnv;
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      {
        runId,
        date: started.toISOString(),
        settings,
        machine: machineBefore,
        noise,
        environment: environment.description,
        serverEnv: shownEnv,
        processCounts,
        startups,
        rows,
        targets: checked,
        profiles,
        notes: [...notes, ...rowNotes],
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nraw results: ${path.relative(process.cwd(), file)}`);
}

let cleaning = false;
async function cleanup(): Promise<void> {
  if (cleaning) return;
  cleaning = true;
  for (const server of running) await server.stop().catch(() => {});
  await environment.cleanup().catch((error: unknown) => console.error(String(error)));
  fs.rmSync(workDir, { recursive: true, force: true });
}

process.on('SIGINT', () => {
  log('interrupted: stopping the servers and cleaning up');
  void cleanup().then(() => process.exit(130));
});

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
} finally {
  await cleanup();
}
