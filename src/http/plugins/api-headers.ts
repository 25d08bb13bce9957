import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** API replies (including 404s for unknown API paths) are data, never pages: nothing may frame, run or cache them. */
const API_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['x-content-type-options', 'nosniff'],
  ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'no-referrer'],
  // A route that sets its own Cache-Control replaces this one.
  ['cache-control', 'no-store'],
];

/**
 * Every reply carries its request id (`X-Request-Id`); replies under `prefix` carry the API's
 * fixed security headers too. One onRequest hook with a precomputed list, set before the
 * handler runs (issue 18: no onSend step, no object walked per reply); the pages get
 * helmet's headers instead (web-pages.ts).
 */
async function apiHeaders(app: FastifyInstance, { prefix }: { prefix: string }): Promise<void> {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (request.url.startsWith(prefix)) {
      for (const [name, value] of API_HEADERS) reply.header(name, value);
    }
    done();
  });
}

export default fp(apiHeaders, { name: 'api-headers' });
