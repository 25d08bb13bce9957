import type { FastifyInstance } from 'fastify';
import { sendFailure, sendOk } from '../reply.js';
import { named, paging, pagedReply, pagingQuery, retReply } from '../schemas.js';
import type { RouteOptions } from './options.js';

const expert = {
  type: 'object',
  required: ['user_id', 'name', 'avatar_url', 'major', 'grade'],
  properties: {
    user_id: { type: 'integer' },
    name: {
      type: 'string',
      description:
        'Empty while the person has not chosen a name (a new account is named after its phone, which is not shown here)',
    },
    avatar_url: { type: ['string', 'null'] },
    major: { type: ['string', 'null'] },
    grade: { type: ['string', 'null'] },
  },
} as const;

/** GET /experts (approved doctors, the seed's paging shape) and GET /experts/:id. */
export default async function expertRoutes(app: FastifyInstance, { services }: RouteOptions) {
  const expertRef = named(app, 'Expert', expert);
  app.get<{ Querystring: { page?: string; count?: string } }>(
    '/experts',
    {
      schema: {
        summary: 'Approved doctors, a page at a time',
        operationId: 'listExperts',
        querystring: pagingQuery,
        response: pagedReply(app, 'ExpertPage', expertRef),
      },
    },
    async (request, reply) => {
      const { page, count } = paging(request.query);
      return sendOk(reply, 'found', await services.profiles.listExperts(page, count));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/experts/:id',
    {
      schema: {
        summary: 'One approved doctor',
        operationId: 'getExpert',
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' } } },
        response: {
          200: named(app, 'ExpertReply', {
            ...retReply,
            properties: { ...retReply.properties, expert: expertRef },
          }),
        },
      },
    },
    async (request, reply) => {
      const result = await services.profiles.getExpert(Number(request.params.id));
      return result.ok ? sendOk(reply, 'found', { expert: result.value }) : sendFailure(reply, result);
    },
  );
}
