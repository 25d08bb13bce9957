import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WEB_DIST_DIR } from '../../paths.js';

/** Pages are not API operations: they stay out of the OpenAPI document. */
const PAGE_ROUTE = { schema: { hide: true } };

/** Where `npm run build:web` (or `npm start`'s prestart) puts the pages. */
export const DEFAULT_DIST_DIR = WEB_DIST_DIR;

export interface WebPagesOptions {
  /** The built pages; tests point this elsewhere. */
  distDir?: string;
}

/** Clean addresses for the pages; every page is also served under its file name. */
const PAGES: Readonly<Record<string, string>> = {
  '': 'index.html',
  register: 'register.html',
  login: 'login.html',
  reset: 'reset.html',
  account: 'account.html',
  experts: 'experts.html',
  expert: 'expert.html',
  admin: 'admin.html',
  // Issue 15: one page shows either document, by its address.
  terms: 'legal.html',
  privacy: 'legal.html',
};

/** Only the server's own files: Vite emits no inline script or style, and the captcha is an /api image. */
const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'"],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Shown while web/dist is missing; self-contained, since there is nothing else to load. */
const UNBUILT_PAGE = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>页面暂不可用 - Medicine 医疗服务</title></head>
<body>
<main>
<h1>页面暂不可用</h1>
<p>网页还没有构建，请稍后再试。</p>
<p lang="en">The web pages have not been built: run <code>npm run build:web</code> and restart the server. The API under /api/1.0 works.</p>
</main>
</body>
</html>
`;

const isApiPath = (urlPath: string): boolean => urlPath === '/api' || urlPath.startsWith('/api/');

/**
 * The file under `distDir` that `urlPath` names, relative to it, or null: no dotfiles,
 * no `..`, nothing outside `distDir`, only regular files.
 */
async function builtFile(distDir: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment.startsWith('.'))) return null;
  const joined = segments.join('/');
  const file = PAGES[joined] ?? joined;
  try {
    return (await fs.stat(path.join(distDir, file))).isFile() ? file : null;
  } catch {
    return null;
  }
}

/**
 * Serves the built pages of web/ at `/` with security headers (a CSP that allows only
 * the server's own scripts, styles and images). Paths under /api are never answered
 * here: they fall through to the API's JSON 404. Without a build, the API still works
 * and pages answer 503.
 */
export default async function webPages(app: FastifyInstance, options: WebPagesOptions = {}): Promise<void> {
  const distDir = options.distDir ?? DEFAULT_DIST_DIR;

  // Registered inside this plugin, helmet's headers go on the pages only, not on API replies.
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    // Not helmet's no-referrer: with it a browser may send `Origin: null` on a same-origin POST, which the Origin check refuses.
    referrerPolicy: { policy: 'same-origin' },
  });

  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn(
      { distDir },
      'web pages are not built (run `npm run build:web`); pages answer 503, the API is unaffected',
    );
    const unbuilt = async (request: FastifyRequest, reply: FastifyReply) => {
      if (isApiPath(pathOf(request))) return reply.callNotFound();
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(UNBUILT_PAGE);
    };
    app.get('/', PAGE_ROUTE, unbuilt);
    app.get('/*', PAGE_ROUTE, unbuilt);
    return;
  }

  // The build writes a .br and a .gz beside each text file (web/precompress.ts): sent as the browser accepts, never compressed per request.
  await app.register(fastifyStatic, { root: distDir, serve: false, preCompressed: true });

  const servePage = async (request: FastifyRequest, reply: FastifyReply) => {
    const urlPath = pathOf(request);
    if (isApiPath(urlPath)) return reply.callNotFound();
    const file = await builtFile(distDir, urlPath);
    if (file === null) {
      return reply
        .code(404)
        .header('cache-control', 'no-store')
        .sendFile('404.html', { cacheControl: false });
    }
    // Vite names assets by their content, so they never change; pages are revalidated on every visit.
    if (file.startsWith('assets/')) return reply.sendFile(file, { maxAge: '365d', immutable: true });
    return reply.header('cache-control', 'no-cache').sendFile(file, { cacheControl: false });
  };
  app.get('/', PAGE_ROUTE, servePage);
  app.get('/*', PAGE_ROUTE, servePage);
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/';
}
