import type { FastifyInstance } from 'fastify';
import { ADMIN_ACTIONS, type AdminAction } from '../../services/admin.js';
import { clientOf, loggedIn } from '../current-user.js';
import { sendFailure, sendOk } from '../reply.js';
import { retReplies } from '../schemas.js';
import type { RouteOptions } from './options.js';

/** PUT /admin/users/:id — an admin approves or rejects a doctor, or disables or enables an account. */
export default async function adminRoutes(app: FastifyInstance, { services, cookie }: RouteOptions) {
  app.put<{ Params: { id: string }; Body: { action: AdminAction } }>(
    '/admin/users/:id',
    {
      schema: {
        summary: 'Approve, reject, disable or enable an account (admins only)',
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' } } },
        body: {
          type: 'object',
          required: ['action'],
          examples: [{ action: 'approve' }],
          properties: { action: { type: 'string', enum: ADMIN_ACTIONS } },
        },
        response: retReplies(
          { re_code: '0', msg: '操作成功' },
          { re_code: '4105', msg: '仅管理员可以进行此操作' },
        ),
        security: [{ session: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      const result = await services.admin.moderate(
        me.user,
        Number(request.params.id),
        request.body.action,
        clientOf(request),
      );
      return result.ok ? sendOk(reply, 'done') : sendFailure(reply, result);
    },
  );
}
