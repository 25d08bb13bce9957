// Issue 14's closing figures: an access token's size, the cost of signing and verifying one
// (jose, Ed25519, as the service and a third party do), and GET /users per second with a
// bearer token beside the same with the session cookie, against one server process.
//
//   node --import tsx bench/tokens.ts [--seconds 10] [--connections 32]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { keySetOf, newPrivateKey } from '../src/tokens/keys.js';
import { startServer } from './lib/server.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const seconds = arg('seconds', 10);
const connections = arg('connections', 32);

async function perToken(rounds: number, work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await work(); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await work();
  return Number(process.hrtime.bigint() - started) / rounds / 1000; // µs
}

const keys = await keySetOf([newPrivateKey()]);
const claims = { sid: 'a'.repeat(64), role: 'user', expert_status: null };
const sign = () =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: keys.signing.kid, typ: 'at+jwt' })
    .setIssuer('https://auth.example.cn')
    .setAudience('medicine')
    .setSubject('123456')
    .setIssuedAt()
    .setExpirationTime('15m')
    .setJti('0123456789abcdefghijkl')
    .sign(keys.signing.privateKey);
const sample = await sign();
const jwks = createLocalJWKSet({ keys: keys.all.map((k) => k.publicJwk) });
const verify = () => jwtVerify(sample, jwks, { issuer: 'https://auth.example.cn', audience: 'medicine' });
const signUs = await perToken(5000, sign);
const verifyUs = await perToken(5000, verify);
console.log(`access token: ${sample.length} bytes (Authorization header ${`Bearer ${sample}`.length} bytes)`);
console.log(
  `sign: ${signUs.toFixed(1)} µs/token, verify: ${verifyUs.toFixed(1)} µs/token (one core, jose 6, Ed25519)`,
);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tokens-'));
const server = await startServer({
  script: 'src/main.ts',
  env: {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    MEDICINE_TEST_HOOKS: '1',
    LOG_LEVEL: 'warn',
    CAPTCHA_THREADS: '0',
  },
  logFile: path.join(dataDir, 'server.log'),
  readyPath: '/healthz',
});
try {
  const api = `${server.origin}/api/1.0`;
  const register = async (phone: string, app: boolean) => {
    const uuid = `bench-${phone}`;
    const image = await fetch(`${api}/imageCode?uuid=${uuid}`);
    await image.arrayBuffer();
    await fetch(`${api}/smsCode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone, img_code_client: image.headers.get('x-captcha-text'), uuid }),
    });
    const { code } = (await (await fetch(`${api}/test/sms?phone=${phone}`)).json()) as { code: string };
    return fetch(`${api}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(app ? { 'x-client': 'app' } : {}) },
      body: JSON.stringify({
        phone,
        phone_code: code,
        password: 'bench password',
        password2: 'bench password',
      }),
    });
  };
  const browser = await register('13900000001', false);
  const cookie = /session=[^;]+/.exec(browser.headers.get('set-cookie') ?? '')?.[0] ?? '';
  const app = (await (await register('13900000002', true)).json()) as { tokens: { access_token: string } };
  const rate = async (headers: Record<string, string>) => {
    // Every reply is HTTP 200: make sure this one is a logged-in answer, not 4101.
    const check = (await (await fetch(`${api}/users`, { headers })).json()) as { re_code: string };
    if (check.re_code !== '0') throw new Error(`GET /users answered ${check.re_code}`);
    const result = await autocannon({ url: `${api}/users`, headers, connections, duration: seconds });
    return { perSecond: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx };
  };
  const viaCookie = await rate({ cookie });
  const viaBearer = await rate({ authorization: `Bearer ${app.tokens.access_token}` });
  console.log(`GET /users, ${connections} connections, ${seconds} s each, one process, SQLite:`);
  console.log(
    `  cookie: ${viaCookie.perSecond.toFixed(0)} req/s, p99 ${viaCookie.p99} ms, non-2xx ${viaCookie.non2xx}`,
  );
  console.log(
    `  bearer: ${viaBearer.perSecond.toFixed(0)} req/s, p99 ${viaBearer.p99} ms, non-2xx ${viaBearer.non2xx}`,
  );
} finally {
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
