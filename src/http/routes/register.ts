import type { FastifyInstance } from 'fastify';
import type { AccountType } from '../../services/users.js';
import { ACCOUNT_TYPES } from '../../services/accounts.js';
import { clientOf } from '../current-user.js';
import { handOverSession } from '../hand-over-session.js';
import { sendFailure } from '../reply.js';
import { deviceMarkField, loginReplies, phoneField, requiredString } from '../schemas.js';
import type { RouteOptions } from './options.js';

interface Body {
  phone: string;
  phone_code: string;
  password: string;
  password2: string;
  types?: AccountType;
  device_mark?: string;
  agree?: string;
}

/** POST /register — contract §2: create a patient or doctor account and log it in. */
export default async function registerRoute(app: FastifyInstance, { services, cookie }: RouteOptions) {
  app.post<{ Body: Body }>(
    '/register',
    {
      schema: {
        summary: 'Register a patient or a doctor',
        operationId: 'register',
        body: {
          type: 'object',
          required: ['phone', 'phone_code', 'password', 'password2'],
          examples: [
            {
              phone: '13812345678',
              phone_code: '003533',
              password: 'a long password',
              password2: 'a long password',
            },
            {
              phone: '13812345678',
              phone_code: '003533',
              password: 'a long password',
              password2: 'a long password',
              types: 'expert',
            },
          ],
          properties: {
            phone: phoneField,
            phone_code: requiredString(16, 'The SMS code'),
            password: requiredString(1024, 'The password; the length rule is checked after the phone'),
            password2: requiredString(1024, 'The password again'),
            types: { type: 'string', enum: ACCOUNT_TYPES, default: 'patient' },
            device_mark: deviceMarkField,
            agree: requiredString(
              80,
              'What the person agreed to: "<terms version>,<privacy version>" as GET /legal says them; required when CONSENT_REQUIRED=1',
            ),
          },
        },
        response: loginReplies(
          { re_code: '0', msg: '注册成功' },
          { re_code: '4002', msg: '短信验证码已过期或不存在，请重新获取', reason: 'smsCodeExpired' },
          { re_code: '4003', msg: '该手机号已注册', reason: 'phoneRegistered' },
        ),
      },
    },
    async (request, reply) => {
      const { phone, phone_code: phoneCode, password, password2, types, agree } = request.body;
      const client = clientOf(request);
      const result = await services.accounts.registerAccount(
        { phone, phoneCode, password, password2, types, ...(agree !== undefined && { agree }) },
        client,
      );
      if (!result.ok) return sendFailure(reply, result);
      return handOverSession(services, request, reply, result.value, cookie, 'registered');
    },
  );
}
