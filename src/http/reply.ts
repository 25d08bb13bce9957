import type { FastifyReply } from 'fastify';
import {
  preferredLanguage,
  renderMessage,
  retMessageKey,
  type Message,
  type MessageKey,
} from '../messages.js';
import type { Failure, Ret } from '../ret.js';
import { RET } from '../ret.js';

/** The JSON every endpoint answers with: a RET code and a sentence. */
export interface RetBody {
  re_code: Ret;
  msg: string;
}

/** `{re_code, msg}` with `msg` in the language the request prefers (Chinese by default). */
export function retBody(
  reply: FastifyReply,
  code: Ret,
  message: MessageKey | Message = retMessageKey(code),
): RetBody {
  const language = preferredLanguage(reply.request.headers['accept-language']);
  reply.header('vary', 'Accept-Language');
  return {
    re_code: code,
    msg: renderMessage(typeof message === 'string' ? { key: message } : message, language),
  };
}

/** A RET reply; HTTP 200 unless it is one of the contract's HTTP-level failures. */
export function sendRet(
  reply: FastifyReply,
  code: Ret,
  message: MessageKey | Message = retMessageKey(code),
  status = 200,
): FastifyReply {
  return reply.code(status).send(retBody(reply, code, message));
}

/** A business refusal, as HTTP 200 (contract §1), with `Retry-After` where it applies. */
export function sendFailure(reply: FastifyReply, failure: Failure): FastifyReply {
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  return sendRet(reply, failure.code, failure.message);
}

export function sendOk<T extends object>(reply: FastifyReply, message: MessageKey, extra?: T): FastifyReply {
  return reply.code(200).send({ ...retBody(reply, RET.OK, message), ...extra });
}
