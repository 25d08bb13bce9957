import type { FastifyInstance } from 'fastify';
import { phoneField, replies, requiredString } from '../schemas.js';
import { sendFailure, sendOk } from '../reply.js';
import type { RouteOptions } from './options.js';

interface Body {
  phone: string;
  img_code_client: string;
  uuid: string;
}

/** POST /smsCode — contract §3: pass the captcha, then send a 6-digit code. */
export default async function smsCodeRoute(app: FastifyInstance, { services }: RouteOptions) {
  app.post<{ Body: Body }>(
    '/smsCode',
    {
      schema: {
        summary: 'Send an SMS verification code',
        body: {
          type: 'object',
          required: ['phone', 'img_code_client', 'uuid'],
          properties: {
            phone: phoneField,
            img_code_client: requiredString(16, 'The text the person read in the captcha'),
            uuid: requiredString(64, 'The uuid the captcha was drawn for'),
          },
        },
        response: replies,
      },
    },
    async (request, reply) => {
      const { phone, img_code_client: captchaAnswer, uuid: captchaUuid } = request.body;
      const result = await services.smsCodes.sendSmsCode({
        phone,
        captchaAnswer,
        captchaUuid,
        ip: request.ip,
      });
      return result.ok ? sendOk(reply, 'smsSent') : sendFailure(reply, result);
    },
  );
}
