import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../db/user-store.js';
import { RET } from '../ret.js';
import type { Services } from '../services/index.js';
import type { ClientInfo } from '../services/sessions.js';
import { sendRet } from './reply.js';
import { readDeviceMarks, readSessionId, setSessionCookie, type CookieSettings } from './session-cookie.js';

export interface LoggedIn {
  user: User;
  sessionId: string;
}

/**
 * The person behind the request's session cookie (renewing the cookie when the session
 * was renewed), or null after answering SESSIONERR for the route.
 */
export async function loggedIn(
  services: Services,
  cookie: CookieSettings,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<LoggedIn | null> {
  const sessionId = readSessionId(request);
  const session = await services.sessions.resolveSession(sessionId);
  if (session === null || session.user.disabled || sessionId === undefined) {
    sendRet(reply, RET.SESSIONERR);
    return null;
  }
  if (session.renewed) setSessionCookie(reply, sessionId, cookie);
  return { user: session.user, sessionId };
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
