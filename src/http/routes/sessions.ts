import type { FastifyInstance } from 'fastify';
import { RET } from '../../ret.js';
import { sendFailure, sendOk, sendRet } from '../reply.js';
import { phoneField, requiredString, retReplies } from '../schemas.js';
import { clearSessionCookie, readSessionId, setSessionCookie } from '../session-cookie.js';
import type { RouteOptions } from './options.js';

interface LoginBody {
  phone: string;
  password: string;
}

/** POST /sessions logs in, DELETE /sessions logs out — contract §2. */
export default async function sessionsRoutes(app: FastifyInstance, { services, cookie }: RouteOptions) {
  app.post<{ Body: LoginBody }>(
    '/sessions',
    {
      schema: {
        summary: 'Log in',
        body: {
          type: 'object',
          required: ['phone', 'password'],
          examples: [{ phone: '13812345678', password: 'a long password' }],
          properties: { phone: phoneField, password: requiredString(1024) },
        },
        response: retReplies(
          { re_code: '0', msg: '登陆成功' },
          { re_code: '4102', msg: '手机号或密码错误' },
          { re_code: '4201', msg: '登录失败次数过多，请 600 秒后再试' },
        ),
        security: [],
      },
    },
    async (request, reply) => {
      const client = { ip: request.ip, userAgent: request.headers['user-agent'] };
      const result = await services.accounts.logIn(request.body, client);
      if (!result.ok) return sendFailure(reply, result);
      // The id a client presented is never kept: it is destroyed and a new one issued.
      await services.sessions.endSession(readSessionId(request));
      setSessionCookie(reply, result.value.sessionId, cookie);
      return sendOk(reply, 'loggedIn');
    },
  );

  const logOutSchema = {
    summary: 'Log out',
    response: retReplies({ re_code: '0', msg: '退出成功' }, { re_code: '4101', msg: '用户未登录' }),
    security: [{ session: [] }],
  };
  app.delete('/sessions', { schema: logOutSchema }, async (request, reply) => {
    const ended = await services.sessions.endSession(readSessionId(request));
    if (!ended) return sendRet(reply, RET.SESSIONERR);
    clearSessionCookie(reply, cookie);
    return sendOk(reply, 'loggedOut');
  });
}
