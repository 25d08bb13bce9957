// Compiles the server into dist/: dist/main.cjs (the server and the pure-JavaScript
// packages it uses, in one file) and dist/captcha-worker.cjs (what a captcha thread runs),
// so that production runs plain Node.js: no TypeScript loader, and one file to load
// instead of several hundred (start-up ~0.45 s instead of ~0.6 s compiled file for file,
// ~1.15 s through tsx). esbuild only strips types; `npm run typecheck` checks them.
// Packages that find files of their own at run time (native addons, static assets,
// worker scripts) stay in node_modules. Both outputs sit one folder below the project
// root, like src/paths.ts, which the paths the server reads are taken from.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = path.join(ROOT, 'dist');

const KEEP_IN_NODE_MODULES = [
  // native addons
  'better-sqlite3',
  'argon2',
  '@napi-rs/canvas',
  '@julusian/jpeg-turbo',
  'pg-native',
  // read their own files or start their own worker scripts
  '@fastify/static',
  '@fastify/swagger-ui',
  '@fastify/swagger',
  'piscina',
  'pino',
  // SMS providers: loaded only when configured (createRequire)
  '@alicloud/*',
  'tencentcloud-sdk-nodejs-sms',
  'twilio',
];

// CommonJS, not ES modules: loading an ES module reads its files on libuv's thread pool,
// which fixes the pool's size before src/main.ts can set it (UV_THREADPOOL_SIZE);
// `import.meta.url` becomes the built file's own URL.
const BANNER = "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;";

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtimeMs(full) : fs.statSync(full).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/** Why dist/ needs a build, or null when it is newer than every source and the installed packages. */
export function staleReason(outDir = OUT_DIR) {
  const built = path.join(outDir, 'main.cjs');
  if (!fs.existsSync(built) || !fs.existsSync(path.join(outDir, 'captcha-worker.cjs'))) {
    return `${path.relative(ROOT, outDir)}/ has not been built`;
  }
  const builtAt = fs.statSync(built).mtimeMs;
  if (newestMtimeMs(path.join(ROOT, 'src')) > builtAt) return 'src/ changed since the last build';
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > builtAt)
    return 'packages changed since the last build';
  return null;
}

/** Compiles src/ into `outDir` (default dist/, which must sit in the project root); returns the milliseconds it took. */
export async function buildServer({ outDir = OUT_DIR } = {}) {
  if (path.dirname(path.resolve(outDir)) !== path.resolve(ROOT)) {
    throw new Error(`the output folder must sit in the project root, like src/: ${outDir}`);
  }
  const startedAt = Date.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  await build({
    entryPoints: {
      main: path.join(ROOT, 'src', 'main.ts'),
      'captcha-worker': path.join(ROOT, 'src', 'captcha', 'captcha-worker.ts'),
    },
    outdir: outDir,
    bundle: true,
    external: KEEP_IN_NODE_MODULES,
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    define: { 'import.meta.url': '__importMetaUrl' },
    platform: 'node',
    target: 'node20',
    banner: { js: BANNER },
    // Without comments and indentation. esbuild writes the code itself in ASCII, but kept
    // the packages' comments with their non-ASCII characters (a dash, a name), and one such
    // character makes V8 hold the whole 5.4 MB source at two bytes per character (the idle
    // server's anonymous memory: 84 MB then, 73 now). The licence comments go to
    // main.cjs.LEGAL.txt; the source map still leads from a position in a stack trace back
    // to the line it came from.
    minifyWhitespace: true,
    legalComments: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return Date.now() - startedAt;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    // `--out-dir <folder in the project root>`: elsewhere than dist/ (the tests build their own).
    const at = process.argv.indexOf('--out-dir');
    const outDir = at === -1 ? OUT_DIR : path.resolve(process.argv[at + 1] ?? '');
    // `--if-stale` (npm start): only when a source or a package changed since the last build.
    if (process.argv.includes('--if-stale') && staleReason(outDir) === null) process.exit(0);
    const ms = await buildServer({ outDir });
    process.stderr.write(`server: compiled src/ into ${path.relative(ROOT, outDir)}/ in ${ms} ms\n`);
  } catch (error) {
    process.stderr.write(`server: build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
