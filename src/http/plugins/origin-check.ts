import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RET } from '../../ret.js';
import { sendRet } from '../reply.js';
import { SESSION_COOKIE } from '../session-cookie.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether `origin` is the server's own (scheme, host and port, as a browser compares them)
 * or an allowed one. The server's scheme and host are what the client used: the socket's,
 * or a trusted proxy's X-Forwarded-Proto / X-Forwarded-Host (TRUST_PROXY). `URL.origin`
 * drops default ports, so `http://a:80` and `http://a` are one origin.
 */
function sameSite(request: FastifyRequest, origin: string, allowed: ReadonlySet<string>): boolean {
  try {
    const claimed = new URL(origin).origin;
    // Schemes other than http(s) have the opaque origin "null", which matches nothing.
    if (claimed === 'null') return false;
    if (allowed.has(claimed)) return true;
    return claimed === new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return false; // "null", a missing Host and other unreadable origins are not ours
  }
}

/**
 * A bearer token without the session cookie (issue 14) is no credential a browser adds by
 * itself: a page on another site cannot make a request carry it, so there is nothing to forge.
 */
function carriesNoAmbientCredential(request: FastifyRequest): boolean {
  const authorization = request.headers.authorization;
  return (
    authorization !== undefined &&
    /^bearer /i.test(authorization) &&
    request.cookies[SESSION_COOKIE] === undefined
  );
}

/**
 * CSRF guard (contract §2): a state-changing request that a browser says comes from
 * another site is refused. Requests without `Origin` (curl, apps) pass; the cookie's
 * SameSite=Lax covers the older browsers that send none.
 */
async function originCheck(
  app: FastifyInstance,
  options: { allowedOrigins: readonly string[] },
): Promise<void> {
  const allowed = new Set(options.allowedOrigins);
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (
      !STATE_CHANGING.has(request.method) ||
      origin === undefined ||
      carriesNoAmbientCredential(request) ||
      sameSite(request, origin, allowed)
    ) {
      done();
      return;
    }
    // Answering from a hook ends the request here; `done` is not called.
    sendRet(reply, RET.REQERR, 'crossSiteRefused');
  });
}

export default fp(originCheck, { name: 'origin-check' });
