// Each scenario: warm up, then measure for a fixed time, checking every reply. Rates count
// only replies that were right (a 2xx with `re_code` "0", or a JPEG for /imageCode).
import fs from 'node:fs';
import path from 'node:path';
import { Argon2Hasher } from '../../src/passwords/argon2-hasher.js';
import { SEED_PASSWORD, SEED_PHONE_PREFIX, seededPhone } from '../seed-accounts.js';
import { harvestCaptchas, logIn, probe, quantile, registrationFlows } from './clients.js';
import { BENCH_METRICS_TOKEN } from './environments.js';
import { measureUsage, waitIdle, type Usage } from './procfs.js';
import { luaString, runWrk, type WrkResult, type WrkScript } from './wrk.js';

export interface Timing {
  seconds: number;
  warmupSeconds: number;
  threads: number;
  workDir: string;
  /** The cores the load generator may run on (taskset's list); unset: any. */
  clientCpus?: string;
}

export interface Row {
  key: string;
  scenario: string;
  connections: number | string;
  tool: string;
  unit: string;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  bad: number;
  seconds: number;
  usage?: Usage;
  notes: string[];
  extra?: Record<string, number | string | boolean>;
}

const OK_BODY = `string.find(body, '"re_code":"0"', 1, true) ~= nil`;
const JSON_HEADERS = `{["Content-Type"] = "application/json"}`;

/** Lua that reads the data file `args[2]` (one request body or cookie per line), this thread's share. */
const READ_LINES = `
  items = {}
  idx = 0
  local i = 0
  for line in io.lines(args[2]) do
    if i % nthreads == tid then items[#items + 1] = line end
    i = i + 1
  end`;

/** Lua for the next item of the data file; when it runs out, the thread stops. */
const NEXT_ITEM = `
  idx = idx + 1
  local item = items[idx]
  if item == nil then
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end`;

export const scripts = {
  /** GET /bare through the same Lua path as the service's GETs, so the client's work is alike. */
  bare: {
    request: `return wrk.format("GET", "/bare")`,
    check: `status == 200`,
  },
  /** GET /healthz of the service: its framework floor (every hook and plugin, no database). */
  healthz: {
    request: `return wrk.format("GET", "/healthz")`,
    check: `status == 200`,
  },
  /** GET /api/1.0/users, cycling through the session cookies in the data file. */
  users: {
    init: READ_LINES,
    request: `idx = idx + 1
  return wrk.format("GET", "/api/1.0/users", {Cookie = "session=" .. items[(idx % #items) + 1]})`,
    check: `status == 200 and ${OK_BODY}`,
  },
  /** GET /imageCode with a fresh uuid each time, naming the previous one as `last_uuid`, as the page does. */
  imageCode: {
    init: `n = 0
  last = ""
  prefix = args[2] .. tid .. "-"`,
    request: `n = n + 1
  local uuid = prefix .. n
  local path = "/api/1.0/imageCode?uuid=" .. uuid .. "&last_uuid=" .. last
  last = uuid
  return wrk.format("GET", path)`,
    check: `status == 200 and (headers["content-type"] or headers["Content-Type"]) == "image/jpeg"`,
    onResponse: `if status == 200 then
    extra_bytes = extra_bytes + #body
    if #body > max_bytes then max_bytes = #body end
    if #body >= 4096 then extra_over4k = extra_over4k + 1 end
  end`,
    extras: ['bytes', 'over4k', 'max_bytes'],
  },
  /** POST /smsCode, one prepared body (fresh captcha, new phone) per request. */
  smsCode: {
    init: READ_LINES,
    request: `${NEXT_ITEM}
  return wrk.format("POST", "/api/1.0/smsCode", ${JSON_HEADERS}, item)`,
    check: `status == 200 and ${OK_BODY}`,
  },
  /** POST /sessions for seeded accounts: `args[3]` accounts, in turn or (args[4] == "random") at random. */
  login: {
    init: `count = tonumber(args[3])
  random = args[4] == "random"
  n = tid
  math.randomseed(os.time() * 100 + tid)`,
    request: `local i
  if random then i = math.random(0, count - 1) else n = n + nthreads; i = n % count end
  local body = string.format('{"phone":"%s%08d","password":"%s"}', args[2], i, ${luaString(SEED_PASSWORD)})
  return wrk.format("POST", "/api/1.0/sessions", ${JSON_HEADERS}, body)`,
    check: `status == 200 and ${OK_BODY}`,
  },
} satisfies Record<string, WrkScript>;

