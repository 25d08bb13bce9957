import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { buildApp } from '../src/app.js';
import { testConfig } from '../test/helpers/app.js';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'img-'));
const app = await buildApp(testConfig({ DATA_DIR: dataDir, DATABASE_URL: `sqlite:${dataDir}/m.db`, REDIS_URL: '', CAPTCHA_THREADS: process.env.T ?? '0', CAPTCHA_POOL_SIZE: '0', CAPTCHA_PER_IP_PER_MINUTE: '1000000' }));
await app.ready();
const N = 3000; let ips = 0;
async function run(n: number) { const t = process.cpuUsage(); const w = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { const r = await app.inject({ method: 'GET', url: `/api/1.0/imageCode?uuid=${crypto.randomUUID()}`, remoteAddress: `10.0.${(ips >> 8) & 255}.${ips++ & 255}` }); if (r.statusCode !== 200 || !String(r.headers["content-type"]).includes("jpeg")) { console.log(r.statusCode, r.body.slice(0, 200)); process.exit(1); } }
  const u = process.cpuUsage(t); return [((u.user + u.system) / n).toFixed(0), (Number(process.hrtime.bigint() - w) / 1000 / n).toFixed(0)]; }
await run(300); console.log('cpu µs, wall µs', await run(N), await run(N));
await app.close();
