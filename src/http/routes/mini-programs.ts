import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountType, LinkProvider } from '../../services/users.js';
import { ACCOUNT_TYPES } from '../../services/accounts.js';
import { clientOf, loggedIn } from '../current-user.js';
import { handOverSession } from '../hand-over-session.js';
import { sendFailure, sendOk } from '../reply.js';
import { deviceMarkField, loginReplies, requiredString, retReplies } from '../schemas.js';
import type { RouteOptions } from './options.js';

const PROVIDERS: readonly LinkProvider[] = ['wechat', 'alipay'];

/** Shared by both logins: what a first login opens, and the registration form's consent. */
const accountFields = {
  types: {
    type: 'string',
    enum: ACCOUNT_TYPES,
    default: 'patient',
    description: 'For a first login: the account opened',
  },
  agree: {
    type: 'string',
    maxLength: 80,
    description:
      'For a first login: "<terms version>,<privacy version>" as GET /legal says them (required when CONSENT_REQUIRED=1)',
  },
  device_mark: deviceMarkField,
} as const;

const failures = [
  { re_code: '4104', msg: '首次登录需要授权手机号', reason: 'phoneRequired' },
  { re_code: '4004', msg: '授权码无效或已过期，请重新授权', reason: 'platformCodeInvalid' },
  { re_code: '4201', msg: '平台调用过于频繁，请稍后再试', reason: 'platformRateLimited' },
  { re_code: '4301', msg: '平台服务暂不可用，请稍后再试', reason: 'platformFailed' },
] as const;

interface WeChatBody {
  login_code: string;
  phone_code?: string;
  types?: AccountType;
  agree?: string;
}

interface AlipayBody {
  auth_code: string;
  phone_response?: string;
  types?: AccountType;
  agree?: string;
}

/**
 * Mini-program logins (issue 17): `POST /wechat/sessions` and `POST /alipay/sessions` log a
 * person in with the identity (and, the first time, the phone) the platform vouches for;
 * `POST` and `DELETE /users/links/{provider}` link and unlink a platform to the logged-in account.
 */
export default async function miniProgramRoutes(app: FastifyInstance, { services, cookie }: RouteOptions) {
  const { miniPrograms } = services;

  /** Both logins: the platform's proofs to the service, its answer handed over as every login's is. */
  const logIn = async (
    request: FastifyRequest<{ Body: { types?: AccountType; agree?: string } }>,
    reply: FastifyReply,
    method: 'logInWithWeChat' | 'logInWithAlipay',
    code: string,
    phone: string | undefined,
  ) => {
    const { types, agree } = request.body;
    const result = await miniPrograms[method](
      {
        code,
        ...(phone !== undefined && { phone }),
        ...(types && { types }),
        ...(agree !== undefined && { agree }),
      },
      clientOf(request),
    );
    if (!result.ok) return sendFailure(reply, result);
    return handOverSession(services, request, reply, result.value, cookie, 'loggedIn');
  };

  app.post<{ Body: WeChatBody }>(
    '/wechat/sessions',
    {
      schema: {
        summary:
          'WeChat mini program: log in with wx.login’s code (and, the first time, getPhoneNumber’s code)',
        operationId: 'logInWithWeChat',
        body: {
          type: 'object',
          required: ['login_code'],
          examples: [
            { login_code: '0a3Xyz000abcde1FGhij2klm3NOp3Xyz7' },
            {
              login_code: '0a3Xyz000abcde1FGhij2klm3NOp3Xyz7',
              phone_code: 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144',
            },
          ],
          properties: {
            login_code: requiredString(128, 'The code of wx.login'),
            phone_code: requiredString(256, 'The code of the getPhoneNumber button (first login)'),
            ...accountFields,
          },
        },
        response: loginReplies({ re_code: '0', msg: '登陆成功' }, ...failures),
      },
    },
    (request, reply) =>
      logIn(request, reply, 'logInWithWeChat', request.body.login_code, request.body.phone_code),
  );

  app.post<{ Body: AlipayBody }>(
    '/alipay/sessions',
    {
      schema: {
        summary:
          'Alipay mini program: log in with my.getAuthCode’s code (and, the first time, my.getPhoneNumber’s response)',
        operationId: 'logInWithAlipay',
        body: {
          type: 'object',
          required: ['auth_code'],
          examples: [{ auth_code: '4b203fe6c11548bcabd8da5bb087a83b' }],
          properties: {
            auth_code: requiredString(128, 'The authCode of my.getAuthCode (scopes auth_base)'),
            phone_response: requiredString(
              4096,
              'The whole `response` text my.getPhoneNumber answered (JSON: response, sign, sign_type, encrypt_type, charset)',
            ),
            ...accountFields,
          },
        },
        response: loginReplies({ re_code: '0', msg: '登陆成功' }, ...failures, {
          re_code: '4004',
          msg: '手机号授权数据无效',
          reason: 'phoneProofInvalid',
        }),
      },
    },
    (request, reply) =>
      logIn(request, reply, 'logInWithAlipay', request.body.auth_code, request.body.phone_response),
  );

  app.post<{ Params: { provider: LinkProvider }; Body: { code: string } }>(
    '/users/links/:provider',
    {
      schema: {
        summary: 'Link WeChat or Alipay to the logged-in account (from inside its mini program)',
        operationId: 'linkPlatform',
        params: {
          type: 'object',
          required: ['provider'],
          properties: { provider: { type: 'string', enum: PROVIDERS } },
        },
        body: {
          type: 'object',
          required: ['code'],
          examples: [{ code: '0a3Xyz000abcde1FGhij2klm3NOp3Xyz7' }],
          properties: { code: requiredString(128, 'wx.login’s code, or my.getAuthCode’s') },
        },
        response: retReplies(
          { re_code: '0', msg: '绑定成功' },
          { re_code: '4003', msg: '该微信或支付宝账号已绑定其他用户', reason: 'platformLinkedElsewhere' },
        ),
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      const result = await miniPrograms.link(
        me.user,
        request.params.provider,
        request.body.code,
        clientOf(request),
      );
      return result.ok ? sendOk(reply, 'linked') : sendFailure(reply, result);
    },
  );

  app.delete<{ Params: { provider: LinkProvider } }>(
    '/users/links/:provider',
    {
      schema: {
        summary: 'Unlink WeChat or Alipay from the logged-in account (never its last way to log in)',
        operationId: 'unlinkPlatform',
        params: {
          type: 'object',
          required: ['provider'],
          properties: { provider: { type: 'string', enum: PROVIDERS } },
        },
        response: retReplies(
          { re_code: '0', msg: '解绑成功' },
          { re_code: '4004', msg: '这是账号唯一的登录方式，请先设置密码再解绑', reason: 'lastLoginWay' },
        ),
        security: [{ session: [] }, { bearer: [] }],
      },
    },
    async (request, reply) => {
      const me = await loggedIn(services, cookie, request, reply);
      if (me === null) return reply;
      const result = await miniPrograms.unlink(me.user, request.params.provider, clientOf(request));
      return result.ok ? sendOk(reply, 'unlinked') : sendFailure(reply, result);
    },
  );
}
