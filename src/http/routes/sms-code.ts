import type { FastifyInstance } from 'fastify';
import { SMS_PURPOSES, type SmsPurpose } from '../../services/sms-codes.js';
import { clientOf } from '../current-user.js';
import { phoneField, requiredString, retReplies } from '../schemas.js';
import { sendFailure, sendOk } from '../reply.js';
import type { RouteOptions } from './options.js';

interface Body {
  purpose?: SmsPurpose;
  phone: string;
  img_code_client?: string;
  uuid?: string;
  altcha?: string;
}

/** POST /smsCode — contract §3: pass the captcha, then send a 6-digit code. */
export default async function smsCodeRoute(app: FastifyInstance, { services }: RouteOptions) {
  app.post<{ Body: Body }>(
    '/smsCode',
    {
      // A reply of a few dozen bytes, under the compression threshold: no compression hooks.
      compress: false,
      schema: {
        summary: 'Send an SMS verification code',
        operationId: 'sendSmsCode',
        description:
          'One of two ways past the robots: `uuid` + `img_code_client` (the image captcha), or `altcha` ' +
          "(a solved GET /altcha challenge, the widget's base64 payload); neither or both is PARAMERR. " +
          'An ALTCHA solution is accepted once: expired or already used is NODATA, forged, edited or ' +
          'wrongly solved is DATAERR — as a captcha that is not stored, or answered wrong.',
        body: {
          type: 'object',
          required: ['phone'],
          examples: [
            { phone: '13812345678', img_code_client: '3XFE', uuid: '123' },
            { phone: '13812345678', altcha: 'eyJjaGFsbGVuZ2UiOnsicGFyYW1ldGVycyI6…' },
          ],
          properties: {
            phone: phoneField,
            img_code_client: requiredString(16, 'The text the person read in the captcha'),
            uuid: requiredString(64, 'The uuid the captcha was drawn for'),
            altcha: requiredString(
              4096,
              'The ALTCHA widget payload: base64 JSON of the challenge and its solution',
            ),
            purpose: {
              type: 'string',
              enum: SMS_PURPOSES,
              default: 'register',
              description:
                "register (refused for a registered phone); login, reset or delete (deleting one's account; refused for an unknown phone)",
            },
          },
        },
        response: retReplies(
          { re_code: '0', msg: '验证码发送成功' },
          { re_code: '4004', msg: '图片验证码错误', reason: 'captchaWrong' },
          { re_code: '4201', msg: '发送过于频繁，请 42 秒后再试', reason: 'smsResendTooSoon' },
        ),
      },
    },
    async (request, reply) => {
      const { phone, img_code_client: captchaAnswer, uuid: captchaUuid, altcha, purpose } = request.body;
      const result = await services.smsCodes.sendSmsCode(
        { phone, captchaAnswer, captchaUuid, altcha, purpose },
        clientOf(request),
      );
      return result.ok ? sendOk(reply, 'smsSent') : sendFailure(reply, result);
    },
  );
}
