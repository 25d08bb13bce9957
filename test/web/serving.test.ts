import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { after, before, describe, it } from 'node:test';
import type { App } from '../../src/app.js';
import errorReplies from '../../src/http/plugins/errors.js';
import webPages from '../../src/http/plugins/web-pages.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buildPagesIfStale } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = path.join(ROOT, 'web', 'dist');

const get = (app: App, url: string) => app.inject({ method: 'GET', url });

describe('the server serves the built pages', () => {
  let t: TestApp;
  before(async () => {
    buildPagesIfStale();
    t = await startTestApp();
  });
  after(() => t?.close());

  it('serves home, register and login as Chinese HTML pages at clean addresses', async () => {
    for (const [url, title] of [
      ['/', 'Medicine 医疗服务'],
      ['/register', '注册 - Medicine 医疗服务'],
      ['/login', '登录 - Medicine 医疗服务'],
      ['/login.html', '登录 - Medicine 医疗服务'],
    ] as const) {
      const response = await get(t.app, url);
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8', url);
      assert.ok(response.body.includes('<html lang="zh-CN">'), url);
      // Chinese without script; the page's script puts it in English for an English reader.
      assert.match(response.body, new RegExp(`<title data-i18n="\\w+">${title}</title>`), url);
      assert.equal(response.headers['cache-control'], 'no-cache', `${url} is revalidated`);
    }
  });

  it('sends a Content-Security-Policy that allows only the server’s own scripts, styles and images', async () => {
    const response = await get(t.app, '/register');
    const csp = String(response.headers['content-security-policy']);
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
    );
    for (const name of ['default-src', 'script-src', 'style-src', 'img-src', 'connect-src']) {
      assert.equal(directives.get(name), "'self'", name);
    }
    assert.equal(directives.get('object-src'), "'none'");
    assert.equal(directives.get('frame-ancestors'), "'none'");
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['referrer-policy'], 'same-origin');
  });

  it('the built pages need nothing the policy forbids: no inline script or style, nothing from elsewhere', () => {
    for (const file of readdirSync(DIST).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(path.join(DIST, file), 'utf8');
      assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, `${file}: inline <script>`);
      assert.doesNotMatch(html, /<style|\sstyle=/, `${file}: inline style`);
      assert.doesNotMatch(html, /\s(?:src|href)="(?:https?:)?\/\//, `${file}: a resource from another site`);
      assert.doesNotMatch(html, /\son[a-z]+=/, `${file}: an inline event handler`);
    }
  });

  it('content-hashed assets are cached for a year; the pages link only to ones that exist', async () => {
    const html = (await get(t.app, '/register')).body;
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')));
    for (const asset of assets) {
      const response = await get(t.app, asset);
      assert.equal(response.statusCode, 200, asset);
      assert.match(String(response.headers['cache-control']), /max-age=31536000.*immutable/, asset);
    }
  });

  it('an unknown page is a Chinese HTML 404 page; an unknown API route is still JSON', async () => {
    const page = await get(t.app, '/no-such-page');
    assert.equal(page.statusCode, 404);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.ok(page.body.includes('页面不存在'));

    const api = await get(t.app, '/api/1.0/no-such-route');
    assert.equal(api.statusCode, 404);
    assert.deepEqual(api.json(), { re_code: '4201', msg: '接口不存在', reason: 'routeNotFound' });
    const wrongMethod = await get(t.app, '/api/1.0/register');
    assert.equal(wrongMethod.statusCode, 405);
    assert.equal(wrongMethod.json().re_code, '4201');
    const bare = await get(t.app, '/api');
    assert.equal(bare.statusCode, 404);
    assert.equal(bare.json().re_code, '4201');
  });

  it('serves nothing outside web/dist and no dotfiles', async () => {
    for (const url of [
      '/.build-stamp',
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/..%5c..%5cpackage.json',
    ]) {
      const response = await get(t.app, url);
      assert.equal(response.statusCode, 404, url);
      assert.ok(!response.body.includes('"name": "medicine-api"'), url);
    }
  });
});

describe('without built pages', () => {
  let app: ReturnType<typeof Fastify>;
  let warnings: string[];
  before(async () => {
    warnings = [];
    const missing = mkdtempSync(path.join(tmpdir(), 'medicine-no-dist-'));
    rmSync(missing, { recursive: true });
    app = Fastify({
      logger: {
        level: 'warn',
        stream: { write: (line: string) => void warnings.push(JSON.parse(line).msg as string) },
      },
    });
    await app.register(errorReplies);
    app.get('/api/1.0/ping', async () => ({ re_code: '0', msg: 'pong' }));
    await app.register(webPages, { distDir: missing });
    await app.ready();
  });
  after(() => app?.close());

  it('the API keeps working, pages answer a 503 page, and a warning says how to build them', async () => {
    assert.deepEqual((await app.inject({ url: '/api/1.0/ping' })).json(), { re_code: '0', msg: 'pong' });
    const unknown = await app.inject({ url: '/api/1.0/nope' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().re_code, '4201');
    for (const url of ['/', '/register']) {
      const page = await app.inject({ url });
      assert.equal(page.statusCode, 503, url);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.ok(page.body.includes('页面暂不可用'));
      assert.ok(page.body.includes('npm run build:web'));
    }
    assert.ok(
      warnings.some((w) => w.includes('npm run build:web')),
      `warned: ${JSON.stringify(warnings)}`,
    );
  });
});

describe('scripts/build-web-if-stale.mjs (npm start’s prestart)', () => {
  const script = path.join(ROOT, 'scripts', 'build-web-if-stale.mjs');
  const run = () =>
    execFileSync(process.execPath, [script], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const source = path.join(ROOT, 'web', 'index.html');

  it('rebuilds after a source changed, then leaves a fresh build alone', () => {
    buildPagesIfStale();
    const stamp = path.join(DIST, '.build-stamp');
    const builtAt = statSync(stamp).mtimeMs;
    const { atime, mtime } = statSync(source);
    try {
      utimesSync(source, atime, new Date(builtAt + 1000));
      run();
      assert.ok(statSync(stamp).mtimeMs > builtAt, 'a new build');
    } finally {
      utimesSync(source, atime, mtime);
    }
    const before = statSync(stamp).mtimeMs;
    run();
    assert.equal(statSync(stamp).mtimeMs, before, 'no second build');
  });

  it('rebuilds after a module the pages share with the server (src/shared/) changed', () => {
    buildPagesIfStale();
    const stamp = path.join(DIST, '.build-stamp');
    const builtAt = statSync(stamp).mtimeMs;
    const shared = path.join(ROOT, 'src', 'shared', 'profile-fields.ts');
    const { atime, mtime } = statSync(shared);
    try {
      utimesSync(shared, atime, new Date(builtAt + 1000));
      run();
      assert.ok(statSync(stamp).mtimeMs > builtAt, 'a new build');
    } finally {
      utimesSync(shared, atime, mtime);
    }
  });
});
