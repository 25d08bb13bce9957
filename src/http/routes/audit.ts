import type { FastifyInstance } from 'fastify';
import { RET } from '../../ret.js';
import { pageView } from '../../services/profiles.js';
import { loggedIn } from '../current-user.js';
import { sendOk, sendRet } from '../reply.js';
import { named, paging, pagedReply, pagingQuery } from '../schemas.js';
import type { RouteOptions } from './options.js';

export const auditEntrySchema = {
  type: 'object',
  required: ['id', 'at', 'user_id', 'phone', 'action', 'outcome', 'ip', 'user_agent', 'detail'],
  properties: {
    id: { type: 'integer' },
    at: { type: 'string' },
    user_id: { type: ['integer', 'null'] },
    phone: { type: ['string', 'null'] },
    action: { type: 'string' },
    outcome: { type: 'string' },
    ip: { type: ['string', 'null'] },
    user_agent: { type: ['string', 'null'] },
    detail: { type: ['string', 'null'] },
  },
} as const;

/** GET /audit — one's own recent entries; an admin's `?scope=all` lists everyone's. */
export default async function auditRoutes(app: FastifyInstance, { services, cookie }: RouteOptions) {
  app.get<{ Querystring: { page?: string; count?: string; scope?: 'all' } }>(
    '/audit',
    {
      schema: {
        summary: 'The audit log, newest first',
        operationId: 'listAudit',
        querystring: {
          ...pagingQuery,
          properties: { ...pagingQuery.properties, scope: { type: 'string', enum: ['all'] } },
        },
        response: pagedReply(app, 'AuditPage', named(app, 'AuditEntry', auditEntrySchema)),
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      const everyone = request.query.scope === 'all';
      if (everyone && me.user.role !== 'admin') return sendRet(reply, RET.ROLEERR, 'adminsOnly');
      const { page, count } = paging(request.query);
      const { total, items } = await services.audit.list(
        everyone ? null : me.user.id,
        (page - 1) * count,
        count,
      );
      return sendOk(reply, 'found', pageView(page, count, total, items));
    },
  );
}
