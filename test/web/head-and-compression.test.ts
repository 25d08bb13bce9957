import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buildPagesIfStale } from './support.js';

const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const decoders = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync } as const;

describe('every page has a description and icons, and comes compressed', () => {
  let t: TestApp;
  let pages: string[];
  before(async () => {
    buildPagesIfStale();
    pages = readdirSync(DIST).filter((file) => file.endsWith('.html'));
    t = await startTestApp();
  });
  after(() => t?.close());

  it('every built page has a meta description, the SVG favicon and an apple-touch-icon that the server serves', async () => {
    assert.ok(pages.length >= 9, pages.join(' '));
    for (const file of pages) {
      const html = readFileSync(path.join(DIST, file), 'utf8');
      const description = /<meta name="description" content="([^"]{20,})"/.exec(html);
      assert.ok(description, `${file} has a meta description`);
      assert.match(html, /<link rel="icon" href="\/favicon\.svg" type="image\/svg\+xml"/, file);
      assert.match(html, /<link rel="apple-touch-icon" href="\/apple-touch-icon\.png"/, file);
    }
    const icon = await t.app.inject({ method: 'GET', url: '/apple-touch-icon.png' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['content-type'], 'image/png');
    assert.equal(icon.rawPayload.readUInt32BE(16), 180, 'the icon is 180 pixels wide');
    assert.equal((await t.app.inject({ method: 'GET', url: '/favicon.svg' })).statusCode, 200);
  });

  it('the pages have different descriptions', () => {
    const descriptions = pages.map(
      (file) =>
        /<meta name="description" content="([^"]*)"/.exec(readFileSync(path.join(DIST, file), 'utf8'))?.[1],
    );
    assert.ok(new Set(descriptions).size >= 9, descriptions.join('\n'));
  });

  for (const encoding of ['br', 'gzip'] as const) {
    it(`pages, scripts and styles come ${encoding}-compressed (precompressed at build) to a browser that accepts it`, async () => {
      const login = await t.app.inject({ method: 'GET', url: '/login' });
      const assets = [...login.body.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map(
        (m) => m[1]!,
      );
      assert.ok(
        assets.some((url) => url.endsWith('.js')) && assets.some((url) => url.endsWith('.css')),
        assets.join(),
      );
      for (const url of ['/', '/login', '/register', '/admin', '/no-such-page', ...assets]) {
        const plain = await t.app.inject({ method: 'GET', url });
        const response = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': encoding } });
        assert.equal(response.statusCode, plain.statusCode, url);
        assert.equal(
          plain.headers['content-encoding'],
          undefined,
          `${url} uncompressed without Accept-Encoding`,
        );
        if (plain.rawPayload.length < 256) {
          // A few bytes (a tiny shared chunk) are not worth compressing: the build keeps no copy.
          assert.equal(response.headers['content-encoding'], undefined, `${url} is too small to compress`);
          continue;
        }
        assert.equal(response.headers['content-encoding'], encoding, url);
        assert.equal(response.headers['content-type'], plain.headers['content-type'], url);
        assert.ok(response.rawPayload.length < plain.rawPayload.length, `${url} is smaller`);
        assert.equal(decoders[encoding](response.rawPayload).toString('utf8'), plain.body, url);
      }
    });
  }

  it('images are not compressed again', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/apple-touch-icon.png',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    assert.equal(response.headers['content-encoding'], undefined);
  });
});
