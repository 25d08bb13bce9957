import { RET } from '../ret.js';
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

/** Every reply: `re_code` from the RET table and a sentence. */
export const retReply = {
  type: 'object',
  required: ['re_code', 'msg'],
  properties: {
    re_code: { type: 'string', enum: Object.values(RET) },
    msg: { type: 'string' },
  },
} as const;

/** The 200 reply of a route, with examples of what it answers (they appear in the OpenAPI document). */
export function retReplies(...examples: { re_code: string; msg: string }[]) {
  return { 200: { ...retReply, examples } } as const;
}

export const replies = { 200: retReply } as const;

/** A login's or registration's reply: with `X-Client: app`, the device marks to keep come in the body. */
export function loginReplies(...examples: { re_code: string; msg: string }[]) {
  return {
    200: {
      ...retReply,
      properties: {
        ...retReply.properties,
        device_mark: {
          type: 'string',
          description: 'With X-Client: app only: keep it, and send it as device_mark at the next login',
        },
        tokens: tokenPairSchema,
      },
      examples,
    },
  } as const;
}

/** A reply in the seed's paging shape, `data` holding items of `item`'s schema. */
export function pagedReply<T extends object>(item: T) {
  return {
    200: {
      ...retReply,
      properties: {
        ...retReply.properties,
        current_page: { type: 'integer' },
        pages: { type: 'integer' },
        total: { type: 'integer' },
        has_next: { type: 'boolean' },
        data: { type: 'array', items: item },
      },
    },
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
