import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { COMPRESS_THRESHOLD_BYTES } from '../../src/http/plugins/compression.js';
import { API, startTestApp, type TestApp } from '../helpers/app.js';

const decoders = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync } as const;

describe('API replies are compressed above a threshold, the captcha never', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t?.close());

  for (const encoding of ['br', 'gzip'] as const) {
    it(`a large JSON reply comes ${encoding}-compressed to a client that accepts ${encoding}, and decodes to the same JSON`, async () => {
      const plain = await t.app.inject({ method: 'GET', url: `${API}/openapi.json` });
      assert.ok(plain.rawPayload.length > COMPRESS_THRESHOLD_BYTES, 'the document is a large reply');
      assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding, no compression');
      const response = await t.app.inject({
        method: 'GET',
        url: `${API}/openapi.json`,
        headers: { 'accept-encoding': `${encoding}, identity;q=0.5` },
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-encoding'], encoding);
      assert.match(String(response.headers.vary), /accept-encoding/i);
      assert.ok(response.rawPayload.length < plain.rawPayload.length / 3, 'it is much smaller');
      assert.deepEqual(JSON.parse(decoders[encoding](response.rawPayload).toString('utf8')), plain.json());
    });
  }

  it('a small JSON reply goes uncompressed even to a client that accepts brotli', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `${API}/experts`,
      headers: { 'accept-encoding': 'br, gzip' },
    });
    assert.equal(response.statusCode, 200);
    assert.ok(response.rawPayload.length < COMPRESS_THRESHOLD_BYTES);
    assert.equal(response.headers['content-encoding'], undefined);
    assert.equal(response.json().re_code, '0');
  });

  it('the captcha JPEG is never compressed', async () => {
    for (const encoding of ['br', 'gzip', 'br, gzip, deflate']) {
      const response = await t.app.inject({
        method: 'GET',
        url: `${API}/imageCode?uuid=${randomUUID()}`,
        headers: { 'accept-encoding': encoding },
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], 'image/jpeg');
      assert.equal(response.headers['content-encoding'], undefined, encoding);
      assert.deepEqual([...response.rawPayload.subarray(0, 2)], [0xff, 0xd8], 'a JPEG as it was drawn');
    }
  });
});
