import type { FastifyInstance } from 'fastify';
import { clientOf, loggedIn } from '../current-user.js';
import { sendFailure, sendOk } from '../reply.js';
import { deviceMarkField, passwordField, phoneField, requiredString, retReplies } from '../schemas.js';
import type { RouteOptions } from './options.js';

interface ResetBody {
  phone: string;
  phone_code: string;
  password: string;
  password2: string;
}

interface ChangeBody {
  old_password: string;
  password: string;
  password2: string;
  device_mark?: string;
}

/** POST /passwords/reset (forgotten password, by SMS code) and PUT /passwords (change, logged in). */
export default async function passwordRoutes(app: FastifyInstance, { services, cookie }: RouteOptions) {
  app.post<{ Body: ResetBody }>(
    '/passwords/reset',
    {
      schema: {
        summary: 'Set a new password with an SMS code sent for "reset"; ends every session',
        operationId: 'resetPassword',
        body: {
          type: 'object',
          required: ['phone', 'phone_code', 'password', 'password2'],
          examples: [
            {
              phone: '13812345678',
              phone_code: '003533',
              password: 'a new password',
              password2: 'a new password',
            },
          ],
          properties: {
            phone: phoneField,
            phone_code: requiredString(16),
            password: passwordField,
            password2: passwordField,
          },
        },
        response: retReplies(
          { re_code: '0', msg: '密码重置成功' },
          { re_code: '4104', msg: '该手机号未注册或已停用', reason: 'accountUnknown' },
        ),
      },
    },
    async (request, reply) => {
      const { phone, phone_code: phoneCode, password, password2 } = request.body;
      const result = await services.accounts.resetPassword(
        { phone, phoneCode, password, password2 },
        clientOf(request),
      );
      return result.ok ? sendOk(reply, 'passwordReset') : sendFailure(reply, result);
    },
  );

  app.put<{ Body: ChangeBody }>(
    '/passwords',
    {
      schema: {
        summary: 'Change the password; every other session ends',
        operationId: 'changePassword',
        body: {
          type: 'object',
          required: ['old_password', 'password', 'password2'],
          examples: [
            { old_password: 'a long password', password: 'a new password', password2: 'a new password' },
          ],
          properties: {
            old_password: passwordField,
            password: passwordField,
            password2: passwordField,
            device_mark: deviceMarkField,
          },
        },
        response: retReplies(
          { re_code: '0', msg: '密码修改成功' },
          { re_code: '4106', msg: '原密码错误', reason: 'oldPasswordWrong' },
        ),
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      const { old_password: oldPassword, password, password2 } = request.body;
      const result = await services.accounts.changePassword(
        me.user.id,
        me.sessionHash,
        { oldPassword, password, password2 },
        clientOf(request),
      );
      return result.ok ? sendOk(reply, 'passwordChanged') : sendFailure(reply, result);
    },
  );
}