export interface WrkScenario {
  key: string;
  scenario: string;
  origin: string;
  serverPid: number;
  connections: number;
  script: WrkScript;
  args?: string[];
  /** Separate arguments for the warm-up (a different data file, say). */
  warmupArgs?: string[];
  unit?: string;
  timing: Timing;
  /** Override the measured time. */
  seconds?: number;
  /** The service's origin, to drain its hashing queue between runs (see `quiesce`); unset for the bare server. */
  drainOrigin?: string;
}

export function rowFromWrk(
  base: Omit<Row, 'rate' | 'p50Ms' | 'p99Ms' | 'ok' | 'bad' | 'seconds' | 'notes'>,
  r: WrkResult,
  requestedSeconds: number,
): Row {
  const notes: string[] = [];
  if (r.bad > 0) notes.push(`${r.bad} wrong replies, first: ${r.sample}`);
  const errors = Object.entries(r.errors).filter(([, n]) => n > 0);
  if (errors.length > 0) notes.push(`socket errors: ${errors.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (r.exhausted && r.seconds < 0.95 * requestedSeconds) {
    notes.push(`prepared requests ran out after ${r.seconds.toFixed(1)} s; the rate covers that time`);
  }
  return {
    ...base,
    rate: r.rate,
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    ok: r.ok,
    bad: r.bad,
    seconds: r.seconds,
    notes,
    extra: { ...r.extra, p90Ms: r.latencyMs.p90, maxMs: r.latencyMs.max },
  };
}

/** Warm-up, then the measured run with CPU and memory accounting. */
export async function wrkScenario(s: WrkScenario): Promise<Row> {
  const common = {
    origin: s.origin,
    connections: s.connections,
    threads: s.timing.threads,
    script: s.script,
    workDir: s.timing.workDir,
    cpus: s.timing.clientCpus,
  };
  await quiesce(s.serverPid, s.drainOrigin);
  if (s.timing.warmupSeconds > 0) {
    await runWrk({ ...common, seconds: s.timing.warmupSeconds, args: s.warmupArgs ?? s.args });
    await quiesce(s.serverPid, s.drainOrigin);
  }
  const { value, usage } = await measureUsage(s.serverPid, () =>
    runWrk({ ...common, seconds: s.seconds ?? s.timing.seconds, args: s.args }),
  );
  return {
    ...rowFromWrk(
      { key: s.key, scenario: s.scenario, connections: s.connections, tool: 'wrk', unit: s.unit ?? 'req/s' },
      value,
      s.seconds ?? s.timing.seconds,
    ),
    usage,
  };
}

/**
 * Waits until the server has finished what earlier load left behind. Abandoned logins and
 * registrations are still hashed, in order, on libuv's pool: a few logins sent now come back
 * only after all of them (several, so that every WORKERS process gets one). Then the server's
 * CPU must fall quiet. Without a `drainOrigin` (the bare server), only the latter.
 */
export async function quiesce(serverPid: number, drainOrigin?: string): Promise<void> {
  if (drainOrigin !== undefined) {
    const phones = Array.from({ length: 8 }, (_, i) => seededPhone(i));
    await logIn(drainOrigin, phones, SEED_PASSWORD, 8, 180_000);
    await poolSettled(drainOrigin);
  }
  await waitIdle(serverPid);
}

/**
 * Waits until the captcha pool has stopped filling: a second after start-up (and after any
 * scenario that emptied it) the drawing threads fill it, on both cores, and a measurement
 * that began then would measure the filling too. Settled: the count of ready captchas has
 * not moved for 1.5 s (longer than the second the pool waits after start-up).
 */
async function poolSettled(origin: string, maxSeconds = 60): Promise<void> {
  const deadline = Date.now() + maxSeconds * 1000;
  let last = (await poolCounters(origin)).ready;
  let stableSince = Date.now();
  while (Date.now() < deadline && Date.now() - stableSince < 1500) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const ready = (await poolCounters(origin)).ready;
    if (ready !== last) {
      last = ready;
      stableSince = Date.now();
    }
  }
}

export function writeLines(file: string, lines: string[]): string {
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Session cookies of `count` seeded accounts (logged in now), in a file for the users script. */
export async function sessionFile(
  origin: string,
  accounts: number,
  count: number,
  workDir: string,
): Promise<string> {
  const phones = Array.from({ length: Math.min(count, accounts) }, (_, i) =>
    seededPhone(Math.floor((i * accounts) / Math.min(count, accounts))),
  );
  const sessions = await logIn(origin, phones, SEED_PASSWORD);
  return writeLines(path.join(workDir, `sessions-${process.pid}-${Date.now()}.txt`), sessions);
}

let smsPhone = 0;
/** Phones no account has and no scenario has used: 150 followed by 8 digits. */
export function newSmsPhone(): string {
  smsPhone += 1;
  return `150${String(smsPhone).padStart(8, '0')}`;
}
let flowPhone = 0;
export function newFlowPhone(): string {
  flowPhone += 1;
  return `177${String(flowPhone).padStart(8, '0')}`;
}

/**
 * POST /smsCode at `connections`: each request has its own fresh captcha, drawn just before
 * through the test hook, and its own new phone, so every check (captcha, registered phone,
 * the 60 s resend window, quotas) runs and passes. The warm-up's rate sizes the measured
 * run's supply (1.5×); if it still runs out, the rate covers the time until then.
 */
export async function smsCodeScenario(
  origin: string,
  serverPid: number,
  connections: number,
  timing: Timing,
  rateGuess: number,
): Promise<Row> {
  const bodies = async (amount: number, name: string) => {
    const captchas = await harvestCaptchas(origin, amount);
    const lines = captchas.map(({ uuid, text }) =>
      JSON.stringify({ phone: newSmsPhone(), img_code_client: text, uuid }),
    );
    return writeLines(path.join(timing.workDir, `sms-${name}-${connections}.txt`), lines);
  };
  const common = {
    origin,
    connections,
    threads: timing.threads,
    script: scripts.smsCode,
    workDir: timing.workDir,
  };
  let warmRate = rateGuess;
  const harvestStarted = performance.now();
  await quiesce(serverPid, origin);
  if (timing.warmupSeconds > 0) {
    const warmFile = await bodies(Math.ceil(rateGuess * timing.warmupSeconds), 'warmup');
    const warm = await runWrk({ ...common, seconds: timing.warmupSeconds, args: [warmFile] });
    warmRate = warm.rate;
  }
  const supply = Math.ceil(Math.max(warmRate, 200) * timing.seconds * 2);
  const file = await bodies(supply, 'measure');
  const harvestSeconds = (performance.now() - harvestStarted) / 1000;
  await quiesce(serverPid, origin);
  const { value, usage } = await measureUsage(serverPid, () =>
    runWrk({ ...common, seconds: timing.seconds, args: [file] }),
  );
  const row = rowFromWrk(
    { key: 'smsCode', scenario: 'POST /smsCode', connections, tool: 'wrk', unit: 'req/s' },
    value,
    timing.seconds,
  );
  row.usage = usage;
  row.extra = { ...row.extra, prepared: supply, preparationSeconds: Math.round(harvestSeconds * 10) / 10 };
  return row;
}

/** Whole registrations (captcha → smsCode → test/sms → register) per second, with autocannon. */
export async function flowScenario(
  origin: string,
  serverPid: number,
  connections: number,
  timing: Timing,
): Promise<Row> {
  await quiesce(serverPid, origin);
  if (timing.warmupSeconds > 0) {
    await registrationFlows(origin, connections, timing.warmupSeconds, newFlowPhone);
    await quiesce(serverPid, origin);
  }
  const { value, usage } = await measureUsage(serverPid, () =>
    registrationFlows(origin, connections, timing.seconds, newFlowPhone),
  );
  return {
    key: 'flow',
    scenario: 'registration flow',
    connections,
    tool: 'autocannon',
    unit: 'flows/s',
    rate: value.rate,
    p50Ms: value.latencyMs.p50,
    p99Ms: value.latencyMs.p99,
    ok: value.ok,
    bad: value.bad,
    seconds: value.seconds,
    usage,
    notes: value.bad > 0 ? [`${value.bad} failed flows, first: ${value.sample}`] : [],
    extra: { requests: value.requests, maxMs: value.latencyMs.max },
  };
}

/**
 * A login storm (wrk, `connections`) and, at the same time, an open-loop prober asking
 * GET /users `probeRate` times a second: does a person browsing feel the storm?
 */
export async function stormScenario(
  origin: string,
  serverPid: number,
  connections: number,
  timing: Timing,
  accounts: number,
  probeRate: number,
): Promise<Row[]> {
  const cookies = await sessionFile(origin, accounts, 8, timing.workDir);
  const cookie = `session=${fs.readFileSync(cookies, 'utf8').split('\n')[0] ?? ''}`;
  const login = {
    origin,
    connections,
    threads: timing.threads,
    script: scripts.login,
    workDir: timing.workDir,
    args: [SEED_PHONE_PREFIX, String(accounts), 'turn'],
  };
  await quiesce(serverPid, origin);
  if (timing.warmupSeconds > 0) {
    await runWrk({ ...login, seconds: timing.warmupSeconds });
    await quiesce(serverPid, origin);
  }
  const { value, usage } = await measureUsage(serverPid, () =>
    Promise.all([
      runWrk({ ...login, seconds: timing.seconds }),
      probe(origin, '/api/1.0/users', { cookie }, probeRate, timing.seconds),
    ]),
  );
  const [storm, prober] = value;
  const loginRow = rowFromWrk(
    { key: 'stormLogin', scenario: 'login storm (with prober)', connections, tool: 'wrk', unit: 'req/s' },
    storm,
    timing.seconds,
  );
  loginRow.usage = usage;
  const probeRow: Row = {
    key: 'stormUsers',
    scenario: `GET /users during storm`,
    connections: `${probeRate}/s`,
    tool: 'node:http',
    unit: 'req/s',
    rate: prober.rate,
    p50Ms: prober.latencyMs.p50,
    p99Ms: prober.latencyMs.p99,
    ok: prober.ok,
    bad: prober.bad,
    seconds: timing.seconds,
    // The storm's row carries the CPU and memory of this measurement.
    notes: prober.bad > 0 ? [`${prober.bad} failed, first: ${prober.sample}`] : [],
    extra: { p90Ms: prober.latencyMs.p90, maxMs: prober.latencyMs.max, sent: prober.sent },
  };
  return [loginRow, probeRow];
}

/** The captcha pool's counters from the server's /metrics (summed over WORKERS). */
export async function poolCounters(
  origin: string,
): Promise<{ ready: number; fromPool: number; inline: number; ranEmpty: number }> {
  const response = await fetch(`${origin}/metrics`, {
    headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET /metrics: ${response.status} ${text.slice(0, 200)}`);
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
  return {
    ready: value(/^medicine_captcha_pool_ready (\S+)$/m),
    fromPool: value(/^medicine_captcha_pool_taken_total\{source="pool"\} (\S+)$/m),
    inline: value(/^medicine_captcha_pool_taken_total\{source="inline"\} (\S+)$/m),
    ranEmpty: value(/^medicine_captcha_pool_ran_empty_total (\S+)$/m),
  };
}

