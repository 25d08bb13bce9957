import swagger from '@fastify/swagger';
import type { SwaggerTransformObject } from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { renderMessage, retMessageKey } from '../../messages.js';
import { RET } from '../../ret.js';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** Left out of the document on purpose (static files, the document itself, /metrics). */
  hidden: boolean;
  schema: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: readonly RegisteredRoute[];
  }
}

type Json = Record<string, unknown>;
interface Operation extends Json {
  operationId?: string;
  security?: unknown[];
  requestBody?: unknown;
  responses: Record<string, Json>;
}

const ref = (kind: 'responses' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** The headers the server sends that a client may read; every response carries X-Request-Id. */
const HEADERS = {
  XRequestId: {
    description:
      "The request's id, as in the server's log: the caller's own X-Request-Id when plain, else a UUID",
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
  },
  RetryAfter: {
    description: 'On a refusal that says when to try again (quotas, lockouts): whole seconds',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  SetCookie: {
    description:
      'The `session` cookie (HttpOnly, SameSite=Lax, Path=/): set at login and registration, renewed on use, ' +
      'cleared at logout; the `device` cookie of the devices a person logged in from',
    schema: { type: 'string' },
  },
  Allow: { description: 'The methods the path answers', required: true, schema: { type: 'string' } },
  CacheControl: {
    description: 'Never cached',
    required: true,
    schema: { type: 'string', const: 'no-store' },
  },
  XCaptchaText: {
    description: 'Test hooks only (MEDICINE_TEST_HOOKS=1, never in production): the text drawn in the image',
    schema: { type: 'string' },
  },
} as const;

const refusal = (description: string, headers: Json = {}) => ({
  description,
  headers: { 'X-Request-Id': ref('headers', 'XRequestId'), ...headers },
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Refusal' } } },
});

/** The HTTP-level refusals (contract §1): each still a `{re_code, msg, reason}` body. */
const RESPONSES = {
  BadJson: refusal('PARAMERR, reason bodyNotJson: the body is not valid JSON'),
  NotFound: refusal('REQERR, reason routeNotFound: no endpoint has this path'),
  MethodNotAllowed: refusal('REQERR, reason methodNotAllowed: the path does not answer this method', {
    Allow: ref('headers', 'Allow'),
  }),
  BodyTooLarge: refusal('REQERR, reason bodyTooLarge: the body is larger than allowed'),
  NotJson: refusal('PARAMERR, reason contentTypeNotJson: the body is not application/json'),
  HeadersTooLarge: {
    description: 'REQERR: the request headers are larger than allowed (answered before any route)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Refusal' } } },
  },
  ServerError: refusal('SERVERERR, reason serverFailed: an unexpected failure (never a stack trace)'),
};

/**
 * What every operation may also answer beside its own replies, and the headers of its
 * replies: written into the document here, in one place, from the same rules as
 * src/http/plugins/errors.ts and src/app.ts follow.
 */
function completeOperations(document: Json): Json {
  const paths = document.paths as Record<string, Record<string, Operation>>;
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      operation.security ??= [];
      const api = path.startsWith('/api/');
      const withSession =
        operation.security.length > 0 ||
        ['logIn', 'register', 'logInWithWeChat', 'logInWithAlipay'].includes(operation.operationId ?? '');
      for (const [status, response] of Object.entries(operation.responses)) {
        const headers: Json = { 'X-Request-Id': ref('headers', 'XRequestId') };
        if (api) headers['Retry-After'] = ref('headers', 'RetryAfter');
        if (withSession) headers['Set-Cookie'] = ref('headers', 'SetCookie');
        if (operation.operationId === 'getImageCode' && status === '200') {
          headers['Cache-Control'] = ref('headers', 'CacheControl');
          headers['X-Captcha-Text'] = ref('headers', 'XCaptchaText');
        }
        response.headers = { ...headers, ...(response.headers as Json | undefined) };
      }
      const responses: Record<string, Json> = {
        404: ref('responses', 'NotFound'),
        405: ref('responses', 'MethodNotAllowed'),
        431: ref('responses', 'HeadersTooLarge'),
        500: ref('responses', 'ServerError'),
      };
      if (method !== 'get' && method !== 'head') {
        responses[400] = ref('responses', 'BadJson');
        responses[413] = ref('responses', 'BodyTooLarge');
        responses[415] = ref('responses', 'NotJson');
      }
      operation.responses = Object.fromEntries(
        Object.entries({ ...responses, ...operation.responses }).sort(([a], [b]) => a.localeCompare(b)),
      );
    }
  }
  const components = document.components as Json;
  components.responses = RESPONSES;
  components.headers = HEADERS;
  return document;
}

interface NamedReply {
  $ref: string;
  description?: string;
  examples?: unknown[];
}

/**
 * A route's reply named by reference (`{ $ref: 'RetReply#', description, examples }`, see
 * src/http/schemas.ts) as a response with that schema and those examples: the reference
 * resolver would drop what stands beside `$ref`.
 */
function namedReplies(schema: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const response = schema?.response as Record<string, NamedReply | Json> | undefined;
  if (schema === undefined || response === undefined) return schema;
  const responses = Object.entries(response).map(([status, reply]) => {
    if (typeof reply.$ref !== 'string') return [status, reply];
    const { $ref, description, examples = [] } = reply as NamedReply;
    const media: Json = { schema: { $ref } };
    if (examples.length > 0)
      media.examples = Object.fromEntries(examples.map((value, i) => [`example${i + 1}`, { value }]));
    return [status, { description: description ?? 'The outcome', content: { 'application/json': media } }];
  });
  return { ...schema, response: Object.fromEntries(responses) };
}

/** The OpenAPI document, generated from the same schemas that validate requests. */
async function openApi(app: FastifyInstance): Promise<void> {
  // Every route as registered, so that a test can prove the document leaves none out and
  // check each schema against JSON Schema's meta-schema (which start-up does not).
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, hidden: route.schema?.hide === true, schema: route.schema });
    }
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Medicine API',
        version: '1.0.0',
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
        description:
          'Every business outcome is HTTP 200 with `{re_code, msg}`; a refusal also has `reason`, one stable ' +
          'word (components.schemas.Reason, docs/reasons.md), and `field` when it is about one request field. ' +
          'Programs read `re_code` and `reason`, never `msg`. A request that reaches no operation is 404 ' +
          '(no such path) or 405 (not this method), unless its body is refused first (400, 413, 415) or its ' +
          'Origin (200, reason crossSiteRefused). RET codes: ' +
          Object.entries(RET)
            .map(([name, code]) => `${code} ${name} (${renderMessage({ key: retMessageKey(code) }, 'zh')})`)
            .join('; '),
      },
      servers: [{ url: 'http://127.0.0.1:5000', description: 'The default address (HOST, PORT)' }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'session' },
          // Issue 14: apps and other services; see the README's "Bearer tokens" section.
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          service: { type: 'http', scheme: 'basic', description: 'SERVICE_CLIENTS name and secret' },
        },
      },
    },
    // Shared schemas are components named by their $id (RetReply, UserReply, …), not def-0, def-1.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url }) => ({
      schema: namedReplies(schema as Json | undefined) as typeof schema,
      url,
    }),
    transformObject: (document) =>
      completeOperations(
        (document as { openapiObject: Json }).openapiObject,
      ) as ReturnType<SwaggerTransformObject>,
  });
}

export default fp(openApi, { name: 'openapi' });
