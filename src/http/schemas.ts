import type { FastifyInstance } from 'fastify';
import { RET } from '../ret.js';
import { REASONS, type Reason } from '../shared/api-codes.js';
import { tokenPairSchema } from './token-schemas.js';

/** A required JSON string: present, a string (never coerced), not empty, bounded. */
export const requiredString = (maxLength: number, description?: string) =>
  ({ type: 'string', minLength: 1, maxLength, ...(description ? { description } : {}) }) as const;

export const phoneField = requiredString(
  32,
  'Mainland-China mobile number, 11 digits (^1[3-9]\\d{9}$); a leading +86 or 86 is accepted',
);

/** A password as sent: bounded here; its length rule is the service's, with a message that says it. */
export const passwordField = requiredString(1024);

/** An app's device marks (issue #12), sent back as the last login answered them; browsers use the `device` cookie. */
export const deviceMarkField = requiredString(
  300,
  'Apps without cookies: the device_mark the last login or registration answered (with X-Client: app)',
);

/** The RET codes, with the table in the description (a named schema of the document). */
const retCodeSchema = {
  $id: 'RetCode',
  type: 'string',
  enum: Object.values(RET),
  description: `The RET table: ${Object.entries(RET)
    .map(([name, code]) => `${code} ${name}`)
    .join(', ')}`,
} as const;

/** Why a request was refused: src/shared/api-codes.ts, docs/reasons.md. */
const reasonSchema = {
  $id: 'Reason',
  type: 'string',
  enum: Object.keys(REASONS),
  description: `Why a request was refused, one stable word (docs/reasons.md): ${Object.entries(REASONS)
    .map(([reason, meaning]) => `${reason} (${meaning})`)
    .join('; ')}`,
} as const;

/** The fields of every reply: `re_code` and `msg`; a refusal's `reason` and `field`. */
export const retReply = {
  type: 'object',
  required: ['re_code', 'msg'],
  properties: {
    re_code: { $ref: 'RetCode#' },
    msg: { type: 'string', description: 'A sentence for people, in the language Accept-Language prefers' },
    reason: { $ref: 'Reason#', description: 'Refusals only (re_code not "0"): why, one stable word' },
    field: { type: 'string', description: 'Refusals only: the request field the refusal is about, if one' },
  },
} as const;

const retReplySchema = {
  $id: 'RetReply',
  ...retReply,
  description: 'A reply with no more than the outcome: `re_code`, `msg`, and on a refusal `reason`',
} as const;

/** A refusal at HTTP level (400, 404, 405, 413, 415, 431, 500): `reason` is always there. */
const refusalSchema = {
  $id: 'Refusal',
  ...retReply,
  required: ['re_code', 'msg', 'reason'],
  description: 'A refusal: never re_code "0", always a reason',
} as const;

/** A login's or registration's reply: with `X-Client: app`, the device marks to keep come in the body. */
const loginReplySchema = {
  $id: 'LoginReply',
  ...retReply,
  properties: {
    ...retReply.properties,
    device_mark: {
      type: 'string',
      description: 'With X-Client: app only: keep it, and send it as device_mark at the next login',
    },
    tokens: tokenPairSchema,
  },
} as const;

/** The schemas every route may name (`{ $ref: 'RetReply#' }`); the document lists them as components. */
export const sharedSchemas = [retCodeSchema, reasonSchema, retReplySchema, refusalSchema, loginReplySchema];

/**
 * Adds a route plugin's own reply or item schema under `name`, so that the document lists it
 * as a named component; returns the reference to it.
 */
export function named<T extends object>(app: FastifyInstance, name: string, schema: T) {
  app.addSchema({ $id: name, ...schema });
  return { $ref: `${name}#` } as const;
}

/** The 200 reply of a route, with examples of what it answers (they appear in the OpenAPI document). */
export function retReplies(...examples: { re_code: string; msg: string; reason?: Reason }[]) {
  return {
    200: { $ref: 'RetReply#', description: 'The outcome (HTTP 200 for every business outcome)', examples },
  } as const;
}

export const replies = retReplies();

/** A login's or registration's reply (with Set-Cookie). */
export function loginReplies(...examples: { re_code: string; msg: string; reason?: Reason }[]) {
  return {
    200: { $ref: 'LoginReply#', description: 'The outcome; logged in on re_code "0"', examples },
  } as const;
}

/** A reply in the seed's paging shape, `data` holding items of `item`'s schema, named `name`. */
export function pagedReply<T extends object>(app: FastifyInstance, name: string, item: T) {
  return {
    200: named(app, name, {
      ...retReply,
      properties: {
        ...retReply.properties,
        current_page: { type: 'integer' },
        pages: { type: 'integer' },
        total: { type: 'integer' },
        has_next: { type: 'boolean' },
        data: { type: 'array', items: item },
      },
    }),
  } as const;
}

/** `page` and `count` of a paged list, as query strings. */
export const pagingQuery = {
  type: 'object',
  properties: {
    page: { type: 'string', pattern: '^[1-9][0-9]{0,5}$', default: '1' },
    count: { type: 'string', pattern: '^[1-9][0-9]?$', default: '10', description: '1–50' },
  },
} as const;

/** `page` and `count` as numbers, count at most 50. */
export const paging = (query: { page?: string; count?: string }) => ({
  page: Number(query.page ?? 1),
  count: Math.min(50, Number(query.count ?? 10)),
});
