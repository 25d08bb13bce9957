import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { renderMessage, retMessageKey } from '../../messages.js';
import { RET } from '../../ret.js';

/** The OpenAPI document, generated from the same schemas that validate requests. */
async function openApi(app: FastifyInstance): Promise<void> {
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
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'session' } },
      },
    },
  });
}

export default fp(openApi, { name: 'openapi' });
