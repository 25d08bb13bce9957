import { RET } from '../ret.js';

/** A required JSON string: present, a string (never coerced), not empty, bounded. */
export const requiredString = (maxLength: number, description?: string) =>
  ({ type: 'string', minLength: 1, maxLength, ...(description ? { description } : {}) }) as const;

export const phoneField = requiredString(
  32,
  'Mainland-China mobile number, 11 digits (^1[3-9]\\d{9}$); a leading +86 or 86 is accepted',
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
