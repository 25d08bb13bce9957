// `npm run bench:altcha [solves per level] [highest level]`: how long a mid-range phone takes
// to solve the ALTCHA challenge at each difficulty level (issue 12; the table in SECURITY.md).
//
// Headless Chromium with its CPU slowed 4× (DevTools' Emulation.setCPUThrottlingRate, the
// usual stand-in for a mid-range phone) runs, in the page, the loop the widget's PBKDF2
// worker runs: WebCrypto PBKDF2-SHA-256 for counter 0, 1, 2, … until the derived key starts
// with the signed prefix. On one thread: the widget spreads the counters over the phone's
// cores in workers, so a phone with several free cores is faster than this.
// Challenges are drawn as the service draws them (src/services/altcha.ts, the default work).
import { randomInt } from 'node:crypto';
import { createChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { chromium } from 'playwright-core';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { ALTCHA_ALGORITHM, DEFAULT_ALTCHA_WORK, counterRange } from '../src/services/altcha.js';

const SOLVES = Number(process.argv[2] ?? 10);
const HIGHEST = Number(process.argv[3] ?? 4);
const THROTTLE = Number(process.env.CPU_THROTTLE ?? 4);

const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: 'sqlite::memory:',
  MEDICINE_SECRET: 'bench-secret-bench-secret-bench-secret-00',
  LOG_LEVEL: 'silent',
});
const app = await buildApp(config);
const origin = await app.listen({ host: '127.0.0.1', port: 0 });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const page = await browser.newPage();
await page.goto(`${origin}/healthz`);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });

/** The widget's solver loop (altcha/workers/pbkdf2), run on the page's main thread. */
const SOLVE = `async (parameters) => {
  const hex = (h) => Uint8Array.from(h.match(/../g).map((b) => parseInt(b, 16)));
  const nonce = hex(parameters.nonce), salt = hex(parameters.salt), prefix = hex(parameters.keyPrefix);
  const password = new Uint8Array(nonce.length + 4);
  password.set(nonce);
  const view = new DataView(password.buffer);
  const start = performance.now();
  for (let counter = 0; ; counter++) {
    view.setUint32(nonce.length, counter, false);
    const key = await crypto.subtle.importKey('raw', password, { name: 'PBKDF2' }, false, ['deriveBits']);
    const bits = new Uint8Array(await crypto.subtle.deriveBits(
      { name: 'PBKDF2', salt, iterations: parameters.cost, hash: 'SHA-256' }, key, parameters.keyLength * 8));
    if (prefix.every((byte, i) => bits[i] === byte)) return { counter, ms: performance.now() - start };
  }
}`;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;

console.log(
  `ALTCHA solve times, Chromium ${browser.version()}, CPU throttled ${THROTTLE}×, ` +
    `PBKDF2-SHA-256 cost ${DEFAULT_ALTCHA_WORK.cost}, base work ${DEFAULT_ALTCHA_WORK.baseWork}, ${SOLVES} solves per level`,
);
console.log('| level | tries (range) | median | p90 | max |');
console.log('| ----- | ------------- | ------ | --- | --- |');
for (let level = 0; level <= HIGHEST; level++) {
  const times: number[] = [];
  for (let i = 0; i < SOLVES; i++) {
    const challenge = await challengeAt(level);
    const result = (await page.evaluate(`(${SOLVE})(${JSON.stringify(challenge)})`)) as { ms: number };
    times.push(result.ms);
  }
  times.sort((a, b) => a - b);
  const { min, max } = counterRange(level, DEFAULT_ALTCHA_WORK.baseWork);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `| ${level} | ${min}–${max} | ${s(quantile(times, 0.5))} | ${s(quantile(times, 0.9))} | ${s(times.at(-1) ?? NaN)} |`,
  );
}

await browser.close();
await app.close();

/** A challenge as the service draws it at `level` (same algorithm, cost and counter range). */
async function challengeAt(level: number): Promise<unknown> {
  const { min, max } = counterRange(level, DEFAULT_ALTCHA_WORK.baseWork);
  const challenge = await createChallenge({
    algorithm: ALTCHA_ALGORITHM,
    cost: DEFAULT_ALTCHA_WORK.cost,
    counter: randomInt(min, max + 1),
    deriveKey,
  });
  return challenge.parameters;
}
