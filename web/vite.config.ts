import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { headMeta, precompress } from './build-plugins.js';
import { includePartials, PARTIALS_DIR } from './partials/include.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const page = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

/**
 * Writes web/dist/.build-stamp, dated when the build started, which
 * scripts/build-web-if-stale.mjs compares with the sources: a file saved during a build
 * leaves the result stale.
 */
function buildStamp(): Plugin {
  let startedAt = new Date();
  return {
    name: 'medicine-build-stamp',
    apply: 'build',
    buildStart() {
      startedAt = new Date();
    },
    closeBundle() {
      const stamp = page('dist/.build-stamp');
      fs.writeFileSync(stamp, `${startedAt.toISOString()}\n`);
      fs.utimesSync(stamp, startedAt, startedAt);
    },
  };
}

/**
 * The markup pages share, put in at `<!-- partial: name.html key="value" -->`
 * (web/partials/include.ts), in the build and in the dev server, which reloads the
 * pages when a partial changes (no module imports one, so Vite would not know).
 */
function partials(): Plugin {
  return {
    name: 'medicine-partials',
    transformIndexHtml: { order: 'pre', handler: includePartials },
    handleHotUpdate({ file, server }) {
      if (!path.resolve(file).startsWith(PARTIALS_DIR)) return;
      server.ws.send({ type: 'full-reload' });
      return [];
    },
  };
}

/**
 * Marks the pages' module scripts `blocking="render"`: the browser paints nothing until
 * the script has run, and the script's first act is to put the texts in the reader's
 * language (web/src/localize.ts), so an English reader never sees the Chinese of the
 * HTML flash by. A browser that does not know the attribute simply paints earlier.
 * Vite writes the built <script> tags itself, so the attribute is added to its output.
 */
function renderBlockingScripts(): Plugin {
  return {
    name: 'medicine-render-blocking-scripts',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => html.replace(/<script type="module"(?![^>]*\bblocking=)/g, '$& blocking="render"'),
    },
  };
}

/**
 * Builds the pages of web/ into web/dist, which src/http/plugins/web-pages.ts serves.
 * `npx vite --config web/vite.config.ts` serves them live, the API proxied to a server on :5000.
 */
export default defineConfig({
  root,
  base: '/',
  appType: 'mpa',
  plugins: [partials(), headMeta(), renderBlockingScripts(), buildStamp(), precompress(page('dist'))],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Nothing inline: the Content-Security-Policy allows only the server's own script and style files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: {
        index: page('index.html'),
        register: page('register.html'),
        login: page('login.html'),
        reset: page('reset.html'),
        account: page('account.html'),
        experts: page('experts.html'),
        expert: page('expert.html'),
        admin: page('admin.html'),
        legal: page('legal.html'),
        notFound: page('404.html'),
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
});