/**
 * Does refilling keep up? GET /imageCode at a fixed `perSecond` (open loop: each request sent
 * when due, whatever the server's speed) for `seconds`, starting from a full pool; the pool's
 * counters before and after say how many captchas were drawn inline because it was empty,
 * and how often it ran empty.
 */
export async function refillScenario(
  origin: string,
  serverPid: number,
  perSecond: number,
  seconds: number,
  poolSize: number,
): Promise<Row> {
  await quiesce(serverPid, origin);
  // The pool refills after earlier scenarios; start full (or after 30 s, whatever it holds).
  const deadline = Date.now() + 30_000;
  let before = await poolCounters(origin);
  while (before.ready < poolSize && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    before = await poolCounters(origin);
  }
  const prefix = `r${Date.now().toString(36)}-`;
  const { value, usage } = await measureUsage(serverPid, () =>
    probe(
      origin,
      (i) => `/api/1.0/imageCode?uuid=${prefix}${i}&last_uuid=${i > 0 ? `${prefix}${i - 1}` : ''}`,
      {},
      perSecond,
      seconds,
      (status, type, body) => status === 200 && type === 'image/jpeg' && body.length > 0,
    ),
  );
  const after = await poolCounters(origin);
  const inline = after.inline - before.inline;
  const served = after.fromPool - before.fromPool + inline;
  const notes = value.bad > 0 ? [`${value.bad} failed, first: ${value.sample}`] : [];
  notes.push(
    `pool: ${before.ready} ready at the start, ${after.ready} at the end; of ${served} captchas ` +
      `${inline} drawn inline (${served > 0 ? ((100 * inline) / served).toFixed(2) : '–'}%), ran empty ${after.ranEmpty - before.ranEmpty} times`,
  );
  return {
    key: 'refill',
    scenario: `GET /imageCode at fixed rate`,
    connections: `${perSecond}/s`,
    tool: 'node:http',
    unit: 'images/s',
    rate: value.rate,
    p50Ms: value.latencyMs.p50,
    p99Ms: value.latencyMs.p99,
    ok: value.ok,
    bad: value.bad,
    seconds,
    usage,
    notes,
    extra: {
      sent: value.sent,
      inline,
      served,
      ranEmpty: after.ranEmpty - before.ranEmpty,
      readyBefore: before.ready,
      readyAfter: after.ready,
      p90Ms: value.latencyMs.p90,
      maxMs: value.latencyMs.max,
    },
  };
}

