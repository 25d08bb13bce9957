// `node --import tsx bench/users-cost.ts [--rounds 7] [--redis redis://127.0.0.1:6379/14]`:
// what GET /users costs beyond the service's trivial route, and what the session cache
// (SESSION_CACHE_SECONDS) takes off it, kept coherent through Redis or, with the in-process
// store, through SQLite's change counter. Three servers in this process over SQLite files,
// alike but for the cache (the floor, /healthz, is asked of the uncached one), each asked
// through app.inject (no sockets: the figure is the service's own work); `--rounds` rounds of
// 4 000 requests each, the variants in turn; the best (least CPU) round of each counts, since
// other people's load only ever adds time. Needs a Redis at `--redis` (a database of its own).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp, type App } from '../src/app.js';
import { registerAccount, testConfig } from '../test/helpers/app.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379/14' },
  },
});
const rounds = Number(values.rounds);
const PER_ROUND = 4000;

interface Variant {
  name: string;
  app: App;
  url: string;
  session: string;
}

async function server(
  cacheSeconds: string,
  redisUrl: string,
  phone: string,
): Promise<{ app: App; session: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-users-cost-'));
  const app = await buildApp(
    testConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${path.join(dataDir, 'medicine.db')}`,
      REDIS_URL: redisUrl,
      SESSION_CACHE_SECONDS: cacheSeconds,
    }),
  );
  app.addHook('onClose', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  await app.ready();
  return { app, session: await registerAccount(app, phone) };
}

/** CPU µs per request of one round. */
async function round(variant: Variant): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < PER_ROUND; i += 1) {
    const response = await variant.app.inject({
      method: 'GET',
      url: variant.url,
      cookies: { session: variant.session },
    });
    if (response.statusCode !== 200) throw new Error(`${variant.name}: HTTP ${response.statusCode}`);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / PER_ROUND;
}

const off = await server('0', '', '13900000101');
const overRedis = await server('5', values.redis, '13900000102');
const overSqlite = await server('5', '', '13900000103');
const variants: Variant[] = [
  { name: 'GET /healthz (service floor)', ...off, url: '/healthz' },
  { name: 'GET /users, no session cache', ...off, url: '/api/1.0/users' },
  { name: 'GET /users, cache over Redis', ...overRedis, url: '/api/1.0/users' },
  { name: 'GET /users, cache over SQLite', ...overSqlite, url: '/api/1.0/users' },
];
const best = new Map<string, number>();
for (const variant of variants) await round(variant); // warm-up
for (let r = 0; r < rounds; r += 1) {
  for (const variant of variants) {
    const cost = await round(variant);
    best.set(variant.name, Math.min(best.get(variant.name) ?? Infinity, cost));
  }
}
const floor = best.get(variants[0]!.name)!;
for (const variant of variants) {
  const cost = best.get(variant.name)!;
  console.log(
    `${variant.name.padEnd(32)} ${cost.toFixed(1).padStart(7)} µs CPU per request  (+${(cost - floor).toFixed(1)} over the floor)`,
  );
}
for (const each of [off, overRedis, overSqlite]) await each.app.close();
