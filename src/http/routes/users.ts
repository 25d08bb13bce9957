import type { FastifyInstance } from 'fastify';
import type { User } from '../../db/user-store.js';
import { toProfile } from '../../services/accounts.js';
import { sendFailure, sendOk } from '../reply.js';
import { named, retReply } from '../schemas.js';
import { loggedIn } from '../current-user.js';
import {
  PROFILE_FIELDS,
  profileBodySchema,
  storedSchema,
  type ProfileInput,
} from '../../shared/profile-fields.js';
import type { RouteOptions } from './options.js';

const nullable = (type: 'string' | 'integer') => ({ type: [type, 'null'] }) as const;

const userReply = {
  ...retReply,
  properties: {
    ...retReply.properties,
    user: {
      type: 'object',
      required: ['user_id', 'name', 'phone', 'types', 'avatar_url', 'age', 'address'],
      properties: {
        user_id: { type: 'integer' },
        name: storedSchema(PROFILE_FIELDS.name),
        phone: { type: 'string' },
        types: { type: 'string', enum: ['patient', 'expert'] },
        avatar_url: nullable('string'),
        age: storedSchema(PROFILE_FIELDS.age),
        address: storedSchema(PROFILE_FIELDS.address),
      },
    },
  },
} as const;

/** Beside `user` (whose shape the contract fixes): role, doctor standing, doctor's fields. */
const account = {
  type: 'object',
  required: ['role', 'expert_status', 'major', 'grade'],
  properties: {
    role: { type: 'string', enum: ['user', 'admin'] },
    expert_status: { type: ['string', 'null'], enum: ['pending', 'approved', 'rejected', null] },
    major: storedSchema(PROFILE_FIELDS.major),
    grade: storedSchema(PROFILE_FIELDS.grade),
  },
} as const;

/** GET /users only: the mini-program platforms the account is linked to (issue 17). */
const links = {
  type: 'array',
  description: 'The platforms (WeChat, Alipay) this account is linked to; GET /users only',
  items: {
    type: 'object',
    required: ['provider', 'linked_at'],
    properties: {
      provider: { type: 'string', enum: ['wechat', 'alipay'] },
      linked_at: { type: 'string', description: 'ISO 8601 time' },
    },
  },
} as const;

const accountOf = (user: User) => ({
  role: user.role,
  expert_status: user.expertStatus,
  major: user.major,
  grade: user.grade,
});

/** GET /users — who is logged in (contract §2); PUT /users — edit one's own profile. */
export default async function usersRoute(app: FastifyInstance, { services, cookie }: RouteOptions) {
  const reply200 = {
    200: named(app, 'UserReply', {
      ...userReply,
      properties: { ...userReply.properties, account, links },
    }),
  };
  app.get(
    '/users',
    {
      schema: {
        summary: 'The logged-in person',
        operationId: 'currentUser',
        response: reply200,
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      return sendOk(reply, 'found', {
        user: toProfile(me.user),
        account: accountOf(me.user),
        links: await services.miniPrograms.links(me.user.id),
      });
    },
  );

  app.put<{ Body: ProfileInput }>(
    '/users',
    {
      schema: {
        summary: 'Edit one’s profile (major and grade: doctors only)',
        operationId: 'updateProfile',
        body: {
          ...profileBodySchema(PROFILE_FIELDS),
          examples: [
            { name: '张三', age: '35', address: '北京市海淀区' },
            { major: '心内科', grade: 'professor' },
          ],
        },
        response: reply200,
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      const result = await services.profiles.updateProfile(me.user, request.body);
      if (!result.ok) return sendFailure(reply, result);
      return sendOk(reply, 'profileUpdated', {
        user: toProfile(result.value),
        account: accountOf(result.value),
      });
    },
  );
}
