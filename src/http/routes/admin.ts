import type { FastifyInstance } from 'fastify';
import type { ExpertStatus } from '../../services/users.js';
import { ADMIN_ACTIONS, EXPERT_STATUSES, MAX_ADMIN_PAGE, type AdminAction } from '../../services/admin.js';
import { pageView } from '../../services/profiles.js';
import { clientOf, loggedIn } from '../current-user.js';
import { sendFailure, sendOk } from '../reply.js';
import { named, pagedReply, pagingQuery, retReply } from '../schemas.js';
import type { RouteOptions } from './options.js';

const listedUser = {
  type: 'object',
  required: [
    'user_id',
    'name',
    'phone',
    'types',
    'role',
    'expert_status',
    'disabled',
    'major',
    'grade',
    'created_at',
  ],
  properties: {
    user_id: { type: 'integer' },
    name: {
      type: 'string',
      description:
        'Empty while the person has not chosen a name (a new account is named after its phone, which is not shown here)',
    },
    phone: { type: 'string', description: 'Masked, as in the audit log: 138****5678' },
    types: { type: 'string', enum: ['patient', 'expert'] },
    role: { type: 'string', enum: ['user', 'admin'] },
    expert_status: { type: ['string', 'null'], enum: [...EXPERT_STATUSES, null] },
    disabled: { type: 'boolean' },
    major: { type: ['string', 'null'] },
    grade: { type: ['string', 'null'] },
    created_at: { type: 'string', format: 'date-time' },
  },
} as const;

/**
 * GET /admin/users — accounts for an admin: the doctors awaiting approval, one phone's account.
 * PUT /admin/users/:id — an admin approves or rejects a doctor, or disables or enables an account.
 */
export default async function adminRoutes(app: FastifyInstance, { services, cookie }: RouteOptions) {
  app.get<{ Querystring: { status?: ExpertStatus; phone?: string; page?: string; count?: string } }>(
    '/admin/users',
    {
      schema: {
        summary: 'Accounts, oldest first: doctors by vetting state, or the account of a phone (admins only)',
        description:
          '`status=pending` is the queue of doctors awaiting approval. `phone` is a whole number ' +
          '(a leading +86 or 86 is accepted), matched exactly. Phones come back masked. Each ' +
          'listing is written to the audit log. Refusals: `adminsOnly`, `phoneInvalid`, and those ' +
          'of a missing or expired login.',
        operationId: 'listUsersForAdmin',
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: EXPERT_STATUSES },
            phone: { type: 'string', minLength: 1, maxLength: 32 },
            page: pagingQuery.properties.page,
            count: {
              type: 'string',
              pattern: '^[1-9][0-9]{0,2}$',
              default: '20',
              description: `1–${MAX_ADMIN_PAGE} (more is taken as ${MAX_ADMIN_PAGE})`,
            },
          },
        },
        response: pagedReply(app, 'AdminUserPage', named(app, 'AdminListedUser', listedUser)),
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      const { status, phone } = request.query;
      const page = Number(request.query.page ?? 1);
      const count = Math.min(MAX_ADMIN_PAGE, Number(request.query.count ?? 20));
      const result = await services.admin.listUsers(
        me.user,
        { ...(status !== undefined && { status }), ...(phone !== undefined && { phone }), page, count },
        clientOf(request),
      );
      if (!result.ok) return sendFailure(reply, result);
      return sendOk(reply, 'found', pageView(page, count, result.value.total, result.value.items));
    },
  );

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
