import type { FastifyInstance } from 'fastify';
import { ADMIN_ACTIONS, type AdminAction } from '../../services/admin.js';
import { clientOf, loggedIn } from '../current-user.js';
import { sendFailure, sendOk } from '../reply.js';
import { named, retReply } from '../schemas.js';
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
        operationId: 'moderateUser',
        response: {
          200: {
            description: 'The outcome, with the account as it now is',
            examples: [
              { re_code: '0', msg: '操作成功' },
              { re_code: '4105', msg: '仅管理员可以进行此操作', reason: 'adminsOnly' },
            ],
            ...named(app, 'ModerateReply', {
              ...retReply,
              properties: {
                ...retReply.properties,
                user: {
                  type: 'object',
                  properties: {
                    user_id: { type: 'integer' },
                    name: { type: 'string' },
                    types: { type: 'string' },
                    role: { type: 'string' },
                    expert_status: { type: ['string', 'null'] },
                    disabled: { type: 'boolean' },
                  },
                },
              },
            }),
          },
        },
        security: [{ session: [] }, { bearer: [] }],
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
      if (!result.ok) return sendFailure(reply, result);
      const user = result.value;
      return sendOk(reply, 'done', {
        user: {
          user_id: user.id,
          name: user.name,
          types: user.types,
          role: user.role,
          expert_status: user.expertStatus,
          disabled: user.disabled,
        },
      });
    },
  );
}
