import { newPrivateKey } from '../../src/tokens/keys.js';

/** What production requires of the token feature (issue 14): a signing key and the issuer's URL. */
export const PRODUCTION_TOKEN_ENV = Object.freeze({
  JWT_PRIVATE_KEYS: JSON.stringify(newPrivateKey()),
  TOKEN_ISSUER: 'https://auth.example.cn',
});
