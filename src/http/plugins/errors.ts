import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RET, type Ret } from '../../ret.js';
import { StorageError } from '../../storage-errors.js';
import { renderMessage, retMessageKey, type Message, type MessageKey } from '../../messages.js';
import { sendRet } from '../reply.js';

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** Ajv's first complaint as a sentence a person can act on. */
function describeValidation(issues: ValidationIssue[]): Message {
  const issue = issues[0];
  if (issue === undefined) return { key: retMessageKey(RET.PARAMERR) };
  const field =
    issue.keyword === 'required'
      ? String(issue.params.missingProperty)
      : issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (field === '') return { key: 'bodyNotObject' };
  switch (issue.keyword) {
    case 'required':
      return { key: 'fieldMissing', params: { field } };
    case 'type':
      return { key: 'fieldNotString', params: { field } };
    case 'minLength':
      return { key: 'fieldEmpty', params: { field } };
    case 'maxLength':
      return { key: 'fieldTooLong', params: { field, limit: String(issue.params.limit) } };
    case 'pattern':
      return { key: 'fieldMalformed', params: { field } };
    case 'enum':
      return {
        key: 'fieldNotAllowed',
        params: { field, allowed: (issue.params.allowedValues as unknown[]).join(' / ') },
      };
    default:
      return { key: 'fieldInvalid', params: { field } };
  }
}

/**
 * One place turns everything that is not a business outcome into the contract's JSON:
 * validation → 200 PARAMERR, bad JSON → 400, wrong type → 415, too large → 413,
 * unknown route → 404, wrong method → 405, storage down → DBERR, anything else → 500.
 */
async function errorReplies(app: FastifyInstance): Promise<void> {
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = methodsByPath.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    methodsByPath.set(route.url, methods);
  });

  app.setErrorHandler((error: FastifyError & { validation?: ValidationIssue[] }, request, reply) => {
    if (error.validation) {
      return sendRet(reply, RET.PARAMERR, describeValidation(error.validation));
    }
    if (error instanceof StorageError) {
      request.log.error(
        { err: { name: error.name, message: error.message, cause: causeOf(error) } },
        'storage failed',
      );
      return sendRet(reply, RET.DBERR);
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return sendRet(reply, RET.REQERR, 'bodyTooLarge', 413);
    if (status === 415) return sendRet(reply, RET.PARAMERR, 'contentTypeNotJson', 415);
    if (status === 400) return sendRet(reply, RET.PARAMERR, 'bodyNotJson', 400);
    if (status >= 400 && status < 500) return sendRet(reply, RET.REQERR, undefined, status);
    request.log.error({ err: error }, 'unexpected failure');
    return sendRet(reply, RET.SERVERERR, undefined, 500);
  });

  app.setNotFoundHandler((request, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = methodsByPath.get(path) ?? methodsOfPattern(methodsByPath, path);
    if (allowed !== undefined && allowed.size > 0) {
      reply.header('allow', [...allowed].join(', '));
      return sendRet(reply, RET.REQERR, 'methodNotAllowed', 405);
    }
    return sendRet(reply, RET.REQERR, 'routeNotFound', 404);
  });
}

/** The methods of a route with parameters (`/sessions/:id`) whose pattern the path fits. */
function methodsOfPattern(methodsByPath: Map<string, Set<string>>, path: string): Set<string> | undefined {
  for (const [url, methods] of methodsByPath) {
    if (!url.includes(':')) continue;
    const pattern = url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    if (new RegExp(`^${pattern.join('/')}$`).test(path)) return methods;
  }
  return undefined;
}

function causeOf(error: Error): string | undefined {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause === undefined) return undefined;
  // The driver's code names the failure without echoing SQL or values into the log.
  return typeof cause.code === 'string'
    ? cause.code
    : typeof cause.message === 'string'
      ? cause.message.slice(0, 200)
      : undefined;
}

/**
 * Fastify's `frameworkErrors`: failures found before any route or hook runs. A URL that
 * cannot be percent-decoded is malformed input, as malformed JSON is (400 PARAMERR); a
 * path parameter past Fastify's length limit is an oversized request, as a body too
 * large is (414 REQERR).
 */
export function frameworkErrorReply(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // The app's onSend hooks do not run for these replies: the headers every API reply has are set here.
  reply.headers({
    'x-request-id': request.id,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  if (error.code === 'FST_ERR_BAD_URL') {
    sendRet(reply, RET.PARAMERR, 'urlMalformed', 400);
  } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendRet(reply, RET.REQERR, 'urlTooLong', 414);
  } else {
    request.log.error({ err: error }, 'unexpected failure');
    sendRet(reply, RET.SERVERERR, undefined, 500);
  }
}

/** Node's parser refusals, by error code: HTTP status, RET code and sentence. */
function clientErrorOutcome(code: string | undefined): { status: number; ret: Ret; key: MessageKey } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, ret: RET.REQERR, key: 'headersTooLarge' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, ret: RET.REQERR, key: 'requestTimedOut' };
  return { status: 400, ret: RET.PARAMERR, key: 'requestMalformed' };
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the request (headers too
 * large, bytes that are not HTTP, too slow) before Fastify saw it, so there is no reply
 * object, only the socket. The answer is written by hand, still as the contract's JSON;
 * the headers were not read, so the sentence is in the default language.
 */
export function clientErrorReply(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  // A reset connection is gone: nothing to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, ret, key } = clientErrorOutcome(error.code);
  this.log.debug({ err: { code: error.code, message: error.message } }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify({ re_code: ret, msg: renderMessage({ key }, 'zh') });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Cache-Control: no-store\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}

export default fp(errorReplies, { name: 'error-replies' });
