import type { FastifyInstance } from 'fastify';
import type { User } from '../../services/users.js';
import { toProfile } from '../../services/accounts.js';
import { sendFailure, sendOk } from '../reply.js';
import { named, requiredString, retReplies, retReply } from '../schemas.js';
import { clientOf, loggedIn } from '../current-user.js';
import { clearSessionCookie } from '../session-cookie.js';
import { auditEntrySchema } from './audit.js';
import { sessionInfo } from './sessions.js';
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
  required: ['role', 'expert_status', 'major', 'grade', 'consent_required'],
  properties: {
    role: { type: 'string', enum: ['user', 'admin'] },
    expert_status: { type: ['string', 'null'], enum: ['pending', 'approved', 'rejected', null] },
    major: storedSchema(PROFILE_FIELDS.major),
    grade: storedSchema(PROFILE_FIELDS.grade),
    consent_required: {
      type: 'boolean',
      description:
        'Issue 15: the person has not agreed to the documents in force (a version changed): ask, then POST /consents',
    },
  },
} as const;

/** A copy of one's data (GET /users/export). */
const personalData = {
  type: 'object',
  required: ['exported_at', 'profile', 'consents', 'sessions', 'audit'],
  properties: {
    exported_at: { type: 'string' },
    profile: {
      type: 'object',
      required: [...userReply.properties.user.required, ...account.required.slice(0, 4), 'created_at'],
      properties: {
        ...userReply.properties.user.properties,
        ...account.properties,
        created_at: { type: 'string' },
      },
    },
    consents: {
      type: 'array',
      items: {
        type: 'object',
        required: ['terms_version', 'privacy_version', 'agreed_at', 'ip', 'user_agent'],
        properties: {
          terms_version: { type: 'string' },
          privacy_version: { type: 'string' },
          agreed_at: { type: 'string' },
          ip: nullable('string'),
          user_agent: nullable('string'),
        },
      },
    },
    sessions: { type: 'array', items: sessionInfo },
    audit: { type: 'array', items: auditEntrySchema },
  },
} as const;

interface DeleteBody {
  password?: string;
  phone_code?: string;
}

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

/** GET /users — who is logged in (contract §2); PUT /users — edit one's own profile. */
export default async function usersRoute(app: FastifyInstance, { services, cookie }: RouteOptions) {
  const accountOf = async (user: User) => ({
    role: user.role,
    expert_status: user.expertStatus,
    major: user.major,
    grade: user.grade,
    consent_required: await services.consents.consentRequired(user.id),
  });
  const reply200 = {
    200: named(app, 'UserReply', {
      ...userReply,
      properties: { ...userReply.properties, account, links },
    }),
  };
  app.get(
    '/users',
    {
      // A few hundred bytes, under the compression threshold: no compression hooks on the hottest route.
      compress: false,
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
        account: await accountOf(me.user),
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
        account: await accountOf(result.value),
      });
    },
  );

  app.delete<{ Body: DeleteBody | undefined }>(
    '/users',
    {
      schema: {
        summary:
          'Delete one’s account and its personal data, with fresh proof (the password, or an SMS code sent for delete)',
        operationId: 'deleteAccount',
        body: {
          type: 'object',
          examples: [{ password: 'a long password' }, { phone_code: '003533' }],
          properties: {
            password: requiredString(1024, 'The password, again'),
            phone_code: requiredString(16, 'Or an SMS code sent with purpose "delete"'),
          },
        },
        response: retReplies(
          { re_code: '0', msg: '账号已注销' },
          { re_code: '4106', msg: '原密码错误', reason: 'oldPasswordWrong' },
        ),
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      const { password, phone_code: phoneCode } = request.body ?? {};
      const result = await services.accounts.deleteAccount(
        me.user,
        { ...(password !== undefined && { password }), ...(phoneCode !== undefined && { phoneCode }) },
        clientOf(request),
      );
      if (!result.ok) return sendFailure(reply, result);
      if (me.sessionId !== undefined) clearSessionCookie(reply, cookie);
      return sendOk(reply, 'accountDeleted');
    },
  );

  app.get(
    '/users/export',
    {
      schema: {
        summary: 'A copy of one’s data: profile, consents, sessions, audit entries (a JSON download)',
        operationId: 'exportData',
        response: {
          200: named(app, 'PersonalDataReply', {
            ...retReply,
            properties: { ...retReply.properties, data: personalData },
          }),
        },
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      const data = await services.personalData.exportData(me.user, me.sessionHash, clientOf(request));
      reply.header('content-disposition', `attachment; filename="medicine-data-${me.user.id}.json"`);
      return sendOk(reply, 'found', { data });
    },
  );
}
