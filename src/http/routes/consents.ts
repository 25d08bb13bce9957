import type { FastifyInstance } from 'fastify';
import { clientOf, loggedIn } from '../current-user.js';
import { sendFailure, sendOk } from '../reply.js';
import { requiredString, retReplies } from '../schemas.js';
import type { RouteOptions } from './options.js';

/** POST /consents — agree (again) to the documents in force, after a version changed (issue 15). */
export default async function consentRoutes(app: FastifyInstance, { services, cookie }: RouteOptions) {
  app.post<{ Body: { agree: string } }>(
    '/consents',
    {
      schema: {
        summary:
          'Agree to the user agreement and the privacy policy in force (when GET /users says consent_required)',
        operationId: 'giveConsent',
        body: {
          type: 'object',
          required: ['agree'],
          examples: [{ agree: '2026-12-01,2026-12-01' }],
          properties: {
            agree: requiredString(80, '"<terms version>,<privacy version>", as GET /legal says them'),
          },
        },
        response: retReplies(
          { re_code: '0', msg: '已同意' },
          {
            re_code: '4103',
            msg: '《用户协议》或《隐私政策》已更新，请重新阅读并同意（当前版本 2026-12-01,2026-12-01）',
            reason: 'consentOutdated',
          },
        ),
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      const result = await services.consents.agree(me.user.id, request.body.agree, clientOf(request));
      return result.ok ? sendOk(reply, 'consentRecorded') : sendFailure(reply, result);
    },
  );
}
