import { fileURLToPath } from 'node:url';

// Where the files the server reads at run time are. This module sits one folder below the
// project root in every form the server runs in: src/paths.ts (sources, through tsx) and
// dist/main.cjs (compiled into one file by scripts/build-server.mjs), so paths are taken
// from here rather than from each module, whose place differs between the two.
const HERE = import.meta.url;
const SOURCES = HERE.endsWith('.ts');

/** The captcha font the project ships. */
export const CAPTCHA_FONT_FILE = fileURLToPath(new URL('../assets/fonts/DejaVuSans-Bold.ttf', HERE));

/** The user agreement and privacy policy templates the project ships (LEGAL_DIR's default). */
export const LEGAL_TEMPLATES_DIR = fileURLToPath(new URL('../legal/', HERE));

/** The built pages (`npm run build:web`). */
export const WEB_DIST_DIR = fileURLToPath(new URL('../web/dist/', HERE));

/** The module a captcha worker thread runs: built beside the server (dist/captcha-worker.cjs), or its source. */
export const CAPTCHA_WORKER_URL = new URL(
  SOURCES ? './captcha/captcha-worker.ts' : './captcha-worker.cjs',
  HERE,
);