/**
 * The login limit: argon2id verifications (the project's Argon2Hasher, m=19456 t=2 p=1) on
 * libuv's thread pool, `inFlight` at a time so that every core is busy, with nothing else
 * running. Also the time of one verification with the machine otherwise idle.
 */
export async function hasherFloor(timing: Timing, inFlight: number): Promise<Row> {
  const hasher = new Argon2Hasher();
  const hash = await hasher.hash(SEED_PASSWORD);
  const single: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    await hasher.verify(hash, SEED_PASSWORD);
    single.push(performance.now() - started);
  }
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    const worker = async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        if (!(await hasher.verify(hash, SEED_PASSWORD))) throw new Error('argon2 verify failed');
        latencies.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return { latencies, seconds: (performance.now() - started) / 1000 };
  };
  if (timing.warmupSeconds > 0) await run(timing.warmupSeconds);
  const { value, usage } = await measureUsage(process.pid, () => run(timing.seconds));
  return {
    key: 'hasher',
    scenario: 'argon2id alone (floor)',
    connections: `${inFlight} at once`,
    tool: 'in-process',
    unit: 'verifies/s',
    rate: value.latencies.length / value.seconds,
    p50Ms: quantile(value.latencies, 0.5),
    p99Ms: quantile(value.latencies, 0.99),
    ok: value.latencies.length,
    bad: 0,
    seconds: value.seconds,
    usage,
    notes: [],
    extra: { singleVerifyMs: quantile(single, 0.5), threadPool: Number(process.env.UV_THREADPOOL_SIZE ?? 4) },
  };
}
