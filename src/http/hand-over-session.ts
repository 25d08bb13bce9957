import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../messages.js';
import type { Services } from '../services/index.js';
import type { LoggedInAs } from '../services/accounts.js';
import { sendFailure, sendOk } from './reply.js';
import {
  handOverDeviceMarks,
  isApp,
  readSessionId,
  setSessionCookie,
  type CookieSettings,
} from './session-cookie.js';

/**
 * Answers a successful login or registration. A browser gets the session cookie (the id it
 * presented, if any, is destroyed: never kept across a login); an app (`X-Client: app`)
 * gets no cookie at all, but a bearer token pair and its device marks in the body.
 */
export async function handOverSession(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  loggedIn: LoggedInAs,
  cookie: CookieSettings,
  message: MessageKey,
): Promise<FastifyReply> {
  await services.sessions.endSession(readSessionId(request));
  const marks = handOverDeviceMarks(request, reply, loggedIn.deviceMarks, cookie);
  if (!isApp(request)) {
    setSessionCookie(reply, loggedIn.sessionId, cookie);
    return sendOk(reply, message, marks);
  }
  const tokens = await services.tokens.startTokenSession(loggedIn.sessionId);
  if (!tokens.ok) return sendFailure(reply, tokens);
  return sendOk(reply, message, { ...marks, tokens: tokens.value });
}
