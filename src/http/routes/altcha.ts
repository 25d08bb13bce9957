import type { FastifyInstance } from 'fastify';
import { sendFailure, sendOk } from '../reply.js';
import { retReply } from '../schemas.js';
import type { RouteOptions } from './options.js';

/**
 * GET /altcha — issue 12: a signed ALTCHA proof-of-work challenge in altcha-lib's format
 * (`parameters`, `signature`), which the pages' widget fetches and solves; its solution
 * goes to POST /smsCode as `altcha` in place of the image captcha. The reply also carries
 * `re_code` and `msg` like every other; a refusal (IPERR, too many from this address,
 * with Retry-After) has only those.
 */
export default async function altchaRoute(app: FastifyInstance, { services }: RouteOptions) {
  app.get(
    '/altcha',
    {
      schema: {
        summary: 'Get an ALTCHA proof-of-work challenge',
        operationId: 'getAltchaChallenge',
        description:
          'The challenge expires with IMAGE_CODE_TTL_SECONDS; its difficulty (`parameters.data.level`, ' +
          'signed) rises with the SMS sent from this address and with the share of the hourly SMS budget spent.',
        response: {
          200: {
            ...retReply,
            properties: {
              ...retReply.properties,
              parameters: {
                type: 'object',
                additionalProperties: true,
                properties: {
                  algorithm: { type: 'string' },
                  nonce: { type: 'string' },
                  salt: { type: 'string' },
                  cost: { type: 'integer' },
                  keyLength: { type: 'integer' },
                  keyPrefix: { type: 'string' },
                  keySignature: { type: 'string' },
                  expiresAt: { type: 'integer' },
                  data: {
                    type: 'object',
                    properties: { level: { type: 'integer' } },
                  },
                },
              },
              signature: { type: 'string' },
            },
            examples: [
              {
                re_code: '0',
                msg: '验证题已生成',
                parameters: {
                  algorithm: 'PBKDF2/SHA-256',
                  cost: 1000,
                  data: { level: 0 },
                  expiresAt: 1767225900,
                  keyLength: 32,
                  keyPrefix: '5a0c…',
                  keySignature: '9f3e…',
                  nonce: '1b7d…',
                  salt: 'c02a…',
                },
                signature: '4e6f…',
              },
            ],
          },
        },
      },
    },
    async (request, reply) => {
      const result = await services.altcha.issueChallenge(request.ip);
      if (!result.ok) return sendFailure(reply, result);
      const { parameters, signature } = result.value.challenge;
      return sendOk(reply, 'altchaChallenge', { parameters, signature });
    },
  );
}
