import formBody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientOf } from '../current-user.js';
import { sendFailure, sendOk } from '../reply.js';
import { requiredString, retReplies, retReply } from '../schemas.js';
import { introspectionSchema, tokenPairSchema } from '../token-schemas.js';
import type { RouteOptions } from './options.js';

const REFRESH_EXAMPLE = `${'3f2a'.repeat(16)}.0.${'Qm9vdHN0cmFwLXJlZnJlc2gtdG9rZW4tZXhhbXBsZQ'}`;

const tokenBody = {
  type: 'object',
  required: ['token'],
  examples: [
    { token: 'eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiIsInR5cCI6ImF0K2p3dCJ9...' },
    { token: REFRESH_EXAMPLE, token_type_hint: 'refresh_token' },
  ],
  properties: {
    token: requiredString(4096, 'An access token or a refresh token'),
    token_type_hint: { type: 'string', maxLength: 32 },
  },
} as const;

/** The name and secret of an `Authorization: Basic` header (RFC 6749 §2.3.1: each form-encoded). */
function basicCredentials(request: FastifyRequest): { name: string; secret: string } | null {
  const header = request.headers.authorization;
  if (header === undefined || !/^basic /i.test(header) || header.length > 1024) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return {
      name: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return null;
  }
}

/**
 * POST /tokens/refresh (apps: the next token pair), and for the platform's other services
 * (HTTP Basic, SERVICE_CLIENTS) RFC 7662 introspection and RFC 7009 revocation. Only these
 * routes read form bodies (as those RFCs send them); the rest of the API stays JSON-only.
 */
export default async function tokenRoutes(app: FastifyInstance, { services }: RouteOptions) {
  await app.register(formBody, { bodyLimit: 8192 });

  /** The service asking, or null after answering 401 as RFC 6749 §5.2 says. */
  const serviceClient = (request: FastifyRequest, reply: FastifyReply): string | null => {
    const credentials = basicCredentials(request);
    const client = credentials && services.tokens.serviceClient(credentials.name, credentials.secret);
    if (client) return client;
    void reply
      .code(401)
      .header('www-authenticate', 'Basic realm="medicine", charset="UTF-8"')
      .send({ error: 'invalid_client' });
    return null;
  };

  app.post<{ Body: { refresh_token: string } }>(
    '/tokens/refresh',
    {
      schema: {
        summary: 'Apps: the next token pair for a refresh token (each refresh token is used once)',
        operationId: 'refreshTokens',
        body: {
          type: 'object',
          required: ['refresh_token'],
          examples: [{ refresh_token: REFRESH_EXAMPLE }],
          properties: { refresh_token: requiredString(512) },
        },
        response: {
          200: {
            ...retReply,
            properties: { ...retReply.properties, tokens: tokenPairSchema },
            examples: retReplies(
              { re_code: '0', msg: '令牌已更新' },
              { re_code: '4101', msg: '刷新令牌已被使用过，会话已结束，请重新登录' },
            )[200].examples,
          },
        },
        security: [],
      },
    },
    async (request, reply) => {
      const result = await services.tokens.refresh(request.body.refresh_token, clientOf(request));
      return result.ok
        ? sendOk(reply, 'tokensRefreshed', { tokens: result.value })
        : sendFailure(reply, result);
    },
  );

  app.post<{ Body: { token: string } }>(
    '/tokens/introspect',
    {
      schema: {
        summary: 'Services (RFC 7662): whether a token is in force now, and whose it is',
        operationId: 'introspectToken',
        consumes: ['application/x-www-form-urlencoded'],
        body: tokenBody,
        response: {
          200: introspectionSchema,
          401: { type: 'object', properties: { error: { type: 'string' } } },
        },
        security: [{ service: [] }],
      },
    },
    async (request, reply) => {
      const client = serviceClient(request, reply);
      if (client === null) return reply;
      const answer = await services.tokens.introspect(request.body.token);
      return answer.active ? { ...answer, client_id: client } : answer;
    },
  );

  app.post<{ Body: { token: string } }>(
    '/tokens/revoke',
    {
      schema: {
        summary: 'Services (RFC 7009): end the session a token belongs to',
        operationId: 'revokeToken',
        consumes: ['application/x-www-form-urlencoded'],
        body: tokenBody,
        response: {
          200: { description: 'Done, and for an unknown token too (RFC 7009): an empty body', type: 'null' },
          401: { type: 'object', properties: { error: { type: 'string' } } },
        },
        security: [{ service: [] }],
      },
    },
    async (request, reply) => {
      if (serviceClient(request, reply) === null) return reply;
      await services.tokens.revoke(request.body.token);
      return reply.code(200).send();
    },
  );
}
