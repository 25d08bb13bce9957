// The attacks of issue #12, run against a real server over loopback, with their figures.
//
//   npm run bench:attack                         # embedded defaults: SQLite, in-process store
//   npm run bench:attack -- --profile pg-redis   # PostgreSQL + Redis, WORKERS=2
//   npm run bench:attack -- --root ../old-main   # the same attacks on another checkout
//
// Each attack prints what an attacker gets: how many guesses were judged, whether the right
// password hidden among them got in, whether the owner still gets in. The server runs from
// `src/main.ts` through tsx, so that any checkout of the project can be measured the same way.
// Every request goes to 127.0.0.1; "many addresses" are X-Forwarded-For values from the
// documentation ranges (the server is started with TRUST_PROXY=1).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ROOT, startServer, type RunningServer } from './lib/server.js';

const { values: args } = parseArgs({
  options: {
    profile: { type: 'string', default: 'sqlite' },
    root: { type: 'string', default: ROOT },
    guesses: { type: 'string', default: '300' },
  },
});
const GUESSES = Number(args.guesses);
const root = path.resolve(args.root ?? ROOT);
const PASSWORD = 'the owner password';

interface Reply {
  re_code: string;
  cookies: Record<string, string>;
  retryAfter: string | null;
}

class Client {
  constructor(
    private readonly api: string,
    readonly address?: string,
    readonly cookies: Record<string, string> = {},
  ) {}

  async call(method: string, route: string, body?: object): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.address) headers['x-forwarded-for'] = this.address;
    const jar = Object.entries(this.cookies).map(([k, v]) => `${k}=${v}`);
    if (jar.length > 0) headers.cookie = jar.join('; ');
    const response = await fetch(`${this.api}${route}`, {
      method,
      headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const reply = (await response.json()) as { re_code: string };
    const cookies: Record<string, string> = {};
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      cookies[name] = value;
      if (value === '') delete this.cookies[name];
      else this.cookies[name] = value;
    }
    return { re_code: reply.re_code, cookies, retryAfter: response.headers.get('retry-after') };
  }

  async smsCode(phone: string, purpose: string): Promise<string> {
    const uuid = crypto.randomUUID();
    const image = await fetch(`${this.api}/imageCode?uuid=${uuid}`, {
      headers: this.address ? { 'x-forwarded-for': this.address } : {},
    });
    await image.arrayBuffer();
    const text = image.headers.get('x-captcha-text') ?? '';
    const sent = await this.call('POST', '/smsCode', { phone, img_code_client: text, uuid, purpose });
    if (sent.re_code !== '0') return `refused:${sent.re_code}`;
    const last = (await (await fetch(`${this.api}/test/sms?phone=${phone}`)).json()) as { code: string };
    return last.code;
  }

  async register(phone: string): Promise<void> {
    const code = await this.smsCode(phone, 'register');
    const reply = await this.call('POST', '/register', {
      phone,
      phone_code: code,
      password: PASSWORD,
      password2: PASSWORD,
    });
    if (reply.re_code !== '0') throw new Error(`registration failed: ${reply.re_code}`);
  }
}

let phoneCounter = 0;
const runId = String(process.pid % 10000).padStart(4, '0');
const newPhone = () => `137${runId}${String((phoneCounter += 1)).padStart(4, '0')}`;
const stranger = (i: number) => `2001:db8::${(i + 1).toString(16)}`;
const tally = (codes: string[]) =>
  Object.entries(codes.reduce<Record<string, number>>((all, c) => ({ ...all, [c]: (all[c] ?? 0) + 1 }), {}))
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');

async function parallelGuesses(api: string, many: boolean) {
  const phone = newPhone();
  await new Client(api, '203.0.113.1').register(phone);
  const started = performance.now();
  const codes = await Promise.all(
    Array.from({ length: GUESSES }, async (_, i) => {
      const client = new Client(api, many ? stranger(i) : '203.0.113.66');
      const password = i === GUESSES / 2 ? PASSWORD : `guess ${i}`;
      return (await client.call('POST', '/sessions', { phone, password })).re_code;
    }),
  );
  const ms = performance.now() - started;
  const judged = codes.filter((c) => c === '4102' || c === '0').length;
  return {
    attack: `${GUESSES} login guesses at once, one phone, from ${many ? `${GUESSES} addresses` : 'one address'}`,
    judged,
    'right password got in': codes.includes('0'),
    replies: tally(codes),
    ms: Math.round(ms),
  };
}

async function parallelOldPasswordGuesses(api: string) {
  const owner = new Client(api, '203.0.113.2');
  await owner.register(newPhone());
  const thief = { session: owner.cookies.session ?? '' };
  const codes = await Promise.all(
    Array.from({ length: 60 }, async (_, i) => {
      const client = new Client(api, '203.0.113.99', { ...thief });
      const old = i === 30 ? PASSWORD : `guess ${i}`;
      return (
        await client.call('PUT', '/passwords', {
          old_password: old,
          password: 'the thief password',
          password2: 'the thief password',
        })
      ).re_code;
    }),
  );
  return {
    attack: '60 old-password guesses at once (PUT /passwords) with a stolen session cookie',
    judged: codes.filter((c) => c === '4106' || c === '0').length,
    'right password got in': codes.includes('0'),
    replies: tally(codes),
  };
}

