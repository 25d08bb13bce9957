import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RET } from '../../ret.js';
import { sendRet } from '../reply.js';
import { SESSION_COOKIE } from '../session-cookie.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameSite(request: FastifyRequest, origin: string, allowed: ReadonlySet<string>): boolean {
  if (allowed.has(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false; // "null" and other unreadable origins are not ours
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
