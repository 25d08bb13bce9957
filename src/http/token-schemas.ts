/** Schemas of the token feature (issue 14), shared by the login routes and the token routes. */

/** The pair an app keeps: `X-Client: app` logins and registrations, and POST /tokens/refresh, answer it. */
export const tokenPairSchema = {
  type: 'object',
  description: 'With X-Client: app only (no cookie is set): the bearer access token and the refresh token',
  required: ['access_token', 'token_type', 'expires_in', 'refresh_token', 'refresh_expires_in'],
  properties: {
    access_token: {
      type: 'string',
      description: 'A JWT (EdDSA); send it as Authorization: Bearer <access_token>',
    },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer', description: 'Seconds the access token lives' },
    refresh_token: { type: 'string', description: 'Buys the next pair at POST /tokens/refresh, once' },
    refresh_expires_in: { type: 'integer', description: 'Seconds the refresh token lives unless used' },
  },
} as const;

/** RFC 7662's answer. */
export const introspectionSchema = {
  type: 'object',
  required: ['active'],
  properties: {
    active: { type: 'boolean' },
    token_type: { type: 'string', enum: ['access_token', 'refresh_token'] },
    sub: { type: 'string', description: 'The user id' },
    sid: { type: 'string', description: 'The session' },
    exp: { type: 'integer' },
    iat: { type: 'integer' },
    iss: { type: 'string' },
    aud: { type: 'string' },
    jti: { type: 'string' },
    role: { type: 'string', enum: ['user', 'admin'] },
    expert_status: { type: ['string', 'null'], enum: ['pending', 'approved', 'rejected', null] },
    client_id: { type: 'string', description: 'The service that asked' },
  },
} as const;
