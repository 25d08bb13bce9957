import type { FastifyInstance } from 'fastify';
import type { TokenService } from '../../services/tokens.js';

export interface WellKnownOptions {
  tokens: TokenService;
  /** TOKEN_ISSUER: the documents' URLs are built on it. */
  issuer: string;
}

/** How long other services may keep the key set: a new key is published well before it signs. */
const JWKS_MAX_AGE_SECONDS = 300;

/** The public keys and the discovery document other services verify our tokens with (issue 14). */
export default async function wellKnownRoutes(app: FastifyInstance, { tokens, issuer }: WellKnownOptions) {
  const base = issuer.replace(/\/+$/, '');
  const discovery = {
    issuer,
    jwks_uri: `${base}/.well-known/jwks.json`,
    introspection_endpoint: `${base}/api/1.0/tokens/introspect`,
    revocation_endpoint: `${base}/api/1.0/tokens/revoke`,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
    token_endpoint_auth_signing_alg_values_supported: tokens.algorithms(),
  };

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        summary: 'The public keys that verify access tokens (JWK Set)',
        operationId: 'getJwks',
        security: [],
        response: {
          200: {
            description: 'The JWK Set (RFC 7517): every key that verifies, the signing one first',
            type: 'object',
            required: ['keys'],
            properties: { keys: { type: 'array', items: { type: 'object', additionalProperties: true } } },
          },
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
      return tokens.jwks();
    },
  );

  app.get(
    '/.well-known/openid-configuration',
    {
      schema: {
        summary: 'Where the keys, introspection and revocation are',
        operationId: 'getOpenIdConfiguration',
        security: [],
        response: {
          200: {
            description: 'The discovery document (OpenID Connect Discovery / RFC 8414 subset)',
            type: 'object',
            required: ['issuer', 'jwks_uri', 'introspection_endpoint', 'revocation_endpoint'],
            additionalProperties: true,
            properties: {
              issuer: { type: 'string' },
              jwks_uri: { type: 'string' },
              introspection_endpoint: { type: 'string' },
              revocation_endpoint: { type: 'string' },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
      return discovery;
    },
  );
}
