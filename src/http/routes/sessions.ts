import type { FastifyInstance } from 'fastify';
import { RET } from '../../ret.js';
import { clientOf, loggedIn, presentedSession } from '../current-user.js';
import { handOverSession } from '../hand-over-session.js';
import { sendFailure, sendOk, sendRet } from '../reply.js';
import {
  deviceMarkField,
  loginReplies,
  passwordField,
  phoneField,
  requiredString,
  named,
  retReplies,
  retReply,
} from '../schemas.js';
import { clearSessionCookie } from '../session-cookie.js';
import type { RouteOptions } from './options.js';

interface LoginBody {
  phone: string;
  password?: string;
  phone_code?: string;
  device_mark?: string;
}

export const sessionInfo = {
  type: 'object',
  required: ['id', 'created_at', 'last_used_at', 'ip', 'user_agent', 'current', 'kind'],
  properties: {
    id: { type: 'string' },
    created_at: { type: 'string' },
    last_used_at: { type: 'string' },
    ip: { type: ['string', 'null'] },
    user_agent: { type: ['string', 'null'] },
    current: { type: 'boolean' },
    kind: {
      type: 'string',
      enum: ['browser', 'app'],
      description: 'browser: a cookie session; app: bearer tokens (POST /sessions with X-Client: app)',
    },
  },
} as const;

/**
 * POST /sessions logs in (password, or an SMS code sent for `login`); DELETE /sessions
 * logs out (contract §2), or with `?scope=others` ends every other session; GET /sessions
 * lists one's sessions and DELETE /sessions/:id ends one of them.
 */
export default async function sessionsRoutes(app: FastifyInstance, { services, cookie }: RouteOptions) {
  const sessionList = {
    200: named(app, 'SessionListReply', {
      ...retReply,
      properties: {
        ...retReply.properties,
        sessions: { type: 'array', items: named(app, 'SessionInfo', sessionInfo) },
      },
    }),
  };
  app.post<{ Body: LoginBody }>(
    '/sessions',
    {
      schema: {
        summary: 'Log in with a password or an SMS code',
        operationId: 'logIn',
        body: {
          type: 'object',
          required: ['phone'],
          examples: [
            { phone: '13812345678', password: 'a long password' },
            { phone: '13812345678', phone_code: '003533' },
          ],
          properties: {
            phone: phoneField,
            password: passwordField,
            phone_code: requiredString(16, 'An SMS code sent with purpose "login", instead of the password'),
            device_mark: deviceMarkField,
          },
        },
        response: loginReplies(
          { re_code: '0', msg: '登陆成功' },
          { re_code: '4102', msg: '手机号或密码错误', reason: 'loginFailed' },
          { re_code: '4201', msg: '登录失败次数过多，请 600 秒后再试', reason: 'loginLocked' },
        ),
        security: [],
      },
    },
    async (request, reply) => {
      const { phone, password, phone_code: phoneCode } = request.body;
      if (password === undefined && phoneCode === undefined)
        return sendRet(reply, RET.PARAMERR, 'credentialMissing');
      if (password !== undefined && phoneCode !== undefined)
        return sendRet(reply, RET.PARAMERR, 'passwordOrCode');
      const client = clientOf(request);
      const result =
        password !== undefined
          ? await services.accounts.logIn({ phone, password }, client)
          : await services.accounts.logInWithCode({ phone, phoneCode: phoneCode ?? '' }, client);
      if (!result.ok) return sendFailure(reply, result);
      return handOverSession(services, request, reply, result.value, cookie, 'loggedIn');
    },
  );

  app.delete<{ Querystring: { scope?: 'others' } }>(
    '/sessions',
    {
      schema: {
        summary: 'Log out; with scope=others, end every other session instead',
        operationId: 'logOut',
        querystring: { type: 'object', properties: { scope: { type: 'string', enum: ['others'] } } },
        response: retReplies(
          { re_code: '0', msg: '退出成功' },
          { re_code: '4101', msg: '用户未登录', reason: 'notLoggedIn' },
        ),
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      if (request.query.scope === 'others') {
        const me = await loggedIn(services, cookie, request, reply);
        if (me === null) return reply;
        await services.sessions.endSessionsOf(me.user.id, me.sessionHash);
        return sendOk(reply, 'done');
      }
      const presented = await presentedSession(services, request);
      const result = await services.accounts.logOut(presented?.hash, clientOf(request));
      if (!result.ok) return sendFailure(reply, result);
      if (presented?.cookieId !== undefined) clearSessionCookie(reply, cookie);
      return sendOk(reply, 'loggedOut');
    },
  );

  app.get(
    '/sessions',
    {
      schema: {
        summary: "The person's own sessions",
        operationId: 'listSessions',
        response: sessionList,
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      return sendOk(reply, 'found', {
        sessions: await services.sessions.listSessions(me.user.id, me.sessionHash),
      });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/sessions/:id',
    {
      schema: {
        summary: 'End one of the person’s own sessions',
        operationId: 'endSession',
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$' } } },
        response: retReplies(
          { re_code: '0', msg: '操作成功' },
          { re_code: '4002', msg: '没有这个会话', reason: 'sessionNotFound' },
        ),
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      const ended = await services.sessions.endSessionByHandle(me.user.id, request.params.id);
      return ended ? sendOk(reply, 'done') : sendRet(reply, RET.NODATA, 'sessionNotFound');
    },
  );
}
