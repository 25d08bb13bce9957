import type { FastifyInstance } from 'fastify';
import { sendFailure, sendOk } from '../reply.js';
import { retReply } from '../schemas.js';
import type { RouteOptions } from './options.js';

const expert = {
  type: 'object',
  properties: {
    user_id: { type: 'integer' },
    name: { type: 'string' },
    avatar_url: { type: ['string', 'null'] },
    major: { type: ['string', 'null'] },
    grade: { type: ['string', 'null'] },
  },
} as const;

export const pagingQuery = {
  type: 'object',
  properties: {
    page: { type: 'string', pattern: '^[1-9][0-9]{0,5}$', default: '1' },
    count: { type: 'string', pattern: '^[1-9][0-9]?$', default: '10', description: '1–50' },
  },
} as const;

/** `page` and `count` as numbers, count at most 50. */
export const paging = (query: { page?: string; count?: string }) => ({
  page: Number(query.page ?? 1),
  count: Math.min(50, Number(query.count ?? 10)),
});

/** GET /experts (approved doctors, the seed's paging shape) and GET /experts/:id. */
export default async function expertRoutes(app: FastifyInstance, { services }: RouteOptions) {
  app.get<{ Querystring: { page?: string; count?: string } }>(
    '/experts',
    {
      schema: {
        summary: 'Approved doctors, a page at a time',
        querystring: pagingQuery,
        response: {
          200: {
            ...retReply,
            properties: {
              ...retReply.properties,
              current_page: { type: 'integer' },
              pages: { type: 'integer' },
              total: { type: 'integer' },
              has_next: { type: 'boolean' },
              data: { type: 'array', items: expert },
            },
          },
        },
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
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' } } },
        response: { 200: { ...retReply, properties: { ...retReply.properties, expert } } },
      },
    },
    async (request, reply) => {
      const result = await services.profiles.getExpert(Number(request.params.id));
      return result.ok ? sendOk(reply, 'found', { expert: result.value }) : sendFailure(reply, result);
    },
  );
}
