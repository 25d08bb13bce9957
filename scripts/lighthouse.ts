// `npm run lighthouse`: Lighthouse scores of every page, on a phone (Lighthouse's mobile
// preset) and a desktop, in Debian's Chromium (CHROME_PATH, /usr/bin/chromium by default).
//
// Builds the pages when stale, starts the server in this process on embedded defaults (a
// SQLite file in a temporary DATA_DIR, the in-process store), seeds an admin, a patient and
// a few doctors, and measures the pages that need a login with a live session cookie.
// Writes test-output/lighthouse.json and prints one line per page and preset: the four scores
// and the five timings behind performance. `--only account,legal` measures just those pages,
// `--preset desktop` just one preset (the JSON then holds only what was measured).
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
  /** The timings behind the performance score (ms; CLS unitless), to say what a low score comes from. */
  metrics: Record<(typeof METRICS)[number], number | null>;
  /** Why Lighthouse could not measure the page, when it could not. */
  runtimeError?: string;
}

/** The five metrics Lighthouse 12 weighs into the performance score. */
const METRICS = [
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
] as const;
const METRIC_SHORT: Record<(typeof METRICS)[number], string> = {
  'first-contentful-paint': 'FCP',
  'largest-contentful-paint': 'LCP',
  'total-blocking-time': 'TBT',
  'cumulative-layout-shift': 'CLS',
  'speed-index': 'SI',
};

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

/** `--only a,b` and `--preset mobile|desktop`; anything else stops with a usage line. */
function parseArguments(argv: string[]): { only: Set<string> | null; presets: ('mobile' | 'desktop')[] } {
  let only: Set<string> | null = null;
  let presets: ('mobile' | 'desktop')[] = ['mobile', 'desktop'];
  for (let i = 0; i < argv.length; i += 1) {
    const value = argv[i + 1];
    if (argv[i] === '--only' && value !== undefined) {
      only = new Set(value.split(',').map((name) => name.trim()));
      i += 1;
    } else if (argv[i] === '--preset' && (value === 'mobile' || value === 'desktop')) {
      presets = [value];
      i += 1;
    } else {
      throw new Error('usage: npm run lighthouse -- [--only page,page] [--preset mobile|desktop]');
    }
  }
  return { only, presets };
}

async function main(): Promise<void> {
  const { only, presets } = parseArguments(process.argv.slice(2));
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
    for (const preset of presets) {
      for (const target of targets(path.join(ROOT, 'web', 'dist'), expertId)) {
        if (only !== null && !only.has(target.name.replace(/ \(logged in\)$/, ''))) continue;
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
        const metrics = Object.fromEntries(
          METRICS.map((id) => [id, audits[id]?.numericValue ?? null]),
        ) as Score['metrics'];
        const score: Score = {
          page: target.name,
          preset,
          url,
          scores,
          metrics,
          failing: [...failing, ...perfHints, ...layoutShifts(audits['layout-shifts'])],
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

/** The elements that moved the most (Lighthouse's `layout-shifts` audit), as `shift:<selector>=<score>`. */
function layoutShifts(audit: { details?: unknown } | undefined): string[] {
  const details = audit?.details as
    { items?: { node?: { selector?: string }; score?: number }[] } | undefined;
  return (details?.items ?? [])
    .filter((item) => (item.score ?? 0) >= 0.01)
    .slice(0, 3)
    .map((item) => `shift:${item.node?.selector ?? '?'}=${(item.score ?? 0).toFixed(3)}`);
}

function line({ page, preset, scores, metrics, failing, runtimeError }: Score): string {
  const figures = CATEGORIES.map((id) => `${id} ${scores[id] ?? '-'}`).join(', ');
  const timings = METRICS.map((id) => {
    const value = metrics[id];
    if (value === null) return `${METRIC_SHORT[id]} -`;
    return id === 'cumulative-layout-shift'
      ? `${METRIC_SHORT[id]} ${value.toFixed(3)}`
      : `${METRIC_SHORT[id]} ${Math.round(value)} ms`;
  }).join(', ');
  const notes = [...(runtimeError ? [`error ${runtimeError}`] : []), ...failing];
  return `- ${page}, ${preset}: ${figures}; ${timings}${notes.length > 0 ? ` (${notes.join(' ')})` : ''}`;
}

await main();
