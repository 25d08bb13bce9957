import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

/**
 * What search engines show under each page's title (the pages are in Chinese first; the
 * scripts put the reader's language in afterwards, but crawlers read the HTML as sent).
 * A page not named here gets SITE_DESCRIPTION.
 */
export const SITE_DESCRIPTION = 'Medicine 医疗服务：用手机号注册和登录，找到经过审核的医生。';
export const PAGE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  index: SITE_DESCRIPTION,
  register: '用手机号注册 Medicine 医疗服务账号，患者和医生都可以注册，医生需经管理员审核。',
  login: '用手机号和密码或短信验证码登录 Medicine 医疗服务。',
  reset: '忘记密码时，用手机号和短信验证码重新设置 Medicine 医疗服务的登录密码。',
  account: '查看和修改您的 Medicine 医疗服务账号资料、登录设备和账号记录。',
  experts: '浏览 Medicine 医疗服务中经过审核的医生及其专业和职称。',
  expert: 'Medicine 医疗服务中一位经过审核的医生的资料。',
  admin: 'Medicine 医疗服务管理后台：审核医生资格，管理账号。',
  '404': '您要找的页面不存在。回到 Medicine 医疗服务首页继续浏览。',
};

const escapeAttribute = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Puts in every page's <head>, unless the page has its own: a meta description and the
 * icons (favicon.svg, and apple-touch-icon.png for a phone's home screen).
 */
export function headMeta(): Plugin {
  return {
    name: 'medicine-head-meta',
    transformIndexHtml: {
      order: 'pre',
      handler(html, { filename }) {
        const page = path.basename(filename, '.html');
        const tags: string[] = [];
        if (!/<meta\s+name="description"/.test(html)) {
          const description = PAGE_DESCRIPTIONS[page] ?? SITE_DESCRIPTION;
          tags.push(`<meta name="description" content="${escapeAttribute(description)}" />`);
        }
        if (!/<link\s+rel="icon"/.test(html))
          tags.push('<link rel="icon" href="/favicon.svg" type="image/svg+xml" />');
        if (!/<link\s+rel="apple-touch-icon"/.test(html))
          tags.push('<link rel="apple-touch-icon" href="/apple-touch-icon.png" />');
        if (tags.length === 0) return html;
        return html.replace(/^([ \t]*)(<title[\s\S]*?<\/title>)/m, (_, indent: string, title: string) =>
          [title, ...tags].map((line, i) => (i === 0 ? indent + line : `\n${indent}${line}`)).join(''),
        );
      },
    },
  };
}

/** Text files worth compressing; images (PNG, JPEG) are compressed already. */
const COMPRESSIBLE = /\.(?:html|js|mjs|css|svg|json|webmanifest|txt|map)$/;
/** Below this a compressed copy saves less than its HTTP overhead. */
const MIN_BYTES = 256;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/**
 * Writes `file.br` (brotli, best quality) and `file.gz` (gzip, level 9) beside each text
 * file of the build, which the server sends as the browser accepts (@fastify/static's
 * preCompressed): compressed once here rather than on every request.
 */
export function precompress(outDir: string): Plugin {
  return {
    name: 'medicine-precompress',
    apply: 'build',
    closeBundle: {
      order: 'post',
      handler() {
        for (const file of filesUnder(outDir)) {
          if (!COMPRESSIBLE.test(file)) continue;
          const content = fs.readFileSync(file);
          if (content.length < MIN_BYTES) continue;
          fs.writeFileSync(
            `${file}.br`,
            zlib.brotliCompressSync(content, {
              params: {
                [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
                [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length,
              },
            }),
          );
          fs.writeFileSync(`${file}.gz`, zlib.gzipSync(content, { level: 9 }));
        }
      },
    },
  };
}
