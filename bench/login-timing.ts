// `npm run bench:timing`: does a login for an unknown phone take as long as one with a wrong
// password? Prints both latency distributions side by side (they should be within 10%).
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const ROUNDS = Number(process.argv[2] ?? 200);
const ACCOUNTS = 10;

const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: 'sqlite::memory:',
  MEDICINE_SECRET: 'bench-secret-bench-secret-bench-secret-00',
  MEDICINE_TEST_HOOKS: '1',
  LOG_LEVEL: 'silent',
  LOGIN_MAX_FAILURES: '100',
  LOGIN_FAILURES_PER_IP_PER_HOUR: '1000000',
  SMS_PER_IP_PER_HOUR: '100000',
});
const app = await buildApp(config);
const base = `${await app.listen({ host: '127.0.0.1', port: 0 })}/api/1.0`;

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

const registered: string[] = [];
for (let i = 0; i < ACCOUNTS; i++) {
  const phone = `1370000${String(i).padStart(4, '0')}`;
  const image = await fetch(`${base}/imageCode?uuid=timing-${i}`);
  await image.arrayBuffer();
  await post('/smsCode', {
    phone,
    img_code_client: image.headers.get('x-captcha-text'),
    uuid: `timing-${i}`,
  });
  const { code } = (await (await fetch(`${base}/test/sms?phone=${phone}`)).json()) as { code: string };
  const reply = await post('/register', {
    phone,
    phone_code: code,
    password: 'the real password',
    password2: 'the real password',
  });
  if (reply.re_code !== '0') throw new Error(`could not register ${phone}: ${JSON.stringify(reply)}`);
  registered.push(phone);
}

async function timeLogin(phone: string): Promise<number> {
  const started = performance.now();
  const reply = await post('/sessions', { phone, password: 'a wrong password' });
  const elapsed = performance.now() - started;
  if (reply.re_code !== '4102') throw new Error(`expected LOGINERR, got ${JSON.stringify(reply)}`);
  return elapsed;
}

const unknown: number[] = [];
const wrong: number[] = [];
for (let i = 0; i < 10; i++) await timeLogin(`1380000${String(i).padStart(4, '0')}`); // warm-up
for (let i = 0; i < ROUNDS; i++) {
  // Interleaved, so that drift in the machine's load falls on both alike.
  unknown.push(await timeLogin(`1390000${String(i).padStart(4, '0')}`));
  wrong.push(await timeLogin(registered[i % ACCOUNTS] ?? ''));
}
await app.close();

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const row = (name: string, values: number[]) =>
  `${name.padEnd(16)} ${[0.1, 0.5, 0.9, 0.99].map((q) => quantile(values, q).toFixed(2).padStart(8)).join(' ')}`;
console.log(`login latency (ms) over ${ROUNDS} interleaved rounds, argon2id m=19456 t=2 p=1`);
console.log(`${''.padEnd(16)} ${['p10', 'p50', 'p90', 'p99'].map((h) => h.padStart(8)).join(' ')}`);
console.log(row('unknown phone', unknown));
console.log(row('wrong password', wrong));
const ratio = quantile(unknown, 0.5) / quantile(wrong, 0.5);
console.log(
  `median ratio unknown/wrong: ${ratio.toFixed(3)} (${Math.abs(ratio - 1) <= 0.1 ? 'within' : 'NOT within'} 10%)`,
);
