// `npm run lighthouse`: Lighthouse scores of every page, on a phone (Lighthouse's mobile
// preset) and a desktop, in Debian's Chromium (CHROME_PATH, /usr/bin/chromium by default).
//
// Builds the pages when stale, starts the server in this process on embedded defaults (a
// SQLite file in a temporary DATA_DIR, the in-process store), seeds an admin, a patient and
// a few doctors, and measures the pages that need a login with a live session cookie.
// Writes test-output/lighthouse.json and prints one line per page and preset.
// Performance is timed on this machine: on a loaded one it is noisy, the other three are not.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { type Flags } from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT_FILE = path.join(ROOT, 'test-output', 'lighthouse.json');
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

interface Target {
  name: string;
  path: string;
  /** Measured with the seeded admin's session cookie. */
  loggedIn: boolean;
}

interface Score {
  page: string;
  preset: 'mobile' | 'desktop';
  url: string;
  scores: Record<(typeof CATEGORIES)[number], number | null>;
  /** The failing audits of the three categories that do not depend on the machine's speed. */
  failing: string[];
  /** Why Lighthouse could not measure the page, when it could not. */
  runtimeError?: string;
}

/** Every built page (web/dist/*.html) by its clean address, and again logged in where that changes it. */
function targets(distDir: string, expertId: number): Target[] {
  const pages = fs
    .readdirSync(distDir)
    .filter((file) => file.endsWith('.html'))
    .sort()
    .map((file) => file.replace(/\.html$/, ''));
  const list: Target[] = [];
  for (const page of pages) {
    // Lighthouse scores no page that answers 404: the not-found page is measured under its file name.
    // The documents' page answers at /terms and /privacy, not under its file name.
    const address =
      page === 'index' ? '/' : page === '404' ? '/404.html' : page === 'legal' ? '/terms' : `/${page}`;
    const withQuery = page === 'expert' ? `${address}?id=${expertId}` : address;
    const needsLogin = page === 'account' || page === 'admin';
    list.push({ name: page, path: withQuery, loggedIn: needsLogin });
    if (page === 'index') list.push({ name: 'index (logged in)', path: address, loggedIn: true });
  }
  return list;
}

/** An admin, a patient, two approved doctors and two awaiting approval; returns the admin's and a doctor's ids. */
async function seed(databaseUrl: string): Promise<{ adminId: number; expertId: number }> {
  const db = await connectDatabase(databaseUrl);
  try {
    await migrateToLatest(db);
    const base = { password_hash: 'not-a-hash', created_at: Date.now() };
    const insert = async (row: Record<string, unknown>): Promise<number> => {
      const result = await db
        .insertInto('users')
        .values({ ...base, ...row } as never)
        .executeTakeFirstOrThrow();
      return Number(result.insertId);
    };
    const adminId = await insert({ phone: '13800000001', name: '管理员', types: 'patient', role: 'admin' });
    await insert({ phone: '13800000002', name: '患者', types: 'patient' });
    const expertId = await insert({
      phone: '13800000003',
      name: '张医生',
      types: 'expert',
      expert_status: 'approved',
      major: '内科',
      grade: 'chief',
    });
    await insert({ phone: '13800000004', name: '李医生', types: 'expert', expert_status: 'approved' });
    await insert({ phone: '13800000005', name: '王医生', types: 'expert', expert_status: 'pending' });
    await insert({ phone: '13800000006', name: '赵医生', types: 'expert', expert_status: 'pending' });
    return { adminId, expertId };
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web-if-stale.mjs')], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-lighthouse-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' });
  const { adminId, expertId } = await seed(config.databaseUrl);
  const app = await buildApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address !== 'object') throw new Error('the server has no port');
  const origin = `http://127.0.0.1:${address.port}`;
  const sessionId = await app.services.sessions.startSession(adminId, {
    ip: '127.0.0.1',
    userAgent: 'lighthouse',
  });

  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    chromeFlags: CHROME_FLAGS,
  });
  const results: Score[] = [];
  try {
    for (const preset of ['mobile', 'desktop'] as const) {
      for (const target of targets(path.join(ROOT, 'web', 'dist'), expertId)) {
        const url = `${origin}${target.path}`;
        const flags: Flags = {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: [...CATEGORIES],
          ...(target.loggedIn && { extraHeaders: { Cookie: `session=${sessionId}` } }),
        };
        const run = await lighthouse(url, flags, preset === 'desktop' ? desktopConfig : undefined);
        if (run === undefined) throw new Error(`lighthouse gave no result for ${url}`);
        const { categories, audits, runtimeError } = run.lhr;
        const scores = Object.fromEntries(
          CATEGORIES.map((id) => {
            const score = categories[id]?.score;
            return [id, typeof score === 'number' ? Math.round(score * 100) : null];
          }),
        ) as Score['scores'];
        const failing = CATEGORIES.filter((id) => id !== 'performance').flatMap((id) =>
          (categories[id]?.auditRefs ?? [])
            .filter((ref) => ref.weight > 0 && (audits[ref.id]?.score ?? 1) < 1)
            .map((ref) => `${id}:${ref.id}`),
        );
        const perfHints = ['uses-text-compression', 'image-size-responsive', 'uses-responsive-images']
          .filter((id) => (audits[id]?.score ?? 1) < 1)
          .map((id) => `performance:${id}`);
        const score: Score = {
          page: target.name,
          preset,
          url,
          scores,
          failing: [...failing, ...perfHints],
          ...(runtimeError && { runtimeError: runtimeError.code }),
        };
        results.push(score);
        console.log(line(score));
      }
    }
  } finally {
    chrome.kill();
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
  fs.writeFileSync(
    OUT_FILE,
    `${JSON.stringify({ date: new Date().toISOString(), chrome: CHROME_FLAGS, results }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${path.relative(ROOT, OUT_FILE)}`);
}

function line({ page, preset, scores, failing, runtimeError }: Score): string {
  const figures = CATEGORIES.map((id) => `${id} ${scores[id] ?? '-'}`).join(', ');
  const notes = [...(runtimeError ? [`error ${runtimeError}`] : []), ...failing];
  return `- ${page}, ${preset}: ${figures}${notes.length > 0 ? ` (${notes.join(' ')})` : ''}`;
}

await main();
