import type { FastifyReply } from 'fastify';
import { RET, RET_MESSAGES, type Failure, type Ret } from '../ret.js';

/** The JSON every endpoint answers with: a RET code and a sentence. */
export interface RetBody {
  re_code: Ret;
  msg: string;
}

export function retBody(code: Ret, msg: string = RET_MESSAGES[code]): RetBody {
  return { re_code: code, msg };
}

/** A business refusal, as HTTP 200 (contract §1), with `Retry-After` where it applies. */
export function sendFailure(reply: FastifyReply, failure: Failure): FastifyReply {
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  return reply.code(200).send(retBody(failure.code, failure.msg));
}

export function sendOk<T extends object>(reply: FastifyReply, msg: string, extra?: T): FastifyReply {
  return reply.code(200).send({ ...retBody(RET.OK, msg), ...extra });
}
