import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { renderMessage, retMessageKey } from '../../messages.js';
import { RET } from '../../ret.js';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** Left out of the document on purpose (static files, the document itself, /metrics). */
  hidden: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: readonly RegisteredRoute[];
  }
}

/** The OpenAPI document, generated from the same schemas that validate requests. */
async function openApi(app: FastifyInstance): Promise<void> {
  // Every route as registered, so that a test can prove the document leaves none out.
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, hidden: route.schema?.hide === true });
    }
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Medicine API',
        version: '1.0.0',
        description:
          'Every reply is HTTP 200 with `{re_code, msg}` for every business outcome. RET codes: ' +
          Object.entries(RET)
            .map(([name, code]) => `${code} ${name} (${renderMessage({ key: retMessageKey(code) }, 'zh')})`)
            .join('; '),
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'session' },
          // Issue 14: apps and other services; see the README's "Bearer tokens" section.
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          service: { type: 'http', scheme: 'basic', description: 'SERVICE_CLIENTS name and secret' },
        },
      },
    },
  });
}

export default fp(openApi, { name: 'openapi' });
