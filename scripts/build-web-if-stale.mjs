// Builds the pages (web/ → web/dist) when they are missing or older than their sources,
// so that `npm start` (its prestart) and the browser tests never serve stale pages.
//
// Fresh means: web/dist/.build-stamp (written by web/vite.config.ts) exists, every entry page is there, and no file under
// web/ (outside dist/) or src/shared/ (the modules the pages share with the server) changed since the last build started. Exit 0 when fresh or built,
// 1 when the build failed. Without vite (an install that omitted devDependencies) it only
// warns: the API still starts, and the server answers page requests with a 503 page.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));
const SHARED_DIR = fileURLToPath(new URL('../src/shared/', import.meta.url));
const DIST_DIR = path.join(WEB_DIR, 'dist');
const STAMP_FILE = path.join(DIST_DIR, '.build-stamp');
const ENTRY_PAGES = ['index.html', 'register.html', 'login.html', '404.html'];
const NOT_SOURCES = new Set(['dist', 'node_modules']);

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (NOT_SOURCES.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtimeMs(full) : fs.statSync(full).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/** Why web/dist needs a build, or null when it is up to date. */
export function staleReason() {
  if (!fs.existsSync(STAMP_FILE)) return 'web/dist has not been built';
  const missing = ENTRY_PAGES.find((page) => !fs.existsSync(path.join(DIST_DIR, page)));
  if (missing !== undefined) return `web/dist/${missing} is missing`;
  const builtAt = fs.statSync(STAMP_FILE).mtimeMs;
  if (newestMtimeMs(WEB_DIR) > builtAt) return 'web/ changed since the last build';
  if (newestMtimeMs(SHARED_DIR) > builtAt) return 'src/shared/ changed since the last build';
  return null;
}

/** Builds web/dist if it is stale; returns what it did. */
export async function buildWebIfStale({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const reason = staleReason();
  if (reason === null) return 'fresh';

  let vite;
  try {
    vite = await import('vite');
  } catch {
    log(`web pages: ${reason}, and vite is not installed (npm install --include=dev); serving without them`);
    return 'skipped';
  }
  log(`web pages: ${reason}; building…`);
  const startedAt = Date.now();
  // web/vite.config.ts writes the stamp, so that `npm run build:web` leaves a fresh build too.
  await vite.build({ configFile: path.join(WEB_DIR, 'vite.config.ts'), logLevel: 'warn' });
  log(`web pages: built into web/dist in ${Date.now() - startedAt} ms`);
  return 'built';
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildWebIfStale();
  } catch (error) {
    process.stderr.write(
      `web pages: build failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
