import fastifyCompress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Below this many bytes a reply goes as it is: most API replies are a few hundred bytes,
 * where compressing saves less than it costs (see bench/compression.ts for the CPU cost).
 */
export const COMPRESS_THRESHOLD_BYTES = 1024;

/** JSON only: the captcha JPEG is compressed already, and the pages are compressed at build time. */
const COMPRESSIBLE = /^application\/(?:[\w.+-]+\+)?json\b/;

/**
 * Compresses the API's JSON replies of COMPRESS_THRESHOLD_BYTES or more, with brotli
 * (quality 4, the plugin's default) or gzip as the client accepts. Registered in the API's
 * scope; the pages are pre-compressed files (web/precompress.ts, web-pages.ts).
 */
export default fp(
  async function compression(app: FastifyInstance): Promise<void> {
    await app.register(fastifyCompress, {
      encodings: ['br', 'gzip'],
      threshold: COMPRESS_THRESHOLD_BYTES,
      customTypes: COMPRESSIBLE,
      // Requests are not decompressed: bodies are small JSON, and an inflated body would dodge BODY_LIMIT_BYTES.
      globalDecompression: false,
    });
  },
  { name: 'medicine-compression' },
);
