import type { FastifyInstance } from 'fastify';
import { RET } from '../../ret.js';
import { sendOk, sendRet } from '../reply.js';
import { named, requiredString, retReply } from '../schemas.js';
import type { RouteOptions } from './options.js';

/** GET /test/sms — contract §6; registered only when MEDICINE_TEST_HOOKS=1. */
export default async function testHookRoutes(app: FastifyInstance, { services }: RouteOptions) {
  app.get<{ Querystring: { phone: string } }>(
    '/test/sms',
    {
      schema: {
        summary: 'Test hook (MEDICINE_TEST_HOOKS=1, never in production): the last SMS code sent to a phone',
        operationId: 'lastSmsCodeForTests',
        querystring: { type: 'object', required: ['phone'], properties: { phone: requiredString(32) } },
        response: {
          200: named(app, 'TestSmsReply', {
            ...retReply,
            properties: { ...retReply.properties, code: { type: 'string' } },
          }),
        },
      },
    },
    async (request, reply) => {
      const code = await services.smsCodes.lastCodeForTests(request.query.phone);
      if (code === null) return sendRet(reply, RET.NODATA, 'noSmsForPhone');
      return sendOk(reply, 'found', { code });
    },
  );
}
