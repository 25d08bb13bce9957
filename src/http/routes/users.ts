import type { FastifyInstance } from 'fastify';
import { RET } from '../../ret.js';
import { sendOk, sendRet } from '../reply.js';
import { retReply } from '../schemas.js';
import { readSessionId, setSessionCookie } from '../session-cookie.js';
import type { RouteOptions } from './options.js';

const nullable = (type: 'string' | 'integer') => ({ type: [type, 'null'] }) as const;

const userReply = {
  ...retReply,
  properties: {
    ...retReply.properties,
    user: {
      type: 'object',
      required: ['user_id', 'name', 'phone', 'types', 'avatar_url', 'age', 'address'],
      properties: {
        user_id: { type: 'integer' },
        name: { type: 'string' },
        phone: { type: 'string' },
        types: { type: 'string', enum: ['patient', 'expert'] },
        avatar_url: nullable('string'),
        age: nullable('integer'),
        address: nullable('string'),
      },
    },
  },
} as const;

/** GET /users — who is logged in (contract §2). */
export default async function usersRoute(app: FastifyInstance, { services, cookie }: RouteOptions) {
  app.get(
    '/users',
    { schema: { summary: 'The logged-in person', response: { 200: userReply } } },
    async (request, reply) => {
      const sessionId = readSessionId(request);
      const session = await services.sessions.resolveSession(sessionId);
      if (session === null) return sendRet(reply, RET.SESSIONERR);
      const user = await services.accounts.getProfile(session.userId);
      if (user === null) return sendRet(reply, RET.SESSIONERR);
      if (session.renewed && sessionId !== undefined) setSessionCookie(reply, sessionId, cookie);
      return sendOk(reply, 'found', { user });
    },
  );
}
