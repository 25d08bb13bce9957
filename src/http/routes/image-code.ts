import type { FastifyInstance } from 'fastify';
import { sendFailure } from '../reply.js';

import type { RouteOptions } from './options.js';

const CAPTCHA_ID = /^[A-Za-z0-9_-]{1,64}$/;

interface Query {
  uuid: string;
  last_uuid?: string;
}

/** GET /imageCode — contract §3: draw a captcha for `uuid`, forget `last_uuid`'s. */
export default async function imageCodeRoute(app: FastifyInstance, { services, testHooks }: RouteOptions) {
  app.get<{ Querystring: Query }>(
    '/imageCode',
    {
      // A JPEG, compressed already: no compression hooks.
      compress: false,
      schema: {
        summary: 'Get an image captcha',
        operationId: 'getImageCode',
        querystring: {
          type: 'object',
          required: ['uuid'],
          properties: {
            uuid: {
              type: 'string',
              pattern: CAPTCHA_ID.source,
              description: "The client's id for this captcha",
            },
            // Anything up to 66 characters is accepted, including the seed's literal `""`.
            last_uuid: { type: 'string', maxLength: 66, description: "The client's previous captcha id" },
          },
        },
        response: {
          200: {
            description: 'The captcha as a JPEG; a refusal (PARAMERR, REQERR) as JSON',
            content: {
              'image/jpeg': { schema: { type: 'string', format: 'binary' } },
              'application/json': { schema: { $ref: 'RetReply#' } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { uuid, last_uuid: lastUuid } = request.query;
      const previous = lastUuid !== undefined && CAPTCHA_ID.test(lastUuid) ? lastUuid : undefined;
      const result = await services.captchas.issueCaptcha(uuid, previous, request.ip);
      if (!result.ok) return sendFailure(reply, result);
      const captcha = result.value;
      reply.header('content-type', captcha.contentType).header('cache-control', 'no-store');
      if (testHooks) reply.header('x-captcha-text', captcha.text);
      return reply.send(captcha.image);
    },
  );
}