async function perAddress(api: string) {
  const codes = await Promise.all(
    Array.from({ length: GUESSES }, async () => {
      const client = new Client(api, '198.51.100.7');
      return (await client.call('POST', '/sessions', { phone: newPhone(), password: 'guess' })).re_code;
    }),
  );
  return {
    attack: `${GUESSES} guesses at once at ${GUESSES} phones from one address (LOGIN_FAILURES_PER_IP_PER_HOUR=100)`,
    judged: codes.filter((c) => c === '4102').length,
    replies: tally(codes),
  };
}

async function ownerLockedOut(api: string) {
  const phone = newPhone();
  const owner = new Client(api, '203.0.113.3');
  await owner.register(phone);
  for (let i = 0; i < 10; i++) {
    await new Client(api, stranger(1000 + i)).call('POST', '/sessions', { phone, password: 'attack' });
  }
  const knownBrowser = await owner.call('POST', '/sessions', { phone, password: PASSWORD });
  const newBrowser = new Client(api, '203.0.113.4');
  await new Promise((resolve) => setTimeout(resolve, 1100)); // SMS_RESEND_SECONDS=1 since the sign-up code
  const byPassword = await newBrowser.call('POST', '/sessions', { phone, password: PASSWORD });
  const code = await newBrowser.smsCode(phone, 'login');
  const bySms = code.startsWith('refused')
    ? { re_code: code }
    : await newBrowser.call('POST', '/sessions', { phone, phone_code: code });
  return {
    attack: 'strangers send 10 wrong passwords from 10 addresses; then the owner tries',
    'owner, known browser, password': knownBrowser.re_code,
    'owner, new browser, password': byPassword.re_code,
    'owner, new browser, SMS code': bySms.re_code,
  };
}

async function smsBudget(api: string) {
  // A server of its own with SMS_GLOBAL_PER_HOUR=20 (see main): sign-ups from many addresses, then a reset.
  const existing = newPhone();
  await new Client(api, '203.0.113.5').register(existing);
  const codes: string[] = [];
  for (let i = 0; i < 30; i++) {
    const code = await new Client(api, stranger(2000 + i)).smsCode(newPhone(), 'register');
    codes.push(code.startsWith('refused') ? code.slice(8) : '0');
  }
  await new Promise((resolve) => setTimeout(resolve, 1100)); // SMS_RESEND_SECONDS=1
  const reset = await new Client(api, '203.0.113.6').smsCode(existing, 'reset');
  return {
    attack:
      '30 sign-up codes from 30 addresses with SMS_GLOBAL_PER_HOUR=20 (the registration took 1), then a reset code to an existing account',
    'sign-up codes sent': codes.filter((c) => c === '0').length,
    replies: tally(codes),
    'reset code sent': !reset.startsWith('refused'),
  };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-attack-'));
  for (const name of ['main', 'budget']) fs.mkdirSync(path.join(dataDir, name));
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    MEDICINE_TEST_HOOKS: '1',
    MEDICINE_SECRET: crypto.randomBytes(24).toString('hex'),
    TRUST_PROXY: '1',
    CAPTCHA_PER_IP_PER_MINUTE: '100000',
    SMS_RESEND_SECONDS: '1',
  };
  let cleanup = async () => {};
  if (args.profile === 'pg-redis') {
    const database = `medicine_attack_${process.pid}`;
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const prefix = `attack:${process.pid}:`;
    Object.assign(env, {
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      REDIS_KEY_PREFIX: prefix,
      WORKERS: '2',
    });
    cleanup = async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
      const redis = new Redis('redis://127.0.0.1:6379/0');
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    };
  }
  const start = (extra: Record<string, string>, name: string) =>
    startServer({
      script: path.relative(ROOT, path.join(root, 'src/main.ts')),
      env: { ...env, ...extra, DATA_DIR: path.join(dataDir, name) },
      logFile: path.join(dataDir, `${name}.log`),
      readyPath: '/healthz',
      timeoutMs: 60_000,
    });
  const servers: RunningServer[] = [];
  try {
    console.log(`# attacks on ${root} (${args.profile}), ${new Date().toISOString()}`);
    const server = await start({}, 'main');
    servers.push(server);
    const api = `${server.origin}/api/1.0`;
    for (const attack of [
      () => parallelGuesses(api, false),
      () => parallelGuesses(api, true),
      () => parallelOldPasswordGuesses(api),
      () => perAddress(api),
      () => ownerLockedOut(api),
    ]) {
      console.log(JSON.stringify(await attack()));
    }
    const budgeted = await start(
      { SMS_GLOBAL_PER_HOUR: '20', REDIS_KEY_PREFIX: `${env.REDIS_KEY_PREFIX ?? ''}budget:` },
      'budget',
    );
    servers.push(budgeted);
    console.log(JSON.stringify(await smsBudget(`${budgeted.origin}/api/1.0`)));
  } finally {
    for (const server of servers) await server.stop();
    await cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
