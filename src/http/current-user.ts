import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../services/users.js';
import { RET } from '../ret.js';
import type { Services } from '../services/index.js';
import { SessionService, type ClientInfo } from '../services/sessions.js';
import { sendRet } from './reply.js';
import { readDeviceMarks, readSessionId, setSessionCookie, type CookieSettings } from './session-cookie.js';

export interface LoggedIn {
  user: User;
  /** The session as the database knows it: the SHA-256 of its id (an access token's `sid`). */
  sessionHash: string;
  /** The cookie's session id, when the request came with the cookie rather than a bearer token. */
  sessionId?: string;
}

/** The access token of an `Authorization: Bearer …` header, if there is one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || !/^bearer /i.test(header)) return undefined;
  return header.slice(7).trim();
}

/**
 * The session a request presents: a bearer access token's (verified; the header wins
 * over any cookie), else the session cookie's. Undefined when it presents none that could be.
 */
export async function presentedSession(
  services: Services,
  request: FastifyRequest,
): Promise<{ hash: string; cookieId?: string } | undefined> {
  const token = bearerToken(request);
  if (token !== undefined) {
    const claims = await services.tokens.verifyAccessToken(token);
    return claims === null ? undefined : { hash: claims.sid };
  }
  const cookieId = readSessionId(request);
  const hash = SessionService.hashOf(cookieId);
  return hash === undefined ? undefined : { hash, cookieId };
}

/**
 * The person behind the request's session cookie or bearer token (renewing the cookie
 * when the session was renewed), or null after answering SESSIONERR for the route.
 */
export async function loggedIn(
  services: Services,
  cookie: CookieSettings,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<LoggedIn | null> {
  const presented = await presentedSession(services, request);
  const session = await services.sessions.resolveSessionByHash(presented?.hash);
  if (session === null || session.user.disabled || presented === undefined) {
    sendRet(reply, RET.SESSIONERR);
    return null;
  }
  const { hash, cookieId } = presented;
  if (cookieId === undefined) return { user: session.user, sessionHash: hash };
  if (session.renewed) setSessionCookie(reply, cookieId, cookie);
  return { user: session.user, sessionHash: hash, sessionId: cookieId };
}

/** Who is asking, with the request's logger, for the services. */
export function clientOf(request: FastifyRequest): ClientInfo {
  return {
    ip: request.ip,
    userAgent: request.headers['user-agent'],
    deviceMarks: readDeviceMarks(request),
    log: request.log,
  };
}
