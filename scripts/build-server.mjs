// Compiles the server (src/**/*.ts) to JavaScript in dist/, file for file, so that
// production runs plain Node.js: no TypeScript loader at start-up or in memory.
// esbuild only strips types (fast: well under a second); `npm run typecheck` checks them.
// Paths the code finds relative to itself (assets/, web/dist/) sit at the same depth
// from dist/ as from src/, so another output folder must also sit in the project root.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC_DIR = path.join(ROOT, 'src');
const OUT_DIR = path.join(ROOT, 'dist');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Compiles src/ into `outDir` (default dist/), replacing what was there; returns the milliseconds it took. */
export async function buildServer({ outDir = OUT_DIR } = {}) {
  if (path.dirname(path.resolve(outDir)) !== path.resolve(ROOT)) {
    throw new Error(`the output folder must sit in the project root, like src/: ${outDir}`);
  }
  const startedAt = Date.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  await build({
    entryPoints: sources(SRC_DIR),
    outdir: outDir,
    outbase: SRC_DIR,
    format: 'esm',
    platform: 'node',
    target: 'node20',
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
    const ms = await buildServer({ outDir });
    process.stderr.write(`server: compiled src/ into ${path.relative(ROOT, outDir)}/ in ${ms} ms\n`);
  } catch (error) {
    process.stderr.write(`server: build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
